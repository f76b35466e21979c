"""The WARC parts of `threadbook export --format warc`: which captures to write (options) and the summary line."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from desktop.cli_common import add_missing_options, console
from desktop.warc import WarcSelection, export_warc

log = logging.getLogger(__name__)
F = TypeVar("F", bound=Callable[..., Any])

_OPTIONS = (
    click.Option(["--anthology"], help="For --format warc: the captures behind this anthology's posts."),
    click.Option(["--blog"], help="For --format warc: a whole blog (number or URL), its home page and feeds too."),
    click.Option(
        ["--post", "post_ids"], type=int, multiple=True, help="For --format warc: this post's captures (repeatable)."
    ),
    click.Option(["--no-images"], is_flag=True, help="For --format warc: leave the posts' images out."),
)


def warc_selection_options(func: F) -> F:
    """Add the WARC selection options to `export`, skipping any the command already has under the same name
    (the other export formats may add --anthology too). Put it right under `@cli.command()`."""
    return add_missing_options(func, _OPTIONS)


def export_warc_command(
    *,
    db_path: Path,
    out: Path,
    series: str | None = None,
    anthology: str | None = None,
    blog: str | None = None,
    post_ids: tuple[int, ...] = (),
    no_images: bool = False,
    **_other: Any,
) -> Path:
    """Run the WARC export for `threadbook export` and print what it wrote; returns the file's path."""
    selection = WarcSelection(post_ids=tuple(post_ids), series=series, anthology=anthology, blog=blog)
    report = export_warc(db_path=db_path, out_path=out, selection=selection, images=not no_images)
    what = "the whole archive" if selection.everything else "the selection"
    console.print(
        f"WARC of {what}: {report.responses} responses, {report.revisits} revisits (304 not modified), "
        f"{report.images} images, {report.size:,} bytes"
        + (f" ({report.skipped} imported records without a web fetch left out)" if report.skipped else "")
    )
    return Path(report.path)
