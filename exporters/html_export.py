"""A whole anthology as one self-contained, offline HTML file: inline styles, images as data: URIs, a table of
contents, and comment threads that fold with <details> (no script at all).

The page forbids scripts itself: a Content-Security-Policy meta allows no script, no fetch, no frame and no
form target, styles only from its own <style> element (by hash) and images only from data: URIs. Web text is
escaped everywhere; the posts' Markdown is rendered and sanitised by `exporters.markdown_html`.
"""

from __future__ import annotations

import base64
import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

from exporters.book_css import HTML_CSS
from exporters.book_html import Markup, esc, markdown_block, post_article
from exporters.common import (
    ExportImage,
    ImageIndex,
    PostLinks,
    book_language,
    book_title,
    comments_title,
    format_date,
    made_at,
    one_line,
    post_title,
    sections,
)
from exporters.markdown_html import ImageSource
from exporters.output import atomic_output
from exporters.pdf.dates import format_date_range
from storage.records import THREADBOOK_VERSION, Anthology, anthology_items

log = logging.getLogger(__name__)

FORMAT = "html"
SUFFIX = ".html"
LABEL = "Web page (one offline HTML file)"


@dataclass(frozen=True, slots=True)
class HtmlOptions:
    """What the user can choose about the web page."""

    include_comments: bool = True
    threads_open: bool = True  # threads start unfolded; readers fold them with a click
    comments_in_toc: bool = False


def content_security_policy(css: str) -> str:
    """The page's policy: nothing runs, nothing loads from anywhere, only our style sheet and data: images."""
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")
    return (
        "default-src 'none'; script-src 'none'; object-src 'none'; frame-src 'none'; connect-src 'none'; "
        f"img-src data:; style-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'"
    )


def write_html(anthology: Anthology, *, out_path: Path, options: HtmlOptions | None = None) -> Path:
    """Write `anthology` as one offline HTML file at `out_path` and return the path (written beside it, then
    renamed). Raises `ExportWriteFailed` when the file can't be written."""
    options = options if options is not None else HtmlOptions()
    out_path = Path(out_path)
    text = render_html(anthology, options=options)
    with atomic_output(out_path) as tmp_path:
        tmp_path.write_text(text, encoding="utf-8", newline="\n")
    log.info("wrote HTML %s: %d posts, %d bytes", out_path, len(anthology_items(anthology)), len(text))
    return out_path


def render_html(anthology: Anthology, *, options: HtmlOptions | None = None) -> str:
    """The page as a string (what `write_html` writes)."""
    options = options if options is not None else HtmlOptions()
    index = ImageIndex(item.post for item in anthology_items(anthology))
    data_uris: dict[str, str] = {}

    def images(url: str) -> tuple[str, ExportImage] | None:
        image = index.find(url)
        if image is None:
            return None
        if image.sha256 not in data_uris:
            data_uris[image.sha256] = f"data:{image.media_type};base64,{base64.b64encode(image.data).decode('ascii')}"
        return data_uris[image.sha256], image

    items = anthology_items(anthology)
    posts = PostLinks({item.post.url: f"#p{number + 1}-post" for number, item in enumerate(items)})
    title = book_title(anthology)
    language = book_language(anthology)
    lang = f' lang="{language}"' if language else ""
    css = HTML_CSS
    parts = [
        "<!DOCTYPE html>",
        f"<html{lang}>",
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{content_security_policy(css)}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="referrer" content="no-referrer">',
        f'<meta name="generator" content="Threadbook {esc(THREADBOOK_VERSION)}">',
        f"<title>{esc(title)}</title>",
        f"<style>{css}</style>",
        "</head>",
        "<body>",
        _book_header(anthology, images, posts),
        _contents(anthology, options),
    ]
    for section_number, section in enumerate(sections(anthology), start=1):
        if section.title is not None:
            parts.append(f'<h2 class="part-title" id="part-{section_number}">{esc(section.title)}</h2>')
        for position, item in section.items:
            markup = Markup(
                xhtml=False,
                images=images,
                collapsible=True,
                threads_open=options.threads_open,
                id_prefix=f"p{position + 1}-",
                title_level=2,
                include_comments=options.include_comments,
                links=posts.find,
            )
            parts.append(post_article(item, markup=markup))
    made = format_date(made_at(anthology))
    parts.append(
        f'<footer class="colophon"><p>Made on {esc(made)} with Threadbook {esc(THREADBOOK_VERSION)} from an '
        "archive of the posts and their comments. The texts belong to their authors.</p></footer>"
    )
    parts += ["</body>", "</html>", ""]
    return "\n".join(part for part in parts if part is not None)


def _book_header(anthology: Anthology, images: ImageSource, posts: PostLinks) -> str:
    lines = ['<header class="book">', f"<h1>{esc(book_title(anthology))}</h1>"]
    if one_line(anthology.subtitle):
        lines.append(f'<p class="subtitle">{esc(one_line(anthology.subtitle))}</p>')
    if one_line(anthology.editor):
        lines.append(f'<p class="editor">Edited by {esc(one_line(anthology.editor))}</p>')
    dates = format_date_range(item.post.published_at for item in anthology_items(anthology))
    if dates:
        lines.append(f'<p class="dates">{esc(dates)}</p>')
    lines.append("</header>")
    if anthology.introduction_md.strip():
        markup = Markup(xhtml=False, images=images, links=posts.find)
        intro = markdown_block(anthology.introduction_md, markup=markup, heading_offset=1)
        lines.append(f'<section class="introduction">\n{intro}\n</section>')
    return "\n".join(lines)


def _contents(anthology: Anthology, options: HtmlOptions) -> str:
    lines = ['<nav class="toc" aria-label="Contents">', "<h2>Contents</h2>", "<ol>"]
    for section_number, section in enumerate(sections(anthology), start=1):
        entries = []
        for position, item in section.items:
            anchor = f"p{position + 1}-post"
            entry = f'<li><a href="#{anchor}">{esc(post_title(item.post))}</a>'
            author = one_line(item.post.author or "")
            if author:
                entry += f' <span class="toc-author">\u2014 {esc(author)}</span>'
            comments = item.post.comments
            if options.comments_in_toc and options.include_comments and comments:
                heading = esc(comments_title(len(comments)))
                entry += f'<ol><li><a href="#p{position + 1}-comments">{heading}</a></li></ol>'
            entries.append(entry + "</li>")
        if section.title is not None:
            lines.append(f'<li><a href="#part-{section_number}">{esc(section.title)}</a>\n<ol>')
            lines.extend(entries)
            lines.append("</ol></li>")
        else:
            lines.extend(entries)
    lines += ["</ol>", "</nav>"]
    return "\n".join(lines)
