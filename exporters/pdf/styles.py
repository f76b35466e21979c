"""The look of the anthology, defined once: page geometry, paragraph styles and the cover/front/body page templates."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, A5, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch, mm
from reportlab.platypus import Frame, PageTemplate

from exporters.errors import InvalidExportOptions
from exporters.pdf.fonts import family
from exporters.pdf.options import PdfOptions

PAGE_SIZES: dict[str, tuple[float, float]] = {"A4": A4, "Letter": LETTER, "A5": A5, "6x9": (6 * inch, 9 * inch)}

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
    """Page and margins for `options`; raises `InvalidExportOptions` if the margins leave too little text area."""
    if options.page_size == "custom" and options.custom_size_mm is not None:
        width, height = options.custom_size_mm[0] * mm, options.custom_size_mm[1] * mm
    else:
        width, height = PAGE_SIZES[options.page_size]
    if options.margins_mm is not None:
        left, right, top, bottom = (value * mm for value in options.margins_mm)
    else:
        side = max(40.0, min(66.0, width * 0.11))
        left, right, top, bottom = side, side, side + 6, side + 4
    geometry = Geometry(width, height, left=left, right=right, top=top, bottom=bottom)
    size = options.base_font_size
    if geometry.frame_width < size * 18 or geometry.frame_height < size * 24:
        raise InvalidExportOptions(
            f"The margins leave a text area of {geometry.frame_width / mm:.0f} x {geometry.frame_height / mm:.0f} mm, "
            "too small for the text size. Choose smaller margins, a larger page or a smaller text size."
        )
    return geometry


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
    caption: ParagraphStyle
    list_indent: float
    quote_indent: float


@functools.cache
def hyphenation_language(language: str | None) -> str | None:
    """The pyphen dictionary for a BCP 47 tag ("en", "de-CH", "pt-BR"), or None if pyphen has none (or is missing)."""
    if not language:
        return None
    try:
        import pyphen
    except ImportError:  # hyphenation is a nicety: without pyphen the text is justified unhyphenated
        return None
    tag = language.replace("-", "_")
    found = pyphen.language_fallback(tag) or pyphen.language_fallback(tag.split("_")[0])
    return str(found) if found else None


def _text_styles(prefix: str, size: float, *, justify: bool = True, language: str | None = None) -> TextStyles:
    serif, sans, mono = family("serif"), family("sans"), family("mono")
    leading = round(size * 1.4, 1)
    hyphens = hyphenation_language(language) if justify else None
    body = ParagraphStyle(
        f"{prefix}-body-{language or 'none'}-{int(justify)}",
        fontName=serif.regular,
        fontSize=size,
        leading=leading,
        textColor=INK,
        spaceAfter=size * 0.6,
        alignment=TA_JUSTIFY if justify else TA_LEFT,
        splitLongWords=1,
        allowWidows=0,  # no line of a paragraph alone at the top of a page...
        allowOrphans=0,  # ...or at the bottom
        hyphenationLang=hyphens or "",
        embeddedHyphenation=1 if hyphens else 0,
        uriWasteReduce=0.3 if hyphens else 0,  # long URLs in text break instead of stretching a line
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
            alignment=TA_LEFT,
            hyphenationLang="",
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
            alignment=TA_LEFT,
            hyphenationLang="",
        ),
        table_cell=ParagraphStyle(
            f"{prefix}-cell",
            parent=body,
            fontSize=size * 0.9,
            leading=size * 0.9 * 1.3,
            spaceAfter=0,
            alignment=TA_LEFT,
            hyphenationLang="",
        ),
        table_head=ParagraphStyle(
            f"{prefix}-cell-head",
            parent=body,
            fontName=serif.bold,
            fontSize=size * 0.9,
            leading=size * 0.9 * 1.3,
            spaceAfter=0,
            alignment=TA_LEFT,
            hyphenationLang="",
        ),
        missing_image=ParagraphStyle(
            f"{prefix}-missing-image",
            parent=body,
            fontName=sans.regular,
            fontSize=size * 0.85,
            alignment=TA_CENTER,
            textColor=MUTED,
            borderColor=RULE,
            borderWidth=0.6,
            borderPadding=size * 0.8,
            spaceBefore=size,
            spaceAfter=size * 1.4,
            hyphenationLang="",
        ),
        headings=headings,
        caption=ParagraphStyle(
            f"{prefix}-caption",
            parent=body,
            fontName=serif.italic,
            fontSize=size * 0.85,
            leading=size * 1.1,
            alignment=TA_CENTER,
            textColor=MUTED,
            spaceBefore=0,
            spaceAfter=size * 1.0,
            hyphenationLang="",
        ),
        list_indent=size * 1.6,
        quote_indent=size * 1.6,
    )


@dataclass(frozen=True, slots=True)
class Stylesheet:
    """Every paragraph style of the book. `text_styles` gives post/comment styles for a post's language."""

    post: TextStyles
    comment: TextStyles
    cover_title: ParagraphStyle
    cover_subtitle: ParagraphStyle
    cover_editor: ParagraphStyle
    cover_dates: ParagraphStyle
    title_page_title: ParagraphStyle
    title_page_line: ParagraphStyle
    front_heading: ParagraphStyle
    toc_levels: tuple[ParagraphStyle, ...]  # 0: a part (section), 1: a post
    part_title: ParagraphStyle
    post_title: ParagraphStyle
    post_meta: ParagraphStyle
    post_url: ParagraphStyle
    post_note: ParagraphStyle
    editor_note: ParagraphStyle
    comments_heading: ParagraphStyle
    comment_header: ParagraphStyle
    comment_note: ParagraphStyle
    notes_heading: ParagraphStyle
    footnote: ParagraphStyle
    colophon: ParagraphStyle
    colophon_entry: ParagraphStyle
    running_head: ParagraphStyle
    running_head_right: ParagraphStyle
    footer: ParagraphStyle
    base_size: float
    justify: bool
    _by_language: dict[tuple[str, str | None], TextStyles] = field(default_factory=dict)

    def text_styles(self, kind: str, language: str | None) -> TextStyles:
        """Post ("post") or comment ("comment") styles hyphenating in `language` (BCP 47), built once per language."""
        key = (kind, language)
        found = self._by_language.get(key)
        if found is None:
            size = self.post.body.fontSize if kind == "post" else self.comment.body.fontSize
            found = _text_styles(kind, size, justify=self.justify and kind == "post", language=language)
            self._by_language[key] = found
        return found


def make_stylesheet(options: PdfOptions, *, language: str | None = None) -> Stylesheet:
    """All styles for `options.base_font_size`; running text hyphenates in `language` unless a post says otherwise."""
    size = float(options.base_font_size)
    serif, sans = family("serif"), family("sans")
    post = _text_styles("post", size, justify=options.justify, language=language)
    # Comments are set ragged right and unhyphenated: in their narrow, indented column justification opens
    # rivers, and readers search comments for words (a hyphenated word doesn't survive text extraction).
    comment = _text_styles("comment", size * 0.92, justify=False, language=language)
    toc_levels = (
        ParagraphStyle(
            "toc-part",
            fontName=sans.bold,
            fontSize=size,
            leading=size * 1.35,
            textColor=INK,
            spaceBefore=size * 0.9,
            spaceAfter=size * 0.2,
            rightIndent=size * 3.2,
            keepWithNext=1,
        ),
        ParagraphStyle(
            "toc-post",
            fontName=serif.regular,
            fontSize=size,
            leading=size * 1.35,
            textColor=INK,
            leftIndent=size * 1.5,
            firstLineIndent=-size * 1.5,
            rightIndent=size * 3.2,  # keeps titles clear of the page numbers drawn at the right edge
            spaceBefore=size * 0.3,
        ),
    )
    centred = {"alignment": TA_CENTER, "textColor": INK}
    return Stylesheet(
        post=post,
        comment=comment,
        cover_title=ParagraphStyle(
            "cover-title",
            fontName=serif.bold,
            fontSize=size * 2.6,
            leading=size * 3.1,
            spaceAfter=size * 1.2,
            **centred,
        ),
        cover_subtitle=ParagraphStyle(
            "cover-subtitle",
            fontName=serif.italic,
            fontSize=size * 1.45,
            leading=size * 1.9,
            spaceAfter=size * 2.5,
            **centred,
        ),
        cover_editor=ParagraphStyle(
            "cover-editor",
            fontName=serif.regular,
            fontSize=size * 1.2,
            leading=size * 1.6,
            spaceAfter=size * 0.8,
            **centred,
        ),
        cover_dates=ParagraphStyle(
            "cover-dates",
            fontName=sans.regular,
            fontSize=size,
            leading=size * 1.4,
            alignment=TA_CENTER,
            textColor=MUTED,
        ),
        title_page_title=ParagraphStyle(
            "title-page-title",
            fontName=serif.regular,
            fontSize=size * 2.0,
            leading=size * 2.5,
            spaceAfter=size * 1.0,
            **centred,
        ),
        title_page_line=ParagraphStyle(
            "title-page-line",
            fontName=serif.italic,
            fontSize=size * 1.1,
            leading=size * 1.5,
            spaceAfter=size * 0.5,
            **centred,
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
        part_title=ParagraphStyle(
            "part-title", fontName=serif.regular, fontSize=size * 2.2, leading=size * 2.8, **centred
        ),
        post_title=ParagraphStyle(
            "post-title",
            fontName=sans.bold,
            fontSize=size * 1.9,
            leading=size * 2.35,
            textColor=INK,
            spaceBefore=size * 3,
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
        editor_note=ParagraphStyle(
            "editor-note",
            parent=post.body,
            fontName=serif.italic,
            fontSize=size * 0.95,
            leftIndent=size * 1.2,
            rightIndent=size * 1.2,
            textColor=MUTED,
            spaceAfter=size * 1.2,
        ),
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
        notes_heading=ParagraphStyle(
            "notes-heading",
            fontName=sans.bold,
            fontSize=size * 1.05,
            leading=size * 1.4,
            textColor=INK,
            spaceBefore=size * 1.6,
            spaceAfter=size * 0.4,
            keepWithNext=1,
        ),
        footnote=ParagraphStyle(
            "footnote",
            fontName=sans.regular,
            fontSize=size * 0.72,
            leading=size * 0.95,
            textColor=INK,
            leftIndent=size * 1.4,
            firstLineIndent=-size * 1.4,
            splitLongWords=1,
        ),
        colophon=ParagraphStyle(
            "colophon",
            fontName=serif.regular,
            fontSize=size * 0.9,
            leading=size * 1.25,
            textColor=INK,
            spaceAfter=size * 0.6,
        ),
        colophon_entry=ParagraphStyle(
            "colophon-entry",
            fontName=sans.regular,
            fontSize=size * 0.72,
            leading=size * 0.98,
            textColor=INK,
            leftIndent=size * 1.2,
            firstLineIndent=-size * 1.2,
            spaceAfter=size * 0.45,
            splitLongWords=1,
        ),
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
        justify=options.justify,
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


def make_frame(geometry: Geometry, name: str) -> Frame:
    """The text frame of every page: the page less its margins, no padding."""
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


def make_page_template(geometry: Geometry, name: str, **callbacks: object) -> PageTemplate:
    """A page template `name` (cover, front, body, back) with one frame and the given onPage/onPageEnd."""
    return PageTemplate(id=name, frames=[make_frame(geometry, name)], **callbacks)
