"""PDF export benchmark: a deterministic 1,000-post anthology (issue 7) bound into a book; time, pages/s, peak RSS.

    python -m bench.export                 # the full book: 1,000 posts, about 6,000 pages
    python -m bench.export --posts 100     # a quicker run
    python -m bench.export --compare 40    # also: our exporter vs a plain reportlab multiBuild with a TOC, 40 posts
    python -m bench.export --sizes 250,1000  # peak RSS at each size, each in a fresh process (issue 10 item 5)

Each post has about 1,500 words with two headings, three links (footnotes), one 800x600 JPEG, and 20 comments
of 60 to 120 words nested up to 3 deep. Peak RSS is read with getrusage: this process, and the largest child
(the two layout workers run at the same time, so the machine's peak is at most self + 2 x child). `--sizes` runs
one export per size in a fresh process each (peak RSS is a high-water mark per process) and prints them side by
side with the bytes of records and images the anthology holds: what must not grow with the number of posts is the
rest.
"""

from __future__ import annotations

import argparse
import io
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PIL import Image, ImageDraw

from exporters.pdf.options import PdfOptions
from exporters.pdf.render import render_book
from storage.records import Anthology, Asset, Comment, Post

WORDS = (
    "archive thread comment reader writer blog post page letter answer question river mountain garden winter "
    "summer morning evening history memory language village harbour market window library theatre journey "
    "careful quiet bright ancient modern simple gentle patient curious honest certain distant familiar "
    "remember explain discover consider imagine describe improve continue believe forget wonder travel"
).split()


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _paragraph(rng: random.Random, words: int) -> str:
    out, left = [], words
    while left > 0:
        n = min(left, rng.randint(8, 22))
        out.append(_sentence(rng, n))
        left -= n
    return " ".join(out)


def _image(seed: int) -> bytes:
    image = Image.new("RGB", (800, 600), ((seed * 37) % 200 + 30, (seed * 91) % 200 + 30, (seed * 53) % 200 + 30))
    draw = ImageDraw.Draw(image)
    draw.line((0, 0, 799, 599), fill=(20, 20, 20), width=8)
    draw.ellipse((250, 150, 550, 450), outline=(250, 250, 250), width=10)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return out.getvalue()


def make_post(index: int) -> Post:
    """Post `index` of the synthetic anthology (deterministic)."""
    rng = random.Random(index)
    image_url = f"https://bench.example/img/{index}.jpg"
    paragraphs = [_paragraph(rng, 125) for _ in range(12)]  # 12 x 125 = 1,500 words
    for n in range(3):
        at = 1 + n * 4
        paragraphs[at] += f" See [the {rng.choice(WORDS)} notes](https://ref.example/{index}/{n}) for more."
    body = "\n\n".join(
        [
            *paragraphs[:4],
            f"![Figure {index}: a {rng.choice(WORDS)} view]({image_url})",
            f"## The {rng.choice(WORDS)} part",
            *paragraphs[4:8],
            f"## A {rng.choice(WORDS)} ending",
            *paragraphs[8:],
        ]
    )
    comments = []
    started = datetime(2020, 1, 1, tzinfo=UTC) + timedelta(days=index)
    parents: list[str | None] = [None, None, None, None]
    for n in range(20):
        depth = 0 if n % 5 == 0 else min(3, rng.randint(0, 3))
        while depth and parents[depth - 1] is None:
            depth -= 1
        source_id = f"{index}-{n}"
        parents[depth] = source_id
        comments.append(
            Comment(
                source_id=source_id,
                parent_source_id=parents[depth - 1] if depth else None,
                position=n,
                depth=depth,
                author=f"Reader {rng.randint(1, 400)}",
                author_url=None,
                published_at=started + timedelta(hours=n),
                kind="comment",
                body_md=_paragraph(rng, rng.randint(60, 120)),
            )
        )
    data = _image(index)
    return Post(
        url=f"https://bench.example/{index}",
        title=f"Post {index}: on the {rng.choice(WORDS)} {rng.choice(WORDS)}",
        author=f"Author {index % 13}",
        published_at=started,
        updated_at=None,
        body_md=body,
        comments=tuple(comments),
        images=(Asset(image_url, f"{index:064x}", "image/jpeg", len(data), data),),
        language="en",
        categories=("bench",),
    )


def make_anthology(posts: int) -> Anthology:
    return Anthology(
        title="A thousand threads",
        subtitle="The export benchmark",
        editor="Bench Mark",
        introduction_md="A synthetic anthology for measuring the PDF exporter.",
        posts=tuple(make_post(i) for i in range(posts)),
        language="en",
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
    )


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _children_rss_mb() -> float:
    """The largest peak RSS of any child process waited for (the layout workers)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def _record_mb(anthology: Anthology) -> tuple[float, float]:
    """MB of text and of image bytes the anthology's records hold."""
    text = sum(len(p.body_md) + sum(len(c.body_md) for c in p.comments) for p in anthology.posts)
    images = sum(len(a.data) for p in anthology.posts for a in p.images)
    return text / 2**20, images / 2**20


SUMMARY = "RSS-SUMMARY"


def compare_sizes(sizes: list[int], workers: int | None) -> None:
    """One export per size, each in a fresh process; a table of peak RSS against the records' size."""
    rows = []
    for size in sizes:
        command = [sys.executable, "-m", "bench.export", "--posts", str(size)]
        if workers is not None:
            command += ["--workers", str(workers)]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        print(output.rstrip())
        line = next(line for line in output.splitlines() if line.startswith(SUMMARY))
        rows.append(dict(field.split("=") for field in line.split()[1:]))
    print(
        "posts   pages  seconds  records+images MB  after records MB  parent peak MB  worker peak MB  parent - records"
    )
    for row in rows:
        print(
            f"{row['posts']:>5} {row['pages']:>7} {float(row['seconds']):>8.1f} {float(row['records']):>18.0f} "
            f"{float(row['base']):>17.0f} {float(row['parent']):>15.0f} {float(row['worker']):>15.0f} "
            f"{float(row['parent']) - float(row['base']):>17.0f}"
        )


def plain_multibuild(anthology: Anthology, out: Path) -> float:
    """The textbook way: one SimpleDocTemplate, a TableOfContents, multiBuild. Same text, fonts and images."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Image as RLImage
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate
    from reportlab.platypus.tableofcontents import TableOfContents

    from exporters.pdf.fonts import family, markup_text, register_fonts

    register_fonts()
    body = ParagraphStyle("b", fontName=family("serif").regular, fontSize=10.5, leading=14.7)
    head = ParagraphStyle("h", fontName=family("sans").bold, fontSize=20, leading=25)

    class Doc(SimpleDocTemplate):  # type: ignore[misc]
        def afterFlowable(self, flowable: object) -> None:  # noqa: N802
            if isinstance(flowable, Paragraph) and flowable.style is head:
                key = f"p{self.seq.nextf('heading')}"
                self.canv.bookmarkPage(key)
                self.canv.addOutlineEntry(flowable.getPlainText(), key, 0)
                self.notify("TOCEntry", (0, flowable.getPlainText(), self.page, key))

    story: list[object] = [TableOfContents(), PageBreak()]
    for post in anthology.posts:
        story.append(Paragraph(markup_text(post.title), head))
        for block in post.body_md.split("\n\n"):
            if block.startswith("!["):
                story.append(RLImage(io.BytesIO(post.images[0].data), width=400, height=300))
            else:
                story.append(Paragraph(markup_text(block.lstrip("# ")), body))
        story.extend(Paragraph(markup_text(c.body_md), body) for c in post.comments)
        story.append(PageBreak())
    started = time.perf_counter()
    Doc(str(out)).multiBuild(story)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=None, help="layout processes (default: the exporter decides)")
    parser.add_argument("--compare", type=int, default=0, metavar="N", help="also compare with multiBuild on N posts")
    parser.add_argument("--keep", type=Path, default=None, help="write the PDF here instead of a temporary folder")
    parser.add_argument("--sizes", default="", help="comma-separated post counts: peak RSS of each, side by side")
    args = parser.parse_args()
    if args.sizes:
        compare_sizes([int(size) for size in args.sizes.split(",")], args.workers)
        return

    started = time.perf_counter()
    anthology = make_anthology(args.posts)
    text_mb, image_mb = _record_mb(anthology)
    base = _rss_mb()
    print(
        f"generated {args.posts} posts in {time.perf_counter() - started:.1f} s: {text_mb:.0f} MB of text, "
        f"{image_mb:.0f} MB of images; peak RSS so far {base:.0f} MB"
    )
    with tempfile.TemporaryDirectory() as tmp:
        out = args.keep or Path(tmp) / "bench.pdf"
        report = render_book(anthology, out_path=out, options=PdfOptions(workers=args.workers))
        own = _rss_mb()
        children = _children_rss_mb()
        print(
            f"exported {report.posts} posts: {report.pages} pages in {report.seconds:.1f} s "
            f"({report.pages / report.seconds:.0f} pages/s), {report.chunks} chunks on {report.workers} process(es), "
            f"{out.stat().st_size / 1e6:.0f} MB"
        )
        worker = max(report.worker_peak_rss_mb, children)
        if report.workers > 1:
            print(
                f"peak RSS: this process {own:.0f} MB ({own - base:.0f} MB over the records), largest layout worker "
                f"{worker:.0f} MB (at most {own + report.workers * worker:.0f} MB together)"
            )
        else:
            print(f"peak RSS: {own:.0f} MB (one process; {own - base:.0f} MB over the records)")
        print(
            f"{SUMMARY} posts={report.posts} pages={report.pages} seconds={report.seconds:.1f} "
            f"records={text_mb + image_mb:.1f} base={base:.0f} parent={own:.0f} worker={worker:.0f}"
        )
        if args.compare:
            small = make_anthology(args.compare)
            ours = render_book(small, out_path=Path(tmp) / "ours.pdf", options=PdfOptions(workers=args.workers))
            plain = plain_multibuild(small, Path(tmp) / "plain.pdf")
            print(
                f"{args.compare} posts: Threadbook {ours.seconds:.1f} s ({ours.pages} pages, with footnotes, "
                f"outline, contents) vs plain multiBuild with a TOC {plain:.1f} s: ratio {ours.seconds / plain:.2f}"
            )


if __name__ == "__main__":
    main()
