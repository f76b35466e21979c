"""Extraction benchmark (issue 10 item 3): pages/s of `extract_post_page` over the fixture corpus, beside trafilatura.

    python -m bench.extraction                  # 5 interleaved rounds of each, medians and the ratio
    python -m bench.extraction --rounds 9
    python -m bench.extraction --only threadbook --profile 40   # cProfile of Threadbook alone, top 40 entries
    python -m bench.extraction --corpus synthetic   # 30 comment-heavy WordPress pages (3,000 comments) instead

The corpus is every HTML page of `tests/fixtures/platforms/`, `tests/fixtures/pages/`, `tests/fixtures/wordpress_real/`
and `resources/sample_blog/`, each file once, decoded to text up front (as the crawler hands it over), with the URL
it was fetched from where the fixtures record one. Both tools run in this process on the same pages, in rounds
A, B, A, B ... after a warm-up round of each; the figure is the median round.

- Threadbook: `ingest.extract.extract_post_page(html, url, captured_at=...)`: the post (title, author, dates,
  categories, tags, series, body as Markdown with its images) and this page's comments as a thread (ids, parents,
  depths, authors, dates, Markdown bodies) plus the links to the other comment pages.
- trafilatura: `bare_extraction(html, url=..., include_comments=True, with_metadata=True)` plus its Markdown
  `extract(html, url=..., output_format="markdown", include_comments=True)`: metadata, main text and the comments
  as one flat text, and the Markdown of the page.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import importlib.util
import io
import json
import platform
import pstats
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SAMPLE_BLOG = ROOT / "resources" / "sample_blog"
SAMPLE_ORIGIN = "http://sample-blog.test"  # desktop.sampleserver.PLACEHOLDER_ORIGIN: the origin written in its pages
CAPTURED_AT = datetime(2024, 12, 1, 12, 0, tzinfo=UTC)  # resolves relative dates the same way in every run
TARGET_RATIO = 1.5  # issue 10: 1.5x trafilatura's pages/s while also extracting the thread


@dataclass(frozen=True, slots=True)
class Page:
    """One corpus page: a name for reports, its text and the URL it was fetched from."""

    name: str
    html: str
    url: str


def load_corpus() -> list[Page]:
    """Every fixture page once, sorted by name, with its recorded URL (or a made-up one for pages that have none)."""
    urls: dict[Path, str] = {}
    for expected in sorted((FIXTURES / "platforms").glob("*/*.expected.json")):
        data = json.loads(expected.read_text(encoding="utf-8"))
        relative = data.get("html") or expected.name.removesuffix(".expected.json") + ".html"
        urls[(expected.parent / relative).resolve()] = data["url"]
        for more in data.get("more_pages", []):
            urls[(expected.parent / more["html"]).resolve()] = more["url"]
    for pages_json in sorted((FIXTURES / "wordpress_real").glob("*/pages.json")):
        for file_name, url in json.loads(pages_json.read_text(encoding="utf-8")).items():
            urls[(pages_json.parent / file_name).resolve()] = url
    files = [
        *(FIXTURES / "platforms").rglob("*.html"),
        *(FIXTURES / "pages").rglob("*.html"),
        *(FIXTURES / "wordpress_real").rglob("*.html"),
        *SAMPLE_BLOG.rglob("*.html"),
    ]
    pages: dict[Path, Page] = {}
    for file in files:
        path = file.resolve()
        if path in pages:
            continue
        url = urls.get(path) or _made_up_url(path)
        name = str(path.relative_to(ROOT))
        pages[path] = Page(name, path.read_bytes().decode("utf-8", errors="replace"), url)
    return sorted(pages.values(), key=lambda page: page.name)


def synthetic_corpus(*, posts: int = 30, comments: int = 3_000, seed: int = 7) -> list[Page]:
    """Comment-heavy WordPress post pages from `bench.synthetic_blog` (whole threads on one page, some hundreds
    of comments long, up to 1 MB), made in memory: how extraction scales with the size of a thread."""
    from bench.synthetic_blog import SyntheticBlog
    from bench.synthetic_pages import respond

    blog = SyntheticBlog(seed=seed, posts=posts, comments=comments, comments_per_page=0, images=0)
    origin = "http://synthetic.test"
    return [
        Page(f"synthetic{post.path}", respond(blog, origin, post.path, "").body.decode("utf-8"), origin + post.path)
        for post in blog.posts
    ]


def _made_up_url(path: Path) -> str:
    if path.is_relative_to(SAMPLE_BLOG):
        relative = path.parent.relative_to(SAMPLE_BLOG).as_posix()
        if path.name != "index.html":
            return f"{SAMPLE_ORIGIN}/{path.relative_to(SAMPLE_BLOG).as_posix()}"
        return f"{SAMPLE_ORIGIN}/{relative}/" if relative != "." else f"{SAMPLE_ORIGIN}/"
    return f"https://{path.parent.name.replace('_', '-')}.example/{path.stem.replace('_', '-')}/"


# --- the two extractors ------------------------------------------------------------------------------------------


def run_threadbook(pages: Sequence[Page]) -> int:
    """Extract every page with Threadbook; the number of comments found (so the work can't be skipped)."""
    from ingest.extract import extract_post_page

    found = 0
    for page in pages:
        found += len(extract_post_page(page.html, page.url, captured_at=CAPTURED_AT).comments)
    return found


def run_trafilatura(pages: Sequence[Page]) -> int:
    """Extract every page with trafilatura (metadata + text with comments, then Markdown); characters produced."""
    import trafilatura

    produced = 0
    for page in pages:
        document = trafilatura.bare_extraction(page.html, url=page.url, include_comments=True, with_metadata=True)
        markdown = trafilatura.extract(page.html, url=page.url, output_format="markdown", include_comments=True)
        text = getattr(document, "text", None) or ""
        comments = getattr(document, "comments", None) or ""
        produced += len(text) + len(comments) + len(markdown or "")
    return produced


def timed(work: Callable[[Sequence[Page]], int], pages: Sequence[Page]) -> float:
    """Seconds for one pass over `pages` (garbage collected beforehand, so one pass's garbage can't bill the next)."""
    gc.collect()
    start = time.perf_counter()
    work(pages)
    return time.perf_counter() - start


def compare(pages: Sequence[Page], *, rounds: int) -> dict[str, list[float]]:
    """Interleaved rounds (Threadbook, trafilatura, Threadbook, ...) after one warm-up round of each."""
    contenders: dict[str, Callable[[Sequence[Page]], int]] = {
        "threadbook": run_threadbook,
        "trafilatura": run_trafilatura,
    }
    for work in contenders.values():  # warm-up: imports, compiled XPath/regexes, dateparser's language data
        work(pages)
    seconds: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(rounds):
        for name, work in contenders.items():
            seconds[name].append(timed(work, pages))
    return seconds


def profile(pages: Sequence[Page], *, top: int, rounds: int) -> str:
    """cProfile of Threadbook over the corpus (after a warm-up pass), the top entries by own and by total time."""
    run_threadbook(pages)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(rounds):
        run_threadbook(pages)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds of each extractor (default 5)")
    parser.add_argument("--only", choices=("threadbook", "trafilatura"), help="time one extractor only")
    parser.add_argument("--profile", type=int, metavar="N", help="print cProfile's top N entries for Threadbook")
    parser.add_argument(
        "--corpus",
        choices=("fixtures", "synthetic"),
        default="fixtures",
        help="the fixture pages (default), or comment-heavy synthetic WordPress pages (bench/synthetic_blog.py)",
    )
    args = parser.parse_args(argv)

    if args.only != "threadbook" and not args.profile and importlib.util.find_spec("trafilatura") is None:
        print("trafilatura is not installed: pip install -e '.[bench]' (or run with --only threadbook)")
        return 2
    pages = load_corpus() if args.corpus == "fixtures" else synthetic_corpus()
    size = sum(len(page.html.encode("utf-8")) for page in pages)
    print(f"corpus: {len(pages)} pages, {size / 1e6:.1f} MB; Python {platform.python_version()}, {_versions()}")
    print(f"Threadbook reads {_thread_summary(pages)}")
    if args.profile:
        print(profile(pages, top=args.profile, rounds=args.rounds))
        return 0
    if args.only:
        work = run_threadbook if args.only == "threadbook" else run_trafilatura
        work(pages)
        times = [timed(work, pages) for _ in range(args.rounds)]
        print(f"{args.only}: {_rate(len(pages), times)}")
        return 0
    seconds = compare(pages, rounds=args.rounds)
    ours, theirs = statistics.median(seconds["threadbook"]), statistics.median(seconds["trafilatura"])
    print(f"threadbook:  {_rate(len(pages), seconds['threadbook'])}")
    print(f"trafilatura: {_rate(len(pages), seconds['trafilatura'])}")
    ratio = theirs / ours
    verdict = "meets" if ratio >= TARGET_RATIO else "misses"
    print(f"ratio: Threadbook does {ratio:.2f}x trafilatura's pages/s ({verdict} the {TARGET_RATIO}x target)")
    return 0


def _thread_summary(pages: Sequence[Page]) -> str:
    from ingest.extract import extract_post_page

    posts = comments = replies = 0
    for page in pages:
        extracted = extract_post_page(page.html, page.url, captured_at=CAPTURED_AT)
        posts += extracted.post is not None
        comments += len(extracted.comments)
        replies += sum(comment.parent_source_id is not None for comment in extracted.comments)
    return f"{posts} posts and {comments} comments ({replies} of them replies, with their parents) from these pages"


def _rate(count: int, times: Sequence[float]) -> str:
    median = statistics.median(times)
    spread = ", ".join(f"{count / t:.0f}" for t in times)
    per_page = median * 1000 / count
    return f"{count / median:6.1f} pages/s (median of {len(times)} rounds: {per_page:.2f} ms/page; rounds {spread})"


def _versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for name in ("trafilatura", "lxml", "markdownify", "beautifulsoup4"):
        try:
            found.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            found.append(f"{name} missing")
    return ", ".join(found)


if __name__ == "__main__":
    sys.exit(main())
