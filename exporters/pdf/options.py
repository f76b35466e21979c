"""What the user can choose about a PDF anthology: page size and margins, text size, links, chapters, comments."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from exporters.errors import InvalidExportOptions

PageSizeName = Literal["A4", "Letter", "A5", "6x9", "custom"]
PAGE_SIZE_NAMES: tuple[str, ...] = get_args(PageSizeName)
LinkStyle = Literal["footnotes", "endnotes", "inline"]
LINK_STYLES: tuple[str, ...] = get_args(LinkStyle)

MIN_FONT_SIZE = 6.0
MAX_FONT_SIZE = 24.0
MIN_PAGE_MM = 70.0  # smaller pages leave no room for a running head, text and a footer
MAX_PAGE_MM = 1200.0
MAX_MARGIN_SHARE = 0.35  # each margin may take at most this share of its page dimension


def _number(value: object) -> bool:
    return not isinstance(value, bool) and isinstance(value, int | float)


@dataclass(frozen=True, slots=True)
class PdfOptions:
    """Layout choices for `render_pdf`. Invalid values raise `InvalidExportOptions` on construction.

    Sizes: `custom_size_mm` (width, height) is used when `page_size` is "custom"; `margins_mm` is
    (inner/left, outer/right, top, bottom), or None for margins that suit the page size.
    """

    page_size: PageSizeName = "A4"
    base_font_size: float = 10.5  # points, for body text; headings and notes scale from it
    include_comments: bool = True
    custom_size_mm: tuple[float, float] | None = None
    margins_mm: tuple[float, float, float, float] | None = None
    links: LinkStyle = "footnotes"  # web links as page footnotes, as notes after each post, or the address inline
    chapters_on_right: bool = False  # each post (and part) opens on a right-hand (odd) page, as in a printed book
    justify: bool = True  # justified body text, hyphenated in the post's language (pyphen)
    cover_image: bytes = b""  # an image (PNG/JPEG) for the cover; b"" for a typographic cover
    keywords: tuple[str, ...] = ()  # PDF keywords; () takes the posts' most common categories and tags
    workers: int | None = None  # processes that lay out the body; None: up to 2 for a large book, 1 for a small one

    def __post_init__(self) -> None:
        if self.page_size not in PAGE_SIZE_NAMES:
            raise InvalidExportOptions(
                f"Threadbook can't make PDFs with page size {self.page_size!r}. "
                f"Choose one of {', '.join(PAGE_SIZE_NAMES)}."
            )
        size = self.base_font_size
        if not _number(size) or not MIN_FONT_SIZE <= size <= MAX_FONT_SIZE:
            raise InvalidExportOptions(
                f"A text size of {size!r} points can't be used. "
                f"Choose a size from {MIN_FONT_SIZE:g} to {MAX_FONT_SIZE:g} points."
            )
        if self.page_size == "custom":
            custom = self.custom_size_mm
            if (
                custom is None
                or len(custom) != 2
                or not all(_number(v) and MIN_PAGE_MM <= v <= MAX_PAGE_MM for v in custom)
            ):
                raise InvalidExportOptions(
                    f"A custom page size needs a width and a height from {MIN_PAGE_MM:g} to {MAX_PAGE_MM:g} mm "
                    f"(got {custom!r})."
                )
        if self.margins_mm is not None and (
            len(self.margins_mm) != 4 or not all(_number(v) and v >= 5 for v in self.margins_mm)
        ):
            raise InvalidExportOptions(
                f"Margins need four values in millimetres, each at least 5 mm (got {self.margins_mm!r})."
            )
        if self.links not in LINK_STYLES:
            raise InvalidExportOptions(f"Links can be shown as {', '.join(LINK_STYLES)}, not {self.links!r}.")
        if self.workers is not None and (not isinstance(self.workers, int) or not 1 <= self.workers <= 16):
            raise InvalidExportOptions(f"The number of export processes must be 1 to 16 (got {self.workers!r}).")
