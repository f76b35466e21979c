"""Front and back matter: cover, title page, contents (with the body's page numbers known), introduction, colophon.

Both are small single-pass reportlab builds made after the body: the contents are printed from the page
numbers the body chunks reported, so no layout pass is repeated. The contents lines record where they were
drawn (`LinkSpot`), and `assemble.py` turns those rectangles into links to the posts.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PIL import Image as PILImage
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, NextPageTemplate, PageBreak, Paragraph, Spacer
from reportlab.platypus.doctemplate import BaseDocTemplate, LayoutError

from exporters.errors import LayoutFailed
from exporters.pdf.body import url_markup
from exporters.pdf.dates import format_date_range
from exporters.pdf.fonts import family, markup_text
from exporters.pdf.markdown_flowables import MarkdownRenderer
from exporters.pdf.options import PdfOptions
from exporters.pdf.styles import BRAND, INK, MUTED, Geometry, Stylesheet, make_page_template, roman
from storage.records import THREADBOOK_VERSION, Anthology, AnthologyItem, Post

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ContentsEntry:
    """One line of the printed contents: a part (level 0) or a post (level 1), its printed page and target."""

    level: int
    markup: str
    page_label: str
    target: int  # index of the landmark it links to


@dataclass(frozen=True, slots=True)
class LinkSpot:
    """A rectangle on a front-matter page that links to a landmark."""

    page: int  # 0-based page in the front matter
    rect: tuple[float, float, float, float]
    target: int


@dataclass(frozen=True, slots=True)
class MatterResult:
    pages: int
    contents_page: int | None  # 0-based page of the contents heading
    introduction_page: int | None
    links: tuple[LinkSpot, ...]


class ContentsLine(Flowable):  # type: ignore[misc]  # reportlab has no type hints
    """A contents line: the title (wrapping if long), dot leaders, the page number at the right edge."""

    def __init__(self, entry: ContentsEntry, style: ParagraphStyle) -> None:
        super().__init__()
        self.entry = entry
        self.style = style
        self.paragraph = Paragraph(entry.markup, style)
        self.keepWithNext = bool(getattr(style, "keepWithNext", False))

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 (reportlab API)
        self.width = availWidth
        _, self.height = self.paragraph.wrap(availWidth, availHeight)
        return self.width, self.height

    def getSpaceBefore(self) -> float:  # noqa: N802 (reportlab API)
        return float(self.style.spaceBefore)

    def getSpaceAfter(self) -> float:  # noqa: N802 (reportlab API)
        return float(self.style.spaceAfter)

    def draw(self) -> None:
        canvas = self.canv
        self.paragraph.drawOn(canvas, 0, 0)
        style = self.style
        lines = self.paragraph.blPara.lines
        last = lines[-1]
        extra = last[0] if self.paragraph.blPara.kind == 0 else last.extraSpace
        indent = style.leftIndent + (style.firstLineIndent if len(lines) == 1 else 0)
        line_width = (
            self.width - style.leftIndent - style.rightIndent - (style.firstLineIndent if len(lines) == 1 else 0)
        )
        text_end = indent + line_width - extra
        baseline = self.height - style.leading * (len(lines) - 1) - style.fontSize
        number_font = family("serif").regular
        number_width = stringWidth(self.entry.page_label, number_font, style.fontSize)
        canvas.saveState()
        dot_step = style.fontSize * 0.55
        start = (int((text_end + style.fontSize * 0.6) / dot_step) + 1) * dot_step  # on a grid: columns of dots
        count = int((self.width - number_width - style.fontSize * 0.6 - start) / dot_step)
        if count > 0:
            # One string with character spacing, so text extraction reads "Title .......... 12".
            leader = canvas.beginText(start, baseline)
            leader.setFont(number_font, style.fontSize)
            leader.setCharSpace(dot_step - stringWidth(".", number_font, style.fontSize))
            leader.setFillColor(MUTED)
            leader.textOut("." * count)
            leader.setCharSpace(0)  # character spacing is graphics state: it would spread the page number too
            canvas.drawText(leader)
        canvas.setFont(number_font, style.fontSize)
        canvas.setFillColor(INK)
        canvas.drawRightString(self.width, baseline, self.entry.page_label)
        canvas.restoreState()
        x0, y0 = canvas.absolutePosition(0, 0)
        doc = canvas._doctemplate
        doc.link_spots.append(
            LinkSpot(canvas.getPageNumber() - 1, (x0, y0, x0 + self.width, y0 + self.height), self.entry.target)
        )


class MatterDocTemplate(BaseDocTemplate):  # type: ignore[misc]  # reportlab has no type hints
    """Front or back matter; records link spots and which page each front section starts on."""

    def __init__(self, filename: str, **kwargs: Any) -> None:
        super().__init__(filename, **kwargs)
        self.link_spots: list[LinkSpot] = []
        self.section_pages: dict[str, int] = {}

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802 (reportlab hook)
        section = getattr(flowable, "section_name", None)
        if section and section not in self.section_pages:
            self.section_pages[section] = self.canv.getPageNumber() - 1


def _section_heading(text: str, style: ParagraphStyle, name: str) -> Paragraph:
    heading = Paragraph(text, style)
    heading.section_name = name
    return heading


@dataclass(slots=True)
class _FrontDecor:
    geometry: Geometry
    styles: Stylesheet
    unnumbered: set[int] = field(default_factory=set)

    def on_cover(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(family("sans").regular, self.styles.base_size * 1.1)
        canvas.setFillColor(MUTED)
        canvas.drawCentredString(self.geometry.page_width / 2, self.geometry.bottom * 0.6, BRAND)
        canvas.restoreState()

    def on_front(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        page = canvas.getPageNumber()
        if page in self.unnumbered:
            return
        canvas.saveState()
        canvas.setFont(family("serif").regular, self.styles.footer.fontSize)
        canvas.setFillColor(INK)
        canvas.drawCentredString(
            self.geometry.page_width / 2, self.geometry.bottom - self.styles.base_size * 2.6, roman(page)
        )
        canvas.restoreState()

    def on_title_page(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        self.unnumbered.add(canvas.getPageNumber())


def _doc(path: Path, geometry: Geometry, styles: Stylesheet) -> MatterDocTemplate:
    return MatterDocTemplate(
        str(path),
        pagesize=(geometry.page_width, geometry.page_height),
        leftMargin=geometry.left,
        rightMargin=geometry.right,
        topMargin=geometry.top,
        bottomMargin=geometry.bottom,
        initialFontName=family("serif").regular,
        initialFontSize=styles.base_size,
        invariant=1,
    )


def render_front(
    anthology: Anthology,
    *,
    items: Sequence[AnthologyItem],
    contents: Sequence[ContentsEntry],
    out_path: Path,
    options: PdfOptions,
    geometry: Geometry,
    styles: Stylesheet,
    warnings: list[str],
) -> MatterResult:
    """Cover, title page, contents and introduction, numbered i, ii, ... (cover and title page unnumbered)."""
    decor = _FrontDecor(geometry, styles)
    doc = _doc(out_path, geometry, styles)
    doc.addPageTemplates(
        [
            make_page_template(geometry, "cover", onPage=decor.on_cover),
            make_page_template(geometry, "title", onPage=decor.on_title_page),
            make_page_template(geometry, "front", onPage=decor.on_front),
        ]
    )
    story: list[Flowable] = []
    story.extend(_cover(anthology, items=items, options=options, geometry=geometry, styles=styles, warnings=warnings))
    story.extend([NextPageTemplate("title"), PageBreak()])
    story.extend(_title_page(anthology, geometry=geometry, styles=styles))
    story.extend([NextPageTemplate("front"), PageBreak()])
    story.append(_section_heading("Contents", styles.front_heading, "contents"))
    for entry in contents:
        story.append(ContentsLine(entry, styles.toc_levels[min(entry.level, len(styles.toc_levels) - 1)]))
    if not contents:
        story.append(Paragraph("<i>This anthology has no posts.</i>", styles.post_note))
    if anthology.introduction_md.strip():
        story.append(PageBreak())
        story.append(_section_heading("Introduction", styles.front_heading, "introduction"))
        intro = MarkdownRenderer(max_image_height=geometry.frame_height * 0.7)
        story.extend(intro.render(anthology.introduction_md, styles.text_styles("post", anthology.language)))
        warnings.extend(f"Introduction: {warning}" for warning in intro.warnings)
    _build(doc, story)
    return MatterResult(
        pages=doc.page,
        contents_page=doc.section_pages.get("contents"),
        introduction_page=doc.section_pages.get("introduction"),
        links=tuple(doc.link_spots),
    )


def _build(doc: BaseDocTemplate, story: list[Flowable]) -> None:
    try:
        doc.build(story)
    except LayoutError as exc:
        raise LayoutFailed(
            "The front matter (cover, contents or introduction) is too large to fit on a page, so the PDF could "
            "not be made. Try a larger page size, a smaller text size or a smaller cover image."
        ) from exc


def _cover(
    anthology: Anthology,
    *,
    items: Sequence[AnthologyItem],
    options: PdfOptions,
    geometry: Geometry,
    styles: Stylesheet,
    warnings: list[str],
) -> list[Flowable]:
    title = anthology.title.strip() or "Untitled anthology"
    out: list[Flowable] = []
    image = _cover_image(options.cover_image, geometry, warnings)
    if image is not None:
        out.append(image)
        out.append(Spacer(1, styles.base_size * 2))
    else:
        out.append(Spacer(1, geometry.frame_height * 0.22))
    out.append(Paragraph(markup_text(title, bold=True), styles.cover_title))
    if anthology.subtitle.strip():
        out.append(Paragraph(markup_text(anthology.subtitle.strip(), italic=True), styles.cover_subtitle))
    else:
        out.append(Spacer(1, styles.cover_subtitle.spaceAfter))
    if anthology.editor.strip():
        out.append(Paragraph(f"Edited by {markup_text(anthology.editor.strip())}", styles.cover_editor))
    posts = [item.post for item in items]
    dates = format_date_range(post.published_at for post in posts)
    if dates and dates != anthology.subtitle.strip():
        out.append(Paragraph(markup_text(dates, family_name="sans"), styles.cover_dates))
    count = len(posts)
    comments = sum(len(post.comments) for post in posts)
    summary = f"{count} post{'s' if count != 1 else ''}, {comments} comment{'s' if comments != 1 else ''}"
    out.append(Paragraph(summary, styles.cover_dates))
    return out


class _CoverImage(Flowable):  # type: ignore[misc]
    def __init__(self, data: bytes, width: float, height: float) -> None:
        super().__init__()
        self._reader = ImageReader(io.BytesIO(data))
        self.width, self.height = width, height
        self.hAlign = "CENTER"

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 (reportlab API)
        return self.width, self.height

    def draw(self) -> None:
        self.canv.drawImage(self._reader, 0, 0, self.width, self.height, mask="auto")


def _cover_image(data: bytes, geometry: Geometry, warnings: list[str]) -> Flowable | None:
    if not data:
        return None
    try:
        with PILImage.open(io.BytesIO(data)) as probe:
            probe.verify()
            width, height = probe.size
    except (OSError, ValueError, SyntaxError, PILImage.DecompressionBombError) as exc:
        log.info("cover image unreadable: %s", exc)
        warnings.append("The cover image could not be read, so the cover has none.")
        return None
    if width <= 0 or height <= 0:
        return None
    scale = min(geometry.frame_width / width, geometry.frame_height * 0.45 / height)
    return _CoverImage(data, width * scale, height * scale)


def _title_page(anthology: Anthology, *, geometry: Geometry, styles: Stylesheet) -> list[Flowable]:
    title = anthology.title.strip() or "Untitled anthology"
    out: list[Flowable] = [Spacer(1, geometry.frame_height * 0.3)]
    out.append(Paragraph(markup_text(title), styles.title_page_title))
    if anthology.subtitle.strip():
        out.append(Paragraph(markup_text(anthology.subtitle.strip(), italic=True), styles.title_page_line))
    if anthology.editor.strip():
        out.append(Spacer(1, styles.base_size * 2))
        out.append(Paragraph(f"edited by {markup_text(anthology.editor.strip(), italic=True)}", styles.title_page_line))
    out.append(Spacer(1, geometry.frame_height * 0.25))
    out.append(Paragraph(f"{BRAND} {THREADBOOK_VERSION}", styles.cover_dates))
    return out


def render_back(
    anthology: Anthology,
    *,
    items: Sequence[AnthologyItem],
    out_path: Path,
    geometry: Geometry,
    styles: Stylesheet,
    made_at: datetime,
    cjk_used: bool,
) -> MatterResult:
    """The colophon: how the book was made and every post's provenance (URL, capture time, content hash).

    `made_at` is the anthology's `created_at` when it has one, so the same anthology gives the same book.
    """
    doc = _doc(out_path, geometry, styles)
    doc.addPageTemplates([make_page_template(geometry, "back")])
    posts = [item.post for item in items]
    comments = sum(len(post.comments) for post in posts)
    fonts = "Noto Serif, Noto Sans and DejaVu Sans Mono, with DejaVu Sans for symbols" + (
        ", with WenQuanYi Micro Hei for CJK" if cjk_used else ""
    )
    story: list[Flowable] = [_section_heading("Colophon", styles.front_heading, "colophon")]
    story.append(
        Paragraph(
            f"This anthology of {len(posts)} archived post{'s' if len(posts) != 1 else ''} and {comments} "
            f"comment{'s' if comments != 1 else ''} was compiled on {made_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC "
            f"and bound with {BRAND} {THREADBOOK_VERSION}. Set in {fonts}.",
            styles.colophon,
        )
    )
    story.append(
        Paragraph(
            "Sources. Each post as it was captured: its address, when the archive fetched it, and the SHA-256 "
            "of the page it was read from.",
            styles.colophon,
        )
    )
    for number, post in enumerate(posts, start=1):
        story.append(Paragraph(_provenance_markup(number, post), styles.colophon_entry))
    _build(doc, story)
    return MatterResult(pages=doc.page, contents_page=None, introduction_page=None, links=())


def _provenance_markup(number: int, post: Post) -> str:
    capture = post.captures[0] if post.captures else None
    captured = post.captured_at or (capture.fetched_at if capture is not None else None)
    parts = [f"<b>{markup_text(' '.join(post.title.split()) or 'Untitled post', family_name='sans', bold=True)}</b>"]
    parts.append(url_markup(post.url))
    parts.append(f"captured {captured.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC" if captured else "capture time unknown")
    if capture is not None and capture.content_sha256:
        parts.append(f'sha256 <font name="{family("mono").regular}">{capture.content_sha256}</font>')
    else:
        parts.append("no content hash recorded")
    return f"{number}.\u2002" + " \u00b7 ".join(parts)
