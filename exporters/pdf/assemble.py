"""Join front matter, body chunks and colophon into one PDF: page numbers, page labels, outline, links, metadata.

The chunks were laid out without knowing where they start, so their page numbers are stamped here: a short
content stream per page that shows the number in the footer font. reportlab's TrueType subsets put ASCII
at its own code in each font's first subset (`/F<n>+0`), so the digits can be written as they are; every
chunk draws an invisible space in that font, so that subset is in its file (`body._use_footer_font`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pypdf import PdfWriter
from pypdf.annotations import Link
from pypdf.constants import PageLabelStyle
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    Fit,
    IndirectObject,
    NameObject,
    TextStringObject,
)
from reportlab.pdfbase.pdfmetrics import stringWidth

from exporters.pdf.body import ChunkResult, Landmark
from exporters.pdf.fonts import family
from exporters.pdf.front import MatterResult
from exporters.pdf.styles import Geometry, Stylesheet

log = logging.getLogger(__name__)

FOOTER_FONT_FILE = "NotoSerif-Regular"  # the /BaseFont (after the subset tag) of the stamped page numbers


@dataclass(frozen=True, slots=True)
class BookMetadata:
    title: str
    author: str
    subject: str
    keywords: tuple[str, ...]
    language: str | None
    created_at: datetime
    creator: str


@dataclass(frozen=True, slots=True)
class PlacedLandmark:
    """A landmark at its page in the whole book."""

    landmark: Landmark
    page: int  # 0-based page index in the joined PDF


def place_landmarks(chunks: Sequence[ChunkResult], *, chapters_on_right: bool) -> tuple[list[PlacedLandmark], int]:
    """Landmarks with body-relative page indices (0 = first body page), and the body's page count with padding."""
    placed: list[PlacedLandmark] = []
    offset = 0
    for chunk in chunks:
        placed.extend(PlacedLandmark(mark, offset + mark.page) for mark in chunk.landmarks)
        offset += chunk.pages + (1 if chapters_on_right and chunk.pages % 2 else 0)
    return placed, offset


def assemble(
    *,
    front_path: Path,
    front: MatterResult,
    chunks: Sequence[ChunkResult],
    back_path: Path,
    back: MatterResult,
    out_path: Path,
    geometry: Geometry,
    styles: Stylesheet,
    metadata: BookMetadata,
    chapters_on_right: bool,
    blank_body_pages: set[int],
) -> int:
    """Write the joined book to `out_path` and return its page count.

    `blank_body_pages` are body-relative indices of pages left blank for right-hand openings (no number).
    """
    writer = PdfWriter()
    writer.append(str(front_path), import_outline=False)
    if chapters_on_right and front.pages % 2:
        writer.add_blank_page(geometry.page_width, geometry.page_height)
    body_start = len(writer.pages)
    blank = {body_start + page for page in blank_body_pages}
    for chunk in chunks:
        writer.append(str(chunk.out_path), import_outline=False)
        if chapters_on_right and chunk.pages % 2:
            blank.add(len(writer.pages))
            writer.add_blank_page(geometry.page_width, geometry.page_height)
    back_start = len(writer.pages)
    writer.append(str(back_path), import_outline=False)
    total = len(writer.pages)

    _stamp_page_numbers(
        writer, range(body_start, total), body_start=body_start, skip=blank, geometry=geometry, styles=styles
    )
    writer.set_page_label(0, body_start - 1, style=PageLabelStyle.LOWERCASE_ROMAN, start=1)
    writer.set_page_label(body_start, total - 1, style=PageLabelStyle.DECIMAL, start=1)

    placed, _ = place_landmarks(chunks, chapters_on_right=chapters_on_right)
    _outline(writer, placed, body_start=body_start, front=front, back_start=back_start, geometry=geometry)
    _contents_links(writer, front, placed, body_start=body_start, geometry=geometry)
    _metadata(writer, metadata)
    writer.page_mode = "/UseOutlines"
    with open(out_path, "wb") as handle:
        writer.write(handle)
    return total


def _xyz(geometry: Geometry, top: float | None = None) -> Fit:
    # /XYZ with an explicit top: QtPdf warns about reportlab's default /Fit (PLATFORM-NOTES §5).
    return Fit.xyz(left=0, top=geometry.page_height if top is None else top, zoom=0)


def _outline(
    writer: PdfWriter,
    placed: Sequence[PlacedLandmark],
    *,
    body_start: int,
    front: MatterResult,
    back_start: int,
    geometry: Geometry,
) -> None:
    """Contents and Introduction, then parts > posts > "Comments (N)", then the colophon."""
    if front.contents_page is not None:
        writer.add_outline_item(title="Contents", page_number=front.contents_page, fit=_xyz(geometry))
    if front.introduction_page is not None:
        writer.add_outline_item(title="Introduction", page_number=front.introduction_page, fit=_xyz(geometry))
    part: IndirectObject | None = None
    post: IndirectObject | None = None
    for mark in placed:
        page = body_start + mark.page
        fit = _xyz(geometry, mark.landmark.top)
        if mark.landmark.kind == "part":
            part = writer.add_outline_item(title=mark.landmark.title, page_number=page, fit=fit, bold=True)
            post = None
        elif mark.landmark.kind == "post":
            post = writer.add_outline_item(
                title=mark.landmark.title, page_number=page, parent=part, fit=fit, is_open=False
            )
        else:
            writer.add_outline_item(title=mark.landmark.title, page_number=page, parent=post, fit=fit)
    writer.add_outline_item(title="Colophon", page_number=back_start, fit=_xyz(geometry))


def _contents_links(
    writer: PdfWriter, front: MatterResult, placed: Sequence[PlacedLandmark], *, body_start: int, geometry: Geometry
) -> None:
    for spot in front.links:
        mark = placed[spot.target]
        link = Link(
            rect=spot.rect,
            border=[0, 0, 0],
            target_page_index=body_start + mark.page,
            fit=_xyz(geometry, mark.landmark.top),
        )
        writer.add_annotation(page_number=spot.page, annotation=link)


def _stamp_page_numbers(
    writer: PdfWriter,
    pages: range,
    *,
    body_start: int,
    skip: set[int],
    geometry: Geometry,
    styles: Stylesheet,
) -> None:
    """Append a footer number to each page in `pages` (1 on the first body page); pages in `skip` stay bare."""
    size = styles.footer.fontSize
    font = family("serif").regular
    y = geometry.bottom - styles.base_size * 2.6
    save = writer._add_object(_stream(b"q\n"))
    names: dict[int, str | None] = {}
    for index in pages:
        if index in skip:
            continue
        page = writer.pages[index]
        resources = page["/Resources"]
        fonts = resources.get("/Font") if isinstance(resources, DictionaryObject) else None
        key = id(fonts)
        if key not in names:
            names[key] = _footer_font_name(fonts)
        name = names[key]
        if name is None:
            log.info("page %d has no footer font subset; its number is not printed", index + 1)
            continue
        number = str(index - body_start + 1)
        x = geometry.page_width / 2 - stringWidth(number, font, size) / 2
        stamp = f"Q q 0.102 0.102 0.102 rg BT {name} {size:.2f} Tf {x:.2f} {y:.2f} Td ({number}) Tj ET Q\n"
        ref = writer._add_object(_stream(stamp.encode("ascii")))
        contents = page.raw_get("/Contents")
        existing = list(contents) if isinstance(contents, ArrayObject) else [contents]
        page[NameObject("/Contents")] = ArrayObject([save, *existing, ref])


def _stream(data: bytes) -> DecodedStreamObject:
    stream = DecodedStreamObject()
    stream.set_data(data)
    return stream


def _footer_font_name(fonts: object) -> str | None:
    fonts = fonts.get_object() if isinstance(fonts, IndirectObject) else fonts
    if not isinstance(fonts, DictionaryObject):
        return None
    for name, ref in fonts.items():
        base = str(ref.get_object().get("/BaseFont", ""))
        if name.endswith("+0") and base.split("+", 1)[-1] == FOOTER_FONT_FILE:
            return str(name)
    return None


def _metadata(writer: PdfWriter, metadata: BookMetadata) -> None:
    created = metadata.created_at.astimezone(UTC).strftime("D:%Y%m%d%H%M%S+00'00'")
    writer.add_metadata(
        {
            "/Title": metadata.title,
            "/Author": metadata.author,
            "/Subject": metadata.subject,
            "/Keywords": ", ".join(metadata.keywords),
            "/Creator": metadata.creator,
            "/Producer": f"{metadata.creator} (reportlab, pypdf)",
            "/CreationDate": created,
            "/ModDate": created,
        }
    )
    if metadata.language:
        writer._root_object[NameObject("/Lang")] = TextStringObject(metadata.language)
