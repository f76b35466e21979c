"""Storage and search benchmark (issue 10 item 4): build, size, search, post-list paging and thread loading.

    python -m bench.storage                   # 100,000 posts, 1,000,000 comments (the build is cached)
    python -m bench.storage --quick           # 2,000 posts, 20,000 comments
    python -m bench.storage --posts 20000 --comments 200000 --rebuild

The archive is built through the real save path (`Archive.save_post`, one transaction per post, full-text triggers
on) from `bench/storage_synthetic.py` and cached under `--cache-dir`, keyed by its parameters, so reruns go
straight to the queries. Then:
- search: the fixed 200 queries (`SyntheticArchive.queries`, one to three words, common and rare) through
  `Archive.search` (ranked hits with snippets, posts and comments), beside a plain bm25-ranked FTS5 query with
  snippets on each index (LIMIT 50), in the same run, as a ratio;
- listing: every 200-row page of one blog's post list (`Archive.list_posts`), as the GUI pages it;
- loading: a post with a 1,000-comment thread into records (`Archive.load_post`).
Targets (issue 10): >= 1,000 posts/s and >= 10,000 comments/s saved; search p95 < 50 ms; a page < 2 ms; the
1,000-comment post < 10 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import astuple, dataclass
from pathlib import Path

from bench.storage_synthetic import SyntheticArchive
from storage.archive import Archive, open_archive

BUILD_VERSION = 1  # bump when the synthetic content or the save path changes what a cached archive holds
PAGE = 200  # rows per post-list page, as the GUI fetches them


@dataclass(frozen=True)
class BuildFigures:
    posts: int
    comments: int
    seconds: float  # wall time spent in save_post (generating the records is not counted)
    cpu_seconds: float
    per_post_ms: float  # fitted: the cost of a post with no comments
    per_comment_ms: float  # fitted: the cost of each comment it carries
    per_post_cpu_ms: float  # the same fit in CPU time (what an idle machine would show)
    per_comment_cpu_ms: float


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def fit_costs(samples: list[tuple[int, float]]) -> tuple[float, float]:
    """Least squares of seconds = a + b * comments over (comments, seconds) samples: (a, b)."""
    n = len(samples)
    mean_x = sum(x for x, _ in samples) / n
    mean_y = sum(y for _, y in samples) / n
    var = sum((x - mean_x) ** 2 for x, _ in samples)
    if var == 0:
        return mean_y, 0.0
    slope = sum((x - mean_x) * (y - mean_y) for x, y in samples) / var
    return mean_y - slope * mean_x, slope


def build(
    path: Path, content: SyntheticArchive, *, synchronous: str | None, progress: Callable[[str], None]
) -> BuildFigures:
    """Save every synthetic post into a new archive at `path`; time only the saves.

    `synchronous` overrides the archive's `PRAGMA synchronous` (None: as `open_archive` leaves it, NORMAL since
    m010's change; FULL shows what waiting for the disk at every commit costs)."""
    with open_archive(path) as archive:
        if synchronous is not None:
            archive._db.conn.execute(f"PRAGMA synchronous = {synchronous}")
        blog_ids = [archive.save_blog(blog) for blog in content.blogs()]
        spent = 0.0
        cpu = 0.0
        samples: list[tuple[int, float]] = []
        cpu_samples: list[tuple[int, float]] = []
        comments = 0
        last = time.monotonic()
        for index, post in content.iter_posts():
            started, cpu_started = time.perf_counter(), time.process_time()
            archive.save_post(blog_ids[content.blog_of(index)], post, thread_complete=False)
            took = time.perf_counter() - started
            cpu_took = time.process_time() - cpu_started
            cpu += cpu_took
            cpu_samples.append((len(post.comments), cpu_took))
            spent += took
            comments += len(post.comments)
            samples.append((len(post.comments), took))
            if time.monotonic() - last > 10:
                last = time.monotonic()
                progress(
                    f"  {index + 1:,} posts, {comments:,} comments saved in {spent:.0f} s "
                    f"({(index + 1) / spent:,.0f} posts/s, {comments / spent:,.0f} comments/s)"
                )
    per_post, per_comment = fit_costs(samples)
    cpu_post, cpu_comment = fit_costs(cpu_samples)
    return BuildFigures(
        content.posts, comments, spent, cpu, per_post * 1000, per_comment * 1000, cpu_post * 1000, cpu_comment * 1000
    )


def cached_archive(
    content: SyntheticArchive,
    cache_dir: Path,
    *,
    rebuild: bool,
    synchronous: str | None,
    progress: Callable[[str], None],
) -> tuple[Path, BuildFigures | None]:
    """The archive for these parameters, built now (with its figures) or found in the cache (None)."""
    sync = "" if synchronous is None else f"-{synchronous.lower()}"
    path = cache_dir / f"storage-p{content.posts}-c{content.comments}-s{content.seed}-v{BUILD_VERSION}{sync}.sqlite"
    if path.exists() and not rebuild:
        return path, None
    cache_dir.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    for stale in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        stale.unlink(missing_ok=True)
    figures = build(partial, content, synchronous=synchronous, progress=progress)
    partial.rename(path)
    return path, figures


def fts_sizes(path: Path) -> dict[str, int]:
    """Bytes per table group (posts, comments, their full-text indexes, the rest), from dbstat."""
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").fetchall()
    except sqlite3.OperationalError:
        return {}
    finally:
        conn.close()
    groups: dict[str, int] = {}
    for name, size in rows:
        key = "full-text indexes" if "_fts" in name else name if name in ("posts", "comments") else "other"
        groups[key] = groups.get(key, 0) + int(size)
    return groups


def plain_bm25(conn: sqlite3.Connection, query: str) -> int:
    """The baseline: a plain bm25-ranked FTS5 query with snippets, LIMIT 50, on each index."""
    match = " ".join('"' + word.replace('"', '""') + '"' for word in query.split())
    rows = 0
    for fts in ("posts_fts", "comments_fts"):
        rows += len(
            conn.execute(
                f"SELECT rowid, snippet({fts}, -1, '[', ']', '…', 16), bm25({fts}) FROM {fts} "
                f"WHERE {fts} MATCH ? ORDER BY bm25({fts}) LIMIT 50",
                [match],
            ).fetchall()
        )
    return rows


@dataclass
class Timings:
    """Milliseconds per call, on the wall clock and in this process's CPU time (the machine may be shared)."""

    wall: list[float]
    cpu: list[float]

    def __init__(self) -> None:
        self.wall, self.cpu = [], []

    def time(self, work: Callable[[], object]) -> object:
        started, cpu_started = time.perf_counter(), time.process_time()
        result = work()
        self.wall.append((time.perf_counter() - started) * 1000)
        self.cpu.append((time.process_time() - cpu_started) * 1000)
        return result


def measure_search(archive: Archive, path: Path, queries: list[str]) -> tuple[Timings, Timings, list[int]]:
    """Timings per query: ours, the baseline, and the number of hits we returned."""
    conn = sqlite3.connect(path)
    ours, plain = Timings(), Timings()
    hits: list[int] = []
    try:
        for query in queries:  # warm the page cache and both code paths
            archive.search(query, limit=50)
            plain_bm25(conn, query)
        for query in queries:
            found = ours.time(lambda query=query: archive.search(query, limit=50))
            hits.append(len(found))  # type: ignore[arg-type]
            plain.time(lambda query=query: plain_bm25(conn, query))
    finally:
        conn.close()
    return ours, plain, hits


def measure_listing(archive: Archive, blog_id: int) -> Timings:
    """Timings per 200-row page of one blog's post list, newest first, first page to last."""
    times = Timings()
    offset = 0
    while True:
        rows = times.time(lambda offset=offset: archive.list_posts(blog_id=blog_id, offset=offset, limit=PAGE))
        if len(rows) < PAGE:  # type: ignore[arg-type]
            return times
        offset += PAGE


def measure_load(archive: Archive, post_id: int, runs: int = 20) -> tuple[Timings, int]:
    times = Timings()
    comments = 0
    for _ in range(runs):
        post = times.time(lambda: archive.load_post(post_id))
        comments = len(post.comments)  # type: ignore[attr-defined]
    return times, comments


def check_results(archive: Archive, queries: list[str], results: Path) -> str:
    """Write every query's hits (kind, ids, rank, snippet) to `results`, or compare them with that file."""
    found = [[list(astuple(hit)) for hit in archive.search(query, limit=50)] for query in queries]
    if not results.exists():
        results.write_text(json.dumps({"queries": queries, "hits": found}, ensure_ascii=False))
        return f"results: {len(queries)} queries' hits written to {results}"
    before = json.loads(results.read_text())
    if before["queries"] != queries:
        return f"results: {results} holds other queries; not compared"
    differ = [q for q, old, new in zip(queries, before["hits"], found, strict=True) if old != new]
    if not differ:
        return f"results: all {len(queries)} queries give the same hits, ranks and snippets as {results}"
    return f"results: {len(differ)} queries DIFFER from {results}: " + ", ".join(repr(q) for q in differ[:10])


def _ms(values: Sequence[float]) -> str:
    return f"p50 {statistics.median(values):.1f} ms, p95 {percentile(values, 0.95):.1f} ms, worst {max(values):.1f} ms"


def _both(times: Timings) -> str:
    return f"wall {_ms(times.wall)}; CPU {_ms(times.cpu)}"


def _verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--comments", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="2,000 posts and 20,000 comments")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=Path(os.environ.get("THREADBOOK_BENCH_DIR", Path(tempfile.gettempdir()) / "threadbook-bench")),
    )
    parser.add_argument("--rebuild", action="store_true", help="build the archive again even if it is cached")
    parser.add_argument(
        "--synchronous",
        choices=("NORMAL", "FULL"),
        default=None,
        help="build with this PRAGMA synchronous instead of the archive's own (NORMAL)",
    )
    parser.add_argument("--print-queries", action="store_true", help="print the 200 queries and stop")
    parser.add_argument(
        "--results",
        type=Path,
        default=None,
        help="a JSON file of the 200 queries' hits: written when missing, else compared (same hits, ranks, snippets?)",
    )
    args = parser.parse_args()
    if args.quick:
        args.posts, args.comments = 2_000, 20_000
    content = SyntheticArchive(posts=args.posts, comments=args.comments, seed=args.seed)
    queries = content.queries()
    if args.print_queries:
        print("\n".join(queries))
        return
    print(
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}; load average {os.getloadavg()[0]:.1f}"
    )
    path, figures = cached_archive(
        content, args.cache_dir, rebuild=args.rebuild, synchronous=args.synchronous, progress=print
    )
    if figures is None:
        print(f"archive: {path} (cached; --rebuild to measure the build)")
    else:
        posts_rate, comments_rate = figures.posts / figures.seconds, figures.comments / figures.seconds
        print(
            f"build: {figures.posts:,} posts and {figures.comments:,} comments saved in {figures.seconds:.1f} s "
            f"(CPU {figures.cpu_seconds:.1f} s) through Archive.save_post, full-text triggers on, "
            f"synchronous {args.synchronous or 'NORMAL (as open_archive leaves it)'}"
        )
        print(
            f"  together: {posts_rate:,.0f} posts/s and {comments_rate:,.0f} comments/s "
            f"(targets 1,000 and 10,000 at once: {_verdict(posts_rate >= 1000 and comments_rate >= 10_000)})"
        )
        print(
            f"  per item (least squares over every save): {figures.per_post_ms:.3f} ms a post + "
            f"{figures.per_comment_ms:.3f} ms a comment = {1000 / figures.per_post_ms:,.0f} posts/s, "
            f"{1000 / figures.per_comment_ms:,.0f} comments/s "
            f"({_verdict(figures.per_post_ms <= 1 and figures.per_comment_ms <= 0.1)})"
        )
        print(
            f"  per item in CPU time: {figures.per_post_cpu_ms:.3f} ms a post + {figures.per_comment_cpu_ms:.3f} ms "
            f"a comment = {1000 / figures.per_post_cpu_ms:,.0f} posts/s, {1000 / figures.per_comment_cpu_ms:,.0f} "
            f"comments/s ({_verdict(figures.per_post_cpu_ms <= 1 and figures.per_comment_cpu_ms <= 0.1)})"
        )
        cpu_posts, cpu_comments = figures.posts / figures.cpu_seconds, figures.comments / figures.cpu_seconds
        print(
            f"  in CPU time: {cpu_posts:,.0f} posts/s and {cpu_comments:,.0f} comments/s together "
            f"(the rest of the wall time is waiting for the disk: WAL checkpoints, and other processes)"
        )
    size = path.stat().st_size
    groups = fts_sizes(path)
    detail = ", ".join(f"{name} {bytes_ / 1e6:,.0f} MB" for name, bytes_ in sorted(groups.items()))
    print(f"file: {size / 1e6:,.0f} MB ({detail})")

    with open_archive(path) as archive:
        if args.results is not None:
            print(check_results(archive, queries, args.results))
        ours, plain, hits = measure_search(archive, path, queries)
        print(f"search, {len(queries)} queries, ranked hits with snippets (limit 50):")
        print(f"  Threadbook Archive.search: {_both(ours)}; {sum(hits) / len(hits):.0f} hits on average")
        print(f"  plain bm25 FTS5 query on both indexes: {_both(plain)}")
        for clock, a, b in (("wall", ours.wall, plain.wall), ("CPU", ours.cpu, plain.cpu)):
            print(
                f"  ratio ours / plain ({clock}): p50 {statistics.median(a) / statistics.median(b):.2f}, "
                f"p95 {percentile(a, 0.95) / percentile(b, 0.95):.2f}; target p95 < 50 ms: "
                f"{_verdict(percentile(a, 0.95) < 50)}"
            )
        start = 0
        for name, count in content.QUERY_CLASSES:
            wall, cpu = ours.wall[start : start + count], ours.cpu[start : start + count]
            base = plain.cpu[start : start + count]
            print(
                f"    {name} ({count}): wall p50 {statistics.median(wall):.1f} / p95 {percentile(wall, 0.95):.1f} ms,"
                f" CPU p50 {statistics.median(cpu):.1f} / p95 {percentile(cpu, 0.95):.1f} ms"
                f" (plain CPU p95 {percentile(base, 0.95):.1f} ms)"
            )
            start += count
        slowest = sorted(zip(ours.cpu, queries, strict=True), reverse=True)[:6]
        print("  slowest (CPU): " + ", ".join(f"{q!r} {ms:.0f} ms" for ms, q in slowest))

        blog_id = archive.list_blogs()[0].id
        pages = measure_listing(archive, blog_id)
        print(f"listing: {len(pages.wall)} pages of {PAGE} posts of one blog: {_both(pages)}")
        print(
            f"  target < 2 ms a page (p95): wall {_verdict(percentile(pages.wall, 0.95) < 2)}, "
            f"CPU {_verdict(percentile(pages.cpu, 0.95) < 2)}"
        )
        big_id = archive.find_post(content.post(0).url)
        loads, count = measure_load(archive, big_id)
        print(f"load_post with {count:,} comments: {_both(loads)}")
        print(
            f"  target < 10 ms (p95): wall {_verdict(percentile(loads.wall, 0.95) < 10)}, "
            f"CPU {_verdict(percentile(loads.cpu, 0.95) < 10)}"
        )


if __name__ == "__main__":
    main()
