"""Capture benchmark (issue 10 item 2): archive a synthetic WordPress blog over loopback and print the figures.

    python -m bench.capture                         # the issue's sizes: 5,000 posts, 100,000 comments (minutes)
    python -m bench.capture --quick                 # 300 posts, 6,000 comments
    python -m bench.capture --posts 1000 --comments 20000
    python -m bench.capture --only requests         # just the request-count comparison with wget --mirror

Figures, all measured in this run:
- throughput with the politeness delay off: posts/s, comments/s, requests per post, peak RSS;
- a re-run on the unchanged blog: its time and requests, as a share of the first run's;
- politeness: 4 blogs on 4 hosts with a 0.2 s per-host delay, captured one after another and at the same time
  (the per-host delay must not serialise different hosts: wall time about one host's, not the sum);
- requests for a complete first capture of a 12-post WordPress blog (85 comments over several comment pages, 7
  images) and of the bundled sample blog, side by side with `wget --mirror` against the same server.
The blog's server runs in its own process, so the client's figures don't include serving it.
"""

from __future__ import annotations

import argparse
import functools
import random
import resource
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.synthetic_blog import SyntheticBlog, serve_synthetic_blog
from desktop import tasks
from desktop.sampleserver import SampleBlogServer
from storage.records import CrawlReport

REQUEST_TARGET = 60  # issue 10: a 12-post, 85-comment, 7-image WordPress blog in at most 60 requests
SMALL_BLOG = dict(seed=3, posts=12, comments=85, comments_per_page=5, images=7)
POLITE_BLOG = dict(seed=5, posts=6, comments=30, comments_per_page=10, images=0)
POLITE_HOSTS = 4
CHANGED_POSTS = 20


@dataclass(frozen=True)
class Run:
    report: CrawlReport
    seconds: float
    served: int  # requests the server answered
    not_modified: int  # of them, 304s


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_peak_rss_mb(pid: int | None) -> float | None:
    """A live process's peak RSS (VmHWM), in MB."""
    if pid is None:
        return None
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def timed_capture(capture: Callable[[], CrawlReport], log: Callable[[], list[object]]) -> Run:
    start = time.perf_counter()
    report = capture()
    seconds = time.perf_counter() - start
    served = log()
    return Run(report, seconds, len(served), sum(1 for r in served if getattr(r, "status", 0) == 304))


def throughput(args: argparse.Namespace, workdir: Path) -> None:
    blog = SyntheticBlog(
        seed=args.seed,
        posts=args.posts,
        comments=args.comments,
        comments_per_page=args.comments_per_page,
        images=args.images,
    )
    print(
        f"synthetic blog: {blog.post_count:,} posts, {blog.comment_total:,} comments "
        f"({blog.comment_page_total:,} further comment pages at {blog.comments_per_page} threads a page), "
        f"{blog.image_total:,} images; seed {blog.seed}"
    )
    db = workdir / "throughput.sqlite"
    settings = tasks.ArchiveSettings(delay=0.0)
    with serve_synthetic_blog(blog, process=True) as server:
        first = timed_capture(lambda: tasks.archive_blog(server.url, db_path=db, settings=settings), server.requests)
        server.clear_log()
        again = timed_capture(lambda: tasks.archive_blog(server.url, db_path=db, settings=settings), server.requests)
        picked = random.Random(blog.seed).sample(range(blog.post_count), CHANGED_POSTS)
        for number, index in enumerate(picked):
            server.change("comment" if number % 4 else "edit", index)
        server.clear_log()
        changed = timed_capture(lambda: tasks.archive_blog(server.url, db_path=db, settings=settings), server.requests)
        server_rss = child_peak_rss_mb(server.pid)
    r = first.report
    print(
        f"first capture, delay 0: {first.seconds:.1f} s: {r.posts_new / first.seconds:.1f} posts/s, "
        f"{r.comments_new / first.seconds:,.0f} comments/s; {r.posts_new:,} posts, {r.comments_new:,} comments, "
        f"{r.images_saved:,} images saved; {first.served:,} requests ({first.served / max(1, r.posts_found):.2f} "
        f"per post); {len(r.problems)} problems"
    )
    share = 100 * again.served / max(1, first.served)
    print(
        f"re-run, blog unchanged: {again.seconds:.1f} s, {again.served:,} requests ({share:.2f} % of the first "
        f"run's; target < 5 %), {again.not_modified} answered 304; posts new/changed: "
        f"{again.report.posts_new}/{again.report.posts_changed}"
    )
    c = changed.report
    print(
        f"re-run after {CHANGED_POSTS} posts changed upstream (3 in 4 a new comment, the others edited): "
        f"{changed.seconds:.1f} s, {changed.served:,} requests; posts changed {c.posts_changed}, "
        f"comments new {c.comments_new}"
    )
    size = db.stat().st_size / 1e6
    print(
        f"archive: {size:,.0f} MB; peak RSS: capture process {peak_rss_mb():,.0f} MB, server {server_rss or 0:,.0f} MB"
    )


def politeness(args: argparse.Namespace, workdir: Path) -> None:
    blog = SyntheticBlog(**POLITE_BLOG)
    delay = args.delay
    settings = tasks.ArchiveSettings(delay=delay, fetch_images=False)
    with serve_synthetic_blog(blog, hosts=POLITE_HOSTS, process=True) as server:
        one = timed_capture(
            lambda: tasks.archive_blog(server.urls[0], db_path=workdir / "one.sqlite", settings=settings),
            server.requests,
        )
        server.clear_log()
        serial = timed_capture(
            lambda: _as_one(
                tasks.archive_blogs(server.urls, db_path=workdir / "serial.sqlite", settings=settings, max_parallel=1)
            ),
            server.requests,
        )
        server.clear_log()
        parallel = timed_capture(
            lambda: _as_one(tasks.archive_blogs(server.urls, db_path=workdir / "parallel.sqlite", settings=settings)),
            server.requests,
        )
    print(
        f"politeness: {POLITE_HOSTS} hosts, {blog.post_count} posts each, delay {delay:g} s per host: one host "
        f"{one.seconds:.1f} s ({one.served} requests); all {POLITE_HOSTS} one after another {serial.seconds:.1f} s; "
        f"all at once {parallel.seconds:.1f} s ({parallel.seconds / one.seconds:.2f}x one host, "
        f"{serial.seconds / parallel.seconds:.1f}x faster than one after another)"
    )


def _as_one(reports: list[CrawlReport]) -> CrawlReport:
    return CrawlReport(
        blog_url=" ".join(r.blog_url for r in reports),
        posts_found=sum(r.posts_found for r in reports),
        requests=sum(r.requests for r in reports),
    )


def wget_mirror(url: str, workdir: Path) -> bool:
    """Mirror `url` with wget (robots.txt respected, as our capture); False when wget is not installed."""
    wget = shutil.which("wget")
    if wget is None:
        return False
    target = Path(tempfile.mkdtemp(dir=workdir, prefix="wget-"))
    subprocess.run(
        [
            wget,
            "--mirror",
            "--quiet",
            "--tries=1",
            "--timeout=20",
            "-e",
            "robots=on",
            "--directory-prefix",
            str(target),
            url,
        ],
        check=False,
        timeout=1800,
    )
    shutil.rmtree(target, ignore_errors=True)
    return True


def request_counts(workdir: Path) -> None:
    settings = tasks.ArchiveSettings(delay=0.0)
    for rest in (True, False):
        blog = SyntheticBlog(**SMALL_BLOG, rest_api=rest)
        db = workdir / f"small-{rest}.sqlite"
        with serve_synthetic_blog(blog) as server:
            capture = functools.partial(tasks.archive_blog, server.url, db_path=db, settings=settings)
            ours = timed_capture(capture, server.requests)
            server.clear_log()
            again = timed_capture(capture, server.requests)
            server.clear_log()
            mirrored = None
            if wget_mirror(server.url, workdir):
                time.sleep(0.1)  # an answer is logged before its bytes go out: let the last one land
                mirrored = len(server.requests())
        r = ours.report
        print(
            f"request target, WordPress {'with' if rest else 'without'} REST: {r.posts_new} posts, {r.comments_new} "
            f"comments ({blog.comment_page_total} further comment pages), {r.images_saved} images: Threadbook "
            f"{ours.served} requests (target <= {REQUEST_TARGET}), re-run {again.served}; "
            + (f"wget --mirror {mirrored}: ratio {ours.served / mirrored:.2f}" if mirrored else "wget not installed")
        )
    with SampleBlogServer() as sample:
        ours = timed_capture(
            lambda: tasks.archive_blog(sample.url, db_path=workdir / "sample.sqlite", settings=settings),
            lambda: list(sample.requests),
        )
        start = len(sample.requests)
        again = timed_capture(
            lambda: tasks.archive_blog(sample.url, db_path=workdir / "sample.sqlite", settings=settings),
            lambda: list(sample.requests[start:]),
        )
        start = len(sample.requests)
        mirrored = len(sample.requests) - start if wget_mirror(sample.url, workdir) else None
    r = ours.report
    print(
        f"bundled sample blog ({r.posts_new} posts, {r.comments_new} comments, {r.images_saved} images): Threadbook "
        f"{ours.served} requests, re-run {again.served}; "
        + (f"wget --mirror {mirrored}: ratio {ours.served / mirrored:.2f}" if mirrored else "wget not installed")
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--posts", type=int, default=5_000)
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--images", type=int, default=None, help="default: a third of the posts")
    parser.add_argument("--comments-per-page", type=int, default=50, help="top-level threads per comment page")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--delay", type=float, default=0.2, help="per-host delay of the politeness run")
    parser.add_argument("--quick", action="store_true", help="300 posts and 6,000 comments")
    parser.add_argument("--only", choices=("throughput", "politeness", "requests"))
    args = parser.parse_args(argv)
    if args.quick:
        args.posts, args.comments = 300, 6_000
    with tempfile.TemporaryDirectory(prefix="threadbook-bench-") as temp:
        workdir = Path(temp)
        if args.only in (None, "requests"):
            request_counts(workdir)
        if args.only in (None, "politeness"):
            politeness(args, workdir)
        if args.only in (None, "throughput"):
            throughput(args, workdir)


if __name__ == "__main__":
    main()
