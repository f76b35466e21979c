"""`threadbook history POST`: every capture of a post, and what changed between two of them (text and comments)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import click
from rich.markup import escape
from rich.table import Table

from desktop.cli_common import console, db_option, resolve_db
from desktop.history import PostHistory, VersionDiff, diff_versions, history_to_dict, load_history, version

log = logging.getLogger(__name__)


@click.command("history")
@click.argument("post")
@click.option("--from", "older", type=int, default=None, help="Compare from this capture (number from the list).")
@click.option("--to", "newer", type=int, default=None, help="Compare up to this capture (default: the newest).")
@click.option(
    "--diff",
    "pair",
    type=(int, int),
    default=None,
    metavar="A B",
    help="Compare capture A with capture B (the same as --from A --to B).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts (with the diff when one is asked for).")
@db_option
def history_(
    post: str, older: int | None, newer: int | None, pair: tuple[int, int] | None, as_json: bool, db: Path | None
) -> None:
    """List the captures of POST (its number or URL) over time, or show what changed between two of them.

    \b
    Every capture of the post's page is a version: its text and comment thread as they were then.
      threadbook history 12                 list the captures: date, status, changed or not, comments
      threadbook history 12 --diff 1 3      the text diff and the comments that appeared, changed or went
      threadbook history 12 --from 2        from capture 2 to the newest
    Comments that went away upstream stay in the archive, marked removed.
    """
    if pair is not None:
        older, newer = pair
    record = load_history(resolve_db(db), post)
    wants_diff = older is not None or newer is not None
    diff: VersionDiff | None = None
    if wants_diff and record.versions:
        to = version(record, newer if newer is not None else 0).number
        diff = diff_versions(record, older if older is not None else max(1, to - 1), to)
    if as_json:
        click.echo(json.dumps(history_to_dict(record, diff), ensure_ascii=False, indent=2))
        return
    if diff is None:
        _print_list(record)
    else:
        _print_diff(record, diff)


def _print_list(record: PostHistory) -> None:
    console.print(f"[bold]{escape(record.title)}[/bold]  [dim]{escape(record.url)}[/dim]")
    if record.note:
        console.print(escape(record.note), soft_wrap=True)
        return
    table = Table(show_edge=False, pad_edge=False)
    table.add_column("#", justify="right")
    table.add_column("Captured (UTC)", no_wrap=True)
    table.add_column("Status", justify="right", no_wrap=True)
    table.add_column("Text")
    table.add_column("Comments", justify="right")
    table.add_column("Thread")
    previous: set[str] = set()
    for number, item in enumerate(record.versions, start=1):
        ids = {c.source_id for c in item.comments}
        if number == 1:
            text, thread = "first capture", ""
        else:
            text = "changed" if item.text_changed else "unchanged"
            thread = _thread_summary(len(ids - previous), len(previous - ids), item.thread_changed)
        status = f"{item.status} not modified" if item.status == 304 else str(item.status)
        table.add_row(
            str(item.number),
            item.fetched_at.strftime("%Y-%m-%d %H:%M:%S"),
            status,
            text,
            str(len(item.comments)),
            thread,
        )
        previous = ids
    console.print(table)
    removed = [c for c in record.archived_comments if c.removed_at is not None]
    if removed:
        them = (
            "1 comment went away upstream; the archive keeps it"
            if len(removed) == 1
            else (f"{len(removed)} comments went away upstream; the archive keeps them")
        )
        console.print(f"{them}, marked removed.")
    if len(record.versions) > 1:
        console.print("[dim]Compare two captures: threadbook history POST --diff A B[/dim]")


def _thread_summary(new: int, gone: int, changed: bool) -> str:
    parts = [f"+{new} new"] if new else []
    parts += [f"-{gone} gone"] if gone else []
    if changed and not parts:
        parts.append("edited")
    return ", ".join(parts) or "unchanged"


def _print_diff(record: PostHistory, diff: VersionDiff) -> None:
    a, b = diff.older, diff.newer
    console.print(f"[bold]{escape(record.title)}[/bold]  [dim]{escape(record.url)}[/dim]")
    console.print(
        f"Capture {a.number} ({a.fetched_at:%Y-%m-%d %H:%M:%S}) → capture {b.number} ({b.fetched_at:%Y-%m-%d %H:%M:%S})"
    )
    if diff.same:
        console.print("Nothing changed between these captures.")
        return
    if diff.text_diff:
        for line in diff.text_diff.splitlines():
            style = (
                "green"
                if line.startswith("+")
                else "red"
                if line.startswith("-")
                else "cyan"
                if line[:2] == "@@"
                else ""
            )
            console.print(f"[{style}]{escape(line)}[/{style}]" if style else escape(line), soft_wrap=True)
    else:
        console.print("The text is the same.")
    for heading, changes in (
        ("Comments that appeared", diff.appeared),
        ("Comments edited", diff.changed),
        ("Comments that disappeared", diff.disappeared),
    ):
        if not changes:
            continue
        console.print(f"\n[bold]{heading}: {len(changes)}[/bold]")
        for change in changes:
            text = change.after if change.after is not None else change.before or ""
            kept = (
                f" [dim](kept in the archive, marked removed {change.removed_at:%Y-%m-%d %H:%M})[/dim]"
                if change.removed_at
                else ""
            )
            console.print(f"  #{escape(change.source_id)} {escape(change.author)}{kept}", soft_wrap=True)
            if change.text_diff:
                for line in change.text_diff.splitlines()[2:]:
                    console.print(f"    {escape(line)}", soft_wrap=True)
            else:
                console.print(f"    {escape(_excerpt(text))}", soft_wrap=True)


def _excerpt(text: str, limit: int = 160) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
