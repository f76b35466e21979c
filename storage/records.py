"""The shared vocabulary: frozen records that cross package boundaries (standard library only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

THREADBOOK_VERSION = "0.1.0"  # the one place the version lives (pyproject reads it)

CommentKind = Literal["comment", "pingback", "trackback"]
COMMENT_KINDS: tuple[CommentKind, ...] = ("comment", "pingback", "trackback")

# Where a post's stored comments came from (issue 9): the HTML pages, the comment system's own interface,
# a headless-browser rendering of the page, an imported export file, or nowhere (the thread could not be read).
ThreadOrigin = Literal["page", "api", "rendered", "import", "none"]
THREAD_ORIGINS: tuple[ThreadOrigin, ...] = ("page", "api", "rendered", "import", "none")


@dataclass(frozen=True, slots=True)
class Capture:
    """Provenance of one HTTP fetch: what was asked for, what came back, and when.

    `body` is the raw response body (decoded from transfer/content encoding, not from its charset);
    storage keeps it compressed so extraction can be rerun later without fetching again.
    """

    url: str  # the URL we requested
    final_url: str  # after redirects
    status: int  # HTTP status of the final response (304 for a conditional hit)
    fetched_at: datetime  # timezone-aware, UTC
    content_sha256: str  # hex sha256 of body ("" for a 304)
    media_type: str  # e.g. "text/html" (no parameters)
    headers: tuple[tuple[str, str], ...] = ()  # selected response headers, lower-case names
    etag: str | None = None
    last_modified: str | None = None
    tool_version: str = ""
    body: bytes = b""


@dataclass(frozen=True, slots=True)
class PreviousCapture:
    """What the archive remembers of a URL, so a re-run can ask the server "only if changed"."""

    url: str
    etag: str | None
    last_modified: str | None
    content_sha256: str
    body: bytes  # the body of that capture, reused when the server answers 304
    fetched_at: datetime | None = None  # when that body was fetched: "3 days ago" on it counts from then


@dataclass(frozen=True, slots=True)
class Asset:
    """An image (or other media) a post refers to; content-addressed by sha256, stored once."""

    source_url: str  # absolute URL as referenced in the post's Markdown
    sha256: str  # hex of data; "" if it could not be fetched
    media_type: str  # e.g. "image/png"
    size: int  # bytes
    data: bytes = b""  # the content; empty when only metadata is loaded
    alt: str = ""


@dataclass(frozen=True, slots=True)
class Comment:
    """One comment in a post's thread, in its place."""

    source_id: str  # the platform's own id, so re-archiving updates instead of duplicating
    parent_source_id: str | None  # None for a top-level comment
    position: int  # order among siblings, as shown on the page (0-based)
    depth: int  # 0 for top level
    author: str
    author_url: str | None
    published_at: datetime | None  # timezone-aware where the site says so
    kind: CommentKind
    body_md: str
    removed_at: datetime | None = None  # set by storage when the comment vanished upstream


@dataclass(frozen=True, slots=True)
class SeriesRef:
    """A post's membership in a series."""

    name: str
    number: int | None


@dataclass(frozen=True, slots=True)
class CommentSystem:
    """The comment system a post's thread lives in, and how much of it could be read.

    `Post.comment_system` is None for a thread served in the page by the blog itself (the common case). A post whose
    page embeds a third-party or self-hosted system (Disqus, Isso, Remark42, Commento, giscus, utterances, ...) gets
    one of these, also when its comments could not be read: then `origin == "none"` and `note` tells the user what
    is missing and what to do ("This post uses Disqus; 143 comments not captured: add a Disqus API key in Settings
    or import the Disqus export.").
    """

    name: str  # "disqus", "isso", "remark42", "commento", "giscus", "utterances", "hyvor", "facebook", ...
    origin: ThreadOrigin  # where the stored comments of this post came from
    expected: int | None = None  # the number of comments the system or the page states, when it states one
    note: str = ""  # user-readable; empty when the whole thread was read
    details: tuple[tuple[str, str], ...] = ()  # what detection found: ("shortname", "x"), ("api", url), ("repo", ...)
    detected_at: datetime | None = None  # when the page naming this system was read (UTC)


@dataclass(frozen=True, slots=True)
class Post:
    """One blog post with its whole comment thread in display order.

    Display order: top-level threads oldest first, replies depth-first under their parent.
    `body_md` refers to images by their absolute source URL; `images` maps those URLs to assets.
    """

    url: str  # canonical URL: the natural key
    title: str
    author: str | None
    published_at: datetime | None
    updated_at: datetime | None
    body_md: str
    source_id: str | None = None  # the platform's own post id, if known
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    comments: tuple[Comment, ...] = ()
    images: tuple[Asset, ...] = ()
    comment_count_expected: int | None = None  # the count the site states, if any
    series: SeriesRef | None = None
    language: str | None = None  # BCP 47, e.g. "en", from the page if stated
    protected: bool = False  # password-protected: we keep that it exists, never its hidden text
    captured_at: datetime | None = None  # when the post page was last fetched
    captures: tuple[Capture, ...] = ()  # the fetches this post was built from (post page, comment pages)
    id: int | None = None  # the archive's row id, when loaded from storage
    comment_system: CommentSystem | None = None  # None: the blog serves its thread in the page (see CommentSystem)


@dataclass(frozen=True, slots=True)
class Blog:
    url: str  # home page URL: the natural key
    title: str
    platform: str  # "wordpress", "generic", ...
    description: str = ""
    language: str | None = None
    id: int | None = None
    posts: tuple[Post, ...] = ()  # filled only when an export needs them


@dataclass(frozen=True, slots=True)
class PostSummary:
    """A row of a post list: enough to show and sort, without bodies or threads."""

    id: int
    blog_id: int
    url: str
    title: str
    author: str | None
    published_at: datetime | None
    comment_count: int
    captured_at: datetime | None
    series: SeriesRef | None = None


@dataclass(frozen=True, slots=True)
class BlogSummary:
    id: int
    url: str
    title: str
    platform: str
    post_count: int
    comment_count: int
    last_crawled_at: datetime | None


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One full-text match: a post, or a comment on a post."""

    kind: Literal["post", "comment"]
    post_id: int
    post_title: str
    post_url: str
    comment_source_id: str | None  # set for comment hits
    author: str | None
    snippet: str  # plain text; the matched terms are wrapped in the markers below
    rank: float


SNIPPET_START = "\u0002"  # marks the start of a matched term in SearchHit.snippet
SNIPPET_END = "\u0003"


@dataclass(frozen=True, slots=True)
class AnthologyItem:
    """One post in an anthology, as the editor chose it.

    `post.comments` holds exactly the comments chosen, in display order (an excerpt already replaces a comment's
    body); `post.body_md` is the anthology's edited version of the text when the editor changed it.
    """

    post: Post
    section: str | None = None  # a section heading printed before this item
    note_md: str = ""  # the editor's note on this item


@dataclass(frozen=True, slots=True)
class Anthology:
    """A curated collection of posts, ready for an exporter. Posts carry their comments and images.

    Exporters read `items` when set, else `posts` (a plain series: no sections or notes); see `anthology_items`.
    """

    title: str
    subtitle: str = ""
    editor: str = ""
    introduction_md: str = ""
    posts: tuple[Post, ...] = ()
    language: str | None = None
    created_at: datetime | None = None
    items: tuple[AnthologyItem, ...] = ()


def anthology_items(anthology: Anthology) -> tuple[AnthologyItem, ...]:
    """The anthology's items: its `items`, or one plain item per post."""
    return anthology.items or tuple(AnthologyItem(post=post) for post in anthology.posts)


@dataclass(frozen=True, slots=True)
class CrawlReport:
    """What a capture run did, for the closing summary."""

    blog_url: str
    posts_found: int = 0
    posts_new: int = 0
    posts_changed: int = 0
    posts_unchanged: int = 0
    comments_new: int = 0
    comments_total: int = 0
    comments_removed: int = 0
    images_saved: int = 0
    requests: int = 0
    not_modified: int = 0  # conditional requests answered 304
    cancelled: bool = False
    problems: tuple[str, ...] = field(default_factory=tuple)  # user-readable lines: skipped or failed


# -- series and anthologies as the editor sees them (docs/anthologies.md)

SeriesSource = Literal["detected", "manual"]
CommentMode = Literal["none", "all", "selected"]
COMMENT_MODES: tuple[CommentMode, ...] = ("none", "all", "selected")
CommentChoiceKind = Literal["include", "exclude", "replies"]
COMMENT_CHOICES: tuple[CommentChoiceKind, ...] = ("include", "exclude", "replies")
CommenterNames = Literal["names", "initials", "reader"]
COMMENTER_NAMES: tuple[CommenterNames, ...] = ("names", "initials", "reader")


@dataclass(frozen=True, slots=True)
class SeriesPart:
    """One archived part of a series, in series order."""

    post_id: int
    url: str
    title: str
    number: int | None  # the part number (detected, or set by hand); None when unknown
    published_at: datetime | None
    comment_count: int
    source: SeriesSource = "detected"  # "manual": the editor put it in the series or set its number


@dataclass(frozen=True, slots=True)
class SeriesGap:
    """A part the series should have but the archive lacks."""

    number: int | None  # the missing part's number, when known
    kind: Literal["missing", "announced"]  # "announced": a part links to it ("Next week: ...") but it isn't archived
    url: str | None = None  # the announced address
    message: str = ""  # for the user: "part 4 missing", "part 9 announced but not published"


@dataclass(frozen=True, slots=True)
class SeriesReport:
    """A series with its parts in order and its gaps."""

    name: str
    blog_id: int
    blog_url: str
    parts: tuple[SeriesPart, ...]
    gaps: tuple[SeriesGap, ...] = ()
    detected_names: tuple[str, ...] = ()  # the names detection gave before the editor renamed it


@dataclass(frozen=True, slots=True)
class CommentChoice:
    """The editor's choice for one comment of an anthology item (rules: docs/anthologies.md)."""

    comment_source_id: str
    choice: CommentChoiceKind
    excerpt_md: str | None = None  # printed instead of the comment's text


@dataclass(frozen=True, slots=True)
class AnthologyEntry:
    """One item of a stored anthology as the editor set it up (the choices, not yet applied)."""

    post_id: int
    post_url: str
    post_title: str
    position: int  # 0-based
    section: str | None = None
    note_md: str = ""
    comment_mode: CommentMode = "all"
    choices: tuple[CommentChoice, ...] = ()
    edited: bool = False  # the anthology has its own version of the post's text


@dataclass(frozen=True, slots=True)
class AnthologySpec:
    """A stored anthology: its front matter, privacy options and entries (the editor's choices)."""

    name: str  # the handle the editor types; unique, case-insensitive
    title: str
    subtitle: str = ""
    editor: str = ""
    introduction_md: str = ""
    commenter_names: CommenterNames = "names"
    omit_commenter_urls: bool = False
    new_item_comments: CommentMode = "all"  # comment mode of parts appended by a refresh
    series: str | None = None  # the series it follows, if made from one
    entries: tuple[AnthologyEntry, ...] = ()
    created_at: datetime | None = None
    updated_at: datetime | None = None
    id: int | None = None


@dataclass(frozen=True, slots=True)
class AnthologySummary:
    id: int
    name: str
    title: str
    item_count: int
    series: str | None
    updated_at: datetime | None
