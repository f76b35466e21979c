"""What the EPUB, HTML, Markdown and citation exporters share: titles, sections, threads as trees, images, names.

The PDF exporter's rules are reused, not copied: dates print as in the book (`exporters.pdf.dates`), a reply whose
parent the editor left out starts a thread of its own (`selected_depths`), and a thread that could not be read says
so (`missing_thread_note`). Privacy and comment choices are already applied in the `Anthology` record
(storage/anthology_build.py): exporters print what they are given.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import quote, urlsplit, urlunsplit

from markdown_it import MarkdownIt
from PIL import Image, UnidentifiedImageError

from exporters.pdf.dates import format_date, format_datetime
from exporters.pdf.thread import KIND_LABELS, comments_title, missing_thread_note, selected_depths
from storage.records import Anthology, AnthologyItem, Asset, Comment, Post, anthology_items

__all__ = [
    "KIND_LABELS",
    "comments_title",
    "format_date",
    "format_datetime",
    "missing_thread_note",
]

LINK_SCHEMES = ("http", "https", "mailto")
_URI_SAFE = ":/?#[]@!$&'()*+,;=%~"  # reserved and already-encoded characters stay as they are
MAX_NESTING = 6  # replies deeper than this are shown at this depth, saying whom they answer (as the PDF does)
# Characters XML 1.0 forbids (and the C1 controls and non-characters YAML and e-readers choke on).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")
_LINK_NORMALIZER = MarkdownIt("commonmark")

# Formats every EPUB reader and browser shows; anything else (SVG included: it can carry scripts) is left out.
IMAGE_FORMATS = {"PNG": ("image/png", "png"), "JPEG": ("image/jpeg", "jpg"), "GIF": ("image/gif", "gif")}


def clean_text(text: str) -> str:
    """`text` without the characters an XML document (EPUB, XHTML) or YAML can't hold."""
    return _NOT_XML.sub("", text)


def one_line(text: str) -> str:
    """`text` on one line: whitespace runs (newlines included) become single spaces."""
    return " ".join(clean_text(text).split())


def post_title(post: Post) -> str:
    """The title as printed: on one line, "Untitled post" when the page had none."""
    return one_line(post.title) or "Untitled post"


def book_title(anthology: Anthology) -> str:
    return one_line(anthology.title) or "Untitled anthology"


def language_tag(value: str | None) -> str | None:
    """`value` if it looks like a BCP 47 tag ("en", "pt-BR"), else None: web text never reaches an attribute as is."""
    if value and _LANGUAGE.fullmatch(value.strip()):
        return value.strip()
    return None


def book_language(anthology: Anthology) -> str | None:
    """The anthology's language, else the first post's that states one."""
    for candidate in (anthology.language, *(item.post.language for item in anthology_items(anthology))):
        tag = language_tag(candidate)
        if tag:
            return tag
    return None


def safe_link(url: str | None) -> str | None:
    """`url` if it is an http(s) or mailto address, else None (javascript:, data:, file: and relative links).

    The address comes back as a valid URI: characters a URI can't hold (quotes, angle brackets, spaces inside,
    non-ASCII) are percent-encoded, and a non-ASCII host name is written in its IDNA form.
    """
    if not url:
        return None
    url = url.strip()
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme not in LINK_SCHEMES or _NOT_XML.search(url) or any(ch.isspace() for ch in url):
        return None
    try:
        parts = urlsplit(url)
        netloc = parts.netloc
        if not netloc.isascii():
            host = parts.hostname or ""
            netloc = netloc.replace(host, host.encode("idna").decode("ascii"))
    except (ValueError, UnicodeError):  # a malformed address ("https://[::1/") or a host IDNA can't encode
        return None
    if scheme != "mailto" and not netloc:
        return None
    rebuilt = urlunsplit((scheme, netloc, parts.path, parts.query, parts.fragment))
    return quote(rebuilt, safe=_URI_SAFE)


def link_key(url: str) -> str:
    """A loose key for "is this a link to that post?": scheme and host lower-case, default port, fragment and a
    trailing slash dropped. ('' for what isn't an http(s) address.)"""
    try:
        parts = urlsplit(url.strip())
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            return ""
        port = parts.port
    except ValueError:
        return ""
    host = parts.hostname.lower() + (f":{port}" if port and port not in (80, 443) else "")
    path = parts.path.rstrip("/")
    return f"{host}{path}?{parts.query}" if parts.query else f"{host}{path}"


class PostLinks:
    """Where links to the anthology's own posts point inside an export: a web address -> the post's place."""

    def __init__(self, targets: dict[str, str]) -> None:
        self._targets = {link_key(url): target for url, target in targets.items() if link_key(url)}

    def find(self, url: str) -> str | None:
        """The export's own address of the post `url` links to, or None for any other address."""
        key = link_key(url)
        return self._targets.get(key) if key else None


def slugify(text: str, *, fallback: str = "post", limit: int = 50) -> str:
    """A file-name-safe slug of web text: ASCII letters, digits and dashes only, never empty, never a path."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")[:limit].strip("-")
    return slug or fallback


def stable_uuid(anthology: Anthology) -> uuid.UUID:
    """A UUID that stays the same for the same anthology (title and editor), so e-readers see a new edition of
    the same book, not a new book, when it is exported again."""
    key = "threadbook-anthology\n" + book_title(anthology) + "\n" + one_line(anthology.editor)
    return uuid.uuid5(uuid.NAMESPACE_URL, key)


def made_at(anthology: Anthology) -> datetime:
    """When the book was made: the anthology's own time, or now (UTC)."""
    moment = anthology.created_at or datetime.now(UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def utc_stamp(moment: datetime) -> str:
    """'2024-06-17T09:30:00Z'."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso(moment: datetime | None) -> str:
    """ISO 8601 with the record's own offset ('' when unknown)."""
    return moment.isoformat() if moment is not None else ""


def series_line(post: Post) -> str:
    """'Guest Week, part 3' ('' for a post in no series)."""
    if post.series is None or not one_line(post.series.name):
        return ""
    name = one_line(post.series.name)
    return f"{name}, part {post.series.number}" if post.series.number is not None else name


# -- sections: the PDF outline's levels (parts > posts)


@dataclass(frozen=True, slots=True)
class Section:
    """A run of consecutive items under one section heading (`title` None: items before any section)."""

    title: str | None
    items: tuple[tuple[int, AnthologyItem], ...]  # (book-wide index, item)


def sections(anthology: Anthology) -> list[Section]:
    """The items grouped as the PDF groups them: an item that names a section opens a new part, and the items
    after it belong to that part until the next one that names a section."""
    out: list[Section] = []
    current: str | None = None
    run: list[tuple[int, AnthologyItem]] = []
    for index, item in enumerate(anthology_items(anthology)):
        heading = one_line(item.section or "") or None
        if heading is not None:
            if run:
                out.append(Section(current, tuple(run)))
            current, run = heading, []
        run.append((index, item))
    if run:
        out.append(Section(current, tuple(run)))
    return out


# -- comment threads as trees


@dataclass(slots=True)
class CommentNode:
    """A comment with its replies, ready to be nested; `replying_to` is set when it is shown shallower than it is."""

    comment: Comment
    index: int  # position in the post's comments (for ids)
    depth: int  # as shown (capped at MAX_NESTING)
    replying_to: str | None = None
    replies: list[CommentNode] = field(default_factory=list)

    def count(self) -> int:
        """This comment and every reply under it."""
        return 1 + sum(reply.count() for reply in self.replies)


def comment_tree(comments: Sequence[Comment], *, max_depth: int = MAX_NESTING) -> list[CommentNode]:
    """The top-level comments, each holding its replies, in the record's display order.

    Depths follow the selection (a reply whose parent was left out starts a thread); replies deeper than
    `max_depth` hang at that depth and name the author they answer.
    """
    authors = {c.source_id: one_line(c.author) or "Anonymous" for c in comments}
    roots: list[CommentNode] = []
    stack: list[CommentNode] = []
    for index, (comment, depth) in enumerate(zip(comments, selected_depths(tuple(comments)), strict=True)):
        shown = min(depth, max_depth)
        replying_to = authors.get(comment.parent_source_id or "") if depth > max_depth else None
        node = CommentNode(comment, index, shown, replying_to)
        del stack[shown:]
        if shown == 0 or not stack:
            node.depth = 0
            roots.append(node)
        else:
            stack[-1].replies.append(node)
        stack.append(node)
    return roots


def comment_header(comment: Comment) -> list[str]:
    """The plain-text parts of a comment's header: author, date, kind, removed (joined with ' · ' by callers)."""
    parts = [one_line(comment.author) or "Anonymous"]
    if comment.published_at is not None:
        parts.append(format_datetime(comment.published_at))
    label = KIND_LABELS.get(comment.kind)
    if label:
        parts.append(label)
    if comment.removed_at is not None:
        parts.append("removed from the site")
    return parts


# -- images: only archived ones, checked, never fetched


@dataclass(frozen=True, slots=True)
class ExportImage:
    """An archived image that is really an image of a format every reader shows."""

    sha256: str
    media_type: str
    extension: str
    data: bytes
    width: int
    height: int
    alt: str = ""

    @property
    def file_name(self) -> str:
        return f"{self.sha256[:20]}.{self.extension}"


def checked_image(asset: Asset) -> ExportImage | None:
    """`asset` as an `ExportImage` if Pillow recognises its bytes as PNG, JPEG or GIF (whatever the archive's
    media type claims); None for an image that was never fetched, is damaged or is of another format."""
    if not asset.data:
        return None
    try:
        with Image.open(io.BytesIO(asset.data)) as image:
            fmt, (width, height) = image.format, image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    if fmt not in IMAGE_FORMATS or width <= 0 or height <= 0:
        return None
    media_type, extension = IMAGE_FORMATS[fmt]
    sha = asset.sha256 or hashlib.sha256(asset.data).hexdigest()
    return ExportImage(sha, media_type, extension, asset.data, width, height, one_line(asset.alt))


class ImageIndex:
    """The usable images of some posts, found by the URL a post's Markdown uses (as written or as markdown-it
    normalises it: `tall one.png` and `tall%20one.png` are the same image)."""

    def __init__(self, posts: Iterable[Post]) -> None:
        self._by_url: dict[str, ExportImage] = {}
        self._checked: dict[str, ExportImage | None] = {}
        for post in posts:
            for asset in post.images:
                if not asset.data:
                    continue
                key = asset.sha256 or hashlib.sha256(asset.data).hexdigest()
                if key not in self._checked:
                    self._checked[key] = checked_image(asset)
                image = self._checked[key]
                if image is None:
                    continue
                self._by_url.setdefault(asset.source_url, image)
                self._by_url.setdefault(_LINK_NORMALIZER.normalizeLink(asset.source_url), image)

    def find(self, url: str) -> ExportImage | None:
        """The archived image for `url`, or None (never fetched, damaged, or not an image we can show)."""
        return self._by_url.get(url) or self._by_url.get(_LINK_NORMALIZER.normalizeLink(url))

    def images(self) -> list[ExportImage]:
        """Every usable image once, in a stable order."""
        unique = {image.sha256: image for image in self._checked.values() if image is not None}
        return [unique[key] for key in sorted(unique)]
