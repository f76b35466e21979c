"""What every `threadbook` command shares: the consoles, the --db option, progress display and dates."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
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
from rich.text import Text

from desktop import tasks
from storage.records import CrawlReport

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


def add_missing_options(func: F, options: Sequence[click.Option]) -> F:
    """Add `options` to a click command's function unless it already has one of the same name or flag (several
    export formats share `--anthology`, `--series`, ...). Put the decorator right under `@cli.command()`; click lists
    parameters in reverse, so these come last in --help."""
    params: list[click.Parameter] = getattr(func, "__click_params__", [])
    taken = {param.name for param in params} | {opt for param in params for opt in getattr(param, "opts", [])}
    for option in reversed(options):
        if option.name not in taken and not set(option.opts) & taken:
            params.insert(0, option)
    func.__click_params__ = params  # type: ignore[attr-defined]
    return func


def resolve_db(db: Path | None) -> Path:
    return db if db is not None else tasks.default_db_path()


class RateColumn(ProgressColumn):
    """Posts per second, once there is a rate to show."""

    def render(self, task: Task) -> Text:
        return Text(f"{task.speed:.1f} posts/s" if task.speed else "", style="dim")


def run_with_progress(
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


def print_report(report: CrawlReport, db_path: Path) -> None:
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


def format_date(value: datetime | None, *, time: bool = False) -> str:
    if value is None:
        return ""
    return value.strftime("%Y-%m-%d %H:%M" if time else "%Y-%m-%d")


def group_db(db: Path | None) -> Path:
    """--db given to the subcommand, else to its group, else THREADBOOK_DB or the default."""
    if db is None:
        ctx = click.get_current_context()
        parent = ctx.parent.obj if ctx.parent is not None and isinstance(ctx.parent.obj, dict) else {}
        db = parent.get("db")
    return resolve_db(db)
