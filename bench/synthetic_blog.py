"""A synthetic WordPress blog of any size, deterministic from a seed, served on loopback (benchmarks and tests).

    blog = SyntheticBlog(seed=1, posts=5_000, comments=100_000, comments_per_page=50, images=2_000)
    with serve_synthetic_blog(blog, hosts=4) as server:   # 4 ports = 4 "hosts", each the same blog at its origin
        archive(server.urls[0])
        print(len(server.requests()), "requests")

The blog looks like a WordPress 6.x classic theme (Twenty Sixteen markup, as `tools/make_sample_blog.py` writes it):
pretty permalinks `/YYYY/MM/DD/slug/`, threaded comments paginated by top-level threads with the newest page at
the post URL and the older ones at `/comment-page-N/` (WordPress's "last page displayed by default"), `?replytocom=`
reply links, listing pages `/page/N/`, category, tag and author archives, the posts feed `/feed/` paged by
`?paged=N`, the comments feed `/comments/feed/`, core sitemaps (`/wp-sitemap.xml`, 2,000 URLs per post sitemap),
robots.txt, PNG images under `/wp-content/uploads/`, and the REST API (`/wp-json/wp/v2/comments`, `/posts`).
Every answer has a strong ETag and a Last-Modified and answers 304 to a matching conditional request; text is
gzipped for clients that ask. Pages are made on request (nothing is written to disk), so a 5,000-post server
starts in about a second.

Comments are skewed like real blogs: most posts have a few, a few have hundreds (a Pareto draw, capped at
`max_comments_per_post`), and about 45 % are replies, nested up to 5 levels deep (WordPress's default).
"""

from __future__ import annotations

import email.utils
import gzip
import hashlib
import math
import multiprocessing
import random
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from functools import cached_property
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = [
    "SyntheticBlog",
    "SyntheticComment",
    "SyntheticPost",
    "SyntheticServer",
    "LoggedRequest",
    "serve_synthetic_blog",
]

START = datetime(2014, 1, 6, 9, 0, tzinfo=UTC)
MAX_DEPTH = 5  # WordPress's default "nested comments 5 levels deep"
REPLY_SHARE = 0.45
CATEGORIES = ("Workshop", "Type", "Paper", "Ink", "Presses", "Teaching", "Bindings", "Travel")
TAGS = tuple(
    "letterpress wood-type lead bristol history proofing posters poetry restoration courses "
    "platen cylinder linocut guest-post exhibitions tools colour rollers books fairs".split()
)
AUTHORS = (("margaret", "Margaret Hale"), ("tomasz", "Tomasz Wrona"), ("aoife", "Aoife Byrne"))
WORDS = tuple(
    "archive thread comment reader letter answer question river garden winter summer morning evening history "
    "memory language village harbour market window library theatre journey careful quiet bright ancient modern "
    "simple gentle patient curious honest press platen forme chase quoin furniture roller ink paper proof "
    "type case serif italic kerning leading margin binding fold stitch board cloth foil deckle cotton".split()
)
TITLE_WORDS = tuple(
    "Notes Morning Proofs Letters Winter Rollers Margins Paper Press Type Ink Quiet Workshop Harbour "
    "Lessons Folding Cases Small Long Patient Bright Honest Old New Second Last".split()
)
COMMENTERS = tuple(
    "Ada Birch|Ben Okafor|Clara Vogt|Dev Patel|Elin Sørensen|Farid Haddad|Grace Lin|Hugo Marchetti|Ines Duarte|"
    "Jonas Weber|Kemi Adeyemi|Lars Holm|Maya Cohen|Niall Brennan|Olga Petrova|Pia Kowalska|Quinn Avery|"
    "Rosa Jiménez|Sam Taylor|Tariq Aziz|Una Walsh|Viktor Novak|Wen Zhao|Yusuf Demir|Zoe Fraser".split("|")
)


@dataclass(frozen=True, slots=True)
class SyntheticPost:
    """One post's metadata (its comments come from `SyntheticBlog.comments_of`)."""

    index: int  # 0 = oldest
    id: int  # WordPress post id
    slug: str
    title: str
    author: str  # author slug
    category: str
    tags: tuple[str, ...]
    published_at: datetime
    modified_at: datetime
    comment_count: int
    first_comment_id: int
    images: tuple[int, ...]  # image numbers shown in the body

    @property
    def path(self) -> str:
        return f"/{self.published_at:%Y/%m/%d}/{self.slug}/"


@dataclass(frozen=True, slots=True)
class SyntheticComment:
    id: int
    parent: int | None  # parent comment id
    depth: int  # 0 = top level
    author: str
    author_url: str | None
    published_at: datetime
    paragraphs: tuple[str, ...]


class SyntheticBlog:
    """A WordPress blog made up from `seed`: `posts` posts sharing exactly `comments` comments and `images` images.

    `comments_per_page` is WordPress's "top level comments per page" (0: no comment pages). Everything is
    deterministic: two blogs with the same arguments serve the same bytes. Posts are listed oldest first.
    """

    def __init__(
        self,
        seed: int = 1,
        posts: int = 5_000,
        comments: int = 100_000,
        comments_per_page: int = 50,
        images: int | None = None,
        *,
        max_comments_per_post: int = 800,
        posts_per_page: int = 10,
        feed_items: int = 10,
        rest_api: bool = True,
        title: str = "The Synthetic Press",
    ) -> None:
        if posts < 1 or comments < 0:
            raise ValueError("a synthetic blog needs at least one post and no negative comment count")
        self.arguments: dict[str, Any] = dict(
            seed=seed,
            posts=posts,
            comments=comments,
            comments_per_page=comments_per_page,
            images=images,
            max_comments_per_post=max_comments_per_post,
            posts_per_page=posts_per_page,
            feed_items=feed_items,
            rest_api=rest_api,
            title=title,
        )  # what rebuilds this blog in another process
        self.seed, self.post_count, self.comment_total = seed, posts, comments
        self.comments_per_page = comments_per_page
        self.image_total = posts // 3 if images is None else images
        self.max_comments_per_post = max(max_comments_per_post, math.ceil(comments / posts))
        self.posts_per_page, self.feed_items, self.rest_api, self.title = posts_per_page, feed_items, rest_api, title
        self._cache: dict[int, tuple[SyntheticComment, ...]] = {}
        self._cache_lock = threading.Lock()
        self.posts: tuple[SyntheticPost, ...] = self._make_posts()
        self._generated = [post.comment_count for post in self.posts]  # comments made from the seed, per post
        self._added: dict[int, list[SyntheticComment]] = {}  # comments added later (add_comment)
        self._next_id = 1_000 + comments
        self._by_path = {post.path: post for post in self.posts}
        self._by_id = {post.id: post for post in self.posts}

    # -- the plan ------------------------------------------------------------------------------------------

    def _make_posts(self) -> tuple[SyntheticPost, ...]:
        rng = random.Random(f"{self.seed}:posts")
        counts = _apportion(
            self.comment_total,
            [rng.paretovariate(1.2) - 1.0 for _ in range(self.post_count)],
            self.max_comments_per_post,
        )
        images: dict[int, list[int]] = {}
        for number in range(self.image_total):
            images.setdefault(number * self.post_count // max(1, self.image_total), []).append(number)
        posts, moment, next_comment = [], START, 1_000
        for index in range(self.post_count):
            moment += timedelta(minutes=rng.randint(6 * 60, 30 * 60))
            words = [rng.choice(TITLE_WORDS) for _ in range(rng.randint(2, 5))]
            title = f"{' '.join(words)}, no. {index + 1}"
            edited = rng.random() < 0.2
            posts.append(
                SyntheticPost(
                    index=index,
                    id=10 + 3 * index,
                    slug=_slug(title),
                    title=title,
                    author=AUTHORS[rng.randrange(len(AUTHORS))][0],
                    category=CATEGORIES[rng.randrange(len(CATEGORIES))],
                    tags=tuple(sorted(rng.sample(TAGS, 2))),
                    published_at=moment,
                    modified_at=moment + timedelta(days=rng.randint(1, 90)) if edited else moment,
                    comment_count=counts[index],
                    first_comment_id=next_comment,
                    images=tuple(images.get(index, ())),
                )
            )
            next_comment += counts[index]
        return tuple(posts)

    # -- changes upstream (in-process servers only: a server process has its own copy) ---------------------------

    def add_comment(
        self, post: SyntheticPost, *, parent: int | None = None, at: datetime | None = None
    ) -> SyntheticPost:
        """A new comment on `post` (now, or `at`), as a reader would post it; returns the post as it now is."""
        comments = self.comments_of(post)
        depth = next((c.depth + 1 for c in comments if c.id == parent), 0) if parent is not None else 0
        moment = at or datetime.now(UTC).replace(microsecond=0)
        comment = SyntheticComment(self._next_id, parent, depth, "Late Reader", None, moment, ("Still reading this.",))
        self._next_id += 1
        with self._cache_lock:
            self._added.setdefault(post.index, []).append(comment)
            self._cache.pop(post.index, None)
        return self._replace_post(replace(post, comment_count=post.comment_count + 1))

    def edit_post(self, post: SyntheticPost, *, at: datetime | None = None) -> SyntheticPost:
        """Mark `post` edited (now, or `at`): its modified date and its page change."""
        moment = at or datetime.now(UTC).replace(microsecond=0)
        return self._replace_post(replace(post, modified_at=moment, title=post.title + " (revised)"))

    def _replace_post(self, post: SyntheticPost) -> SyntheticPost:
        posts = list(self.posts)
        posts[post.index] = post
        self.posts = tuple(posts)
        self._by_path[post.path] = post
        self._by_id[post.id] = post
        self.__dict__.pop("latest_comments", None)
        return post

    def post_by_path(self, path: str) -> SyntheticPost | None:
        return self._by_path.get(path)

    def post_by_id(self, post_id: int) -> SyntheticPost | None:
        return self._by_id.get(post_id)

    def comments_of(self, post: SyntheticPost) -> tuple[SyntheticComment, ...]:
        """The post's comments oldest first (ids increase with time); made on first use and kept (thread-safe)."""
        with self._cache_lock:
            cached = self._cache.get(post.index)
        if cached is not None:
            return cached
        made = self._make_comments(post) + tuple(self._added.get(post.index, ()))
        with self._cache_lock:
            if len(self._cache) > 512:  # a bounded cache: a 5,000-post blog must not hold 100,000 comments at once
                self._cache.clear()
            self._cache[post.index] = made
        return made

    def _make_comments(self, post: SyntheticPost) -> tuple[SyntheticComment, ...]:
        shape = random.Random(f"{self.seed}:thread:{post.index}")
        text = random.Random(f"{self.seed}:text:{post.index}")
        comments: list[SyntheticComment] = []
        for k, moment in enumerate(self._comment_times(post)):
            parent: SyntheticComment | None = None
            if k and shape.random() < REPLY_SHARE:
                parent = comments[shape.randrange(k)]
                while parent.depth >= MAX_DEPTH - 1 and parent.parent is not None:  # no deeper than WordPress nests
                    parent = comments[parent.parent - post.first_comment_id]
            name = COMMENTERS[shape.randrange(len(COMMENTERS))]
            url = f"https://{_slug(name)}.example/" if shape.random() < 0.3 else None
            paragraphs = tuple(_paragraph(text, text.randint(12, 60)) for _ in range(text.choice((1, 1, 1, 2, 3))))
            comments.append(
                SyntheticComment(
                    id=post.first_comment_id + k,
                    parent=parent.id if parent else None,
                    depth=parent.depth + 1 if parent else 0,
                    author=name,
                    author_url=url,
                    published_at=moment,
                    paragraphs=paragraphs,
                )
            )
        return tuple(comments)

    def _comment_times(self, post: SyntheticPost) -> list[datetime]:
        rng = random.Random(f"{self.seed}:times:{post.index}")
        moment, times = post.published_at, []
        for _ in range(self._generated[post.index]):
            moment += timedelta(minutes=rng.randint(3, 400))
            times.append(moment)
        return times

    def comment_pages(self, post: SyntheticPost) -> list[list[SyntheticComment]]:
        """The post's comment pages (1 = oldest), each the top-level threads it shows with their replies, in order."""
        comments = self.comments_of(post)
        children: dict[int | None, list[SyntheticComment]] = {}
        for comment in comments:
            children.setdefault(comment.parent, []).append(comment)
        top = children.get(None, [])
        size = self.comments_per_page or max(1, len(top))
        pages: list[list[SyntheticComment]] = []
        for start in range(0, max(1, len(top)), size):
            shown: list[SyntheticComment] = []
            stack = list(reversed(top[start : start + size]))
            while stack:
                comment = stack.pop()
                shown.append(comment)
                stack.extend(reversed(children.get(comment.id, [])))
            pages.append(shown)
        return pages

    def comment_page_count(self, post: SyntheticPost) -> int:
        if not post.comment_count:
            return 1
        top = sum(1 for c in self.comments_of(post) if c.parent is None)
        return max(1, math.ceil(top / self.comments_per_page)) if self.comments_per_page else 1

    @cached_property
    def latest_comments(self) -> list[tuple[datetime, int, int]]:
        """Every comment as (time, post index, number in post), newest first: the comments feed and REST `after`."""
        rows = [(moment, post.index, k) for post in self.posts for k, moment in enumerate(self._comment_times(post))]
        rows += [
            (comment.published_at, index, self._generated[index] + k)
            for index, added in self._added.items()
            for k, comment in enumerate(added)
        ]
        rows.sort(reverse=True)
        return rows

    @property
    def last_activity(self) -> datetime:
        """When anything on the blog last changed (a post or a comment)."""
        newest_post = max(p.modified_at for p in self.posts)
        return max(newest_post, self.latest_comments[0][0]) if self.latest_comments else newest_post

    def page_of(self, post: SyntheticPost, comment_id: int) -> int:
        for number, shown in enumerate(self.comment_pages(post), start=1):
            if any(c.id == comment_id for c in shown):
                return number
        return 1

    # -- totals the benchmarks compare against -------------------------------------------------------------

    @property
    def comment_page_total(self) -> int:
        """Comment pages beyond each post's own page, blog-wide (what an HTML-only crawler must fetch)."""
        return sum(self.comment_page_count(post) - 1 for post in self.posts if post.comment_count)


def _apportion(total: int, weights: list[float], cap: int) -> list[int]:
    """`total` split in proportion to `weights`, no share above `cap`, summing exactly to `total`."""
    n = len(weights)
    if total > n * cap:
        raise ValueError(f"{total} comments don't fit in {n} posts of at most {cap}")
    shares = [0.0] * n
    open_ = set(range(n))
    left = float(total)
    while left > 1e-9 and open_:
        weight = sum(weights[i] for i in open_) or float(len(open_))
        spill = 0.0
        for i in list(open_):
            shares[i] += left * (weights[i] / weight if weight else 1 / len(open_))
            if shares[i] >= cap:
                spill += shares[i] - cap
                shares[i] = float(cap)
                open_.discard(i)
        left = spill
    counts = [int(s) for s in shares]
    short = total - sum(counts)
    by_fraction = sorted(range(n), key=lambda i: (counts[i] >= cap, -(shares[i] - counts[i]), i))
    for i in by_fraction[:short]:
        counts[i] += 1
    return counts


def _slug(text: str) -> str:
    return "-".join("".join(ch if ch.isalnum() else " " for ch in text.lower()).split())


def _paragraph(rng: random.Random, words: int) -> str:
    sentences, left = [], words
    while left > 0:
        n = min(left, rng.randint(6, 18))
        text = " ".join(rng.choice(WORDS) for _ in range(n))
        sentences.append(text[0].upper() + text[1:] + rng.choice(".....?!"))
        left -= n
    return " ".join(sentences)


# -- serving ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LoggedRequest:
    """One request a synthetic host answered."""

    origin: str  # which host: "http://127.0.0.1:PORT"
    method: str
    path: str
    query: str
    status: int
    conditional: bool  # it carried If-None-Match or If-Modified-Since
    size: int  # body bytes sent (after gzip)
    at: float  # time.monotonic() when the request had been read, before answering (in the serving process)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, owner: SyntheticServer) -> None:
        self.owner = owner
        self.origin = ""
        super().__init__(("127.0.0.1", 0), _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay quiet: clients hang up mid-answer (wget, a cancelled capture)."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # without it every answer stalls 40 ms (PLATFORM-NOTES §8)
    server_version = "Apache"
    sys_version = ""
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's signature
        """No access log on stderr."""

    def do_HEAD(self) -> None:  # noqa: N802 - http.server's naming
        self._serve(head_only=True)

    def do_GET(self) -> None:  # noqa: N802
        self._serve(head_only=False)

    def _serve(self, *, head_only: bool) -> None:
        owner = self.server.owner
        arrived = time.monotonic()  # before rendering: gaps between requests show the client's pacing only
        split = urllib.parse.urlsplit(self.path)
        answer = owner.respond(self.server.origin, split.path or "/", split.query)
        headers = dict(answer.headers)
        body = answer.body
        conditional = "If-None-Match" in self.headers or "If-Modified-Since" in self.headers
        status = answer.status
        if status == 200:
            etag = '"' + hashlib.sha1(body).hexdigest()[:24] + '"'  # noqa: S324 - a validator, not security
            headers["ETag"] = etag
            if answer.last_modified is not None:
                headers["Last-Modified"] = email.utils.format_datetime(answer.last_modified.astimezone(UTC), True)
            if _not_modified(self.headers, etag, answer.last_modified):
                status, body = 304, b""
        text = answer.content_type.startswith(("text/", "application/rss", "application/xml", "application/json"))
        if text and status != 304:
            headers["Vary"] = "Accept-Encoding"
            if body and "gzip" in (self.headers.get("Accept-Encoding") or ""):
                body = gzip.compress(body, compresslevel=5, mtime=0)
                headers["Content-Encoding"] = "gzip"
        owner.log(self.server.origin, self.command, split.path, split.query, status, conditional, len(body), arrived)
        self.send_response(status)
        if status != 304:
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if body and not head_only:
            self.wfile.write(body)


def _not_modified(request: Any, etag: str, last_modified: datetime | None) -> bool:
    if_none_match = request.get("If-None-Match")
    if if_none_match is not None:  # takes precedence over If-Modified-Since (RFC 9110 13.2.2)
        return any(tag.strip().removeprefix("W/") == etag for tag in if_none_match.split(",")) or if_none_match == "*"
    since = request.get("If-Modified-Since")
    if since and last_modified is not None:
        try:
            return last_modified.replace(microsecond=0) <= email.utils.parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False


class SyntheticServer:
    """The synthetic blog on `hosts` loopback ports; use `serve_synthetic_blog` rather than this directly."""

    def __init__(self, blog: SyntheticBlog, *, hosts: int = 1, process: bool = False) -> None:
        self.blog, self.hosts, self.process = blog, hosts, process
        self.urls: list[str] = []
        self._log: list[LoggedRequest] = []
        self._lock = threading.Lock()
        self._servers: list[_Server] = []
        self._child: Any = None
        self._pipe: Any = None
        self._respond: Any = None

    @property
    def url(self) -> str:
        """The first host's home page."""
        return self.urls[0]

    @property
    def pid(self) -> int | None:
        """The serving process's id with `process=True`, else None."""
        return int(self._child.pid) if self._child is not None else None

    def start(self) -> SyntheticServer:
        if self.process:
            context = multiprocessing.get_context("spawn")
            self._pipe, child_end = context.Pipe()
            self._child = context.Process(
                target=_child_main, args=(self.blog.arguments, self.hosts, child_end), daemon=True
            )
            self._child.start()
            self.urls = self._pipe.recv()
            return self
        # Imported here: the pages module imports this one for the model.
        from bench.synthetic_pages import respond

        self._respond = respond
        for _ in range(self.hosts):
            server = _Server(self)
            server.origin = f"http://127.0.0.1:{server.server_address[1]}"
            threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
            self._servers.append(server)
            self.urls.append(server.origin + "/")
        return self

    def stop(self) -> None:
        if self._child is not None:
            self._pipe.send("stop")
            self._child.join(timeout=10)
            self._child = None
        for server in self._servers:
            server.shutdown()
            server.server_close()
        self._servers = []

    def respond(self, origin: str, path: str, query: str) -> Any:
        return self._respond(self.blog, origin, path, query)

    def log(
        self, origin: str, method: str, path: str, query: str, status: int, conditional: bool, size: int, at: float
    ) -> None:
        entry = LoggedRequest(origin, method, path, query, status, conditional, size, at)
        with self._lock:
            self._log.append(entry)

    def requests(self) -> list[LoggedRequest]:
        """Every request answered so far, in order (read it once the traffic you count has finished)."""
        if self._child is not None:
            self._pipe.send("log")
            return [LoggedRequest(*row) for row in self._pipe.recv()]
        with self._lock:
            return list(self._log)

    def change(self, kind: str, post_index: int) -> None:
        """Change the blog upstream, also in a server process: "comment" adds a new comment to the post at
        `post_index` (oldest first), "edit" marks it edited now."""
        if self._child is not None:
            self._pipe.send((kind, post_index))
            self._pipe.recv()
            return
        post = self.blog.posts[post_index]
        if kind == "comment":
            self.blog.add_comment(post)
        elif kind == "edit":
            self.blog.edit_post(post)
        else:
            raise ValueError(f"unknown change {kind!r}: give 'comment' or 'edit'")

    def clear_log(self) -> None:
        if self._child is not None:
            self._pipe.send("clear")
            self._pipe.recv()
            return
        with self._lock:
            self._log.clear()


def _child_main(arguments: dict[str, Any], hosts: int, pipe: Any) -> None:
    """The serving process: start the hosts, send their URLs, then answer "log", "clear", changes and "stop"."""
    server = SyntheticServer(SyntheticBlog(**arguments), hosts=hosts).start()
    pipe.send(server.urls)
    while True:
        command = pipe.recv()
        if command == "log":
            pipe.send([tuple(getattr(r, f) for f in LoggedRequest.__slots__) for r in server.requests()])
        elif command == "clear":
            server.clear_log()
            pipe.send(True)
        elif isinstance(command, tuple):
            server.change(*command)
            pipe.send(True)
        else:
            server.stop()
            return


@contextmanager
def serve_synthetic_blog(blog: SyntheticBlog, *, hosts: int = 1, process: bool = False) -> Iterator[SyntheticServer]:
    """Serve `blog` on `hosts` loopback ports, each a separate "host" whose pages link to its own origin.

    Yields a started `SyntheticServer`: `.url` (the first host's home page), `.urls` (every host's home page),
    `.requests()` (the request log, oldest first, as `LoggedRequest`s), `.clear_log()` and `.change(kind, post
    index)` (a new comment or an edit upstream). With `process=True`
    the hosts run in a child process, so a benchmark's client does not share the GIL with the server.
    """
    server = SyntheticServer(blog, hosts=hosts, process=process).start()
    try:
        yield server
    finally:
        server.stop()
