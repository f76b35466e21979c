"""Read a WARC file (ours, or another tool's: wget --warc-file, warcio, Heritrix) as captures of blog pages.

Each HTTP `response` record of an HTML page becomes a `Capture` dated by its `WARC-Date`; a `revisit` record
becomes a capture of the body it refers to (by `WARC-Refers-To`, else by its payload digest, else by the newest
earlier response of the same URL). The captures are grouped into posts with their comment pages and extracted
with the crawler's extractors (`ingest/imports/pages.py`): one post per visit of its page, oldest first, each
carrying the captures it was read from as provenance, so importing a WARC of several crawls rebuilds a post's
history. Images in the file become the posts' assets. Request, resource and other records are skipped; the
`warcinfo` record names the tool that made the captures, and Threadbook's own `metadata` records give back each
capture's requested URL and tool version.
"""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.timeutils import iso_date_to_datetime

from ingest.encoding import decode_html
from ingest.errors import IngestError
from ingest.fetch import KEPT_HEADERS
from ingest.imports.base import ImportResult
from ingest.imports.pages import RebuiltPost, rebuild_posts
from ingest.listing import read_blog_page
from ingest.urls import normalize_url
from storage.records import THREADBOOK_VERSION, Asset, Blog, Capture, Post

log = logging.getLogger(__name__)

NAME = "warc"
DESCRIPTION = "Web archive (WARC, .warc or .warc.gz)"
_MAGIC = (b"WARC/1.0", b"WARC/1.1", b"WARC/0.")
_RESPONSE_TYPES = frozenset({"response", "revisit"})


class WarcUnreadable(IngestError):
    """The file starts like a WARC but can't be read as one (cut short, damaged)."""


@dataclass(slots=True)
class _Response:
    record_id: str
    uri: str
    date: datetime
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    payload_digest: str
    revisit_of: str | None = None  # record id, or "uri date" of the original for a revisit


def sniff(head: bytes) -> bool:
    """True when the (gunzipped) file starts with a WARC version line."""
    return head.lstrip(b"\r\n").startswith(_MAGIC)


def parse(data: bytes, *, source_name: str) -> ImportResult:
    """The blogs, posts (one per visit of each post page, oldest first) and images in a WARC file (pure)."""
    responses, provenance = _read_records(data, source_name)
    if not responses:
        raise WarcUnreadable(
            f"{source_name} is a WARC file but holds no web pages (no HTTP response records). "
            "Check that it was written while browsing or crawling the blog."
        )
    captures, images, problems = _captures(responses, provenance)
    rebuilt = rebuild_posts([c for c in captures if c.media_type.startswith(("text/html", "application/xhtml"))])
    if not rebuilt:
        raise WarcUnreadable(
            f"{source_name} holds {len(captures)} web pages but no blog post among them. "
            "Threadbook imports posts with their comment pages; archive the blog's home page with `threadbook archive`."
        )
    blogs = _blogs(rebuilt, captures, images)
    posts = sum(len(blog.posts) for blog in blogs)
    log.info("%s: %d captures, %d post visits, %d images", source_name, len(captures), posts, len(images))
    return ImportResult(blogs=tuple(blogs), problems=tuple(problems))


def _read_records(data: bytes, source_name: str) -> tuple[list[_Response], dict[str, dict[str, str]]]:
    """Every response/revisit record with an HTTP(S) target, and provenance fields by response record id (ours, from
    metadata records; `""` holds the warcinfo record's fields)."""
    responses: list[_Response] = []
    provenance: dict[str, dict[str, str]] = {}
    try:
        for record in _records(data):
            kind = record.rec_type
            if kind is None:
                raise WarcUnreadable(_damaged(source_name))
            headers = record.rec_headers
            uri = str(headers.get_header("WARC-Target-URI") or "").strip("<> ")
            if kind == "metadata":
                concurrent = headers.get_header("WARC-Concurrent-To")
                fields = _warc_fields(record.content_stream().read(1_000_000))
                if concurrent:
                    provenance[str(concurrent)] = fields
                continue
            if kind == "warcinfo":
                provenance.setdefault("", _warc_fields(record.content_stream().read(1_000_000)))
                continue
            if kind not in _RESPONSE_TYPES or not uri.startswith(("http://", "https://")):
                continue
            http = record.http_headers
            if http is None or not http.get_statuscode():
                continue
            body = record.content_stream().read()
            if getattr(record.raw_stream, "limit", 0):
                raise WarcUnreadable(_damaged(source_name))
            responses.append(
                _Response(
                    record_id=str(headers.get_header("WARC-Record-ID") or ""),
                    uri=uri,
                    date=_warc_datetime(str(headers.get_header("WARC-Date") or "")),
                    status=int(http.get_statuscode()),
                    headers=tuple((str(k).lower(), str(v)) for k, v in http.headers),
                    body=body,
                    payload_digest=str(headers.get_header("WARC-Payload-Digest") or ""),
                    revisit_of=_refers_to(headers) if kind == "revisit" else None,
                )
            )
    except ArchiveLoadFailed as exc:
        raise WarcUnreadable(_damaged(source_name)) from exc
    except (ValueError, EOFError, OSError) as exc:  # warcio's readers: bad numbers, a gzip member cut short
        raise WarcUnreadable(_damaged(source_name)) from exc
    return responses, provenance


def _records(data: bytes) -> Iterator[Any]:
    yield from ArchiveIterator(io.BytesIO(data))


def _damaged(source_name: str) -> str:
    return (
        f"{source_name} is a WARC file that can't be read to the end: it is cut short or damaged. "
        "Copy or download it again and retry."
    )


def _warc_fields(block: bytes) -> dict[str, str]:
    fields: dict[str, str] = {}
    for line in block.decode("utf-8", errors="replace").splitlines():
        name, sep, value = line.partition(":")
        if sep:
            fields.setdefault(name.strip().lower(), value.strip())
    return fields


def _refers_to(headers: Any) -> str | None:
    record_id = headers.get_header("WARC-Refers-To")
    if record_id:
        return str(record_id)
    uri, date = headers.get_header("WARC-Refers-To-Target-URI"), headers.get_header("WARC-Refers-To-Date")
    return f"{uri} {date}" if uri and date else None


def _warc_datetime(text: str) -> datetime:
    try:
        return iso_date_to_datetime(text).replace(tzinfo=UTC)  # type: ignore[no-any-return]
    except (ValueError, TypeError, AttributeError):
        return datetime(1970, 1, 1, tzinfo=UTC)


def _captures(
    responses: list[_Response], provenance: dict[str, dict[str, str]]
) -> tuple[list[Capture], dict[str, Asset], list[str]]:
    """Captures of pages (revisits resolved to the body they stand for) and images by URL."""
    by_id = {r.record_id: r for r in responses if r.revisit_of is None and r.record_id}
    by_uri_date = {(r.uri, r.date.replace(microsecond=0)): r for r in responses if r.revisit_of is None}
    by_digest = {r.payload_digest: r for r in responses if r.revisit_of is None and r.payload_digest and r.body}
    captures: list[Capture] = []
    images: dict[str, Asset] = {}
    unresolved = 0
    software = provenance.get("", {}).get("software", "") or f"imported by Threadbook {THREADBOOK_VERSION}"
    for response in sorted(responses, key=lambda r: r.date):
        ours = provenance.get(response.record_id, {})
        body, media_type = response.body, _media_type(response.headers)
        if response.revisit_of is not None or (response.status == 304 and not body):
            original = _original(response, by_id, by_uri_date, by_digest, responses)
            if original is None:
                unresolved += 1
                continue
            body, media_type = original.body, media_type or _media_type(original.headers)
        headers = dict(response.headers)
        kept = tuple((name, headers[name]) for name in KEPT_HEADERS if name in headers)
        capture = Capture(
            url=ours.get("threadbook-requested-url") or response.uri,
            final_url=response.uri,
            status=response.status,
            fetched_at=response.date,
            content_sha256=hashlib.sha256(body).hexdigest() if body else "",
            media_type=media_type,
            headers=kept,
            etag=headers.get("etag"),
            last_modified=headers.get("last-modified"),
            tool_version=ours.get("threadbook-tool-version") or f"{software} (WARC)".strip(),
            body=body,
        )
        if media_type.startswith("image/") and body and response.status == 200:
            images[_norm(response.uri)] = Asset(
                source_url=response.uri,
                sha256=capture.content_sha256,
                media_type=media_type,
                size=len(body),
                data=body,
            )
        captures.append(capture)
    problems = []
    if unresolved:
        problems.append(
            f"{unresolved} revisit records point at responses that are not in this file; those fetches were skipped."
        )
    return captures, images, problems


def _original(
    revisit: _Response,
    by_id: dict[str, _Response],
    by_uri_date: dict[tuple[str, datetime], _Response],
    by_digest: dict[str, _Response],
    responses: list[_Response],
) -> _Response | None:
    """The response a revisit stands for: named by id, by URI and date, by payload digest, or the newest earlier
    response of the same URL."""
    ref = revisit.revisit_of
    if ref is not None:
        found = by_id.get(ref)
        if found is None and " " in ref:
            uri, _, date = ref.rpartition(" ")
            found = by_uri_date.get((uri, _warc_datetime(date).replace(microsecond=0)))
        if found is not None:
            return found
    if revisit.payload_digest and revisit.payload_digest in by_digest:
        return by_digest[revisit.payload_digest]
    earlier = [
        r for r in responses if r.uri == revisit.uri and r.revisit_of is None and r.body and r.date <= revisit.date
    ]
    return max(earlier, key=lambda r: r.date) if earlier else None


def _media_type(headers: tuple[tuple[str, str], ...]) -> str:
    value = dict(headers).get("content-type", "")
    return value.split(";")[0].strip().lower()


def _norm(url: str) -> str:
    try:
        return normalize_url(url)
    except ValueError:
        return url


def _blogs(rebuilt: list[RebuiltPost], captures: list[Capture], images: dict[str, Asset]) -> list[Blog]:
    """One blog per site (scheme and host) with its posts in visit order, images filled in from the file."""
    homes = {_site(c.final_url): c for c in captures if _is_home(c)}
    by_site: dict[str, list[Post]] = {}
    platforms: dict[str, str] = {}
    for item in rebuilt:
        site = _site(item.post.url)
        post = item.post
        filled = tuple(images.get(_norm(ref.source_url), ref) for ref in post.images)
        filled = tuple(
            replace(asset, source_url=ref.source_url, alt=ref.alt)
            for asset, ref in zip(filled, post.images, strict=True)
        )
        by_site.setdefault(site, []).append(replace(post, images=filled))
        platforms.setdefault(site, item.platform)
    blogs = []
    for site, posts in by_site.items():
        title, description, language = urlsplit(site).hostname or site, "", None
        home = homes.get(site)
        if home is not None:
            page = read_blog_page(decode_html(home.body, dict(home.headers).get("content-type")), home.final_url)
            title, description, language = page.title or title, page.description, page.language
        blogs.append(
            Blog(
                url=site,
                title=title,
                platform=platforms.get(site, "generic"),
                description=description,
                language=language,
                posts=tuple(posts),
            )
        )
    return blogs


def _site(url: str) -> str:
    parts = urlsplit(url)
    return _norm(f"{parts.scheme}://{parts.netloc}/")


def _is_home(capture: Capture) -> bool:
    return (
        capture.status == 200
        and bool(capture.body)
        and capture.media_type.startswith("text/html")
        and urlsplit(capture.final_url).path in ("", "/")
    )
