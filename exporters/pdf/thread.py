"""A post's comment thread as flowables: a heading, then each comment indented by its depth with a thread rule (or,
for a thread a comment system kept from us, the note saying what is missing)."""

from __future__ import annotations

from xml.sax.saxutils import escape

from reportlab.platypus import Flowable, Indenter, Paragraph

from exporters.pdf.bookmarks import BookmarkedParagraph
from exporters.pdf.dates import format_datetime
from exporters.pdf.flowables import with_rule
from exporters.pdf.fonts import markup_text
from exporters.pdf.markdown_flowables import MarkdownRenderer
from exporters.pdf.styles import INK, LINK, TextStyles
from storage.records import Comment, Post

KIND_LABELS = {"pingback": "Pingback", "trackback": "Trackback"}
MAX_INDENT_SHARE = 0.3  # replies never take more than this share of the text width for their indent


class CommentsHeading(BookmarkedParagraph):
    """The "Comments (N)" heading; the document gives it a bookmark nested under the post."""

    outline_level = 1


def comments_title(count: int) -> str:
    """The heading and outline text of a thread of `count` comments."""
    return f"Comments ({count})"


def thread_flowables(
    post: Post,
    *,
    renderer: MarkdownRenderer,
    styles: TextStyles,
    header_style: object,
    note_style: object,
    heading_style: object,
    frame_width: float,
    bookmark_key: str,
) -> list[Flowable]:
    """The heading and every comment of `post`, in the record's display order; [] when it has none. A post whose
    comment system could not be read gets "Comments (not captured)" and the archive's note instead of nothing.

    Each comment is indented by its depth, one step per level, capped so the deepest replies keep at
    least 70 % of the width; a thin rule left of every reply shows which thread it belongs to, and a
    reply deeper than the cap says whom it answers.
    """
    comments = post.comments
    missing = missing_thread_note(post)
    if not comments and not missing:
        return []
    title = comments_title(len(comments)) if comments else NOT_CAPTURED_TITLE
    heading = CommentsHeading(markup_text(title, family_name="sans", bold=True), heading_style)
    heading.outline_title, heading.bookmark_key = title, bookmark_key
    out: list[Flowable] = [heading]
    if missing:
        # The note names the site's comment service and counts: web-derived text, so escaped like any other.
        out.append(Paragraph(markup_text(missing, italic=True), note_style))
    expected = post.comment_count_expected
    if comments and expected is not None and expected != len(comments):
        out.append(Paragraph(f"The site counted {expected} comments; {len(comments)} could be archived.", note_style))

    step = styles.body.fontSize * 1.5
    max_level = max(1, int(frame_width * MAX_INDENT_SHARE / step))
    authors = {comment.source_id: comment.author for comment in comments}
    depths = selected_depths(comments)
    current_indent = 0.0
    for comment, depth in zip(comments, depths, strict=True):
        level = min(depth, max_level)
        indent = level * step
        if indent != current_indent:
            out.append(Indenter(left=indent - current_indent))
            current_indent = indent
        replying_to = authors.get(comment.parent_source_id or "") if depth > max_level else None
        header = Paragraph(_header_markup(comment, replying_to), header_style)
        body = renderer.render(comment.body_md, styles)
        if not body:
            body = [Paragraph("<i>(no text)</i>", note_style)]
        if level:
            header = with_rule(header, offset=step * 0.5)
            body = [with_rule(flowable, offset=step * 0.5) for flowable in body]
        out.append(header)
        out.extend(body)
    if current_indent:
        out.append(Indenter(left=-current_indent))
    return out


NOT_CAPTURED_TITLE = "Comments (not captured)"


def missing_thread_note(post: Post) -> str:
    """What the book prints where a thread that could not be read would be ("" when nothing is missing).

    A post whose comment system could not be read (origin "none") says so instead of looking like a post nobody
    commented on; the note comes from the archive, with a plain fallback when it is empty.
    """
    system = post.comment_system
    if system is None or system.origin != "none":
        return ""
    if system.note.strip():
        return " ".join(system.note.split())
    return f"This post's comments are kept by {system.name}; they could not be archived."


def selected_depths(comments: tuple[Comment, ...]) -> list[int]:
    """Each comment's depth within the selection: a reply whose parent was left out starts a thread of its own.

    An anthology may keep a reply without the comment it answers; indenting it by its depth on the site would
    hang it under an unrelated comment.
    """
    depths: dict[str, int] = {}
    out = []
    for comment in comments:
        parent = comment.parent_source_id
        if parent is None:
            depth = max(comment.depth, 0)  # the record's own depth (0 for a top-level comment)
        else:
            depth = depths[parent] + 1 if parent in depths else 0
        depths[comment.source_id] = depth
        out.append(depth)
    return out


def _header_markup(comment: Comment, replying_to: str | None) -> str:
    author = comment.author.strip() or "Anonymous"
    # Bold rather than small capitals: text extraction and search should find the name as it is spelled.
    name = f"<b>{markup_text(author, family_name='sans', bold=True)}</b>"
    if comment.author_url and comment.author_url.split(":", 1)[0].lower() in ("http", "https"):
        href = escape(comment.author_url, {'"': "&quot;"})
        name = f'<a href="{href}" color="{INK.hexval()}">{name}</a>'
    parts = [f'<font color="{INK.hexval()}">{name}</font>']
    if replying_to is not None:
        parts.append(f"replying to {markup_text(replying_to.strip() or 'Anonymous', family_name='sans')}")
    if comment.published_at is not None:
        parts.append(format_datetime(comment.published_at))
    label = KIND_LABELS.get(comment.kind)
    if label:
        parts.append(f"<b>{label}</b>")
    if comment.removed_at is not None:
        parts.append("<i>removed from the site</i>")
    parts.append(f'<font color="{LINK.hexval()}">#{markup_text(comment.source_id, family_name="sans")}</font>')
    return " \u00b7 ".join(parts)
