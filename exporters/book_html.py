"""A post and its comment thread as (X)HTML markup, shared by the EPUB chapters and the single-file HTML export.

Every piece of web text goes through `esc` (escaped, XML-safe); the only markup that comes from a post is its
Markdown, rendered and sanitised by `exporters.markdown_html`. Ids are ours (`p3-c12`), never a site's.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from exporters.common import (
    CommentNode,
    clean_text,
    comment_header,
    comment_tree,
    comments_title,
    format_date,
    iso,
    language_tag,
    missing_thread_note,
    one_line,
    post_title,
    safe_link,
    series_line,
)
from exporters.markdown_html import ImageSource, LinkTarget, inner_html, inner_xhtml, render_fragment
from storage.records import AnthologyItem, Comment, Post

SEP = " \u00b7 "
NO_TEXT = '<p class="notice">(no text)</p>'


def esc(text: str) -> str:
    """Web text as element content or an attribute value: escaped (quotes too) and XML-safe."""
    return html.escape(clean_text(text), quote=True)


@dataclass(frozen=True, slots=True)
class Markup:
    """How to write: XHTML (EPUB) or HTML5, threads collapsible with <details> or not, where images point."""

    xhtml: bool
    images: ImageSource
    collapsible: bool = False
    threads_open: bool = True
    id_prefix: str = ""  # makes ids unique when several posts share one page
    title_level: int = 1  # heading level of the post title; comments one below it
    include_comments: bool = True
    links: LinkTarget | None = None  # links to the book's own posts, pointed inside the book


def markdown_block(markdown: str, *, markup: Markup, heading_offset: int) -> str:
    """Sanitised markup of a Markdown text."""
    fragment = render_fragment(markdown, images=markup.images, heading_offset=heading_offset, links=markup.links)
    return inner_xhtml(fragment) if markup.xhtml else inner_html(fragment)


def _lang_attributes(language: str | None, *, xhtml: bool) -> str:
    tag = language_tag(language)
    if not tag:
        return ""
    return f' xml:lang="{tag}" lang="{tag}"' if xhtml else f' lang="{tag}"'


def post_article(item: AnthologyItem, *, markup: Markup) -> str:
    """The whole post: header (series, title, byline, source), the editor's note, the text, the thread."""
    post = item.post
    level = markup.title_level
    prefix = markup.id_prefix
    lines = [f'<article class="post" id="{prefix}post"{_lang_attributes(post.language, xhtml=markup.xhtml)}>']
    lines.append('<header class="post-header">')
    series = series_line(post)
    if series:
        lines.append(f'<p class="series">{esc(series)}</p>')
    lines.append(f'<h{level} class="post-title">{esc(post_title(post))}</h{level}>')
    lines.append(_byline(post))
    lines.append(_source(post))
    lines.append("</header>")
    if item.note_md.strip():
        lines.append('<aside class="editor-note"><p class="label">Editor\u2019s note</p>')
        lines.append(markdown_block(item.note_md, markup=markup, heading_offset=level + 1))
        lines.append("</aside>")
    if post.protected:
        lines.append('<p class="notice">This post is password-protected; its text was not archived.</p>')
    lines.append('<div class="post-body">')
    lines.append(markdown_block(post.body_md, markup=markup, heading_offset=level))
    lines.append("</div>")
    if markup.include_comments:
        lines.append(comments_section(post, markup=markup))
    lines.append("</article>")
    return "\n".join(line for line in lines if line)


def _byline(post: Post) -> str:
    parts = []
    author = one_line(post.author or "")
    if author:
        parts.append(f'<span class="author">{esc(author)}</span>')
    if post.published_at is not None:
        parts.append(f'<time datetime="{esc(iso(post.published_at))}">{esc(format_date(post.published_at))}</time>')
    if post.updated_at is not None and post.updated_at != post.published_at:
        parts.append(f"updated {esc(format_date(post.updated_at))}")
    return f'<p class="byline">{SEP.join(parts)}</p>' if parts else ""


def _source(post: Post) -> str:
    url = safe_link(post.url)
    parts = []
    if url:
        parts.append(f'<a href="{esc(url)}">{esc(url)}</a>')
    elif post.url:
        parts.append(esc(one_line(post.url)))
    if post.captured_at is not None:
        parts.append(f"archived {esc(format_date(post.captured_at))}")
    return f'<p class="source">{SEP.join(parts)}</p>' if parts else ""


def comments_section(post: Post, *, markup: Markup) -> str:
    """The thread's heading and comments ('' when the post has none and none are missing)."""
    comments = post.comments
    missing = missing_thread_note(post)
    if not comments and not missing:
        return ""
    level = min(6, markup.title_level + 1)
    title = comments_title(len(comments)) if comments else "Comments (not captured)"
    heading = f'<h{level} class="comments-title">{esc(title)}</h{level}>'
    inner: list[str] = []
    if missing:
        inner.append(f'<p class="notice">{esc(missing)}</p>')
    expected = post.comment_count_expected
    if comments and expected is not None and expected != len(comments):
        inner.append(f'<p class="notice">The site counted {expected} comments; {len(comments)} could be archived.</p>')
    if comments:
        inner.append(_thread(comment_tree(comments), markup=markup, top=True))
    prefix = markup.id_prefix
    if markup.collapsible:
        opened = " open" if markup.threads_open else ""
        return (
            f'<section class="comments" id="{prefix}comments">\n<details class="thread"{opened}>\n'
            f"<summary>{heading}</summary>\n" + "\n".join(inner) + "\n</details>\n</section>"
        )
    return f'<section class="comments" id="{prefix}comments">\n{heading}\n' + "\n".join(inner) + "\n</section>"


def _thread(nodes: list[CommentNode], *, markup: Markup, top: bool = False) -> str:
    cls = "thread" if top else "thread replies"
    return f'<ol class="{cls}">\n' + "\n".join(_comment(node, markup=markup) for node in nodes) + "\n</ol>"


def _comment(node: CommentNode, *, markup: Markup) -> str:
    comment = node.comment
    classes = ["comment", f"depth-{node.depth}", f"kind-{comment.kind}"]
    if comment.removed_at is not None:
        classes.append("removed")
    lines = [f'<li class="{" ".join(classes)}" id="{markup.id_prefix}c{node.index + 1}">']
    lines.append(f'<p class="comment-meta">{_comment_meta(node, comment)}</p>')
    body = markdown_block(comment.body_md, markup=markup, heading_offset=markup.title_level + 2)
    lines.append(f'<div class="comment-body">{body or NO_TEXT}</div>')
    if node.replies:
        replies = _thread(node.replies, markup=markup)
        if markup.collapsible:
            count = sum(reply.count() for reply in node.replies)
            opened = " open" if markup.threads_open else ""
            noun = "reply" if count == 1 else "replies"
            lines.append(f'<details class="replies"{opened}>\n<summary>{count} {noun}</summary>\n{replies}\n</details>')
        else:
            lines.append(replies)
    lines.append("</li>")
    return "\n".join(lines)


def _comment_meta(node: CommentNode, comment: Comment) -> str:
    author, *rest = comment_header(comment)
    link = safe_link(comment.author_url)
    if link and link.startswith("http"):
        name = f'<a class="author" href="{esc(link)}">{esc(author)}</a>'
    else:
        name = f'<span class="author">{esc(author)}</span>'
    parts = [name]
    if node.replying_to is not None:
        parts.append(f'<span class="replying-to">replying to {esc(node.replying_to)}</span>')
    for index, part in enumerate(rest):
        if index == 0 and comment.published_at is not None:
            parts.append(f'<time datetime="{esc(iso(comment.published_at))}">{esc(part)}</time>')
        else:
            parts.append(f'<span class="label">{esc(part)}</span>')
    return SEP.join(parts)
