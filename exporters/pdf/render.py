"""Bind an anthology into a PDF: cover, contents, one chapter per post with its comment thread."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.platypus import NextPageTemplate, PageBreak, Paragraph, Spacer, TableStyle
from reportlab.platypus.doctemplate import BaseDocTemplate, LayoutError
from reportlab.platypus.flowables import Flowable
from reportlab.platypus.tableofcontents import TableOfContents, defaultTableStyle

from exporters.errors import LayoutFailed
from exporters.output import atomic_output
from exporters.pdf.bookmarks import BookmarkedParagraph
from exporters.pdf.dates import format_date, format_date_range
from exporters.pdf.fonts import family, markup_text, register_fonts
from exporters.pdf.markdown_flowables import LINK_SCHEMES, MarkdownRenderer
from exporters.pdf.options import PdfOptions
from exporters.pdf.styles import (
    LINK,
    Geometry,
    PageDecor,
    Stylesheet,
    make_geometry,
    make_page_templates,
    make_stylesheet,
)
from exporters.pdf.thread import thread_flowables
from storage.records import THREADBOOK_VERSION, Anthology, Post

log = logging.getLogger(__name__)

MAX_PASSES = 4  # two suffice (see AnthologyDocTemplate); more means the contents kept changing length


class PostTitle(BookmarkedParagraph):
    """A post's title: starts its chapter, its outline entry, its contents line and its running head."""


class AnthologyDocTemplate(BaseDocTemplate):  # type: ignore[misc]  # reportlab has no type hints
    """The book's document: turns bookmarked paragraphs into outline entries and contents lines as they land."""

    def __init__(self, filename: str, *, decor: PageDecor, **kwargs: Any) -> None:
        super().__init__(filename, **kwargs)
        self.decor = decor
        self.addPageTemplates(make_page_templates(decor.geometry, decor))

    def beforeDocument(self) -> None:  # noqa: N802 (reportlab hook)
        # multiBuild lays the book out once per pass on a fresh canvas.
        self.decor.reset()
        self.canv.showOutline()

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802 (reportlab hook)
        if not isinstance(flowable, BookmarkedParagraph) or not flowable.bookmark_key:
            return
        canvas = self.canv
        top = min(self.frame._y + flowable.height + flowable.getSpaceAfter() + 6, self.pagesize[1])
        canvas.bookmarkPage(flowable.bookmark_key, fit="XYZ", left=0, top=top, zoom=0)
        canvas.addOutlineEntry(flowable.outline_title, flowable.bookmark_key, level=flowable.outline_level)
        if flowable.running_title:
            self.decor.current_post = flowable.running_title
        if flowable.toc_markup:
            page = self.decor.body_page_number(canvas.getPageNumber())
            self.notify("TOCEntry", (0, flowable.toc_markup, page, flowable.bookmark_key))


def render_pdf(anthology: Anthology, *, out_path: Path, options: PdfOptions | None = None) -> Path:
    """Write `anthology` as a PDF book at `out_path` and return the path.

    The file appears only when it is complete: it is written to a temporary file in the same folder
    and renamed at the end. Raises `FontMissing` (CJK text and no CJK font), `LayoutFailed` (something
    can't fit on a page) or `ExportWriteFailed` (the file can't be written).
    """
    options = options if options is not None else PdfOptions()
    out_path = Path(out_path)
    started = time.perf_counter()
    register_fonts()
    geometry = make_geometry(options)
    styles = make_stylesheet(options)
    # Build the whole story before touching the disk: a missing font fails without leaving anything behind.
    story = _story(anthology, options=options, geometry=geometry, styles=styles)
    decor = PageDecor(geometry=geometry, styles=styles, running_title=anthology.title)
    with atomic_output(out_path) as tmp_path:
        doc = AnthologyDocTemplate(
            str(tmp_path),
            decor=decor,
            pagesize=(geometry.page_width, geometry.page_height),
            leftMargin=geometry.left,
            rightMargin=geometry.right,
            topMargin=geometry.top,
            bottomMargin=geometry.bottom,
            title=anthology.title,
            author=anthology.editor,
            subject=anthology.subtitle,
            creator=f"Threadbook {THREADBOOK_VERSION}",
            lang=anthology.language,
            initialFontName=family("serif").regular,  # else the canvas starts in unembedded Helvetica
            initialFontSize=styles.base_size,
        )
        try:
            passes = doc.multiBuild(story, maxPasses=MAX_PASSES)
        except LayoutError as exc:
            where = f' (in "{decor.current_post}")' if decor.current_post else ""
            raise LayoutFailed(
                f"A part of this anthology{where} is too large to fit on a page, so the PDF could not be made. "
                "Try a larger page size or a smaller text size."
            ) from exc
    log.info(
        "rendered %s: %d posts, %d pages, %d passes, %.2f s",
        out_path,
        len(anthology.posts),
        doc.page,
        passes,
        time.perf_counter() - started,
    )
    return out_path


def _story(anthology: Anthology, *, options: PdfOptions, geometry: Geometry, styles: Stylesheet) -> list[Flowable]:
    story: list[Flowable] = []
    story.extend(_cover(anthology, geometry=geometry, styles=styles))
    story.extend([NextPageTemplate("front"), PageBreak()])
    story.append(Paragraph("Contents", styles.front_heading))
    story.append(_contents(styles))
    max_image_height = geometry.frame_height * 0.8
    if anthology.introduction_md.strip():
        story.append(PageBreak())
        story.append(Paragraph("Introduction", styles.front_heading))
        intro = MarkdownRenderer(max_image_height=max_image_height)
        story.extend(intro.render(anthology.introduction_md, styles.post))
    story.append(NextPageTemplate("body"))
    for index, post in enumerate(anthology.posts):
        story.append(PageBreak())
        story.extend(
            _post(
                post, index=index, options=options, geometry=geometry, styles=styles, max_image_height=max_image_height
            )
        )
    if not anthology.posts:
        story.append(PageBreak())
        story.append(Paragraph("<i>This anthology has no posts.</i>", styles.post_note))
    return story


def _cover(anthology: Anthology, *, geometry: Geometry, styles: Stylesheet) -> list[Flowable]:
    title = anthology.title.strip() or "Untitled anthology"
    out: list[Flowable] = [
        Spacer(1, geometry.frame_height * 0.22),
        Paragraph(markup_text(title, bold=True), styles.cover_title),
    ]
    if anthology.subtitle.strip():
        out.append(Paragraph(markup_text(anthology.subtitle.strip(), italic=True), styles.cover_subtitle))
    else:
        out.append(Spacer(1, styles.cover_subtitle.spaceAfter))
    if anthology.editor.strip():
        out.append(Paragraph(f"Edited by {markup_text(anthology.editor.strip())}", styles.cover_editor))
    dates = format_date_range(post.published_at for post in anthology.posts)
    if dates and dates != anthology.subtitle.strip():
        out.append(Paragraph(markup_text(dates, family_name="sans"), styles.cover_dates))
    count = len(anthology.posts)
    comments = sum(len(post.comments) for post in anthology.posts)
    summary = f"{count} post{'s' if count != 1 else ''}, {comments} comment{'s' if comments != 1 else ''}"
    out.append(Paragraph(summary, styles.cover_dates))
    return out


def _contents(styles: Stylesheet) -> TableOfContents:
    """The printed table of contents, filled by `AnthologyDocTemplate.afterFlowable`.

    Its entries carry page numbers relative to the first post page, so the contents growing from
    multiBuild's one-line placeholder (first pass) to their real length (second pass) moves no number,
    and two passes always suffice.
    """
    toc = TableOfContents(levelStyles=list(styles.toc_levels), dotsMinLevel=0)
    # The table's own default cell font is Helvetica, which would be referenced (unembedded) though unused.
    toc.tableStyle = TableStyle([*defaultTableStyle.getCommands(), ("FONT", (0, 0), (-1, -1), family("serif").regular)])
    return toc


def _post_key(index: int) -> str:
    return f"post-{index + 1}"


def _title(post: Post) -> str:
    return " ".join(post.title.split()) or "Untitled post"


def _toc_markup(post: Post) -> str:
    return markup_text(_title(post))


def _post(
    post: Post,
    *,
    index: int,
    options: PdfOptions,
    geometry: Geometry,
    styles: Stylesheet,
    max_image_height: float,
) -> list[Flowable]:
    key = _post_key(index)
    title = PostTitle(markup_text(_title(post), family_name="sans", bold=True), styles.post_title)
    title.outline_title = _title(post)
    title.bookmark_key = key
    title.toc_markup = _toc_markup(post)
    title.running_title = _title(post)
    out: list[Flowable] = [title]
    meta = _meta_markup(post)
    if meta:
        out.append(Paragraph(meta, styles.post_meta))
    out.append(Paragraph(_url_markup(post.url), styles.post_url))

    renderer = MarkdownRenderer(images=post.images, max_image_height=max_image_height)
    if post.protected:
        out.append(Paragraph("This post is password-protected; its text was not archived.", styles.post_note))
    body = renderer.render(post.body_md, styles.post)
    out.extend(body)
    if not body and not post.protected:
        out.append(Paragraph("This post has no text.", styles.post_note))
    if options.include_comments:
        out.extend(
            thread_flowables(
                post, renderer=renderer, styles=styles, frame_width=geometry.frame_width, bookmark_key=f"{key}-comments"
            )
        )
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


def _url_markup(url: str) -> str:
    shown = markup_text(url, family_name="sans")
    if url.split(":", 1)[0].lower() in LINK_SCHEMES:
        href = escape(url, {'"': "&quot;"})
        return f'<a href="{href}" color="{LINK.hexval()}">{shown}</a>'
    return shown
