"""The EPUB, Markdown, HTML and citation parts of `threadbook export` and `threadbook search --cite`: which posts
to write (a series, an anthology or chosen posts), the run, and the summary line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.markup import escape

from desktop import exports
from desktop.cli_common import add_missing_options, err_console
from exporters.formats import FORMAT_NAMES

F = TypeVar("F", bound=Callable[..., Any])
FORMAT_CHOICES: tuple[str, ...] = FORMAT_NAMES  # epub, markdown, html, csl-json, bibtex
CITE_STYLES = ("bibtex", "csl-json")

_OPTIONS = (
    click.Option(
        ["--anthology"], help="The stored anthology to export (epub, markdown, html, csl-json, bibtex, warc)."
    ),
    click.Option(
        ["--post", "post_ids"],
        type=int,
        multiple=True,
        help="A post to export, by number (repeatable; epub, markdown, html, csl-json, bibtex, warc).",
    ),
    click.Option(["--title"], help="The title for --post exports (default: Selected posts)."),
    click.Option(["--no-comments"], is_flag=True, help="Leave the comment threads out (epub, markdown, html)."),
)


def format_selection_options(func: F) -> F:
    """Add the selection options of these formats to `export` (put it right under `@warc_selection_options`, so
    the WARC options of the same names give way to these)."""
    return add_missing_options(func, _OPTIONS)


def export_format_command(
    *,
    fmt: str,
    db_path: Path,
    out: Path,
    series: str | None = None,
    anthology: str | None = None,
    post_ids: tuple[int, ...] = (),
    title: str | None = None,
    no_comments: bool = False,
    **_other: Any,
) -> Path:
    """Run `threadbook export --format FMT` for a series, an anthology or chosen posts; returns the file's path."""
    chosen = [name for name, value in (("--series", series), ("--anthology", anthology), ("--post", post_ids)) if value]
    if len(chosen) != 1:
        raise click.UsageError(
            f"--format {fmt} needs exactly one of --series NAME, --anthology NAME or --post N "
            f"(got {', '.join(chosen) or 'none'}). `threadbook series` and `threadbook anthology list` list them."
        )
    if series:
        path = exports.export_series_as(
            fmt, db_path=db_path, series=series, out_path=out, include_comments=not no_comments
        )
    elif anthology:
        path = exports.export_anthology_as(fmt, db_path=db_path, name=anthology, out_path=out)
    else:
        path = exports.export_posts_as(
            fmt,
            db_path=db_path,
            post_ids=list(post_ids),
            title=title or "Selected posts",
            out_path=out,
            include_comments=not no_comments,
        )
    return path


def cite_command(query: str, *, db_path: Path, style: str, limit: int) -> None:
    """Print citations of the posts a search finds (stdout: only the citations, so it can be redirected)."""
    text, count = exports.cite_search_results(query, db_path=db_path, style=style, limit=limit)
    if count == 0:
        err_console.print(f"Nothing in the archive matches “{escape(query)}”; no citations.")
    click.echo(text, nl=False)
    if count:
        err_console.print(f"{count} post{'s' if count != 1 else ''} cited.")
