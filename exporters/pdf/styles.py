"""The look of the anthology, defined once: page geometry, paragraph styles and the cover/front/body page templates."""

from __future__ import annotations

from dataclasses import dataclass, field

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, A5, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Frame, PageTemplate, Paragraph
from reportlab.platypus.doctemplate import BaseDocTemplate

from exporters.pdf.fonts import family, markup_text
from exporters.pdf.options import PageSizeName, PdfOptions

PAGE_SIZES: dict[PageSizeName, tuple[float, float]] = {"A4": A4, "Letter": LETTER, "A5": A5}

INK = colors.HexColor("#1a1a1a")
MUTED = colors.HexColor("#5a5a5a")
RULE = colors.HexColor("#9a9a9a")
LINK = colors.HexColor("#1f4e79")
CODE_BACKGROUND = colors.HexColor("#f2f2f2")
TABLE_HEAD_BACKGROUND = colors.HexColor("#e8e8e8")

BRAND = "Threadbook"


@dataclass(frozen=True, slots=True)
class Geometry:
    """Page size and margins in points; the text frame is what is left."""

    page_width: float
    page_height: float
    left: float
    right: float
    top: float
    bottom: float

    @property
    def frame_width(self) -> float:
        return self.page_width - self.left - self.right

    @property
    def frame_height(self) -> float:
        return self.page_height - self.top - self.bottom


def make_geometry(options: PdfOptions) -> Geometry:
    width, height = PAGE_SIZES[options.page_size]
    side = 46.0 if options.page_size == "A5" else 66.0
    return Geometry(width, height, left=side, right=side, top=side + 6, bottom=side + 4)


@dataclass(frozen=True, slots=True)
class TextStyles:
    """The styles one kind of running text (a post body, or a comment) is set in."""

    body: ParagraphStyle
    list_item: ParagraphStyle  # paragraphs inside list items: tighter than body text
    quote: ParagraphStyle
    code: ParagraphStyle
    table_cell: ParagraphStyle
    table_head: ParagraphStyle
    missing_image: ParagraphStyle
    headings: tuple[ParagraphStyle, ...]  # h1..h6 as they appear inside a post (below the post title)
    list_indent: float
    quote_indent: float


@dataclass(frozen=True, slots=True)
class Stylesheet:
    """Every paragraph style of the book."""

    post: TextStyles
    comment: TextStyles
    cover_title: ParagraphStyle
    cover_subtitle: ParagraphStyle
    cover_editor: ParagraphStyle
    cover_dates: ParagraphStyle
    front_heading: ParagraphStyle
    toc_levels: tuple[ParagraphStyle, ...]
    post_title: ParagraphStyle
    post_meta: ParagraphStyle
    post_url: ParagraphStyle
    post_note: ParagraphStyle
    comments_heading: ParagraphStyle
    comment_header: ParagraphStyle
    comment_note: ParagraphStyle
    running_head: ParagraphStyle
    running_head_right: ParagraphStyle
    footer: ParagraphStyle
    base_size: float


def _text_styles(prefix: str, size: float) -> TextStyles:
    serif, sans, mono = family("serif"), family("sans"), family("mono")
    leading = round(size * 1.4, 1)
    body = ParagraphStyle(
        f"{prefix}-body",
        fontName=serif.regular,
        fontSize=size,
        leading=leading,
        textColor=INK,
        spaceAfter=size * 0.6,
        alignment=TA_LEFT,
        splitLongWords=1,
        allowWidows=0,
        allowOrphans=0,
    )
    heading_sizes = (1.5, 1.3, 1.15, 1.05, 1.0, 1.0)
    headings = tuple(
        ParagraphStyle(
            f"{prefix}-h{level}",
            parent=body,
            fontName=sans.bold,
            fontSize=size * factor,
            leading=size * factor * 1.25,
            spaceBefore=size * (1.2 if level <= 2 else 0.8),
            spaceAfter=size * 0.4,
            keepWithNext=1,
        )
        for level, factor in enumerate(heading_sizes, start=1)
    )
    return TextStyles(
        body=body,
        list_item=ParagraphStyle(f"{prefix}-list-item", parent=body, spaceAfter=size * 0.25),
        quote=ParagraphStyle(f"{prefix}-quote", parent=body, textColor=MUTED),
        code=ParagraphStyle(
            f"{prefix}-code",
            parent=body,
            fontName=mono.regular,
            fontSize=size * 0.86,
            leading=size * 0.86 * 1.3,
            backColor=CODE_BACKGROUND,
            borderPadding=(size * 0.35, size * 0.4, size * 0.35, size * 0.4),
            leftIndent=size * 0.4,
            rightIndent=size * 0.4,
            spaceBefore=size * 0.5,
            spaceAfter=size * 0.9,
        ),
        table_cell=ParagraphStyle(
            f"{prefix}-cell", parent=body, fontSize=size * 0.9, leading=size * 0.9 * 1.3, spaceAfter=0
        ),
        table_head=ParagraphStyle(
            f"{prefix}-cell-head",
            parent=body,
            fontName=serif.bold,
            fontSize=size * 0.9,
            leading=size * 0.9 * 1.3,
            spaceAfter=0,
        ),
        missing_image=ParagraphStyle(f"{prefix}-missing-image", parent=body, fontName=serif.italic, textColor=MUTED),
        headings=headings,
        list_indent=size * 1.6,
        quote_indent=size * 1.6,
    )


def make_stylesheet(options: PdfOptions) -> Stylesheet:
    """All styles for `options.base_font_size`."""
    size = float(options.base_font_size)
    serif, sans = family("serif"), family("sans")
    post = _text_styles("post", size)
    comment = _text_styles("comment", size * 0.92)
    toc_levels = (
        ParagraphStyle(
            "toc-0",
            fontName=serif.regular,
            fontSize=size,
            leading=size * 1.35,
            textColor=INK,
            leftIndent=size * 1.5,
            firstLineIndent=-size * 1.5,
            rightIndent=size * 3,  # keeps titles clear of the page numbers drawn at the right edge
            spaceBefore=size * 0.35,
        ),
    )
    return Stylesheet(
        post=post,
        comment=comment,
        cover_title=ParagraphStyle(
            "cover-title",
            fontName=serif.bold,
            fontSize=size * 2.6,
            leading=size * 3.1,
            alignment=TA_CENTER,
            textColor=INK,
            spaceAfter=size * 1.2,
        ),
        cover_subtitle=ParagraphStyle(
            "cover-subtitle",
            fontName=serif.italic,
            fontSize=size * 1.45,
            leading=size * 1.9,
            alignment=TA_CENTER,
            textColor=INK,
            spaceAfter=size * 2.5,
        ),
        cover_editor=ParagraphStyle(
            "cover-editor",
            fontName=serif.regular,
            fontSize=size * 1.2,
            leading=size * 1.6,
            alignment=TA_CENTER,
            textColor=INK,
            spaceAfter=size * 0.8,
        ),
        cover_dates=ParagraphStyle(
            "cover-dates",
            fontName=sans.regular,
            fontSize=size,
            leading=size * 1.4,
            alignment=TA_CENTER,
            textColor=MUTED,
        ),
        front_heading=ParagraphStyle(
            "front-heading",
            fontName=sans.bold,
            fontSize=size * 1.7,
            leading=size * 2.1,
            textColor=INK,
            spaceAfter=size * 1.5,
        ),
        toc_levels=toc_levels,
        post_title=ParagraphStyle(
            "post-title",
            fontName=sans.bold,
            fontSize=size * 1.9,
            leading=size * 2.35,
            textColor=INK,
            spaceAfter=size * 0.5,
            keepWithNext=1,
        ),
        post_meta=ParagraphStyle(
            "post-meta",
            fontName=sans.regular,
            fontSize=size * 0.9,
            leading=size * 1.25,
            textColor=MUTED,
            keepWithNext=1,
        ),
        post_url=ParagraphStyle(
            "post-url",
            fontName=sans.regular,
            fontSize=size * 0.78,
            leading=size * 1.1,
            textColor=MUTED,
            spaceAfter=size * 1.6,
            splitLongWords=1,
            keepWithNext=1,
        ),
        post_note=ParagraphStyle("post-note", parent=post.body, fontName=serif.italic, textColor=MUTED),
        comments_heading=ParagraphStyle(
            "comments-heading",
            fontName=sans.bold,
            fontSize=size * 1.3,
            leading=size * 1.7,
            textColor=INK,
            spaceBefore=size * 2,
            spaceAfter=size * 0.6,
            keepWithNext=1,
        ),
        comment_header=ParagraphStyle(
            "comment-header",
            fontName=sans.regular,
            fontSize=size * 0.85,
            leading=size * 1.15,
            textColor=MUTED,
            spaceBefore=size * 0.9,
            spaceAfter=size * 0.25,
            keepWithNext=1,
            splitLongWords=1,
        ),
        comment_note=ParagraphStyle("comment-note", parent=comment.body, fontName=serif.italic, textColor=MUTED),
        running_head=ParagraphStyle(
            "running-head", fontName=sans.regular, fontSize=size * 0.75, leading=size * 0.95, textColor=MUTED
        ),
        running_head_right=ParagraphStyle(
            "running-head-right",
            fontName=sans.regular,
            fontSize=size * 0.75,
            leading=size * 0.95,
            textColor=MUTED,
            alignment=TA_RIGHT,
        ),
        footer=ParagraphStyle(
            "footer", fontName=serif.regular, fontSize=size * 0.85, leading=size, alignment=TA_CENTER
        ),
        base_size=size,
    )


def roman(number: int) -> str:
    """Lower-case roman numeral for front-matter page numbers (1 -> 'i')."""
    numerals = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))  # fmt: skip
    out = []
    for value, letters in numerals:
        count, number = divmod(number, value)
        out.append(letters * count)
    return "".join(out)


@dataclass(slots=True)
class PageDecor:
    """What the running head and footer show; updated by the document as posts are laid out.

    Page numbering: the cover and front matter are numbered i, ii, ... (the cover shows none), the
    posts 1, 2, ... from the first post page. PDF page labels say the same, so a viewer's page box
    matches the printed numbers and the table of contents.
    """

    geometry: Geometry
    styles: Stylesheet
    running_title: str  # plain text
    current_post: str = ""  # plain title of the post the page belongs to
    body_start_page: int | None = None  # absolute number of the first post page in this pass
    _labelled: set[str] = field(default_factory=set)

    def reset(self) -> None:
        """Forget per-pass state (multiBuild lays the document out more than once)."""
        self.current_post = ""
        self.body_start_page = None
        self._labelled = set()

    def body_page_number(self, absolute: int) -> int:
        """The printed number of an absolute page inside the body."""
        start = self.body_start_page if self.body_start_page is not None else 1
        return absolute - start + 1

    def on_cover(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        self._label(canvas, "front", "ROMAN_LOWER")
        canvas.saveState()
        canvas.setFont(family("sans").regular, self.styles.base_size * 1.1)
        canvas.setFillColor(MUTED)
        canvas.drawCentredString(self.geometry.page_width / 2, self.geometry.bottom, BRAND)
        canvas.restoreState()

    def on_front(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        self._label(canvas, "front", "ROMAN_LOWER")
        self._footer(canvas, roman(canvas.getPageNumber()))

    def on_body_begin(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        if self.body_start_page is None:
            self.body_start_page = canvas.getPageNumber()
        self._label(canvas, "body", "ARABIC")

    def on_body_end(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        # Drawn at the page's end so a post that starts on this page already names it in the head.
        geometry = self.geometry
        y = geometry.page_height - geometry.top + self.styles.base_size * 1.2
        half = geometry.frame_width / 2 - 6
        left = Paragraph(self._head_markup(self.running_title, half), self.styles.running_head)
        left.wrapOn(canvas, half, geometry.top)
        left.drawOn(canvas, geometry.left, y)
        if self.current_post:
            right = Paragraph(self._head_markup(self.current_post, half), self.styles.running_head_right)
            right.wrapOn(canvas, half, geometry.top)
            right.drawOn(canvas, geometry.left + geometry.frame_width - half, y)
        canvas.saveState()
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.4)
        rule_y = y - self.styles.base_size * 0.35
        canvas.line(geometry.left, rule_y, geometry.left + geometry.frame_width, rule_y)
        canvas.restoreState()
        self._footer(canvas, str(self.body_page_number(canvas.getPageNumber())))

    def _head_markup(self, text: str, width: float) -> str:
        """`text` shortened with an ellipsis to fit one line of `width` points in the running head."""
        style = self.styles.running_head
        text = " ".join(text.split())
        limit = width * 0.92  # fallback glyphs (CJK) are wider than the sans widths measured here

        def fits(candidate: str) -> bool:
            return bool(stringWidth(candidate, style.fontName, style.fontSize) <= limit)

        if not fits(text):
            while text and not fits(text + "\u2026"):
                text = text[:-1]
            text = text.rstrip() + "\u2026"
        return markup_text(text, family_name="sans")

    def _footer(self, canvas: Canvas, text: str) -> None:
        canvas.saveState()
        canvas.setFont(family("serif").regular, self.styles.footer.fontSize)
        canvas.setFillColor(INK)
        canvas.drawCentredString(self.geometry.page_width / 2, self.geometry.bottom - self.styles.base_size * 2.6, text)
        canvas.restoreState()

    def _label(self, canvas: Canvas, section: str, style: str) -> None:
        if section in self._labelled:
            return
        self._labelled.add(section)
        canvas.addPageLabel(canvas.getPageNumber() - 1, style=style, start=1 if section == "body" else None)


def make_page_templates(geometry: Geometry, decor: PageDecor) -> list[PageTemplate]:
    """The three page templates, by id: `cover`, `front` (contents, introduction) and `body` (posts)."""

    def frame(name: str) -> Frame:
        return Frame(
            geometry.left,
            geometry.bottom,
            geometry.frame_width,
            geometry.frame_height,
            id=name,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )

    return [
        PageTemplate(id="cover", frames=[frame("cover")], onPage=decor.on_cover),
        PageTemplate(id="front", frames=[frame("front")], onPage=decor.on_front),
        PageTemplate(id="body", frames=[frame("body")], onPage=decor.on_body_begin, onPageEnd=decor.on_body_end),
    ]
