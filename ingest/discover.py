"""Find every post of a blog from its home page: feeds, sitemaps, then listing pages if those fall short.

Request budget: the home page, robots.txt, the first page of the feed and the sitemaps (index plus the
post and page sub-sitemaps) are always read: WordPress feeds stop at 10 items, so the sitemap is what
makes the list complete. Feed pages beyond the first are read only when no post sitemap was found or
the feed names posts the sitemap lacks; listing pages only when neither feed nor sitemap gave posts or
the home page shows posts that neither knows. A WordPress blog with core sitemaps costs about 6 requests.
A Blogger blog is read from its posts feed alone, paged with `start-index` to its end (`ingest/blogger_feeds.py`):
the home page, robots.txt and one request per 150 posts.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlsplit

from ingest.blogger_feeds import FEED_ACCEPT as BLOGGER_FEED_ACCEPT
from ingest.blogger_feeds import post_urls_oldest_first, posts_feed_url, walk_feed
from ingest.encoding import decode_html
from ingest.errors import BadUrl, FetchError, NotABlog
from ingest.feeds import GUESSED_FEED_PATHS, FeedPage, is_feed_media_type, parse_feed, wordpress_feed_page_url
from ingest.fetch import Fetcher
from ingest.listing import BlogPage, page_number, read_blog_page, site_title
from ingest.platforms.blogger import is_blogger_html, is_item_url
from ingest.sitemaps import (
    GUESSED_SITEMAP_PATHS,
    WORDPRESS_SITEMAP_PATH,
    Sitemap,
    SitemapEntry,
    parse_sitemap,
    sitemap_kind,
)
from ingest.urls import display_host, is_http_url, normalize_url, origin, rebase_onto, same_site
from storage.records import Blog, Capture, PreviousCapture

log = logging.getLogger(__name__)

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
FEED_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
XML_ACCEPT = "application/xml, text/xml;q=0.9, */*;q=0.5"
MAX_FEEDS = 2  # a blog announcing more post feeds than this is announcing the same posts again
MAX_SITEMAP_FILES = 50
MAX_SITEMAP_DEPTH = 3

# Paths that are never a post: archives, feeds, machinery, files.
_NON_POST_SEGMENTS = frozenset(
    {
        "feed",
        "category",
        "categories",
        "tag",
        "tags",
        "author",
        "authors",
        "wp-admin",
        "wp-content",
        "wp-includes",
        "wp-json",
        "attachment",
        "search",
        "label",
        "trackback",
        "embed",
    }
)
_NON_POST_QUERY_KEYS = frozenset(
    {"feed", "cat", "tag", "author", "s", "paged", "m", "attachment_id", "page_id", "preview", "replytocom"}
)
_NON_POST_FILES = re.compile(
    r"\.(xml|rss|atom|json|txt|css|js|jpe?g|png|gif|webp|svg|ico|pdf|zip|gz|mp3|mp4|m4a|webm|ogg|docx?|epub)$|"
    r"(^|/)(wp-login|xmlrpc|wp-comments-post)\.php$"
)
_DATE_ARCHIVE = re.compile(r"^/\d{4}(/\d{1,2}(/\d{1,2})?)?/?$")
_PAGE_PATH = re.compile(r"/page/\d+/?$")
_BLOGGER_STATIC = re.compile(r"^/p/[^/]+\.html$")

_MEDIA_NAMES = {
    "application/pdf": "a PDF document",
    "application/json": "JSON data",
    "text/plain": "a plain text file",
    "text/css": "a style sheet",
    "application/javascript": "a script",
    "text/javascript": "a script",
    "application/zip": "a ZIP archive",
    "application/octet-stream": "a binary file",
}


@dataclass(frozen=True, slots=True)
class Discovery:
    """What discovery found: the blog, its posts (oldest first where dates are known) and how."""

    blog: Blog
    post_urls: tuple[str, ...]
    single_post: bool = False  # the URL given was one post; post_urls holds just it
    feed_urls: tuple[str, ...] = ()  # feeds read
    sitemap_urls: tuple[str, ...] = ()  # sitemaps read
    skipped_robots: int = 0  # post URLs left out because robots.txt disallows them
    listing_pages: int = 0  # HTML listing pages read, the home page included
    requests: int = 0  # HTTP requests discovery made (robots.txt included)
    cancelled: bool = False
    problems: tuple[str, ...] = ()  # user-readable notes on sources that failed
    captures: tuple[Capture, ...] = ()  # every page discovery fetched (home, feeds, sitemaps), for provenance
    modified: tuple[tuple[str, datetime], ...] = ()  # (post URL, the sitemap's <lastmod>) where a sitemap gives one


@dataclass
class _Found:
    """Post candidates in discovery order, each with the best date known."""

    home: str
    urls: dict[str, tuple[int, datetime | None, bool]] = field(default_factory=dict)  # url -> (order, date, published)
    untyped: set[str] = field(default_factory=set)  # from sitemaps that may mix posts and pages

    def add(self, url: str, date: datetime | None = None, *, published: bool = False) -> None:
        if not same_site(url, self.home):
            return
        url = normalize_url(rebase_onto(url, self.home))
        order, old_date, old_published = self.urls.get(url, (len(self.urls), None, False))
        if date is not None and (old_date is None or (published and not old_published)):
            old_date, old_published = date, published
        self.urls[url] = (order, old_date, old_published)

    def __contains__(self, url: object) -> bool:
        return isinstance(url, str) and _key(url, self.home) in self.urls

    def keys(self) -> set[str]:
        return set(self.urls)


@dataclass
class _Run:
    fetcher: Fetcher
    cancelled: Callable[[], bool]
    max_listing_pages: int
    previous: Callable[[str], PreviousCapture | None]
    problems: list[str] = field(default_factory=list)
    captures: list[Capture] = field(default_factory=list)
    feed_urls: list[str] = field(default_factory=list)
    sitemap_urls: list[str] = field(default_factory=list)
    lastmod: dict[str, datetime] = field(default_factory=dict)  # post URL -> the sitemap's <lastmod>
    stopped: bool = False

    def fetch(self, url: str, *, accept: str | None = None) -> Capture:
        """Fetch through the fetcher, asking "only if changed" when the archive has the page, and keep the capture."""
        capture = self.fetcher.fetch(url, previous=self.previous(url), accept=accept)
        self.captures.append(capture)
        return capture

    def stop_requested(self) -> bool:
        if not self.stopped and self.cancelled():
            self.stopped = True
        return self.stopped


def discover_blog(
    url: str,
    fetcher: Fetcher,
    *,
    cancelled: Callable[[], bool] = lambda: False,
    max_listing_pages: int = 500,
    previous: Callable[[str], PreviousCapture | None] = lambda _url: None,
) -> Discovery:
    """Find the blog at `url` and every post it has. Raises NotABlog, BadUrl or FetchError (user messages).

    If `url` is itself a post, returns `single_post=True` with just that post. When `cancelled()` turns
    true, stops at the next request and returns what it has with `cancelled=True`. `previous(url)` gives what
    the archive holds of a page, so a re-run costs a 304 for an unchanged feed or sitemap.
    """
    if not is_http_url(url):
        raise BadUrl(
            f"“{url}” is not a web address Threadbook can read. Give an address that starts with http:// or https://."
        )
    start_requests = fetcher.requests_made
    run = _Run(fetcher, cancelled, max_listing_pages, previous)
    discovery = dataclasses.replace(_discover(url.strip(), run, from_feed=False), captures=tuple(run.captures))
    return _with_requests(discovery, fetcher.requests_made - start_requests)


def _discover(url: str, run: _Run, *, from_feed: bool) -> Discovery:
    capture = run.fetch(url)
    final_url = normalize_url(capture.final_url)
    if capture.media_type not in HTML_TYPES:
        feed = parse_feed(capture.body, final_url) if _maybe_xml(capture.media_type) else None
        if feed is not None and feed.home_url and not from_feed and is_http_url(feed.home_url):
            log.info("%s is a feed; discovering from its site %s", url, feed.home_url)
            return _discover(feed.home_url, run, from_feed=True)
        raise NotABlog(
            f"{url} is {_describe(capture.media_type, feed is not None)}, not a web page. "
            "Give the address of a blog's home page (or of one post)."
        )
    html = decode_html(capture.body, _header(capture.headers, "content-type"))
    page = read_blog_page(html, final_url)
    blogger = is_blogger_html(html, final_url)
    if page.is_single_post or (blogger and is_item_url(final_url)):
        return _single_post(page, final_url, platform="blogger" if blogger else None)
    if blogger:
        blogger_found = _discover_blogger(page, final_url, run)
        if blogger_found is not None:
            return blogger_found

    home = final_url
    found = _Found(home)
    for post_url in page.post_urls:
        found.add(post_url)
    home_posts = [u for u in (_key(p, home) for p in page.post_urls if same_site(p, home)) if not _is_non_post(u, home)]

    feeds = _first_feed_pages(page, home, run)
    feed_found = _Found(home)
    for feed in feeds:
        _add_feed_entries(feed_found, feed)
    sitemap_found, page_urls, typed = _read_sitemaps(page, home, run)

    # The feed gives publication dates; the sitemap gives completeness. Walk feed pages only when the
    # sitemap can't be trusted to be complete.
    feed_complete = False
    if feeds and (not typed or not feed_found.keys() <= sitemap_found.keys()):
        feed_complete = all(_read_later_feed_pages(feed, page.is_wordpress, feed_found, run) for feed in feeds)

    # Listing pages are the slow way: walk them when nothing else found posts, when the home page shows
    # posts the feed and sitemap don't know, or when the only source is a feed that may be truncated.
    listing_pages = 1
    known = feed_found.keys() | sitemap_found.keys()
    truncated_feed_only = not sitemap_found.urls and not feed_complete and bool(page.next_urls)
    if not known or not set(home_posts) <= known or truncated_feed_only:
        listing_pages += _walk_listing(page, home, found, run)

    merged = _Found(home)
    for source in (found, feed_found, sitemap_found):
        for candidate, (_, date, published) in sorted(source.urls.items(), key=lambda item: item[1][0]):
            merged.add(candidate, date, published=published)
    merged.untyped = sitemap_found.untyped
    post_urls, skipped = _filter_and_order(
        merged, home, page_urls, feed_found.keys() | found.keys(), list(found.urls), run
    )

    blog = _blog_record(home, page, feeds)
    if blogger:
        blog = dataclasses.replace(blog, platform="blogger")
    if not post_urls and not run.stopped:
        raise NotABlog(f"Found no blog posts at {home}. Give the address of a blog's home page (or of one post).")
    return Discovery(
        blog=blog,
        post_urls=post_urls,
        feed_urls=tuple(run.feed_urls),
        sitemap_urls=tuple(run.sitemap_urls),
        skipped_robots=skipped,
        listing_pages=listing_pages,
        cancelled=run.stopped,
        problems=tuple(run.problems),
        modified=tuple((url, run.lastmod[url]) for url in post_urls if url in run.lastmod),
    )


def _single_post(page: BlogPage, final_url: str, *, platform: str | None = None) -> Discovery:
    canonical = page.canonical_url if page.canonical_url and same_site(page.canonical_url, final_url) else None
    post_url = normalize_url(canonical or final_url)
    home = page.home_url if page.home_url and same_site(page.home_url, final_url) else origin(final_url) + "/"
    title = page.site_name or site_title(page.page_title, last=True) or display_host(final_url)
    blog = Blog(
        url=normalize_url(home),
        title=title,
        platform=platform or ("wordpress" if page.is_wordpress else "generic"),
        description=page.description if page.site_name else "",
        language=page.language,
    )
    return Discovery(blog=blog, post_urls=(post_url,), single_post=True, listing_pages=1)


def _discover_blogger(page: BlogPage, final_url: str, run: _Run) -> Discovery | None:
    """Every post of a Blogger blog from its posts feed, read to the end by `start-index`.

    Blogger's feed lists every published post (sitemaps and listing pages would add nothing), oldest first once
    sorted by date. None when the feed is switched off or isn't readable: the general path runs instead.
    """
    home = normalize_url(origin(final_url) + "/")
    walk = walk_feed(
        lambda start: posts_feed_url(home, start_index=start),
        lambda url: run.fetch(url, accept=BLOGGER_FEED_ACCEPT),
        cancelled=run.stop_requested,
        what="posts feed",
    )
    if walk is None or not walk.documents:
        return None
    found = _Found(home)
    for post_url, published in post_urls_oldest_first(walk.entries):
        found.add(post_url, published, published=True)
    if not found.urls and not run.stopped:
        return None
    run.feed_urls.extend(normalize_url(capture.final_url) for capture in walk.captures)
    run.problems.extend(walk.problems)
    post_urls, skipped = _filter_and_order(found, home, set(), found.keys(), [], run)
    feed = walk.documents[0]
    blog = Blog(
        url=home,
        title=page.site_name or feed.title or site_title(page.page_title) or display_host(home),
        platform="blogger",
        description=page.description,
        language=page.language,
    )
    return Discovery(
        blog=blog,
        post_urls=post_urls,
        feed_urls=tuple(run.feed_urls),
        skipped_robots=skipped,
        listing_pages=1,
        cancelled=run.stopped,
        problems=tuple(run.problems),
    )


def _blog_record(home: str, page: BlogPage, feeds: list[FeedPage]) -> Blog:
    feed = feeds[0] if feeds else None
    title = page.site_name or (feed.title if feed else "") or site_title(page.page_title) or display_host(home)
    wordpress = page.is_wordpress or any(f.is_wordpress for f in feeds)
    return Blog(
        url=home,
        title=title,
        platform="wordpress" if wordpress else "generic",
        description=page.description or (feed.description if feed else ""),
        language=page.language or (feed.language if feed else None),
    )


# -- feeds -----------------------------------------------------------------------------------------


def _first_feed_pages(page: BlogPage, home: str, run: _Run) -> list[FeedPage]:
    """Page 1 of each announced post feed, or of the first guessed feed that exists if none is announced."""
    feeds: list[FeedPage] = []
    if page.feed_urls:
        for feed_url in page.feed_urls[:MAX_FEEDS]:
            feed = _fetch_feed(feed_url, run, quiet=False)
            if feed is not None:
                run.feed_urls.append(feed.url)
                feeds.append(feed)
        return feeds
    for path in GUESSED_FEED_PATHS:
        feed = _fetch_feed(origin(home) + path, run, quiet=True)
        if feed is not None:
            run.feed_urls.append(feed.url)
            return [feed]
    return feeds


def _read_later_feed_pages(first: FeedPage, wordpress: bool, found: _Found, run: _Run) -> bool:
    """Add pages 2.. of a feed (RFC 5005 `next` links, or WordPress `?paged=N`) until one adds nothing.

    Returns whether the feed was read to its end: False for a feed that can't be paged, or when the
    page cap, a cancel or an error stopped the walk.
    """
    seen = {first.url}
    current, number = first, 1
    wordpress = wordpress or first.is_wordpress
    problems_before = len(run.problems)
    while number < run.max_listing_pages:
        if current.next_url:
            next_url = normalize_url(current.next_url)
        elif wordpress:
            next_url = wordpress_feed_page_url(first.url, number + 1)
        else:
            return number > 1  # page 1 without a next link can't be paged; a later one is the last
        if next_url in seen:  # a cycle of next links
            return True
        seen.add(next_url)
        feed = _fetch_feed(next_url, run, quiet=False)
        if feed is None or not any(entry.url not in found for entry in feed.entries):
            return not run.stopped and len(run.problems) == problems_before
        run.feed_urls.append(feed.url)
        _add_feed_entries(found, feed)
        number += 1
        current = feed
    return False


def _fetch_feed(url: str, run: _Run, *, quiet: bool) -> FeedPage | None:
    body, final = _fetch_quietly(url, run, accept=FEED_ACCEPT, quiet=quiet)
    if body is None:
        return None
    feed = parse_feed(body, final)
    if feed is None:
        if not quiet:
            run.problems.append(f"{url} is announced as a feed but isn't one; it was skipped.")
        return None
    return feed


def _add_feed_entries(found: _Found, feed: FeedPage) -> None:
    for entry in feed.entries:
        found.add(entry.url, entry.published_at or entry.updated_at, published=entry.published_at is not None)


# -- sitemaps --------------------------------------------------------------------------------------


def _read_sitemaps(page: BlogPage, home: str, run: _Run) -> tuple[_Found, set[str], bool]:
    """Posts from the sitemaps, the URLs sitemaps list as pages, and whether a post sitemap was found."""
    found = _Found(home)
    page_urls: set[str] = set()
    typed = False
    listed = [s for s in run.fetcher.robots_sitemaps(home) if is_http_url(s)]
    guesses = [] if listed else [origin(home) + p for p in _guessed_sitemaps(page.is_wordpress)]
    queue: list[tuple[str, int]] = [(u, 0) for u in listed]
    visited: set[str] = set()
    while queue or guesses:
        if not queue:
            queue.append((guesses.pop(0), 0))
        sitemap_url, depth = queue.pop(0)
        if sitemap_url in visited or len(visited) >= MAX_SITEMAP_FILES or run.stop_requested():
            continue
        visited.add(sitemap_url)
        body, final = _fetch_quietly(sitemap_url, run, accept=XML_ACCEPT, quiet=sitemap_url not in listed)
        sitemap = parse_sitemap(body, final) if body is not None else None
        if sitemap is None:
            continue
        guesses.clear()  # one sitemap that exists is enough; the others would repeat it
        run.sitemap_urls.append(final)
        if sitemap.is_index:
            if depth < MAX_SITEMAP_DEPTH:
                queue.extend((child.url, depth + 1) for child in sitemap.entries if _wanted_sitemap(child))
            continue
        kind = sitemap_kind(final)
        if kind == "pages":
            page_urls.update(_key(e.url, home) for e in sitemap.entries if same_site(e.url, home))
            continue
        typed = typed or kind == "posts"
        _add_sitemap_entries(found, sitemap, kind)
        run.lastmod.update(
            (_key(e.url, home), e.lastmod) for e in sitemap.entries if e.lastmod and same_site(e.url, home)
        )
    return found, page_urls, typed


def _guessed_sitemaps(wordpress: bool) -> tuple[str, ...]:
    return (WORDPRESS_SITEMAP_PATH, *GUESSED_SITEMAP_PATHS) if wordpress else GUESSED_SITEMAP_PATHS


def _wanted_sitemap(child: SitemapEntry) -> bool:
    return sitemap_kind(child.url) in ("posts", "pages", "unknown")


def _add_sitemap_entries(found: _Found, sitemap: Sitemap, kind: str) -> None:
    for entry in sitemap.entries:
        found.add(entry.url, entry.lastmod)
        if kind == "unknown":
            found.untyped.add(_key(entry.url, found.home))


# -- listing pages ---------------------------------------------------------------------------------


def _walk_listing(home_page: BlogPage, home: str, found: _Found, run: _Run) -> int:
    """Follow "older posts" links from the home page; returns how many listing pages were read."""
    visited = {home}
    current = home_page
    pages = 0
    while True:
        candidates = [u for u in current.next_urls if same_site(u, home) and _key(u, home) not in visited]
        if not candidates:
            break
        if pages + 1 >= run.max_listing_pages:  # endless or generated pagination: stop, and say so
            run.problems.append(
                f"Stopped reading {home}'s list of posts after {run.max_listing_pages} pages; older posts may be "
                "missing. If the blog really is that long, archive it by its feed or sitemap address."
            )
            break
        wanted = page_number(current.url) + 1
        next_url = next((u for u in candidates if page_number(u) == wanted), candidates[0])
        visited.add(_key(next_url, home))
        body, final = _fetch_quietly(next_url, run, accept=None, quiet=False)
        if body is None:
            break
        pages += 1
        current = read_blog_page(decode_html(body), final)
        before = len(found.urls)
        for post_url in current.post_urls:
            found.add(post_url)
        if len(found.urls) == before:  # a page with nothing new: the end, or a loop
            break
    return pages


# -- filtering and order ---------------------------------------------------------------------------


def _filter_and_order(
    found: _Found, home: str, page_urls: set[str], html_or_feed: set[str], listing: list[str], run: _Run
) -> tuple[tuple[str, ...], int]:
    """Drop non-posts and robots-disallowed URLs; order oldest first. Returns (urls, skipped for robots)."""
    known_shapes = {_shape(u) for u in html_or_feed if not _is_non_post(u, home)}
    kept: dict[str, tuple[int, datetime | None]] = {}
    skipped = 0
    for url, (order, date, _) in found.urls.items():
        if url == home or url in page_urls or _is_non_post(url, home):
            continue
        # A sitemap of unknown kind mixes posts with pages; where posts are known from the feed or the
        # listing, keep only sitemap URLs shaped like them (/2024/05/slug/ vs /about/).
        if url in found.untyped and url not in html_or_feed and known_shapes and _shape(url) not in known_shapes:
            continue
        if not run.fetcher.robots_allowed(url):
            skipped += 1
            continue
        kept[url] = (order, date)
    keys = {url: (date, 0, order) for url, (order, date) in kept.items() if date is not None}
    # An undated post found on a listing page (newest first) goes just after the next older dated post
    # listed, or else just before the next newer one; with no dated neighbour, reverse discovery order.
    sequence = [u for u in listing if u in kept]
    for index, url in enumerate(sequence):
        if url in keys:
            continue
        older = next((keys[u][0] for u in sequence[index + 1 :] if u in keys and keys[u][1] == 0), None)
        newer = next((keys[u][0] for u in reversed(sequence[:index]) if u in keys and keys[u][1] == 0), None)
        if older is not None:
            keys[url] = (older, 1, -index)
        elif newer is not None:
            keys[url] = (newer, -1, -index)
    for url, (order, _) in kept.items():
        keys.setdefault(url, (_EARLIEST, 0, -order))
    return tuple(sorted(kept, key=lambda u: keys[u])), skipped


_EARLIEST = datetime.min.replace(tzinfo=UTC)


def _is_non_post(url: str, home: str) -> bool:
    parts = urlsplit(url)
    path = parts.path.lower()
    if normalize_url(url) == home or (path in ("", "/") and not parts.query):
        return True  # the root with a query can be a post: WordPress's plain permalinks are /?p=123
    segments = {s for s in path.split("/") if s}
    if segments & _NON_POST_SEGMENTS:
        return True
    if _NON_POST_FILES.search(path) or _DATE_ARCHIVE.match(path) or _PAGE_PATH.search(path):
        return True
    if _BLOGGER_STATIC.match(path):
        return True
    return any(key.lower() in _NON_POST_QUERY_KEYS for key, _ in parse_qsl(parts.query, keep_blank_values=True))


def _shape(url: str) -> tuple[str, ...]:
    """A URL's form: digits as d<len>, the last segment as "*", others literal; query keys as "?key"."""
    parts = urlsplit(url)
    segments = [s for s in parts.path.lower().split("/") if s]
    shape = [f"d{len(s)}" if s.isdigit() else s for s in segments[:-1]]
    if segments:
        shape.append(f"d{len(segments[-1])}" if segments[-1].isdigit() else "*")
    shape.extend(f"?{key}" for key, _ in parse_qsl(parts.query, keep_blank_values=True))
    return tuple(shape)


# -- small helpers ---------------------------------------------------------------------------------


def _fetch_quietly(url: str, run: _Run, *, accept: str | None, quiet: bool) -> tuple[bytes | None, str]:
    """Fetch, or note why not: a missing optional source (404 on a guess) is not a problem worth telling."""
    if run.stop_requested():
        return None, url
    try:
        capture = run.fetch(url, accept=accept)
    except BadUrl as exc:  # a malformed link in a feed or sitemap: skip it
        log.info("discovery skipped %s: %s", url, exc)
        return None, url
    except FetchError as exc:
        if not quiet and exc.status not in (404, 410):
            run.problems.append(str(exc))
        log.info("discovery skipped %s: %s", url, exc)
        return None, url
    return capture.body, normalize_url(capture.final_url)


def _key(url: str, home: str) -> str:
    return normalize_url(rebase_onto(url, home)) if same_site(url, home) else normalize_url(url)


def _header(headers: tuple[tuple[str, str], ...], name: str) -> str | None:
    return next((value for key, value in headers if key == name), None)


def _maybe_xml(media_type: str) -> bool:
    return is_feed_media_type(media_type) or media_type.endswith("+xml") or media_type in ("", "text/plain")


def _describe(media_type: str, is_feed: bool) -> str:
    if is_feed:
        return "a feed"
    major = media_type.split("/", 1)[0]
    if major in ("image", "video", "audio"):
        return {"image": "an image", "video": "a video", "audio": "an audio file"}[major]
    if media_type.endswith("xml"):
        return "an XML document"
    return _MEDIA_NAMES.get(media_type, f"a file of type {media_type or 'unknown'}")


def _with_requests(discovery: Discovery, requests: int) -> Discovery:
    return dataclasses.replace(discovery, requests=requests)
