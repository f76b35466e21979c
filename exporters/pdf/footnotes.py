"""Footnotes at the foot of the page: a flowable that carries notes reserves their room on the page it lands on.

`Noted` wraps a flowable (a paragraph, a list, a table) whose text has note marks. Its height counts the
notes, so it only lands on a page with room for both; when drawn, it moves the frame's bottom up by the
notes' height and hands the notes to the document, which draws them under a short rule at the page's end
(`draw_page_notes`). `ReclaimSpace`, placed right after it in the story, gives the frame back the height
the notes took in the flow, so text runs on without a gap. A paragraph split across pages keeps each note
with the piece that holds its mark.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph

from exporters.pdf.styles import RULE

SEPARATOR_SPACE = 9.0  # points above the first note of a page: room for the short rule


@dataclass(frozen=True, slots=True)
class Note:
    """One footnote: its number (restarting with each post) and its paragraph markup."""

    number: int
    markup: str


def note_paragraph(note: Note, style: ParagraphStyle) -> Paragraph:
    return Paragraph(f"{note.number}.\u2002{note.markup}", style)


def notes_height(notes: tuple[Note, ...], style: ParagraphStyle, width: float) -> float:
    """Height of `notes` set in `style` at `width` points."""
    return float(sum(note_paragraph(note, style).wrap(width, 10_000)[1] for note in notes))


def _page_notes(canvas: Any) -> list[Note] | None:
    doc = getattr(canvas, "_doctemplate", None)
    notes = getattr(doc, "page_notes", None)
    return notes if isinstance(notes, list) else None


def _marks(flowable: Any) -> set[int]:
    """Note numbers whose superscript marks are in a paragraph or a piece of a split one.

    A whole paragraph keeps fragments; a split piece keeps words as `[width, (fragment, text), ...]`.
    """
    found: set[int] = set()
    for entry in getattr(flowable, "frags", None) or ():
        pieces = entry[1:] if isinstance(entry, list) else [(entry, getattr(entry, "text", ""))]
        for piece in pieces:
            if not (isinstance(piece, tuple) and len(piece) == 2):
                continue
            frag, text = piece
            if getattr(frag, "rise", 0) and isinstance(text, str) and text.strip().isdigit():
                found.add(int(text.strip()))
    return found


def deep_marks(flowable: Any, depth: int = 0) -> set[int]:
    """Note marks anywhere inside `flowable`: a paragraph, a list's items, a table's cells, a container's content."""
    if depth > 12:
        return set()
    found = _marks(flowable)
    inner = getattr(flowable, "inner", None)
    if inner is not None:
        found |= deep_marks(inner, depth + 1)
    children: list[Any] = list(getattr(flowable, "_content", None) or ())
    for row in getattr(flowable, "_cellvalues", None) or ():
        for cell in row:
            children.extend(cell if isinstance(cell, list | tuple) else [cell])
    for child in children:
        found |= deep_marks(child, depth + 1)
    return found


class Noted(Flowable):  # type: ignore[misc]  # reportlab has no type hints
    """`inner` with its footnotes, which go to the foot of the page `inner` is drawn on."""

    def __init__(self, inner: Flowable, notes: tuple[Note, ...], *, style: ParagraphStyle) -> None:
        super().__init__()
        self.inner = inner
        self.notes = notes
        self.style = style
        self._notes_height = 0.0
        self.keepWithNext = bool(getattr(inner, "keepWithNext", False))

    def _room(self, width: float) -> float:
        page_notes = _page_notes(getattr(self, "canv", None))
        separator = SEPARATOR_SPACE if not page_notes else 0.0
        return separator + notes_height(self.notes, self.style, width)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 (reportlab API)
        self._width = availWidth
        self.inner.canv = getattr(self, "canv", None)
        self._notes_height = self._room(availWidth)
        width, height = self.inner.wrap(availWidth, max(availHeight - self._notes_height, 0))
        self.width, self.height = width, height + self._notes_height
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803 (reportlab API)
        """Split `inner` so that its first piece and the notes of the marks in it fit in `availHeight`.

        The room to keep for notes depends on where the split falls, so it is found by a few trials.
        """
        separator = SEPARATOR_SPACE if not _page_notes(getattr(self, "canv", None)) else 0.0
        reserve = 0.0
        pieces: list[Flowable] = []
        for _ in range(5):
            if availHeight - reserve <= 0:
                return []
            pieces = self.inner.split(availWidth, availHeight - reserve)
            if not pieces:
                return []
            first = deep_marks(pieces[0])
            needed = tuple(n for n in self.notes if n.number in first)
            need = separator + notes_height(needed, self.style, availWidth) if needed else 0.0
            if need <= reserve + 0.01:
                break
            reserve = need
        else:
            return []
        left = list(self.notes)
        out: list[Flowable] = []
        for index, piece in enumerate(pieces):
            last = index == len(pieces) - 1
            marks = deep_marks(piece)
            mine = tuple(left) if last else tuple(n for n in left if n.number in marks)
            left = [n for n in left if n not in mine]
            out.append(Noted(piece, mine, style=self.style) if mine else piece)
        return out

    def getSpaceBefore(self) -> float:  # noqa: N802 (reportlab API)
        return float(self.inner.getSpaceBefore())

    def getSpaceAfter(self) -> float:  # noqa: N802 (reportlab API)
        return float(self.inner.getSpaceAfter())

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802, N803
        self.inner.drawOn(canvas, x, y + self._notes_height, _sW)
        frame = getattr(self, "_frame", None)
        page_notes = _page_notes(canvas)
        if frame is None or page_notes is None:
            return
        frame._y1p += self._notes_height
        frame._tb_reclaim = getattr(frame, "_tb_reclaim", 0.0) + self._notes_height
        page_notes.extend(self.notes)

    def draw(self) -> None:  # drawOn does the work
        pass


class ReclaimSpace(Flowable):  # type: ignore[misc]
    """Moves the frame's cursor back up by the room the previous `Noted` took for its notes."""

    def frameAction(self, frame: Any) -> None:  # noqa: N802 (reportlab API)
        amount = getattr(frame, "_tb_reclaim", 0.0)
        frame._tb_reclaim = 0.0
        frame._y += amount


def draw_page_notes(
    canvas: Canvas, notes: list[Note], *, style: ParagraphStyle, x: float, bottom: float, width: float
) -> None:
    """Draw a page's notes upward from `bottom` (the frame's bottom edge), under a short rule."""
    if not notes:
        return
    paragraphs = [note_paragraph(note, style) for note in notes]
    heights = [p.wrap(width, 10_000)[1] for p in paragraphs]
    y = bottom + sum(heights)
    canvas.saveState()
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.5)
    canvas.line(x, y + SEPARATOR_SPACE * 0.55, x + width * 0.25, y + SEPARATOR_SPACE * 0.55)
    canvas.restoreState()
    for paragraph, height in zip(paragraphs, heights, strict=True):
        y -= height
        paragraph.drawOn(canvas, x, y)
