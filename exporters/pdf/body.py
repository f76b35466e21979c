"""The body of the book, a chunk of posts at a time: one reportlab build per chunk, in this or a worker process.

A chunk knows nothing of where it will sit in the book: it draws running heads and footnotes, but not page
numbers (`assemble.py` stamps them after joining the chunks). It reports where each part, post and comment
thread landed (`Landmark`), so the contents, outline and links can be made without laying anything out
twice. Every chunk starts on a right-hand page, so "chapters on the right" holds across chunks.
"""

from __future__ import annotations

import gc
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Indenter, PageBreak, Paragraph, Spacer
from reportlab.platypus.doctemplate import BaseDocTemplate, LayoutError

from exporters.errors import LayoutFailed
from exporters.pdf import fonts
from exporters.pdf.bookmarks import BookmarkedParagraph
from exporters.pdf.dates import format_date
from exporters.pdf.flowables import with_rule
from exporters.pdf.fonts import cjk_in_use, family, markup_text, register_fonts
from exporters.pdf.footnotes import Note, draw_page_notes
from exporters.pdf.markdown_flowables import LINK_SCHEMES, MarkdownRenderer, NoteBook
from exporters.pdf.options import PdfOptions
from exporters.pdf.styles import (
    LINK,
    MUTED,
    RULE,
    Geometry,
    Stylesheet,
    make_geometry,
    make_page_template,
    make_stylesheet,
)
from exporters.pdf.thread import thread_flowables
from storage.records import THREADBOOK_VERSION, AnthologyItem, Post

log = logging.getLogger(__name__)

LandmarkKind = Literal["part", "post", "comments"]


@dataclass(frozen=True, slots=True)
class Landmark:
    """Where a part title, post title or comments heading landed: page index within the chunk, top in points."""

    kind: LandmarkKind
    item: int  # index of the anthology item (book-wide)
    page: int  # 0-based page index within the chunk
    top: float  # y of the heading's top edge, for /XYZ destinations
    title: str  # plain text


@dataclass(frozen=True, slots=True)
class ChunkJob:
    """What a worker needs to lay out some consecutive items of the book."""

    items: tuple[AnthologyItem, ...]
    first_index: int  # book-wide index of items[0]
    book_title: str
    book_language: str | None
    options: PdfOptions
    out_path: Path


@dataclass(frozen=True, slots=True)
class ChunkResult:
    out_path: Path
    pages: int
    landmarks: tuple[Landmark, ...]
    warnings: tuple[str, ...]
    blank_pages: tuple[int, ...] = ()  # 0-based pages left empty so the next chapter opens on the right
    cjk_used: bool = False
    peak_rss_kb: int = 0  # of the process that laid the chunk out, so far
    missing_chars: frozenset[str] = frozenset()  # characters no font could draw


def post_title(post: Post) -> str:
    return " ".join(post.title.split()) or "Untitled post"


class PostTitle(BookmarkedParagraph):
    """A post's title: starts its chapter, its outline entry, its contents line and its running head."""


class PartTitle(BookmarkedParagraph):
    """A section heading on a page of its own."""


class VersoFiller(Flowable):  # type: ignore[misc]  # reportlab has no type hints
    """Fills a left-hand (even) page so the next chapter opens on the right; nothing on a right-hand page."""

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 (reportlab API)
        canvas = getattr(self, "canv", None)
        self._fill = canvas is not None and canvas.getPageNumber() % 2 == 0
        return (availWidth, availHeight) if self._fill else (0, 0)

    def draw(self) -> None:
        if self._fill:
            self.canv._doctemplate.decor.blank_pages.add(self.canv.getPageNumber())


@dataclass(slots=True)
class BodyDecor:
    """Running heads (book title left, post title right; none on openings and blank pages) and footnotes."""

    geometry: Geometry
    styles: Stylesheet
    book_title: str
    current_post: str = ""
    opening_pages: set[int] = field(default_factory=set)
    blank_pages: set[int] = field(default_factory=set)

    def on_page_end(self, canvas: Canvas, doc: BodyDocTemplate) -> None:
        page = canvas.getPageNumber()
        geometry = self.geometry
        draw_page_notes(
            canvas,
            doc.page_notes,
            style=self.styles.footnote,
            x=geometry.left,
            bottom=geometry.bottom,
            width=geometry.frame_width,
        )
        if page == 1:
            _use_footer_font(canvas)
        if page in self.opening_pages or page in self.blank_pages:
            return
        y = geometry.page_height - geometry.top + self.styles.base_size * 1.2
        half = geometry.frame_width / 2 - 6
        left = Paragraph(self._head_markup(self.book_title, half), self.styles.running_head)
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


def _use_footer_font(canvas: Canvas) -> None:
    """Put the footer font's first subset in the file, so page numbers can be stamped later.

    reportlab's first subset of a TrueType font holds all of ASCII, digits included, once the font draws
    anything; an invisible space is enough, and text extraction sees only a space.
    """
    text = canvas.beginText(0, 0)
    text.setTextRenderMode(3)
    text.setFont(family("serif").regular, 6)
    text.textOut(" ")
    canvas.drawText(text)


class BodyDocTemplate(BaseDocTemplate):  # type: ignore[misc]  # reportlab has no type hints
    """One chunk of the body: records landmarks as headings land, keeps each page's footnotes."""

    def __init__(self, filename: str, *, decor: BodyDecor, first_index: int, **kwargs: Any) -> None:
        super().__init__(filename, **kwargs)
        self.decor = decor
        self.first_index = first_index
        self.landmarks: list[Landmark] = []
        self.page_notes: list[Note] = []
        self.addPageTemplates([make_page_template(decor.geometry, "body", onPageEnd=decor.on_page_end)])

    def handle_pageBegin(self) -> None:  # noqa: N802 (reportlab hook)
        super().handle_pageBegin()
        self.page_notes = []
        # Footnotes raised the frame's bottom on the last page; reportlab's frame reset doesn't undo that.
        self.frame._geom()
        self.frame._tb_reclaim = 0.0

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802 (reportlab hook)
        if not isinstance(flowable, BookmarkedParagraph) or not flowable.bookmark_key:
            return
        page = self.canv.getPageNumber()
        top = min(self.frame._y + flowable.height + flowable.getSpaceAfter() + 6, self.pagesize[1])
        kind: LandmarkKind = "part" if isinstance(flowable, PartTitle) else "post"
        if not isinstance(flowable, PartTitle | PostTitle):
            kind = "comments"
        item = int(flowable.bookmark_key.split("-")[1])
        self.landmarks.append(Landmark(kind, item, page - 1, top, flowable.outline_title))
        if kind in ("part", "post"):
            self.decor.opening_pages.add(page)
        if flowable.running_title:
            self.decor.current_post = flowable.running_title


def render_chunk(job: ChunkJob) -> ChunkResult:
    """Lay out `job.items` into `job.out_path` (a PDF of body pages only). Runs in a worker process too."""
    register_fonts()
    fonts.MISSING_CHARS.clear()
    options = job.options
    geometry = make_geometry(options)
    styles = make_stylesheet(options, language=job.book_language)
    decor = BodyDecor(geometry=geometry, styles=styles, book_title=job.book_title)
    warnings: list[str] = []
    story: list[Flowable] = []
    for offset, item in enumerate(job.items):
        index = job.first_index + offset
        story.extend(
            item_flowables(
                item,
                index=index,
                first_in_chunk=offset == 0,
                options=options,
                geometry=geometry,
                styles=styles,
                book_language=job.book_language,
                warnings=warnings,
            )
        )
    doc = BodyDocTemplate(
        str(job.out_path),
        decor=decor,
        first_index=job.first_index,
        pagesize=(geometry.page_width, geometry.page_height),
        leftMargin=geometry.left,
        rightMargin=geometry.right,
        topMargin=geometry.top,
        bottomMargin=geometry.bottom,
        creator=f"Threadbook {THREADBOOK_VERSION}",
        initialFontName=family("serif").regular,  # else the canvas starts in unembedded Helvetica
        initialFontSize=styles.base_size,
        invariant=1,  # no random IDs or build times: the same chunk gives the same bytes
    )
    try:
        doc.build(story)
    except LayoutError as exc:
        where = f' (in "{decor.current_post}")' if decor.current_post else ""
        raise LayoutFailed(
            f"A part of this anthology{where} is too large to fit on a page, so the PDF could not be made. "
            "Try a larger page size or a smaller text size."
        ) from exc
    result = ChunkResult(
        job.out_path,
        doc.page,
        tuple(doc.landmarks),
        tuple(warnings),
        blank_pages=tuple(sorted(page - 1 for page in decor.blank_pages)),
        cjk_used=cjk_in_use(),
        peak_rss_kb=_peak_rss_kb(),
        missing_chars=frozenset(fonts.MISSING_CHARS),
    )
    del story, doc
    gc.collect()
    return result


def _peak_rss_kb() -> int:
    """This process's peak resident memory in KiB (0 where the resource module doesn't exist: Windows)."""
    try:
        import resource
    except ImportError:
        return 0
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def item_flowables(
    item: AnthologyItem,
    *,
    index: int,
    first_in_chunk: bool,
    options: PdfOptions,
    geometry: Geometry,
    styles: Stylesheet,
    book_language: str | None,
    warnings: list[str],
) -> list[Flowable]:
    """An item's pages: its part title page (if it opens a section), then the post as a chapter."""
    post = item.post
    out: list[Flowable] = []

    def new_chapter_page() -> None:
        if out or not first_in_chunk:
            out.append(PageBreak())
        if options.chapters_on_right:
            out.append(VersoFiller())

    if item.section and item.section.strip():
        new_chapter_page()
        section = " ".join(item.section.split())
        part = PartTitle(markup_text(section), styles.part_title)
        part.outline_title, part.bookmark_key = section, f"item-{index}-part"
        part.running_title = ""
        out.append(Spacer(1, geometry.frame_height * 0.3))
        out.append(part)
    new_chapter_page()

    title = post_title(post)
    heading = PostTitle(markup_text(title, family_name="sans", bold=True), styles.post_title)
    heading.outline_title = title
    heading.bookmark_key = f"item-{index}-post"
    heading.running_title = title
    out.append(heading)
    meta = _meta_markup(post)
    if meta:
        out.append(Paragraph(meta, styles.post_meta))
    out.append(Paragraph(url_markup(post.url), styles.post_url))

    language = post.language or book_language
    post_styles = styles.text_styles("post", language)
    comment_styles = styles.text_styles("comment", language)
    notebook = NoteBook()
    renderer = MarkdownRenderer(
        images=post.images,
        max_image_height=geometry.frame_height * 0.7,
        links=options.links,
        notebook=notebook,
        note_style=styles.footnote,
    )
    if item.note_md.strip():
        out.extend(_editor_note(item.note_md, renderer, styles))
    if post.protected:
        out.append(Paragraph("This post is password-protected; its text was not archived.", styles.post_note))
    body = renderer.render(post.body_md, post_styles)
    out.extend(body)
    if not body and not post.protected:
        out.append(Paragraph("This post has no text.", styles.post_note))
    if options.include_comments:
        out.extend(
            thread_flowables(
                post,
                renderer=renderer,
                styles=comment_styles,
                header_style=styles.comment_header,
                note_style=styles.comment_note,
                heading_style=styles.comments_heading,
                frame_width=geometry.frame_width,
                bookmark_key=f"item-{index}-comments",
            )
        )
    if options.links == "endnotes" and notebook.notes:
        out.append(Paragraph("Notes", styles.notes_heading))
        out.extend(Paragraph(f"{note.number}.\u2002{note.markup}", styles.footnote) for note in notebook.notes)
    warnings.extend(f'"{title}": {warning}' for warning in renderer.warnings)
    return out


def _editor_note(note_md: str, renderer: MarkdownRenderer, styles: Stylesheet) -> list[Flowable]:
    size = styles.base_size
    label = ParagraphStyle("editor-note-label", parent=styles.post_meta, textColor=MUTED, keepWithNext=1)
    out: list[Flowable] = [Indenter(left=size * 1.2, right=size * 1.2)]
    out.append(Paragraph("<b>Editor\u2019s note</b>", label))
    out.extend(
        with_rule(flowable, offset=size * 0.6, style=styles.editor_note)
        for flowable in renderer.render(note_md, styles.comment)
    )
    out.append(Indenter(left=-size * 1.2, right=-size * 1.2))
    out.append(Spacer(1, size * 0.8))
    return out


def _meta_markup(post: Post) -> str:
    parts = []
    if post.author and post.author.strip():
        parts.append(f"by {markup_text(post.author.strip(), family_name='sans')}")
    if post.published_at is not None:
        parts.append(format_date(post.published_at))
    if post.updated_at is not None and (
        post.published_at is None or format_date(post.updated_at) != format_date(post.published_at)
    ):
        parts.append(f"updated {format_date(post.updated_at)}")
    if post.series is not None and post.series.name.strip():
        series = markup_text(post.series.name.strip(), family_name="sans")
        parts.append(f"{series}, part {post.series.number}" if post.series.number is not None else series)
    return " \u00b7 ".join(parts)


def url_markup(url: str) -> str:
    """A source URL as printed: a link when it is a web address, plain text otherwise."""
    shown = markup_text(url, family_name="sans")
    if url.split(":", 1)[0].lower() in LINK_SCHEMES:
        href = escape(url, {'"': "&quot;"})
        return f'<a href="{href}" color="{LINK.hexval()}">{shown}</a>'
    return shown
