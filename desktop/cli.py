"""The `threadbook` command line: archive, browse, search and export, and start the GUI."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.markup import escape
from rich.table import Table

from desktop import exports, imports, tasks
from desktop.cli_anthology import anthology
from desktop.cli_comment_systems import show_lines, thread_heading, thread_options
from desktop.cli_common import console, db_option, err_console, format_date, print_report, resolve_db, run_with_progress
from desktop.cli_formats import (
    CITE_STYLES,
    FORMAT_CHOICES,
    cite_command,
    export_format_command,
    format_selection_options,
)
from desktop.cli_history import history_
from desktop.cli_series import series_
from desktop.cli_warc import export_warc_command, warc_selection_options
from desktop.comment_notices import system_label
from storage.records import (
    SNIPPET_END,
    SNIPPET_START,
    THREADBOOK_VERSION,
    Post,
)

log = logging.getLogger(__name__)
F = TypeVar("F", bound=Callable[..., Any])


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(THREADBOOK_VERSION, prog_name="threadbook")
@click.option("-v", "--verbose", count=True, help="Log more (-v: what is fetched, -vv: debug).")
def cli(verbose: int) -> None:
    """Threadbook archives blog posts with their whole comment threads and binds series of them into books.

    \b
    Start with:  threadbook archive https://some.blog/
    Then:        threadbook list, threadbook show POST, threadbook search WORDS
    Export:      threadbook export --format pdf --series "NAME" -o book.pdf
    Try it:      threadbook demo   (offline, on the bundled sample blog)
    """
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


recheck_option = click.option(
    "--recheck-all",
    "recheck_all",
    is_flag=True,
    help=f"Ask every post again, not only those the blog says changed (slower; catches edited and deleted "
    f"comments). Without it, each post is still asked again at least every {tasks.RECHECK_AFTER.days} days.",
)


@cli.command()
@click.argument("url")
@db_option
@click.option(
    "--delay",
    type=click.FloatRange(min=0),
    default=1.0,
    show_default=True,
    help="Seconds to wait between two requests to the same host. Be kind to small blogs.",
)
@click.option("--no-images", is_flag=True, help="Don't download the posts' images.")
@recheck_option
@thread_options
def archive(
    url: str,
    db: Path | None,
    delay: float,
    no_images: bool,
    recheck_all: bool,
    render: bool,
    disqus_key: str | None,
    github_token: str | None,
) -> None:
    """Archive every post of the blog at URL with its whole comment thread.

    URL is the blog's home page (or one post). Running it again fetches only what changed and adds new posts and
    comments; nothing already archived is removed.
    """
    db_path = resolve_db(db)
    settings = tasks.ArchiveSettings(
        delay=delay,
        fetch_images=not no_images,
        recheck_all=recheck_all,
        render=render,
        disqus_api_key=disqus_key,
        github_token=github_token,
    )
    report = run_with_progress(
        lambda progress, cancelled: tasks.archive_blog(
            url, db_path=db_path, settings=settings, progress=progress, cancelled=cancelled
        )
    )
    print_report(report, db_path)


@cli.command()
@click.argument("blog_ref", metavar="[BLOG]", required=False)
@click.option("--all", "all_blogs", is_flag=True, help="Update every blog in the archive.")
@click.option("--watched", is_flag=True, help="Update only watched blogs whose interval has passed (for cron).")
@db_option
@click.option(
    "--delay",
    type=click.FloatRange(min=0),
    default=1.0,
    show_default=True,
    help="Seconds to wait between two requests to the same host.",
)
@recheck_option
@thread_options
def update(
    blog_ref: str | None,
    all_blogs: bool,
    watched: bool,
    db: Path | None,
    delay: float,
    recheck_all: bool,
    render: bool,
    disqus_key: str | None,
    github_token: str | None,
) -> None:
    """Re-capture blogs incrementally: new posts, new comments, changed pages only.

    \b
    threadbook update --all          every blog in the archive
    threadbook update --watched      watched blogs that are due (run it from cron or a systemd timer)
    threadbook update BLOG           one blog, by its number (see `threadbook list`) or its URL
    """
    if sum(bool(x) for x in (blog_ref, all_blogs, watched)) != 1:
        raise click.UsageError("Give one of: a BLOG, --all, or --watched.")
    db_path = resolve_db(db)
    blog_ids: list[int] | None = None
    if blog_ref is not None:
        from storage.archive import open_archive

        with open_archive(db_path) as opened:
            blogs = opened.list_blogs()
        wanted = blog_ref.strip().rstrip("/")
        blog_ids = [b.id for b in blogs if str(b.id) == wanted or b.url.rstrip("/") == wanted]
        if not blog_ids:
            raise click.ClickException(f"No blog {blog_ref!r} in the archive. Run `threadbook list` to see them.")
    settings = tasks.ArchiveSettings(
        delay=delay, recheck_all=recheck_all, render=render, disqus_api_key=disqus_key, github_token=github_token
    )
    reports = tasks.update_blogs(db_path=db_path, blog_ids=blog_ids, watched_only=watched, settings=settings)
    if not reports:
        console.print("Nothing to update." + (" No watched blog is due." if watched else ""))
    for report in reports:
        print_report(report, db_path)


@cli.command("list")
@db_option
@click.option("--blog", "blog_ref", help="Only the posts of this blog (its URL or number).")
@click.option("--series", help="Only the parts of this series, in order.")
@click.option(
    "--missing-comments",
    is_flag=True,
    help="Only posts whose comments a comment system (Disqus, ...) keeps and that could not be captured.",
)
def list_(db: Path | None, blog_ref: str | None, series: str | None, missing_comments: bool) -> None:
    """List the archived blogs and their posts."""
    from storage.archive import open_archive

    with open_archive(resolve_db(db)) as archive:
        blogs = archive.list_blogs()
        if not blogs:
            console.print("The archive is empty. Add a blog with: threadbook archive https://some.blog/")
            return
        for blog in blogs:
            if blog_ref and blog_ref not in (str(blog.id), blog.url, blog.url.rstrip("/")):
                continue
            posts = archive.list_posts(blog_id=blog.id, series=series, missing_comments=missing_comments)
            if (series or missing_comments) and not posts:
                continue
            kept_by = {m.post_id: m for m in archive.list_missing_threads(blog_id=blog.id)}
            table = Table(
                title=f"{blog.title} — {blog.url} ({blog.platform})",
                title_justify="left",
                show_edge=False,
                pad_edge=False,
            )
            table.add_column("#", justify="right", style="dim")
            table.add_column("Date")
            table.add_column("Title", overflow="fold")
            table.add_column("Author")
            table.add_column("Comments", justify="right")
            for post in posts:
                part = f"  [dim](part {post.series.number})[/dim]" if post.series and post.series.number else ""
                table.add_row(
                    str(post.id),
                    format_date(post.published_at),
                    escape(post.title) + part,
                    escape(post.author or ""),
                    str(post.comment_count) + (" [yellow]![/yellow]" if post.id in kept_by else ""),
                )
            console.print(table)
            console.print(f"{len(posts)} posts, {blog.comment_count} comments")
            if kept_by:
                names = ", ".join(sorted({escape(system_label(m.name)) for m in kept_by.values()}))
                console.print(
                    f"[yellow]![/yellow] {len(kept_by)} posts' comments are kept by {names} and were not captured: "
                    "`threadbook show POST` says what to do."
                    + ("" if missing_comments else " List them with --missing-comments."),
                    soft_wrap=True,
                )
            console.print()


@cli.command()
@click.argument("post_ref", metavar="POST")
@db_option
@click.option("--no-comments", is_flag=True, help="Show the post without its thread.")
def show(post_ref: str, db: Path | None, no_comments: bool) -> None:
    """Show one post (by number or URL) and its comment thread as an indented tree."""
    from storage.archive import open_archive

    with open_archive(resolve_db(db)) as archive:
        post = archive.load_post(archive.find_post(post_ref))
    click.echo(_render_post_text(post, comments=not no_comments))


def _render_post_text(post: Post, *, comments: bool = True) -> str:
    lines = [post.title, "=" * min(len(post.title), 80)]
    byline = " · ".join(x for x in (post.author or "", format_date(post.published_at), post.url) if x)
    lines += [byline]
    if post.series:
        lines.append(f"Series: {post.series.name}" + (f", part {post.series.number}" if post.series.number else ""))
    if post.categories or post.tags:
        lines.append("Filed under: " + ", ".join([*post.categories, *post.tags]))
    lines += show_lines(post)
    lines += ["", post.body_md.strip() if not post.protected else "(This post is password-protected.)", ""]
    if comments:
        lines.append(thread_heading(post))
        for c in post.comments:
            pad = "    " * c.depth
            kind = "" if c.kind == "comment" else f" [{c.kind}]"
            gone = " (removed upstream)" if c.removed_at else ""
            lines.append(f"{pad}┌ {c.author}{kind} · {format_date(c.published_at, time=True)} · #{c.source_id}{gone}")
            for body_line in (c.body_md.strip() or "(empty)").splitlines():
                lines.append(f"{pad}│ {body_line}")
    return "\n".join(lines)


@cli.command()
@click.argument("query", nargs=-1, required=True)
@db_option
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
@click.option("--cite", type=click.Choice(CITE_STYLES), help="Print citations of the posts found (BibTeX or CSL-JSON).")
def search(query: tuple[str, ...], db: Path | None, limit: int, cite: str | None) -> None:
    """Search posts and comments (full text). Words are matched in any order; use "quotes" for a phrase."""
    from storage.archive import open_archive

    text = " ".join(query)
    if cite:
        cite_command(text, db_path=resolve_db(db), style=cite, limit=limit)
        return
    with open_archive(resolve_db(db)) as archive:
        hits = archive.search(text, limit=limit)
    if not hits:
        console.print(f"Nothing in the archive matches “{escape(text)}”.")
        return
    for hit in hits:
        where = f"comment #{hit.comment_source_id} by {hit.author}" if hit.kind == "comment" else "post"
        snippet = escape(hit.snippet).replace(SNIPPET_START, "[bold yellow]").replace(SNIPPET_END, "[/bold yellow]")
        console.print(f"[bold]{escape(hit.post_title)}[/bold] [dim]({hit.post_id}, {escape(where)})[/dim]")
        console.print(f"  {snippet}")


@cli.command()
@warc_selection_options
@format_selection_options
@click.option(
    "--format", "fmt", type=click.Choice(["json", "pdf", "warc", *FORMAT_CHOICES]), required=True, help="What to write."
)
@click.option(
    "-o",
    "--output",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The file to write (replaced only when the export succeeds).",
)
@click.option("--series", help="The series to export (every format but json). See `threadbook series`.")
@click.option("--page-size", type=click.Choice(["A4", "Letter", "A5"]), default="A4", show_default=True)
@db_option
def export(fmt: str, out: Path, series: str | None, page_size: str, db: Path | None, **warc: Any) -> None:
    """Export the archive as JSON (docs/json-format.md), a series as a PDF anthology, or raw captures as WARC; a
    series, an anthology or chosen posts as EPUB, a Markdown bundle (zip, or a folder when OUTPUT doesn't end in
    .zip), one offline web page, or citations (CSL-JSON, BibTeX). Formats: docs/formats.md."""
    db_path = resolve_db(db)
    if fmt == "warc":
        path = export_warc_command(db_path=db_path, out=out, series=series, **warc)
    elif fmt == "json":
        path = exports.export_json(db_path=db_path, out_path=out)
    elif fmt in FORMAT_CHOICES:
        path = export_format_command(fmt=fmt, db_path=db_path, out=out, series=series, **warc)
    else:
        if not series:
            raise click.UsageError("A PDF export needs --series NAME. `threadbook series` lists them.")
        path = exports.export_series_pdf(db_path=db_path, series=series, out_path=out, page_size=page_size)
    console.print(f"Wrote {escape(str(path))}")


@cli.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@db_option
def import_(file: Path, db: Path | None) -> None:
    """Import an export FILE: a WordPress export (WXR), a Blogger/Takeout Atom export, a Disqus comments export,
    or a web archive (WARC) of blog pages.

    \b
    Gzipped files (.xml.gz, .warc.gz) are fine. No network is used. Disqus threads are attached to archived posts with
    the same address, so archive the blog first. Importing the same file again adds nothing twice.
    """
    db_path = resolve_db(db)
    report = imports.import_file(file, db_path=db_path)
    console.print(
        f"Imported {escape(report.format)}: {report.blogs} blogs · {report.posts_new} new posts, "
        f"{report.posts_changed} changed, {report.posts_unchanged} unchanged · {report.threads_attached} threads "
        f"attached · {report.comments_total} comments ({report.comments_new} new)"
    )
    for problem in report.problems:
        console.print(f"  [yellow]![/yellow] {escape(problem)}", soft_wrap=True)
    for url in report.unmatched:
        console.print(f"  not archived: {escape(url)}", soft_wrap=True)
    console.print(f"Archive: {escape(str(db_path))}")


@cli.command()
@click.argument("page", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--url", required=True, help="The address the page was saved from: links and ids are resolved against it."
)
def extract(page: Path, url: str) -> None:
    """Print the post in a saved HTML PAGE, with its comment thread, as JSON (the export's post shape).

    No network is used: images are listed but not fetched. Useful for saved pages and for testing extraction.
    """
    import json

    from exporters.json_export import post_to_dict

    post = tasks.extract_saved_page(page, url=url)
    click.echo(json.dumps(post_to_dict(post), ensure_ascii=False, indent=2))


@cli.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to put the demo archive, JSON and PDF. Default: a new folder under ./threadbook-demo",
)
def demo(out_dir: Path | None) -> None:
    """Serve the bundled sample blog on 127.0.0.1, archive it, and export its series as PDF and the archive as JSON.

    Offline: nothing leaves this machine.
    """
    from desktop.demo import run_demo

    result = run_demo((out_dir or Path("threadbook-demo")).resolve(), echo=console.print)
    console.print(
        f"\nArchive: {escape(str(result.db_path))}\nJSON:    {escape(str(result.json_path))}\n"
        f"PDF:     {escape(str(result.pdf_path))}"
    )


@cli.command()
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@db_option
@click.option("--force", is_flag=True, help="Replace OUT if it exists.")
def backup(out: Path, db: Path | None, force: bool) -> None:
    """Copy the archive to OUT, safely even while Threadbook is capturing into it, and check the copy."""
    from desktop.maintenance import backup_archive

    report = backup_archive(resolve_db(db), out, force=force)
    counts = report.counts
    console.print(
        f"Backed up {counts['blogs']} blogs · {counts['posts']} posts · {counts['comments']} comments "
        f"to {escape(str(out))} (checked: ok)"
    )


@cli.command()
@db_option
@click.option(
    "--optimize",
    is_flag=True,
    help="After a clean check, merge the search indexes (worth it after big imports: faster searches, same results).",
)
def check(db: Path | None, optimize: bool) -> None:
    """Check the archive for damage and show what it holds. Exit status 1 if anything is wrong."""
    from desktop.maintenance import check_archive, optimize_archive

    db_path = resolve_db(db)
    report = check_archive(db_path)
    counts = " · ".join(f"{count} {table}" for table, count in report.counts.items())
    console.print(f"Archive: {escape(str(db_path))}\nSchema: {escape(report.schema)}\nHolds: {counts}")
    if report.ok:
        console.print("Check: ok")
        if optimize:
            console.print(f"Search indexes merged in {optimize_archive(db_path):.1f} s")
        return
    for problem in report.problems:
        console.print(f"  [red]![/red] {escape(problem)}", soft_wrap=True)
    err_console.print(
        f"threadbook: {escape(str(db_path))} has {len(report.problems)} problem(s): {escape(report.problems[0])}. "
        "Restore it from a backup, or copy what can be read with `threadbook export --format json`.",
        soft_wrap=True,
    )
    sys.exit(1)


@cli.command()
@db_option
def gui(db: Path | None) -> None:
    """Open the Threadbook window."""
    from desktop.app import main as gui_main

    sys.exit(gui_main([sys.argv[0], *([str(db)] if db else [])]))


cli.add_command(series_)
cli.add_command(anthology)
cli.add_command(history_)


def main() -> int:
    """Console-script entry: run the CLI, turning expected trouble into a one-line message and exit 1."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        err_console.print("threadbook: aborted.")
        return 1
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except tasks.USER_ERRORS as exc:
        err_console.print(f"threadbook: {escape(str(exc))}", soft_wrap=True)
        return 1
    except KeyboardInterrupt:
        err_console.print("threadbook: interrupted. Everything saved so far is kept.")
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
