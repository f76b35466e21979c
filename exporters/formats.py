"""The export formats for an anthology beside the PDF: each module declares its name, label and file suffix."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from exporters import citations, epub, html_export, markdown_bundle
from exporters.errors import InvalidExportOptions
from storage.records import Anthology, Blog

FormatKind = Literal["book", "citations"]


@dataclass(frozen=True, slots=True)
class ExportFormat:
    name: str  # what the command line takes: --format NAME
    label: str  # what the export dialog shows
    suffix: str  # the file name ending it suggests
    kind: FormatKind  # "citations" formats list the posts; "book" formats carry them whole


FORMATS: tuple[ExportFormat, ...] = (
    ExportFormat(epub.FORMAT, epub.LABEL, epub.SUFFIX, "book"),
    ExportFormat(markdown_bundle.FORMAT, markdown_bundle.LABEL, markdown_bundle.SUFFIX, "book"),
    ExportFormat(html_export.FORMAT, html_export.LABEL, html_export.SUFFIX, "book"),
    ExportFormat(citations.CSL_FORMAT, citations.CSL_LABEL, citations.CSL_SUFFIX, "citations"),
    ExportFormat(citations.BIBTEX_FORMAT, citations.BIBTEX_LABEL, citations.BIBTEX_SUFFIX, "citations"),
)
FORMAT_NAMES: tuple[str, ...] = tuple(fmt.name for fmt in FORMATS)


def export_format(name: str) -> ExportFormat:
    """The format called `name`; raises `InvalidExportOptions` listing the known ones."""
    for fmt in FORMATS:
        if fmt.name == name:
            return fmt
    raise InvalidExportOptions(f"Threadbook can't export as {name!r}. Choose one of {', '.join(FORMAT_NAMES)}.")


def write_anthology(
    name: str,
    anthology: Anthology,
    *,
    out_path: Path,
    blogs: Mapping[str, Blog] | None = None,
    include_comments: bool = True,
) -> Path:
    """Write `anthology` in the format `name` at `out_path` (replaced only when the export succeeds).

    `blogs` maps post URLs to their blogs: the citations' container titles (other formats ignore it).
    """
    fmt = export_format(name).name
    if fmt == epub.FORMAT:
        epub_options = epub.EpubOptions(include_comments=include_comments)
        return epub.write_epub(anthology, out_path=out_path, options=epub_options)
    if fmt == markdown_bundle.FORMAT:
        options = markdown_bundle.MarkdownOptions(include_comments=include_comments)
        return markdown_bundle.write_markdown_bundle(anthology, out_path=out_path, options=options)
    if fmt == html_export.FORMAT:
        html_options = html_export.HtmlOptions(include_comments=include_comments)
        return html_export.write_html(anthology, out_path=out_path, options=html_options)
    cited = citations.cited_posts(anthology, blogs)
    if fmt == citations.CSL_FORMAT:
        return citations.write_csl_json(cited, out_path=out_path)
    return citations.write_bibtex(cited, out_path=out_path)
