"""What the user can choose about a PDF anthology: page size, text size, whether comments are included."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from exporters.errors import InvalidExportOptions

PageSizeName = Literal["A4", "Letter", "A5"]
PAGE_SIZE_NAMES: tuple[str, ...] = get_args(PageSizeName)

MIN_FONT_SIZE = 6.0
MAX_FONT_SIZE = 24.0


@dataclass(frozen=True, slots=True)
class PdfOptions:
    """Layout choices for `render_pdf`. Invalid values raise `InvalidExportOptions` on construction."""

    page_size: PageSizeName = "A4"
    base_font_size: float = 10.5  # points, for body text; headings and notes scale from it
    include_comments: bool = True

    def __post_init__(self) -> None:
        if self.page_size not in PAGE_SIZE_NAMES:
            raise InvalidExportOptions(
                f"Threadbook can't make PDFs with page size {self.page_size!r}. "
                f"Choose one of {', '.join(PAGE_SIZE_NAMES)}."
            )
        size = self.base_font_size
        if isinstance(size, bool) or not isinstance(size, int | float) or not MIN_FONT_SIZE <= size <= MAX_FONT_SIZE:
            raise InvalidExportOptions(
                f"A text size of {size!r} points can't be used. "
                f"Choose a size from {MIN_FONT_SIZE:g} to {MAX_FONT_SIZE:g} points."
            )
