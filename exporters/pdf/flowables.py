"""Threadbook's own flowables: images fitted to the page, paragraphs with a rule at their left."""

from __future__ import annotations

import io
import logging
import warnings

from PIL import Image as PILImage
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable, Paragraph

from exporters.pdf.footnotes import Noted
from exporters.pdf.styles import RULE

log = logging.getLogger(__name__)

CSS_PX = 0.75  # points per CSS pixel: an image with no DPI is shown at its size on a 96 dpi screen


class FittedImage(Flowable):  # type: ignore[misc]  # reportlab has no type hints
    """An archived image, shown at its natural size but never wider than the frame or taller than `max_height`."""

    def __init__(self, data: bytes, *, width: float, height: float, max_height: float) -> None:
        super().__init__()
        self._reader = ImageReader(io.BytesIO(data))
        self._natural = (width, height)
        self._max_height = max_height
        self.hAlign = "CENTER"
        self.spaceBefore = 4
        self.spaceAfter = 8

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 (reportlab API)
        width, height = self._natural
        scale = min(1.0, availWidth / width, self._max_height / height)
        self.drawWidth, self.drawHeight = width * scale, height * scale
        return self.drawWidth, self.drawHeight

    def draw(self) -> None:
        self.canv.drawImage(self._reader, 0, 0, self.drawWidth, self.drawHeight, mask="auto")


class RuledParagraph(Paragraph):  # type: ignore[misc]  # reportlab has no type hints
    """A paragraph with a thin vertical rule `rule_offset` points to the left of its text (quotes, replies)."""

    rule_offset: float = 8.0
    rule_color: object = RULE

    def draw(self) -> None:
        super().draw()
        canvas = self.canv
        canvas.saveState()
        canvas.setStrokeColor(self.rule_color)
        canvas.setLineWidth(0.7)
        x = -self.rule_offset + self.style.leftIndent
        canvas.line(x, -self.style.spaceAfter, x, self.height + 1)
        canvas.restoreState()


def with_rule(flowable: Flowable, *, offset: float, style: ParagraphStyle | None = None) -> Flowable:
    """`flowable` with a rule at its left if it is a plain paragraph (also inside a `Noted`); else unchanged.

    `style` replaces the paragraph's style when given.
    """
    if isinstance(flowable, Noted) and type(flowable.inner) is Paragraph:
        flowable.inner = with_rule(flowable.inner, offset=offset, style=style)
        return flowable
    if type(flowable) is not Paragraph:
        return flowable
    ruled = RuledParagraph(flowable.text, style or flowable.style)
    ruled.rule_offset = offset
    return ruled


def image_size(data: bytes) -> tuple[float, float] | None:
    """Natural size in points, or None if Pillow can't read the image (or it is absurdly large)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            with PILImage.open(io.BytesIO(data)) as image:
                image.verify()
                width_px, height_px = image.size
                dpi = image.info.get("dpi")
    except (
        OSError,
        ValueError,
        SyntaxError,
        PILImage.DecompressionBombError,
        PILImage.DecompressionBombWarning,
    ) as exc:
        log.info("an archived image could not be read: %s", exc)
        return None
    if width_px <= 0 or height_px <= 0:
        return None
    per_px = CSS_PX
    if isinstance(dpi, tuple) and dpi and isinstance(dpi[0], int | float) and 30 <= dpi[0] <= 1200:
        per_px = 72.0 / float(dpi[0])
    return width_px * per_px, height_px * per_px
