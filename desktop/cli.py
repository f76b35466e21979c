"""The `threadbook` command line: archive, browse, search and export, and start the GUI."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from desktop import tasks
from storage.records import (
    SNIPPET_END,
    SNIPPET_START,
    THREADBOOK_VERSION,
    CrawlReport,
    Post,
    SeriesReport,
)

log = logging.getLogger(__name__)
F = TypeVar("F", bound=Callable[..., Any])

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


def db_option(func: F) -> F:
    """Every command takes --db (or THREADBOOK_DB); the default lives in the user data dir."""
    return click.option(
        "--db",
        "db",
        type=click.Path(dir_okay=False, path_type=Path),
        envvar=tasks.DB_ENV,
        default=None,
        show_envvar=True,
        help="The archive file. Default: archive.sqlite in your user data folder.",
    )(func)


def _db(db: Path | None) -> Path:
    return db if db is not None else tasks.default_db_path()


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
def archive(url: str, db: Path | None, delay: float, no_images: bool) -> None:
    """Archive every post of the blog at URL with its whole comment thread.

    URL is the blog's home page (or one post). Running it again fetches only what changed and adds new posts and
    comments; nothing already archived is removed.
    """
    db_path = _db(db)
    settings = tasks.ArchiveSettings(delay=delay, fetch_images=not no_images)
    report = _run_with_progress(
        lambda progress, cancelled: tasks.archive_blog(
            url, db_path=db_path, settings=settings, progress=progress, cancelled=cancelled
        )
    )
    _print_report(report, db_path)


class RateColumn(ProgressColumn):
    """Posts per second, once there is a rate to show."""

    def render(self, task: Task) -> Text:
        return Text(f"{task.speed:.1f} posts/s" if task.speed else "", style="dim")


def _run_with_progress(
    work: Callable[[Callable[[tasks.Progress], None], Callable[[], bool]], CrawlReport],
) -> CrawlReport:
    cancel = {"flag": False}
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("posts · {task.fields[comments]} comments"),
        RateColumn(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=err_console, transient=False, disable=not err_console.is_terminal) as bar:
        task_id = bar.add_task("Looking for posts", total=None, comments=0)

        def on_progress(p: tasks.Progress) -> None:
            if p.stage == "discovering":
                bar.update(task_id, description="Looking for posts")
            else:
                bar.update(
                    task_id,
                    description="Archiving",
                    total=p.posts_total or None,
                    completed=p.posts_done,
                    comments=p.comments,
                )
            log.info("%s %d/%d %s", p.stage, p.posts_done, p.posts_total, p.message)

        try:
            return work(on_progress, lambda: cancel["flag"])
        except KeyboardInterrupt:  # a second Ctrl-C while we finish the current post exits at once
            cancel["flag"] = True
            raise


def _print_report(report: CrawlReport, db_path: Path) -> None:
    verb = "Stopped early" if report.cancelled else "Done"
    console.print(
        f"{verb}: {report.posts_found} posts found · {report.posts_new} new, {report.posts_changed} changed, "
        f"{report.posts_unchanged} unchanged · {report.comments_total} comments ({report.comments_new} new"
        + (f", {report.comments_removed} gone upstream" if report.comments_removed else "")
        + f") · {report.images_saved} images · {report.requests} requests ({report.not_modified} not modified)"
    )
    for problem in report.problems:
        console.print(f"  [yellow]![/yellow] {escape(problem)}")
    console.print(f"Archive: {escape(str(db_path))}")


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
def update(blog_ref: str | None, all_blogs: bool, watched: bool, db: Path | None, delay: float) -> None:
    """Re-capture blogs incrementally: new posts, new comments, changed pages only.

    \b
    threadbook update --all          every blog in the archive
    threadbook update --watched      watched blogs that are due (run it from cron or a systemd timer)
    threadbook update BLOG           one blog, by its number (see `threadbook list`) or its URL
    """
    if sum(bool(x) for x in (blog_ref, all_blogs, watched)) != 1:
        raise click.UsageError("Give one of: a BLOG, --all, or --watched.")
    db_path = _db(db)
    blog_ids: list[int] | None = None
    if blog_ref is not None:
        from storage.archive import open_archive

        with open_archive(db_path) as opened:
            blogs = opened.list_blogs()
        wanted = blog_ref.strip().rstrip("/")
        blog_ids = [b.id for b in blogs if str(b.id) == wanted or b.url.rstrip("/") == wanted]
        if not blog_ids:
            raise click.ClickException(f"No blog {blog_ref!r} in the archive. Run `threadbook list` to see them.")
    settings = tasks.ArchiveSettings(delay=delay)
    reports = tasks.update_blogs(db_path=db_path, blog_ids=blog_ids, watched_only=watched, settings=settings)
    if not reports:
        console.print("Nothing to update." + (" No watched blog is due." if watched else ""))
    for report in reports:
        _print_report(report, db_path)


@cli.command("list")
@db_option
@click.option("--blog", "blog_ref", help="Only the posts of this blog (its URL or number).")
@click.option("--series", help="Only the parts of this series, in order.")
def list_(db: Path | None, blog_ref: str | None, series: str | None) -> None:
    """List the archived blogs and their posts."""
    from storage.archive import open_archive

    with open_archive(_db(db)) as archive:
        blogs = archive.list_blogs()
        if not blogs:
            console.print("The archive is empty. Add a blog with: threadbook archive https://some.blog/")
            return
        for blog in blogs:
            if blog_ref and blog_ref not in (str(blog.id), blog.url, blog.url.rstrip("/")):
                continue
            posts = archive.list_posts(blog_id=blog.id, series=series)
            if series and not posts:
                continue
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
                    _date(post.published_at),
                    escape(post.title) + part,
                    escape(post.author or ""),
                    str(post.comment_count),
                )
            console.print(table)
            console.print(f"{len(posts)} posts, {blog.comment_count} comments\n")


@cli.command()
@click.argument("post_ref", metavar="POST")
@db_option
@click.option("--no-comments", is_flag=True, help="Show the post without its thread.")
def show(post_ref: str, db: Path | None, no_comments: bool) -> None:
    """Show one post (by number or URL) and its comment thread as an indented tree."""
    from storage.archive import open_archive

    with open_archive(_db(db)) as archive:
        post = archive.load_post(archive.find_post(post_ref))
    click.echo(_render_post_text(post, comments=not no_comments))


def _render_post_text(post: Post, *, comments: bool = True) -> str:
    lines = [post.title, "=" * min(len(post.title), 80)]
    byline = " · ".join(x for x in (post.author or "", _date(post.published_at), post.url) if x)
    lines += [byline]
    if post.series:
        lines.append(f"Series: {post.series.name}" + (f", part {post.series.number}" if post.series.number else ""))
    if post.categories or post.tags:
        lines.append("Filed under: " + ", ".join([*post.categories, *post.tags]))
    lines += ["", post.body_md.strip() if not post.protected else "(This post is password-protected.)", ""]
    if comments:
        lines.append(f"— {len(post.comments)} comments —")
        for c in post.comments:
            pad = "    " * c.depth
            kind = "" if c.kind == "comment" else f" [{c.kind}]"
            gone = " (removed upstream)" if c.removed_at else ""
            lines.append(f"{pad}┌ {c.author}{kind} · {_date(c.published_at, time=True)} · #{c.source_id}{gone}")
            for body_line in (c.body_md.strip() or "(empty)").splitlines():
                lines.append(f"{pad}│ {body_line}")
    return "\n".join(lines)


@cli.command()
@click.argument("query", nargs=-1, required=True)
@db_option
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
def search(query: tuple[str, ...], db: Path | None, limit: int) -> None:
    """Search posts and comments (full text). Words are matched in any order; use "quotes" for a phrase."""
    from storage.archive import open_archive

    text = " ".join(query)
    with open_archive(_db(db)) as archive:
        hits = archive.search(text, limit=limit)
    if not hits:
        console.print(f"Nothing in the archive matches “{escape(text)}”.")
        return
    for hit in hits:
        where = f"comment #{hit.comment_source_id} by {hit.author}" if hit.kind == "comment" else "post"
        snippet = escape(hit.snippet).replace(SNIPPET_START, "[bold yellow]").replace(SNIPPET_END, "[/bold yellow]")
        console.print(f"[bold]{escape(hit.post_title)}[/bold] [dim]({hit.post_id}, {escape(where)})[/dim]")
        console.print(f"  {snippet}")


@cli.group("series", invoke_without_command=True)
@db_option
@click.pass_context
def series_(ctx: click.Context, db: Path | None) -> None:
    """Series of posts: list them, show their parts and gaps, correct them, capture one from a single part.

    Without a subcommand: the same as `threadbook series list`.
    """
    ctx.obj = {"db": db}
    if ctx.invoked_subcommand is None:
        _print_series_list(_db(db))


def _group_db(db: Path | None) -> Path:
    """--db given to the subcommand, else to its group, else THREADBOOK_DB or the default."""
    if db is None:
        ctx = click.get_current_context()
        parent = ctx.parent.obj if ctx.parent is not None and isinstance(ctx.parent.obj, dict) else {}
        db = parent.get("db")
    return _db(db)


def _print_series_list(db_path: Path) -> None:
    from desktop.anthologies import all_series_reports

    reports = all_series_reports(db_path)
    if not reports:
        console.print("No series found yet.")
    for report in reports:
        gaps = f", {len(report.gaps)} gaps" if report.gaps else ""
        console.print(f"{escape(report.name)}: {len(report.parts)} parts{gaps}  [dim]{escape(report.blog_url)}[/dim]")


@series_.command("list")
@db_option
def series_list(db: Path | None) -> None:
    """List the series found in the archive, with their number of parts and gaps."""
    _print_series_list(_group_db(db))


def _print_series(report: SeriesReport) -> None:
    console.print(f"[bold]{escape(report.name)}[/bold]  [dim]{escape(report.blog_url)}[/dim]")
    if report.detected_names:
        console.print(f"  [dim](renamed from {escape(', '.join(report.detected_names))})[/dim]")
    table = Table(show_edge=False, pad_edge=False)
    table.add_column("Part", justify="right")
    table.add_column("#", justify="right", style="dim")
    table.add_column("Date")
    table.add_column("Title", overflow="fold")
    table.add_column("Comments", justify="right")
    for part in report.parts:
        mark = " [dim](by hand)[/dim]" if part.source == "manual" else ""
        table.add_row(
            "?" if part.number is None else str(part.number),
            str(part.post_id),
            _date(part.published_at),
            escape(part.title) + mark,
            str(part.comment_count),
        )
    console.print(table)
    for gap in report.gaps:
        console.print(f"  [yellow]![/yellow] {escape(gap.message)}", soft_wrap=True)
    if not report.gaps:
        console.print("  No gaps.")


@series_.command("show")
@click.argument("name")
@db_option
def series_show(name: str, db: Path | None) -> None:
    """Show the parts of the series NAME in order, and its gaps (missing parts, parts announced but not archived)."""
    from desktop.anthologies import series_reports

    for report in series_reports(_group_db(db), name):
        _print_series(report)


def _number_pair(value: str) -> tuple[str, int]:
    post, sep, number = value.rpartition("=")
    if not sep or not post or not number.strip().isdigit():
        raise click.BadParameter(f"{value!r}: write POST=NUMBER, e.g. 42=3.", param_hint="--number")
    return post, int(number)


@series_.command("fix")
@click.argument("name")
@click.option("--rename", "new_name", help="Show the series under this name (also for parts found later).")
@click.option("--add", "add", multiple=True, metavar="POST", help="Put this post (number or URL) in the series.")
@click.option("--remove", "remove", multiple=True, metavar="POST", help="Take this post out of the series.")
@click.option("--number", "numbers", multiple=True, metavar="POST=N", help="Set a post's part number, e.g. 42=3.")
@click.option("--reset", "reset", multiple=True, metavar="POST", help="Forget the corrections of this post.")
@db_option
def series_fix(
    name: str,
    new_name: str | None,
    add: tuple[str, ...],
    remove: tuple[str, ...],
    numbers: tuple[str, ...],
    reset: tuple[str, ...],
    db: Path | None,
) -> None:
    """Correct the series NAME by hand. Corrections are kept apart from what detection finds, so they survive
    every later update of the blog.

    \b
    threadbook series fix "Guest Week" --rename "Guest Week 2024"
    threadbook series fix "Guest Week" --add 57 --number 57=7 --remove 12
    """
    from desktop.anthologies import SeriesFix, fix_series

    if not any((new_name is not None, add, remove, numbers, reset)):
        raise click.UsageError("Say what to correct: --rename, --add, --remove, --number or --reset.")
    fix = SeriesFix(
        rename=new_name, add=add, remove=remove, numbers=tuple(_number_pair(n) for n in numbers), reset=reset
    )
    for report in fix_series(_group_db(db), name, fix):
        _print_series(report)


@series_.command("capture")
@click.argument("url")
@click.option("-y", "--yes", is_flag=True, help="Don't ask before capturing (never asked when input isn't a terminal).")
@click.option(
    "--delay",
    type=click.FloatRange(min=0),
    default=1.0,
    show_default=True,
    help="Seconds to wait between two requests to the same host.",
)
@click.option("--no-images", is_flag=True, help="Don't download the posts' images.")
@db_option
def series_capture(url: str, yes: bool, delay: float, no_images: bool, db: Path | None) -> None:
    """Capture a whole series from the URL of any one of its parts.

    Threadbook reads that part, follows its links (the series or category page it points to, with every page of
    it; next and previous parts) and lists the parts it found and the ones missing. Then it captures every part
    with its whole comment thread, and nothing outside the series. The series is then ready to export.
    """
    from desktop.anthologies import capture_series, preview_series

    db_path = _group_db(db)
    settings = tasks.ArchiveSettings(delay=delay, fetch_images=not no_images)
    plan = preview_series(url, settings=settings)
    console.print(f"[bold]{escape(plan.name)}[/bold] on {escape(plan.blog.title)}: {len(plan.parts)} parts found")
    for part in plan.parts:
        number = "?" if part.number is None else str(part.number)
        console.print(f"  {number:>4}  {escape(part.title)}  [dim]{escape(part.url)}[/dim]", soft_wrap=True)
    for gap in plan.gaps:
        console.print(f"  [yellow]![/yellow] {escape(gap.message)}", soft_wrap=True)
    if not yes and sys.stdin.isatty() and not click.confirm(f"Capture these {len(plan.parts)} parts?", default=True):
        console.print("Nothing was captured.")
        return
    report = _run_with_progress(
        lambda progress, cancelled: (
            capture_series(
                url, db_path=db_path, settings=settings, plan=plan, progress=progress, cancelled=cancelled
            ).crawl
        )
    )
    _print_report(report, db_path)
    console.print(f'Export it with: threadbook export --format pdf --series "{escape(plan.name)}" -o book.pdf')


# -- anthologies: `threadbook anthology ...` (docs/anthologies.md)


@cli.group("anthology")
@db_option
@click.pass_context
def anthology(ctx: click.Context, db: Path | None) -> None:
    """Anthologies: books the editor puts together from archived posts, with chosen comments, sections and notes.

    \b
    threadbook anthology new "GW" --from-series "Guest Week" --editor "M. Hollis"
    threadbook anthology comments "GW" 61 --mode selected --include 17 --replies 18
    threadbook anthology note "GW" 61 "Written in the week of the fair."
    threadbook anthology export "GW" --format pdf -o gw.pdf
    """
    ctx.obj = {"db": db}


def _read_text_option(text: str | None, file: Path | None, what: str) -> str | None:
    if text is not None and file is not None:
        raise click.UsageError(f"Give the {what} as text or as --file, not both.")
    if file is not None:
        try:
            return file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise click.BadParameter(f"Couldn't read {file}: {exc}", param_hint="--file") from exc
    return text


@anthology.command("new")
@click.argument("name")
@click.option("--from-series", "series", help="Fill it with every part of this series, in order (kept up to date).")
@click.option("--title", default="", help="The book's title (default: the series' name, else NAME).")
@click.option("--subtitle", default="")
@click.option("--editor", default="", help="The editor's name, printed on the title page.")
@click.option("--intro", "intro", default=None, help="The introduction (Markdown).")
@click.option(
    "--intro-file", type=click.Path(dir_okay=False, path_type=Path), help="Read the introduction from a file."
)
@db_option
def anthology_new(
    name: str,
    series: str | None,
    title: str,
    subtitle: str,
    editor: str,
    intro: str | None,
    intro_file: Path | None,
    db: Path | None,
) -> None:
    """Create the anthology NAME, empty or made from a series in one step."""
    from storage.archive import open_archive

    introduction = _read_text_option(intro, intro_file, "introduction") or ""
    with open_archive(_group_db(db)) as archive:
        spec = archive.create_anthology(
            name, title=title, subtitle=subtitle, editor=editor, introduction_md=introduction, from_series=series
        )
    console.print(f"Created {escape(spec.name)!r} with {len(spec.entries)} items.")


@anthology.command("list")
@db_option
def anthology_list(db: Path | None) -> None:
    """List the anthologies."""
    from storage.archive import open_archive

    with open_archive(_group_db(db)) as archive:
        found = archive.list_anthologies()
    if not found:
        console.print('No anthologies yet. Make one with: threadbook anthology new NAME --from-series "SERIES"')
    for summary in found:
        series = f"  [dim](series {escape(summary.series)})[/dim]" if summary.series else ""
        console.print(f"{escape(summary.name)}: “{escape(summary.title)}”, {summary.item_count} items{series}")


def _position(position: int | None) -> int | None:
    return None if position is None else position - 1


@anthology.command("add")
@click.argument("name")
@click.argument("posts", nargs=-1, required=True, metavar="POST...")
@click.option("--position", type=click.IntRange(min=1), help="Where to put them (1 is first). Default: at the end.")
@click.option("--section", help="A section heading printed before the (first) post.")
@click.option("--note", default="", help="The editor's note on the post (Markdown).")
@click.option("--comments", "mode", type=click.Choice(["none", "all", "selected"]), help="Which comments to print.")
@db_option
def anthology_add(
    name: str,
    posts: tuple[str, ...],
    position: int | None,
    section: str | None,
    note: str,
    mode: str | None,
    db: Path | None,
) -> None:
    """Add archived POSTs (numbers or URLs) to the anthology NAME."""
    from storage.archive import open_archive

    with open_archive(_group_db(db)) as archive:
        ids = [archive.find_post(ref) for ref in posts]  # every reference checked before anything changes
        spec = archive.load_anthology_spec(name)
        present = {entry.post_id for entry in spec.entries}
        if len(set(ids)) != len(ids) or present & set(ids):
            raise click.ClickException("A post can be in an anthology once; one of these is already there.")
        if position is not None and position > len(spec.entries) + 1:
            raise click.ClickException(
                f"Position {position} is out of range: the anthology has {len(spec.entries)} items."
            )
        at = _position(position)
        for offset, post_id in enumerate(ids):
            archive.add_anthology_item(
                name,
                post_id,
                position=None if at is None else at + offset,
                section=section if offset == 0 else None,
                note_md=note,
                comment_mode=mode,  # type: ignore[arg-type]
            )
    console.print(f"Added {len(ids)} post{'s' if len(ids) != 1 else ''}.")


@anthology.command("move")
@click.argument("name")
@click.argument("post", metavar="POST")
@click.option("--position", type=click.IntRange(min=1), required=True, help="The new place (1 is first).")
@db_option
def anthology_move(name: str, post: str, position: int, db: Path | None) -> None:
    """Move POST to another place in the anthology NAME."""
    from storage.archive import open_archive

    with open_archive(_group_db(db)) as archive:
        archive.move_anthology_item(name, archive.find_post(post), position - 1)
    console.print(f"Moved to position {position}.")


@anthology.command("remove")
@click.argument("name")
@click.argument("post", metavar="POST")
@db_option
def anthology_remove(name: str, post: str, db: Path | None) -> None:
    """Take POST out of the anthology NAME (with its comment choices and edited text)."""
    from storage.archive import open_archive

    with open_archive(_group_db(db)) as archive:
        archive.remove_anthology_item(name, archive.find_post(post))
    console.print("Removed.")


def _excerpt_pair(value: str) -> tuple[str, str]:
    comment, sep, text = value.partition("=")
    if not sep or not comment.strip():
        raise click.BadParameter(f"{value!r}: write COMMENT=TEXT.", param_hint="--excerpt")
    return comment.strip().lstrip("#"), text


@anthology.command("comments")
@click.argument("name")
@click.argument("post", metavar="POST")
@click.option("--mode", type=click.Choice(["none", "all", "selected"]), help="none, all, or only the chosen ones.")
@click.option("--include", multiple=True, metavar="COMMENT", help="Print this comment (its # in `threadbook show`).")
@click.option("--replies", multiple=True, metavar="COMMENT", help="Print this comment and every reply under it.")
@click.option("--exclude", multiple=True, metavar="COMMENT", help="Leave this comment (and its replies) out.")
@click.option("--clear", multiple=True, metavar="COMMENT", help="Forget the choice for this comment.")
@click.option("--excerpt", multiple=True, metavar="COMMENT=TEXT", help="Print TEXT instead of the comment's text.")
@db_option
def anthology_comments(
    name: str,
    post: str,
    mode: str | None,
    include: tuple[str, ...],
    replies: tuple[str, ...],
    exclude: tuple[str, ...],
    clear: tuple[str, ...],
    excerpt: tuple[str, ...],
    db: Path | None,
) -> None:
    """Choose which comments of POST the anthology NAME prints.

    \b
    Modes: none; all (minus the ones excluded); selected (only the ones included).
    A reply to a comment left out is left out too, unless it is chosen itself; "--replies" includes a whole branch.
    """
    from storage.archive import open_archive

    excerpts = [_excerpt_pair(value) for value in excerpt]
    with open_archive(_group_db(db)) as archive:
        post_id = archive.find_post(post)
        spec = archive.load_anthology_spec(name)
        if post_id not in {entry.post_id for entry in spec.entries}:
            raise click.ClickException(f"Post {post_id} is not in the anthology {name!r}. Add it first.")
        known = {c.source_id for c in archive.load_post(post_id).comments}
        choices = (
            [(c, "include") for c in include] + [(c, "replies") for c in replies] + [(c, "exclude") for c in exclude]
        )
        wanted = [c.lstrip("#") for c, _ in choices] + [c.lstrip("#") for c in clear] + [c for c, _ in excerpts]
        unknown = [c for c in wanted if c not in known]
        if unknown:
            raise click.ClickException(
                f"Post {post_id} has no comment #{unknown[0]}. `threadbook show {post_id}` lists its comments."
            )
        if mode is not None:
            archive.set_anthology_item(name, post_id, comment_mode=mode)  # type: ignore[arg-type]
        for comment, choice in choices:
            archive.set_comment_choice(name, post_id, comment.lstrip("#"), choice)  # type: ignore[arg-type]
        for comment in clear:
            archive.set_comment_choice(name, post_id, comment.lstrip("#"), None)
        if excerpts:
            entry = next(e for e in archive.load_anthology_spec(name).entries if e.post_id == post_id)
            current = {c.comment_source_id: c.choice for c in entry.choices}
            for comment, text in excerpts:  # an excerpt of a comment not chosen yet includes it
                archive.set_comment_choice(name, post_id, comment, current.get(comment, "include"), excerpt_md=text)
    console.print("Saved.")


@anthology.command("note")
@click.argument("name")
@click.argument("post", metavar="POST")
@click.argument("text")
@db_option
def anthology_note(name: str, post: str, text: str, db: Path | None) -> None:
    """Set the editor's note (Markdown) printed with POST; "" removes it."""
    from storage.archive import open_archive

    with open_archive(_group_db(db)) as archive:
        archive.set_anthology_item(name, archive.find_post(post), note_md=text)
    console.print("Saved.")


@anthology.command("section")
@click.argument("name")
@click.argument("post", metavar="POST")
@click.argument("heading", required=False)
@db_option
def anthology_section(name: str, post: str, heading: str | None, db: Path | None) -> None:
    """Start a section with HEADING before POST (no HEADING: remove the section heading)."""
    from storage.archive import open_archive

    with open_archive(_group_db(db)) as archive:
        archive.set_anthology_item(name, archive.find_post(post), section=heading)
    console.print("Saved.")


@anthology.command("intro")
@click.argument("name")
@click.option("--text", default=None, help="The introduction (Markdown).")
@click.option("--file", type=click.Path(dir_okay=False, path_type=Path), help="Read it from a file.")
@click.option("--title", default=None)
@click.option("--subtitle", default=None)
@click.option("--editor", default=None)
@db_option
def anthology_intro(
    name: str,
    text: str | None,
    file: Path | None,
    title: str | None,
    subtitle: str | None,
    editor: str | None,
    db: Path | None,
) -> None:
    """Set the introduction (Markdown) and the front matter: title, subtitle, editor."""
    from storage.archive import open_archive

    introduction = _read_text_option(text, file, "introduction")
    with open_archive(_group_db(db)) as archive:
        archive.update_anthology(name, introduction_md=introduction, title=title, subtitle=subtitle, editor=editor)
    console.print("Saved.")


@anthology.command("privacy")
@click.argument("name")
@click.option(
    "--names",
    type=click.Choice(["names", "initials", "reader"]),
    help='Print commenters by name, as initials ("M. H."), or as "A reader".',
)
@click.option("--urls/--no-urls", default=None, help="Print or leave out commenters' web addresses.")
@db_option
def anthology_privacy(name: str, names: str | None, urls: bool | None, db: Path | None) -> None:
    """How the anthology NAME prints commenters: names, initials or "A reader", with or without their URLs."""
    from storage.archive import open_archive

    with open_archive(_group_db(db)) as archive:
        archive.update_anthology(
            name,
            commenter_names=names,  # type: ignore[arg-type]
            omit_commenter_urls=None if urls is None else not urls,
        )
    console.print("Saved.")


@anthology.command("edit")
@click.argument("name")
@click.argument("post", metavar="POST")
@click.option("--file", type=click.Path(dir_okay=False, path_type=Path), help="The edited text (Markdown).")
@click.option("--revert", is_flag=True, help="Print the archived original again.")
@db_option
def anthology_edit(name: str, post: str, file: Path | None, revert: bool, db: Path | None) -> None:
    """Edit the text of POST for this anthology only; the archived original never changes.

    Without --file, opens your $EDITOR on the current version. See the changes with `threadbook anthology diff`.
    """
    from storage.archive import open_archive

    if file is not None and revert:
        raise click.UsageError("Give --file or --revert, not both.")
    with open_archive(_group_db(db)) as archive:
        post_id = archive.find_post(post)
        if revert:
            archive.set_edited_text(name, post_id, None)
            console.print("The anthology prints the archived text again.")
            return
        if file is not None:
            text = _read_text_option(None, file, "text")
        else:
            current = archive.edited_text(name, post_id) or archive.load_post(post_id).body_md
            text = click.edit(current, extension=".md")
            if text is None or text == current:
                console.print("Nothing changed.")
                return
        archive.set_edited_text(name, post_id, text)
    console.print("Saved. `threadbook anthology diff` shows what changed.")


@anthology.command("diff")
@click.argument("name")
@click.argument("post", metavar="POST")
@db_option
def anthology_diff(name: str, post: str, db: Path | None) -> None:
    """Show how the anthology's version of POST differs from the archived original (a unified diff)."""
    from desktop.anthologies import text_diff

    diff = text_diff(_group_db(db), name, post)
    click.echo(diff if diff else "The anthology prints the archived text unchanged.", nl=not diff)


@anthology.command("show")
@click.argument("name")
@db_option
def anthology_show(name: str, db: Path | None) -> None:
    """Show the anthology NAME: front matter, privacy, and its items in order with their choices."""
    from storage.archive import open_archive

    with open_archive(_group_db(db)) as archive:
        spec = archive.load_anthology_spec(name)
    console.print(f"[bold]{escape(spec.title)}[/bold]" + (f" — {escape(spec.subtitle)}" if spec.subtitle else ""))
    if spec.editor:
        console.print(f"Edited by {escape(spec.editor)}")
    if spec.series:
        console.print(f"From the series {escape(spec.series)} (new parts are appended by `anthology refresh`)")
    console.print(f"Commenters: {spec.commenter_names}" + (", without their URLs" if spec.omit_commenter_urls else ""))
    if spec.introduction_md.strip():
        console.print(f"Introduction: {escape(spec.introduction_md.strip()[:200])}", soft_wrap=True)
    for entry in spec.entries:
        if entry.section:
            console.print(f"\n  [bold]§ {escape(entry.section)}[/bold]")
        edited = " [dim](edited text)[/dim]" if entry.edited else ""
        console.print(f"{entry.position + 1:>3}. {escape(entry.post_title)}  [dim]#{entry.post_id}[/dim]{edited}")
        picks = ", ".join(
            f"{c.choice} #{c.comment_source_id}" + (" (excerpt)" if c.excerpt_md else "") for c in entry.choices
        )
        console.print(f"     comments: {entry.comment_mode}" + (f"; {escape(picks)}" if picks else ""))
        if entry.note_md:
            console.print(f"     note: {escape(entry.note_md)}", soft_wrap=True)


@anthology.command("refresh")
@click.argument("name")
@db_option
def anthology_refresh(name: str, db: Path | None) -> None:
    """Append the parts the anthology's series gained since (every choice made stays)."""
    from storage.archive import open_archive

    with open_archive(_group_db(db)) as archive:
        added = archive.refresh_anthology(name)
    console.print(f"Appended {len(added)} new part{'s' if len(added) != 1 else ''}.")


@anthology.command("export")
@click.argument("name")
@click.option("--format", "fmt", type=click.Choice(["json", "pdf"]), required=True, help="What to write.")
@click.option(
    "-o",
    "--output",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The file to write (replaced only when the export succeeds).",
)
@click.option("--page-size", type=click.Choice(["A4", "Letter", "A5"]), default="A4", show_default=True)
@db_option
def anthology_export(name: str, fmt: str, out: Path, page_size: str, db: Path | None) -> None:
    """Export the anthology NAME as a PDF book or as JSON (docs/json-format.md, version 2)."""
    from desktop.anthologies import export_anthology

    path = export_anthology(_group_db(db), name, fmt=fmt, out_path=out, page_size=page_size)  # type: ignore[arg-type]
    console.print(f"Wrote {escape(str(path))}")


@anthology.command("delete")
@click.argument("name")
@db_option
def anthology_delete(name: str, db: Path | None) -> None:
    """Delete the anthology NAME (the archived posts are untouched)."""
    from storage.archive import open_archive

    with open_archive(_group_db(db)) as archive:
        archive.delete_anthology(name)
    console.print("Deleted.")


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["json", "pdf"]), required=True, help="What to write.")
@click.option(
    "-o",
    "--output",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The file to write (replaced only when the export succeeds).",
)
@click.option("--series", help="The series to bind (for --format pdf). See `threadbook series`.")
@click.option("--page-size", type=click.Choice(["A4", "Letter", "A5"]), default="A4", show_default=True)
@db_option
def export(fmt: str, out: Path, series: str | None, page_size: str, db: Path | None) -> None:
    """Export the archive as JSON (docs/json-format.md), or a series as a PDF anthology."""
    db_path = _db(db)
    if fmt == "json":
        path = tasks.export_json(db_path=db_path, out_path=out)
    else:
        if not series:
            raise click.UsageError("A PDF export needs --series NAME. `threadbook series` lists them.")
        path = tasks.export_series_pdf(db_path=db_path, series=series, out_path=out, page_size=page_size)
    console.print(f"Wrote {escape(str(path))}")


@cli.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@db_option
def import_(file: Path, db: Path | None) -> None:
    """Import an export FILE: a WordPress export (WXR), a Blogger/Takeout Atom export, or a Disqus comments export.

    \b
    Gzipped files (.xml.gz) are fine. No network is used. Disqus threads are attached to archived posts with
    the same address, so archive the blog first. Importing the same file again adds nothing twice.
    """
    db_path = _db(db)
    report = tasks.import_file(file, db_path=db_path)
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
@db_option
def gui(db: Path | None) -> None:
    """Open the Threadbook window."""
    from desktop.app import main as gui_main

    sys.exit(gui_main([sys.argv[0], *([str(db)] if db else [])]))


def _date(value: datetime | None, *, time: bool = False) -> str:
    if value is None:
        return ""
    return value.strftime("%Y-%m-%d %H:%M" if time else "%Y-%m-%d")


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
