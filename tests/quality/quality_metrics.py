"""The extraction quality scorer: run the extractor over the fixture corpus and measure it against expected files.

Corpus: `tests/fixtures/platforms/<platform>/<name>.expected.json`, each describing one saved post page (the HTML is
`<name>.html` beside it, or the relative path in `"html"`) and, in `"more_pages"`, its other comment pages, which
are followed by link as a crawl would follow them. Format and metrics: docs/quality-gate.md.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ingest.comments import merge_comment_pages
from ingest.extract import PostPage, extract_post_page
from ingest.urls import normalize_url
from storage.records import Comment

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "tests" / "fixtures" / "platforms"
BASELINE = CORPUS / "quality_baseline.json"
DATE_TOLERANCE_SECONDS = 60

# Page-level rates (share of pages right), then the comment-level rates (pooled over every comment of the corpus).
PAGE_METRICS = ("title", "author", "date", "body", "comment_count", "thread_presence")
COMMENT_METRICS = ("comment_author_precision", "comment_author_recall", "comment_date", "comment_parent")
METRICS = PAGE_METRICS + COMMENT_METRICS


@dataclass(frozen=True, slots=True)
class Case:
    """One expected file of the corpus."""

    key: str  # "<platform>/<name>", stable across runs: the baseline pins these
    platform: str
    path: Path
    expected: dict[str, Any]


@dataclass(slots=True)
class Tally:
    """Right and total counts per metric; body is a sum of scores in [0, 1]."""

    right: dict[str, float] = field(default_factory=lambda: dict.fromkeys(METRICS, 0.0))
    total: dict[str, int] = field(default_factory=lambda: dict.fromkeys(METRICS, 0))
    pages: int = 0

    def add(self, metric: str, right: float, total: int = 1) -> None:
        self.right[metric] += right
        self.total[metric] += total

    def merge(self, other: Tally) -> None:
        for metric in METRICS:
            self.right[metric] += other.right[metric]
            self.total[metric] += other.total[metric]
        self.pages += other.pages

    def rates(self) -> dict[str, float | None]:
        """Each metric as a share in [0, 1], or None when the corpus gives it nothing to measure."""
        return {m: (self.right[m] / self.total[m] if self.total[m] else None) for m in METRICS}


@dataclass(frozen=True, slots=True)
class PageResult:
    case: Case
    tally: Tally
    misses: tuple[str, ...]  # human-readable differences, for the report


def load_corpus(root: Path = CORPUS) -> list[Case]:
    """Every expected file under `root`, sorted by key."""
    cases = []
    for path in sorted(root.glob("*/*.expected.json")):
        platform = path.parent.name
        name = path.name.removesuffix(".expected.json")
        cases.append(Case(f"{platform}/{name}", platform, path, json.loads(path.read_text(encoding="utf-8"))))
    return cases


def html_path(case: Case) -> Path:
    relative = case.expected.get("html")
    if relative:
        return (case.path.parent / relative).resolve()
    return case.path.with_name(case.path.name.removesuffix(".expected.json") + ".html")


def crawl_case(case: Case) -> list[PostPage]:
    """The first page, then every comment page its links lead to that the case saved (as crawl_post would)."""
    saved = {
        normalize_url(page["url"]): (case.path.parent / page["html"]).resolve()
        for page in case.expected.get("more_pages", [])
    }
    first = extract_post_page(html_path(case).read_bytes(), case.expected["url"])
    pages, seen, queue = [first], {normalize_url(case.expected["url"])}, list(first.comment_page_urls)
    while queue:
        url = normalize_url(queue.pop(0))
        if url in seen or url not in saved:
            continue
        seen.add(url)
        page = extract_post_page(saved[url].read_bytes(), url)
        pages.append(page)
        queue.extend(page.comment_page_urls)
    return pages


def score_case(case: Case) -> PageResult:
    """Measure one page against its expected file."""
    exp = case.expected
    pages = crawl_case(case)
    post = pages[0].post
    thread = merge_comment_pages(pages) if post is not None else ()
    tally, misses = Tally(pages=1), []

    def check(metric: str, ok: bool, detail: str) -> None:
        tally.add(metric, float(ok))
        if not ok:
            misses.append(f"{metric}: {detail}")

    title = _norm(post.title) if post else None
    check("title", title == _norm(exp.get("title")), f"got {title!r}, expected {exp.get('title')!r}")
    author = _norm(post.author) if post and post.author else None
    check("author", author == (_norm(exp["author"]) if exp.get("author") else None), f"got {author!r}")
    got_date = post.published_at if post else None
    check(
        "date", _same_instant(got_date, exp.get("published_at")), f"got {got_date}, expected {exp.get('published_at')}"
    )
    body = _body_score(post.body_md if post else "", exp)
    if body is not None:
        tally.add("body", body)
        if body < 0.95:
            misses.append(f"body: {body:.3f}")
    stated = exp.get("comment_count")
    in_html = exp.get("comments_in_html", True)  # false: the thread is loaded by script, so no thread is right
    expected_count = len(exp.get("comments", [])) if stated is None or not in_html else int(stated)
    if stated is not None and in_html:  # null: the count isn't known; only the presence counts
        check("comment_count", len(thread) == expected_count, f"got {len(thread)}, expected {expected_count}")
    check("thread_presence", bool(thread) == (expected_count > 0), f"got {len(thread)} comments")
    _score_comments(thread, exp.get("comments", []), tally, misses)
    return PageResult(case, tally, tuple(misses))


def _score_comments(thread: Sequence[Comment], expected: list[dict[str, Any]], tally: Tally, misses: list[str]) -> None:
    got_authors = Counter(_norm(c.author) for c in thread)
    want_authors = Counter(_norm(c["author"]) for c in expected)
    common = sum((got_authors & want_authors).values())
    tally.add("comment_author_precision", common, sum(got_authors.values()))
    tally.add("comment_author_recall", common, sum(want_authors.values()))
    if common < max(sum(got_authors.values()), sum(want_authors.values())):
        extra, missing = got_authors - want_authors, want_authors - got_authors
        misses.append(
            f"comment authors: extra {sorted(extra.elements())[:5]}, missing {sorted(missing.elements())[:5]}"
        )
    by_id = {id_key(c.source_id): c for c in thread}
    for index, want in enumerate(expected):
        if want.get("id") is not None:
            got = by_id.get(id_key(want["id"]))
        else:
            got = thread[index] if index < len(thread) else None
        if want.get("published_at"):
            ok = got is not None and _same_instant(got.published_at, want["published_at"])
            tally.add("comment_date", float(ok))
            if not ok:
                misses.append(f"comment {want.get('id')} date: got {got.published_at if got else 'no comment'}")
        if "parent" in want:
            ok = got is not None and id_key(got.parent_source_id) == id_key(want["parent"])
            tally.add("comment_parent", float(ok))
            if not ok:
                misses.append(f"comment {want.get('id')} parent: got {got.parent_source_id if got else 'no comment'}")


_ID_PREFIX = re.compile(r"^(?:li-comment-|div-comment-|comment-|comment|c|t)(?=\d)")


def id_key(source_id: str | None) -> str | None:
    """A comment id without the element-id prefix a page may wrap it in ("comment-42", "t42", "c42" are "42")."""
    return None if source_id is None else _ID_PREFIX.sub("", source_id.strip())


def _body_score(body_md: str, exp: Mapping[str, Any]) -> float | None:
    text = markdown_text(body_md)
    if "body_text" in exp:
        return token_f1(text, exp["body_text"])
    phrases = exp.get("body_contains") or []
    if not phrases:
        return None
    found = _norm(text).casefold()
    return sum(_norm(p).casefold() in found for p in phrases) / len(phrases)


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_TOKEN = re.compile(r"\w+", re.U)


def tokens(text: str) -> list[str]:
    """Lower-cased words; each CJK character is a token of its own (those scripts don't separate words)."""
    out: list[str] = []
    for word in _TOKEN.findall(text.casefold()):
        if _CJK.search(word):
            out.extend(_CJK.sub(lambda m: f" {m.group()} ", word).split())
        else:
            out.append(word)
    return out


def token_f1(got: str, want: str) -> float:
    """Bag-of-words F1 between two texts (1.0 when both are empty)."""
    a, b = Counter(tokens(got)), Counter(tokens(want))
    if not a and not b:
        return 1.0
    common = sum((a & b).values())
    if common == 0:
        return 0.0
    precision, recall = common / sum(a.values()), common / sum(b.values())
    return 2 * precision * recall / (precision + recall)


def markdown_text(markdown: str) -> str:
    """Markdown reduced to its words: link and image text kept, markup and escapes dropped."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    text = re.sub(r"(?m)^\s*(?:>\s?)+|^\s*(?:[-*+]|\d+\.)\s+|^#+\s*|^```.*$|^\|?[-:| ]+\|?$", "", text)
    return " ".join(re.sub(r"[*_`\\]", "", text.replace("|", " ")).split())


def _norm(value: str | None) -> str | None:
    return None if value is None else " ".join(value.split())


def _same_instant(got: datetime | None, want: str | None) -> bool:
    if want is None or got is None:
        return want is None and got is None
    expected = datetime.fromisoformat(want)
    if expected.tzinfo is None or got.tzinfo is None:  # a page that states no offset: compare the wall clock
        return abs((got.replace(tzinfo=None) - expected.replace(tzinfo=None)).total_seconds()) <= DATE_TOLERANCE_SECONDS
    return abs((got - expected).total_seconds()) <= DATE_TOLERANCE_SECONDS


def score_corpus(cases: Iterable[Case]) -> list[PageResult]:
    return [score_case(case) for case in cases]


def aggregate(results: Iterable[PageResult]) -> tuple[Tally, dict[str, Tally]]:
    """The overall tally and one per platform."""
    overall, per_platform = Tally(), {}
    for result in results:
        overall.merge(result.tally)
        per_platform.setdefault(result.case.platform, Tally()).merge(result.tally)
    return overall, dict(sorted(per_platform.items()))


def baseline_from(results: Sequence[PageResult]) -> dict[str, Any]:
    """What --write-baseline pins: the pages, and every aggregate rounded down to 4 places."""
    overall, per_platform = aggregate(results)

    def floors(tally: Tally) -> dict[str, float]:
        return {m: int(v * 10_000) / 10_000 for m, v in tally.rates().items() if v is not None}

    return {
        "pages": sorted(r.case.key for r in results),
        "overall": floors(overall),
        "platforms": {name: floors(tally) for name, tally in per_platform.items()},
    }


def load_baseline(path: Path = BASELINE) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def regressions(current: Mapping[str, Any], baseline: Mapping[str, Any]) -> list[str]:
    """Every aggregate below its pinned floor, and every pinned page gone, as lines for a message."""
    lines = [
        f"page {key} is pinned but gone from the corpus" for key in baseline["pages"] if key not in current["pages"]
    ]
    scopes = [("overall", current["overall"], baseline["overall"])]
    scopes += [(f"platform {n}", current["platforms"].get(n, {}), b) for n, b in baseline["platforms"].items()]
    for scope, now, floor in scopes:
        for metric, pinned in floor.items():
            value = now.get(metric)
            if (value is None and pinned > 0) or (value is not None and value < pinned - 1e-9):
                lines.append(f"{scope}: {metric} {'missing' if value is None else f'{value:.4f}'} < floor {pinned:.4f}")
    return lines
