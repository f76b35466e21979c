"""`threadbook series`: list series with their parts and gaps, correct them by hand, and capture one from a part."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click
from rich.markup import escape
from rich.table import Table

from desktop import tasks
from desktop.cli_comment_systems import thread_options
from desktop.cli_common import console, db_option, format_date, group_db, print_report, resolve_db, run_with_progress
from storage.records import (
    SeriesReport,
)

log = logging.getLogger(__name__)


@click.group("series", invoke_without_command=True)
@db_option
@click.pass_context
def series_(ctx: click.Context, db: Path | None) -> None:
    """Series of posts: list them, show their parts and gaps, correct them, capture one from a single part.

    Without a subcommand: the same as `threadbook series list`.
    """
    ctx.obj = {"db": db}
    if ctx.invoked_subcommand is None:
        _print_series_list(resolve_db(db))


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
    _print_series_list(group_db(db))


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
            format_date(part.published_at),
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

    for report in series_reports(group_db(db), name):
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
    for report in fix_series(group_db(db), name, fix):
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
@thread_options
@db_option
def series_capture(
    url: str,
    yes: bool,
    delay: float,
    no_images: bool,
    render: bool,
    disqus_key: str | None,
    github_token: str | None,
    db: Path | None,
) -> None:
    """Capture a whole series from the URL of any one of its parts.

    Threadbook reads that part, follows its links (the series or category page it points to, with every page of
    it; next and previous parts) and lists the parts it found and the ones missing. Then it captures every part
    with its whole comment thread, and nothing outside the series. The series is then ready to export.
    """
    from desktop.anthologies import capture_series, preview_series

    db_path = group_db(db)
    settings = tasks.ArchiveSettings(
        delay=delay, fetch_images=not no_images, render=render, disqus_api_key=disqus_key, github_token=github_token
    )
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
    report = run_with_progress(
        lambda progress, cancelled: (
            capture_series(
                url, db_path=db_path, settings=settings, plan=plan, progress=progress, cancelled=cancelled
            ).crawl
        )
    )
    print_report(report, db_path)
    console.print(f'Export it with: threadbook export --format pdf --series "{escape(plan.name)}" -o book.pdf')


# -- anthologies: `threadbook anthology ...` (docs/anthologies.md)
