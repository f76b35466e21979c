"""Raw captures out as a WARC file (ISO 28500, WARC/1.1, gzipped per record) with warcio: for a web archive.

One `warcinfo` record first. Then, oldest first, one record per stored fetch:

- a `response` record: the stored status line and headers rebuilt as an HTTP/1.1 header block, then the body as
  stored. Bodies are kept decoded (no gzip, no chunking), so `Content-Encoding` and `Transfer-Encoding` are
  dropped and `Content-Length` is the stored body's length. `WARC-Target-URI` is the final URL (after
  redirects), `WARC-Date` the time of the fetch (microseconds: WARC/1.1), `WARC-Payload-Digest` the body's sha1
  in base32 as WARC expects.
- a 304 (not modified) is a `revisit` record with the WARC 1.1 profile `server-not-modified`, the 304 headers and
  no body, pointing with `WARC-Refers-To-Target-URI` / `WARC-Refers-To-Date` (and `WARC-Refers-To` when it is in
  this file) at the response whose body it confirmed: the standard way, which keeps the file honest about what
  the server sent. Readers that replay (pywb) resolve it to the original.
- a `metadata` record after each one, `WARC-Concurrent-To` it, with Threadbook's provenance as `application/
  warc-fields` (capture id, post id and URL, blog URL, requested URL, the body's sha256, tool version).
- images (assets) as `response` records too. Their own HTTP headers were not kept, so the header block is
  rebuilt from the image's type and size (`threadbook-reconstructed: yes` in their metadata record says so),
  dated by when the archive first saved them.

Fetches with no HTTP exchange behind them (status 0: provenance of an imported export file) are left out.
"""

from __future__ import annotations

import http
import io
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

from exporters.output import atomic_output
from storage.records import THREADBOOK_VERSION, Asset, Capture

log = logging.getLogger(__name__)

WARC_VERSION = "WARC/1.1"
SERVER_NOT_MODIFIED = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
WARC_SPEC = "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"
# Headers that describe the bytes on the wire, not the stored body (which is decoded): never written back.
_WIRE_HEADERS = frozenset({"content-length", "content-encoding", "transfer-encoding", "connection", "keep-alive"})


@dataclass(frozen=True, slots=True)
class WarcCapture:
    """One stored fetch to write, with what the archive knows it was for."""

    capture: Capture  # body as stored; for a 304 the body it confirmed (b"" when the archive lacks it)
    capture_id: int | None = None  # the archive's row id
    post_id: int | None = None
    post_url: str | None = None
    blog_url: str | None = None


@dataclass(frozen=True, slots=True)
class WarcImage:
    """An archived image (with its data) and when the archive first saved it."""

    asset: Asset
    fetched_at: datetime  # timezone-aware
    post_urls: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class WarcReport:
    """What `write_warc` wrote."""

    path: Path
    responses: int = 0
    revisits: int = 0
    metadata: int = 0
    images: int = 0
    skipped: int = 0  # fetches with no HTTP exchange behind them (imports)
    size: int = 0  # bytes of the file


def write_warc(
    captures: Iterable[WarcCapture],
    *,
    out_path: Path,
    images: Iterable[WarcImage] = (),
    description: str = "",
    created_at: datetime | None = None,
    provenance: bool = True,
) -> WarcReport:
    """Write `captures` (oldest first, so a revisit follows what it refers to) and `images` as a gzipped WARC.

    The file is written under a temporary name and renamed at the end (`exporters/output.py`). `provenance`
    adds the `metadata` records. Raises `ExportWriteFailed` if the file can't be written.
    """
    out_path = Path(out_path)
    with atomic_output(out_path) as tmp_path, tmp_path.open("wb") as stream:
        writer = _Writer(stream, provenance=provenance)
        writer.warcinfo(out_path.name, description, created_at or datetime.now(UTC))
        for item in captures:
            writer.capture(item)
        for image in images:
            writer.image(image)
        counts = dict(writer.counts)
    return WarcReport(path=out_path, size=out_path.stat().st_size, **counts)


def warc_date(moment: datetime) -> str:
    """A WARC/1.1 date: UTC, ISO-8601 with microseconds when there are any, `Z` suffix."""
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return str(datetime_to_iso_date(aware.replace(tzinfo=None), use_micros=True))


def http_header_block(
    status: int, headers: Iterable[tuple[str, str]], *, body_length: int, media_type: str = ""
) -> Any:
    """An HTTP/1.1 status line and header block for a stored fetch (a warcio `StatusAndHeaders`).

    Header names and values come from the web: line breaks in them are folded to spaces so no header can
    smuggle another into the record.
    """
    try:
        reason = http.HTTPStatus(status).phrase
    except ValueError:
        reason = "Unknown"
    kept = [(_clean(name), _clean(value)) for name, value in headers if name.lower() not in _WIRE_HEADERS]
    if media_type and not any(name.lower() == "content-type" for name, _ in kept):
        kept.insert(0, ("content-type", media_type))
    if status != 304:
        kept.append(("content-length", str(body_length)))
    return StatusAndHeaders(f"{status} {reason}", kept, protocol="HTTP/1.1")


def _clean(text: str) -> str:
    """One line: CR, LF and runs of whitespace become one space."""
    return " ".join(str(text).split())


class _Writer:
    """warcio's writer plus what a revisit needs: where each body was first written."""

    def __init__(self, stream: BinaryIO, *, provenance: bool) -> None:
        self.writer = WARCWriter(stream, gzip=True, warc_version=WARC_VERSION)
        self.provenance = provenance
        self.counts = {"responses": 0, "revisits": 0, "metadata": 0, "images": 0, "skipped": 0}
        # sha256 of a body -> (record id, target URI, WARC date) of the newest response that carried it, per URL
        self.originals: dict[tuple[str, str], tuple[str, str, str]] = {}
        self.any_original: dict[str, tuple[str, str, str]] = {}

    def warcinfo(self, filename: str, description: str, created_at: datetime) -> None:
        info = {
            "software": f"Threadbook {THREADBOOK_VERSION} (warcio)",
            "format": "WARC File Format 1.1",
            "conformsTo": WARC_SPEC,
            "description": _clean(description) or "Captures exported from a Threadbook archive",
        }
        record = self.writer.create_warcinfo_record(filename, info)
        record.rec_headers.replace_header("WARC-Date", warc_date(created_at))
        self.writer.write_record(record)

    def capture(self, item: WarcCapture) -> None:
        capture = item.capture
        if capture.status < 100 or not capture.final_url.startswith(("http://", "https://")):
            self.counts["skipped"] += 1
            return
        date = warc_date(capture.fetched_at)
        if capture.status == 304:
            record = self._revisit(capture, date)
            self.counts["revisits"] += 1
        else:
            headers = http_header_block(
                capture.status, capture.headers, body_length=len(capture.body), media_type=capture.media_type
            )
            record = self.writer.create_warc_record(
                capture.final_url,
                "response",
                payload=io.BytesIO(capture.body),
                length=len(capture.body),
                http_headers=headers,
                warc_headers_dict={"WARC-Date": date},
            )
            self.counts["responses"] += 1
            if capture.content_sha256:
                where = (record.rec_headers.get_header("WARC-Record-ID"), capture.final_url, date)
                self.originals[(capture.final_url, capture.content_sha256)] = where
                self.any_original[capture.content_sha256] = where
        self.writer.write_record(record)
        fields = [
            ("threadbook-capture-id", item.capture_id),
            ("threadbook-post-id", item.post_id),
            ("threadbook-post-url", item.post_url),
            ("threadbook-blog-url", item.blog_url),
            ("threadbook-requested-url", capture.url),
            ("threadbook-status", capture.status),
            ("threadbook-content-sha256", capture.content_sha256),
            ("threadbook-tool-version", capture.tool_version),
        ]
        self._metadata(record, capture.final_url, date, fields)

    def _revisit(self, capture: Capture, date: str) -> Any:
        headers = http_header_block(304, capture.headers, body_length=0)
        original = self.originals.get((capture.final_url, capture.content_sha256)) or self.any_original.get(
            capture.content_sha256
        )
        warc_headers = {"WARC-Date": date, "WARC-Profile": SERVER_NOT_MODIFIED}
        if original is not None:
            warc_headers["WARC-Refers-To"] = original[0]
            warc_headers["WARC-Refers-To-Target-URI"] = original[1]
            warc_headers["WARC-Refers-To-Date"] = original[2]
        if capture.body:
            warc_headers["WARC-Payload-Digest"] = _sha1_b32(capture.body)
        return self.writer.create_warc_record(
            capture.final_url, "revisit", http_headers=headers, warc_headers_dict=warc_headers
        )

    def image(self, image: WarcImage) -> None:
        asset = image.asset
        if not asset.data or not asset.source_url.startswith(("http://", "https://")):
            self.counts["skipped"] += 1
            return
        date = warc_date(image.fetched_at)
        headers = http_header_block(200, (), body_length=len(asset.data), media_type=asset.media_type)
        record = self.writer.create_warc_record(
            asset.source_url,
            "response",
            payload=io.BytesIO(asset.data),
            length=len(asset.data),
            http_headers=headers,
            warc_headers_dict={"WARC-Date": date},
        )
        self.writer.write_record(record)
        self.counts["images"] += 1
        fields: list[tuple[str, object]] = [
            ("threadbook-asset-sha256", asset.sha256),
            ("threadbook-reconstructed", "yes: the image's own HTTP headers are not kept"),
        ]
        fields.extend(("threadbook-post-url", url) for url in image.post_urls)
        self._metadata(record, asset.source_url, date, fields)

    def _metadata(self, concurrent: Any, uri: str, date: str, fields: Sequence[tuple[str, object]]) -> None:
        if not self.provenance:
            return
        text = "".join(f"{name}: {_clean(str(value))}\r\n" for name, value in fields if value not in (None, ""))
        record = self.writer.create_warc_record(
            uri,
            "metadata",
            payload=io.BytesIO(text.encode("utf-8")),
            length=len(text.encode("utf-8")),
            warc_content_type="application/warc-fields",
            warc_headers_dict={
                "WARC-Date": date,
                "WARC-Concurrent-To": concurrent.rec_headers.get_header("WARC-Record-ID"),
            },
        )
        self.writer.write_record(record)
        self.counts["metadata"] += 1


def _sha1_b32(data: bytes) -> str:
    import base64
    import hashlib

    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")
