"""Read a WordPress export (WXR: RSS 2.0 with the `wp:` namespace) into one blog with its posts and threads.

Only what a visitor could read is kept: items of `wp:post_type` post with `wp:status` publish (pages,
attachments, menu items, drafts, private and scheduled posts are skipped), comments with `wp:comment_approved`
1 (never pending, spam or trash) of type comment, pingback or trackback. A password-protected post keeps its
title and that it is protected, never its text or its comments. E-mail and IP addresses are never read.

The file is data: parsed with no DTD, no entity expansion and no network, item by item (`iterparse`), so a
large export does not build one huge tree.
"""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass, field
from datetime import datetime

import lxml.etree

from ingest.errors import IngestError
from ingest.imports.base import ImportResult
from ingest.markdown import html_to_markdown, safe_url
from ingest.series import detect_series
from ingest.urls import is_http_url, normalize_url
from ingest.wp_rest import in_display_order, local_datetime
from storage.records import Asset, Blog, Comment, CommentKind, Post

NAME = "wxr"
DESCRIPTION = "WordPress export (WXR)"

_WP_NS = "http://wordpress.org/export/"  # 1.0, 1.1, 1.2 differ only in the version suffix
_CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
_DC_NS = "http://purl.org/dc/elements/1.1/"
_HTTP = frozenset({"http", "https"})
_KINDS: dict[str, CommentKind] = {"": "comment", "comment": "comment", "pingback": "pingback", "trackback": "trackback"}
_BLOCK_TAG = re.compile(
    r"^\s*<(?:p|div|h[1-6]|ul|ol|li|blockquote|pre|figure|table|hr|!--|section|article|aside|dl|address|details)\b",
    re.I,
)
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_BLOCK_COMMENT = re.compile(r"<!--\s*/?wp:[^>]*-->|<!--(?:more|nextpage|noteaser)[^>]*-->", re.I)


class WxrUnreadable(IngestError):
    """The file starts like a WordPress export but can't be read as one."""


@dataclass(slots=True)
class _Channel:
    title: str = ""
    link: str = ""
    base_blog_url: str = ""
    description: str = ""
    language: str | None = None
    authors: dict[str, str] = field(default_factory=dict)  # login -> display name


def sniff(head: bytes) -> bool:
    """True when the start of the file is RSS with WordPress's export namespace."""
    return b"<rss" in head and b"wordpress.org/export/" in head


def parse(data: bytes, *, source_name: str) -> ImportResult:
    """The export's blog with its published posts and their visible threads in display order."""
    channel = _Channel()
    posts: list[Post] = []
    skipped: dict[str, int] = {}
    hidden_comments = 0
    parser_options = {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": True}
    try:
        for _event, el in lxml.etree.iterparse(io.BytesIO(data), events=("end",), **parser_options):
            if not isinstance(el.tag, str):
                continue
            name, ns = _local(el), _namespace(el)
            parent = el.getparent()
            in_channel = parent is not None and _local(parent) == "channel"
            if name == "item" and in_channel:
                post, reason, hidden = _post(el, channel)
                hidden_comments += hidden
                if post is not None:
                    posts.append(post)
                elif reason:
                    skipped[reason] = skipped.get(reason, 0) + 1
                el.clear()
                while el.getprevious() is not None and parent is not None:
                    del parent[0]  # items already read: free them as the file streams past
            elif in_channel:
                _channel_field(channel, el, name, ns)
    except lxml.etree.XMLSyntaxError as exc:
        raise WxrUnreadable(
            f"{source_name} looks like a WordPress export but can't be read: it is cut short or damaged "
            f"({exc.msg}). Export it again (Tools → Export in WordPress) and retry."
        ) from exc
    if not channel.title and not channel.link and not posts:
        raise WxrUnreadable(f"{source_name} is not a WordPress export (it has no channel or posts).")
    home = channel.base_blog_url or channel.link
    blog = Blog(
        url=_normalised(home) or "",
        title=channel.title or home,
        platform="wordpress",
        description=channel.description,
        language=channel.language,
        posts=tuple(sorted(posts, key=_oldest_first)),
    )
    problems = [f"{source_name}: {count} {reason} left out." for reason, count in sorted(skipped.items())]
    if hidden_comments:
        problems.append(
            f"{source_name}: {hidden_comments} comments left out (held for moderation, spam, trash, "
            "or on password-protected posts): visitors can't see them."
        )
    return ImportResult(blogs=(blog,), problems=tuple(problems))


# --- the channel ---------------------------------------------------------------------------------------------


def _channel_field(channel: _Channel, el: lxml.etree._Element, name: str, ns: str) -> None:
    if ns == "" and name == "title":
        channel.title = _text(el)
    elif ns == "" and name == "link":
        channel.link = _text(el)
    elif ns == "" and name == "description":
        channel.description = _text(el)
    elif ns == "" and name == "language":
        channel.language = _text(el) or None
    elif ns.startswith(_WP_NS) and name == "base_blog_url":
        channel.base_blog_url = _text(el)
    elif ns.startswith(_WP_NS) and name == "author":
        login = _wp(el, "author_login")
        if login:
            channel.authors[login] = _wp(el, "author_display_name") or login


# --- items ---------------------------------------------------------------------------------------------------


def _post(item: lxml.etree._Element, channel: _Channel) -> tuple[Post | None, str, int]:
    """The item as a Post, or None with the reason it is skipped; and how many comments were held back."""
    post_type = _wp(item, "post_type") or "post"
    status = _wp(item, "status")
    if post_type != "post":
        return None, {"page": "pages", "attachment": "attachments"}.get(post_type, f"items of type “{post_type}”"), 0
    if status != "publish":
        return None, "unpublished posts (drafts, private, scheduled, trash)", 0
    url = _normalised(_child_text(item, "", "link")) or _normalised(_child_text(item, "", "guid"))
    if url is None:
        return None, "posts without a web address", 0
    protected = bool(_wp(item, "post_password"))
    title = " ".join(_child_text(item, "", "title").split())
    login = _child_text(item, _DC_NS, "creator")
    categories = tuple(_terms(item, "category"))
    tags = tuple(_terms(item, "post_tag"))
    body_md, body_text = "", ""
    body_images: tuple[Asset, ...] = ()
    if not protected:
        converted = html_to_markdown(autop(_child_text(item, _CONTENT_NS, "encoded")), url)
        body_md, body_images = converted.text, converted.images
        body_text = body_md
    comments, hidden = _comments(item, url)
    if protected:
        hidden, comments = hidden + len(comments), ()
    post = Post(
        url=url,
        title=title,
        author=channel.authors.get(login, login) or None,
        published_at=local_datetime(_wp(item, "post_date"), _wp(item, "post_date_gmt")),
        updated_at=local_datetime(_wp(item, "post_modified"), _wp(item, "post_modified_gmt")),
        body_md=body_md,
        source_id=_wp(item, "post_id") or None,
        categories=categories,
        tags=tags,
        comments=comments,
        images=body_images,
        comment_count_expected=len(comments),
        series=None if protected else detect_series(title, body_text, categories, tags),
        protected=protected,
    )
    return post, "", hidden


def _comments(item: lxml.etree._Element, post_url: str) -> tuple[tuple[Comment, ...], int]:
    comments: list[Comment] = []
    hidden = 0
    for el in item:
        if not isinstance(el.tag, str) or _local(el) != "comment" or not _namespace(el).startswith(_WP_NS):
            continue
        kind = _KINDS.get(_wp(el, "comment_type"))
        comment_id = _wp(el, "comment_id")
        if _wp(el, "comment_approved") != "1" or kind is None or not comment_id:
            hidden += 1
            continue
        parent = _wp(el, "comment_parent")
        author_url = _wp(el, "comment_author_url")
        comments.append(
            Comment(
                source_id=comment_id,
                parent_source_id=parent if parent not in ("", "0") else None,
                position=0,
                depth=0,
                # Pingbacks store the linking page's title with its entities ("&#8211;"), as the page shows it.
                author=" ".join(html.unescape(_wp(el, "comment_author")).split()),
                author_url=safe_url(author_url, post_url, schemes=_HTTP) if author_url else None,
                published_at=local_datetime(_wp(el, "comment_date"), _wp(el, "comment_date_gmt")),
                kind=kind,
                body_md=html_to_markdown(autop(_wp(el, "comment_content")), post_url).text,
            )
        )
    return in_display_order(tuple(comments)), hidden


def _terms(item: lxml.etree._Element, domain: str) -> list[str]:
    names: list[str] = []
    for el in item:
        if isinstance(el.tag, str) and _local(el) == "category" and _namespace(el) == "" and el.get("domain") == domain:
            name = " ".join(_text(el).split())
            if name and name not in names:
                names.append(name)
    return names


def autop(text: str) -> str:
    """WordPress's stored text as the HTML it shows (a small `wpautop`): blank lines make paragraphs, single line
    breaks become `<br>`, blocks that are already HTML stay as they are; block-editor comments are dropped."""
    text = _BLOCK_COMMENT.sub("", text.replace("\r\n", "\n")).strip()
    if not text:
        return ""
    parts: list[str] = []
    for chunk in _PARAGRAPH_BREAK.split(text):
        chunk = chunk.strip()
        if not chunk:
            continue
        if _BLOCK_TAG.match(chunk):
            parts.append(chunk)
        else:
            parts.append("<p>" + chunk.replace("\n", "<br>") + "</p>")
    return "\n".join(parts)


# --- small helpers -------------------------------------------------------------------------------------------


def _local(el: lxml.etree._Element) -> str:
    return str(lxml.etree.QName(el).localname)


def _namespace(el: lxml.etree._Element) -> str:
    return lxml.etree.QName(el).namespace or ""


def _text(el: lxml.etree._Element) -> str:
    return "".join(el.itertext()).strip()


def _child_text(parent: lxml.etree._Element, namespace: str, name: str) -> str:
    for el in parent:
        if isinstance(el.tag, str) and _local(el) == name and _namespace(el) == namespace:
            return _text(el)
    return ""


def _wp(parent: lxml.etree._Element, name: str) -> str:
    for el in parent:
        if isinstance(el.tag, str) and _local(el) == name and _namespace(el).startswith(_WP_NS):
            return _text(el)
    return ""


def _normalised(url: str) -> str | None:
    if not url or not is_http_url(url):
        return None
    try:
        return normalize_url(url)
    except ValueError:
        return None


def _oldest_first(post: Post) -> tuple[float, str]:
    when: datetime | None = post.published_at
    stamp = when.timestamp() if when is not None and when.tzinfo is not None else float("-inf")
    return stamp, post.url
