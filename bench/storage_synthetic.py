"""A synthetic archive for the storage benchmark: deterministic posts and threads with Zipf-distributed words.

Words come from a made-up vocabulary (pronounceable syllable strings, no real text) drawn with Zipf weights,
so the most common words occur in nearly every post, like "the" in English, and the rarest in a handful. Comment
counts are skewed (most posts have a few, some many) and every `BIG_EVERY`-th post has a 1,000-comment thread.
Everything is a function of the seed and the sizes.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property

from storage.records import THREADBOOK_VERSION, Blog, Capture, Comment, Post

VOCABULARY = 30_000  # distinct words
BLOGS = 10
BIG_THREAD = 1_000  # comments in the big threads
BIG_EVERY = 10_000  # post 0, 10,000, 20,000 ... carry a big thread
POST_WORDS = (150, 450)  # words in a post body (uniform)
COMMENT_WORDS = (8, 90)
_SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in ("a", "e", "i", "o", "u", "ai", "ou")]
_EPOCH = datetime(2012, 1, 1, tzinfo=UTC)


def make_vocabulary(seed: int, size: int = VOCABULARY) -> list[str]:
    """`size` distinct made-up words; index 0 is the most common."""
    rng = random.Random(f"vocabulary-{seed}")
    words: list[str] = []
    seen: set[str] = set()
    while len(words) < size:
        # Common words are short, rare ones long, as in real languages.
        syllables = 1 + min(4, len(words) // 400 + rng.randint(0, 1))
        word = "".join(rng.choice(_SYLLABLES) for _ in range(syllables))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def comment_counts(posts: int, comments: int, seed: int) -> list[int]:
    """How many comments each post gets: exactly `comments` in all, skewed, big threads on every BIG_EVERY-th."""
    rng = random.Random(f"counts-{seed}")
    counts = [0] * posts
    big = [i for i in range(0, posts, BIG_EVERY)]
    left = comments
    for i in big:
        counts[i] = min(BIG_THREAD, left)
        left -= counts[i]
    rest = [i for i in range(posts) if i % BIG_EVERY]
    if not rest or left <= 0:
        return counts
    weights = [rng.random() ** 3 for _ in rest]  # skewed: most posts get a few, some many
    total = sum(weights)
    given = 0
    for i, weight in zip(rest, weights, strict=True):
        counts[i] = int(weight / total * left)
        given += counts[i]
    for i in itertools.islice(itertools.cycle(rest), left - given):
        counts[i] += 1
    return counts


@dataclass(frozen=True)
class SyntheticArchive:
    """The content of the benchmark archive, made post by post on demand."""

    posts: int
    comments: int
    seed: int = 7

    @cached_property
    def vocabulary(self) -> list[str]:
        return make_vocabulary(self.seed)

    @cached_property
    def _cum_weights(self) -> list[float]:
        return list(itertools.accumulate(1.0 / (rank + 1) for rank in range(len(self.vocabulary))))

    @cached_property
    def counts(self) -> list[int]:
        return comment_counts(self.posts, self.comments, self.seed)

    def blogs(self) -> list[Blog]:
        return [
            Blog(url=f"https://blog{b}.example/", title=f"Synthetic blog {b}", platform="wordpress", language="en")
            for b in range(BLOGS)
        ]

    def blog_of(self, index: int) -> int:
        """0-based blog number of post `index`."""
        return index % BLOGS

    def _text(self, rng: random.Random, words: int, sentence: int = 14) -> str:
        drawn = rng.choices(self.vocabulary, cum_weights=self._cum_weights, k=words)
        parts = []
        for start in range(0, words, sentence):
            chunk = " ".join(drawn[start : start + sentence])
            parts.append(chunk[:1].upper() + chunk[1:] + ".")
        return " ".join(parts)

    def post(self, index: int) -> Post:
        rng = random.Random(self.seed * 1_000_003 + index)
        published = _EPOCH + timedelta(hours=index * 2 + rng.randint(0, 1))
        words = rng.randint(*POST_WORDS)
        body = "\n\n".join(self._text(rng, n) for n in _split(words, 4))
        url = f"https://blog{self.blog_of(index)}.example/{published:%Y/%m}/post-{index}/"
        return Post(
            url=url,
            title=self._text(rng, rng.randint(2, 7), sentence=99).rstrip("."),
            author=f"Author {index % 37}",
            published_at=published,
            updated_at=None,
            body_md=body,
            source_id=str(index),
            categories=(f"category {index % 20}",),
            tags=(f"tag {index % 50}", f"tag {index % 7 + 50}"),
            comments=self._thread(rng, index, self.counts[index], published),
            captured_at=published + timedelta(days=30),
            # What an import records for each post: provenance without a body.
            captures=(
                Capture(
                    url=url,
                    final_url=url,
                    status=0,
                    fetched_at=published + timedelta(days=30),
                    content_sha256="0" * 64,
                    media_type="application/xml",
                    tool_version=THREADBOOK_VERSION,
                ),
            ),
        )

    def _thread(self, rng: random.Random, index: int, count: int, published: datetime) -> tuple[Comment, ...]:
        """`count` comments in display order: threads depth-first, up to 4 deep."""
        out: list[Comment] = []
        stack: list[tuple[str, int]] = []  # (source id, next child position) from the top level down
        top = 0
        for n in range(count):
            depth = 0 if not stack else min(len(stack), rng.choice((0, 0, 1, 1, 2, 3, 4)))
            del stack[depth:]
            if depth == 0:
                position, top = top, top + 1
                parent = None
            else:
                parent, position = stack[depth - 1]
                stack[depth - 1] = (parent, position + 1)
            source_id = f"{index}-{n}"
            stack.append((source_id, 0))
            out.append(
                Comment(
                    source_id=source_id,
                    parent_source_id=parent,
                    position=position,
                    depth=depth,
                    author=f"Reader {rng.randint(1, 5000)}",
                    author_url=None,
                    published_at=published + timedelta(minutes=5 * n + 1),
                    kind="comment",
                    body_md=self._text(rng, rng.randint(*COMMENT_WORDS)),
                )
            )
        return tuple(out)

    def iter_posts(self) -> Iterator[tuple[int, Post]]:
        for index in range(self.posts):
            yield index, self.post(index)

    QUERY_CLASSES = (
        ("one common word (top 300)", 40),
        ("one middle word", 30),
        ("one rare word", 30),
        ("two common words", 25),
        ("common + rare", 25),
        ("two middle words", 10),
        ("three common words", 20),
        ("common + middle + rare", 20),
    )  # in the order `queries` lists them

    def queries(self) -> list[str]:
        """The fixed 200 queries: one to three words, common and rare (deterministic), in `QUERY_CLASSES` order."""
        rng = random.Random(f"queries-{self.seed}")
        vocab = self.vocabulary
        common = vocab[:300]
        middle = vocab[300:5_000]
        rare = vocab[5_000:]
        out = [rng.choice(common) for _ in range(40)]  # one common word (the top 300)
        out += [rng.choice(middle) for _ in range(30)]
        out += [rng.choice(rare) for _ in range(30)]
        out += [f"{rng.choice(common)} {rng.choice(common)}" for _ in range(25)]
        out += [f"{rng.choice(common)} {rng.choice(rare)}" for _ in range(25)]
        out += [f"{rng.choice(middle)} {rng.choice(middle)}" for _ in range(10)]
        out += [" ".join(rng.choice(common) for _ in range(3)) for _ in range(20)]
        out += [f"{rng.choice(common)} {rng.choice(middle)} {rng.choice(rare)}" for _ in range(20)]
        assert len(out) == 200
        return out


def _split(total: int, parts: int) -> list[int]:
    base = total // parts
    return [base] * (parts - 1) + [total - base * (parts - 1)]
