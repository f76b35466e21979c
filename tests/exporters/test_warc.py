"""The WARC exporter on hand-made captures, read back with warcio: records, URIs, dates, bodies, digests, revisits."""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from exporters.errors import ExportWriteFailed
from exporters.warc import SERVER_NOT_MODIFIED, WarcCapture, WarcImage, write_warc
from storage.records import THREADBOOK_VERSION, Asset, Capture

T0 = datetime(2025, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)
PAGE = "<html><head><title>Ünïcode post</title></head><body><p>Grüße — 中文</p></body></html>".encode()
COMMENTS = b"<html><body><ol class='commentlist'><li id='comment-7'>Second page</li></ol></body></html>"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def capture(
    url: str, body: bytes, *, status: int = 200, at: datetime = T0, headers: tuple[tuple[str, str], ...] = ()
) -> Capture:
    return Capture(
        url=url,
        final_url=url,
        status=status,
        fetched_at=at,
        content_sha256=hashlib.sha256(body).hexdigest() if body else "",
        media_type="text/html",
        headers=headers or (("content-type", "text/html; charset=utf-8"), ("etag", '"v1"')),
        etag='"v1"',
        tool_version=THREADBOOK_VERSION,
        body=body,
    )


def read_records(path: Path) -> list[dict[str, Any]]:
    records = []
    with path.open("rb") as stream:
        for record in ArchiveIterator(stream):
            headers = record.rec_headers
            records.append(
                {
                    "type": record.rec_type,
                    "uri": headers.get_header("WARC-Target-URI"),
                    "date": headers.get_header("WARC-Date"),
                    "id": headers.get_header("WARC-Record-ID"),
                    "headers": dict(headers.headers),
                    "status": record.http_headers.get_statuscode() if record.http_headers else None,
                    "http": dict(record.http_headers.headers) if record.http_headers else {},
                    "body": record.content_stream().read(),
                }
            )
    return records


def sha1_b32(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode()


@pytest.fixture
def written(tmp_path: Path) -> tuple[Path, list[dict[str, Any]]]:
    post = "https://blog.example/2025/03/01/post/"
    items = [
        WarcCapture(capture(post, PAGE), capture_id=1, post_id=5, post_url=post, blog_url="https://blog.example/"),
        WarcCapture(capture(post + "comment-page-2/", COMMENTS, at=T0 + timedelta(seconds=1)), 2, 5, post),
        WarcCapture(capture(post, PAGE, status=304, at=T0 + timedelta(days=2)), 3, 5, post),
    ]
    image = WarcImage(
        Asset(
            "https://blog.example/wp-content/uploads/a.png", hashlib.sha256(PNG).hexdigest(), "image/png", len(PNG), PNG
        ),
        fetched_at=T0,
        post_urls=(post,),
    )
    out = tmp_path / "selection.warc.gz"
    report = write_warc(items, images=[image], out_path=out, description="Three captures", created_at=T0)
    assert (report.responses, report.revisits, report.images, report.metadata) == (2, 1, 1, 4)
    assert report.size == out.stat().st_size > 0
    return out, read_records(out)


def test_records_come_in_order_with_uris_and_dates(written: tuple[Path, list[dict[str, Any]]]) -> None:
    _, records = written
    assert [r["type"] for r in records] == [
        "warcinfo",
        "response",
        "metadata",
        "response",
        "metadata",
        "revisit",
        "metadata",
        "response",
        "metadata",
    ]
    data = [r for r in records if r["type"] in ("response", "revisit")]
    assert [r["uri"] for r in data] == [
        "https://blog.example/2025/03/01/post/",
        "https://blog.example/2025/03/01/post/comment-page-2/",
        "https://blog.example/2025/03/01/post/",
        "https://blog.example/wp-content/uploads/a.png",
    ]
    assert [r["date"] for r in data] == [
        "2025-03-01T09:30:15.123456Z",
        "2025-03-01T09:30:16.123456Z",
        "2025-03-03T09:30:15.123456Z",
        "2025-03-01T09:30:15.123456Z",
    ]


def test_bodies_and_payload_digests_are_the_archives_bytes(written: tuple[Path, list[dict[str, Any]]]) -> None:
    _, records = written
    responses = [r for r in records if r["type"] == "response"]
    assert [r["body"] for r in responses] == [PAGE, COMMENTS, PNG]
    for record in responses:
        assert record["headers"]["WARC-Payload-Digest"] == sha1_b32(record["body"])
        assert record["http"]["content-length"] == str(len(record["body"]))
    assert responses[0]["status"] == "200"
    assert responses[0]["http"]["content-type"] == "text/html; charset=utf-8"
    assert responses[2]["http"]["content-type"] == "image/png"


def test_a_304_is_a_server_not_modified_revisit_of_the_original(written: tuple[Path, list[dict[str, Any]]]) -> None:
    _, records = written
    original = records[1]
    revisit = next(r for r in records if r["type"] == "revisit")
    assert revisit["status"] == "304" and revisit["body"] == b""
    assert revisit["headers"]["WARC-Profile"] == SERVER_NOT_MODIFIED
    assert revisit["headers"]["WARC-Refers-To"] == original["id"]
    assert revisit["headers"]["WARC-Refers-To-Target-URI"] == original["uri"]
    assert revisit["headers"]["WARC-Refers-To-Date"] == original["date"]
    assert revisit["headers"]["WARC-Payload-Digest"] == sha1_b32(PAGE)


def test_metadata_records_carry_threadbook_provenance(written: tuple[Path, list[dict[str, Any]]]) -> None:
    _, records = written
    response, metadata = records[1], records[2]
    assert metadata["headers"]["WARC-Concurrent-To"] == response["id"]
    assert metadata["headers"]["Content-Type"] == "application/warc-fields"
    fields = dict(line.split(": ", 1) for line in metadata["body"].decode().splitlines())
    assert fields["threadbook-capture-id"] == "1" and fields["threadbook-post-id"] == "5"
    assert fields["threadbook-blog-url"] == "https://blog.example/"
    assert fields["threadbook-content-sha256"] == hashlib.sha256(PAGE).hexdigest()
    image_meta = records[-1]
    assert "threadbook-reconstructed: yes" in image_meta["body"].decode()


def test_warcinfo_names_the_software_and_format(written: tuple[Path, list[dict[str, Any]]]) -> None:
    _, records = written
    info = records[0]
    text = info["body"].decode()
    assert f"software: Threadbook {THREADBOOK_VERSION}" in text
    assert "format: WARC File Format 1.1" in text and "description: Three captures" in text
    assert info["headers"]["WARC-Filename"] == "selection.warc.gz"
    assert info["date"] == "2025-03-01T09:30:15.123456Z"


def test_every_record_is_its_own_gzip_member_and_digests_verify(written: tuple[Path, list[dict[str, Any]]]) -> None:
    path, records = written
    with path.open("rb") as stream:
        checked = list(ArchiveIterator(stream, check_digests="raise"))  # raises on any wrong digest
    assert len(checked) == len(records)
    raw = path.read_bytes()
    assert raw.count(b"\x1f\x8b\x08") >= len(records)
    assert gzip.decompress(raw).startswith(b"WARC/1.1\r\n")


def test_header_values_from_the_web_cannot_inject_headers(tmp_path: Path) -> None:
    hostile = capture(
        "https://blog.example/p/",
        b"<p>x</p>",
        headers=(("content-type", "text/html"), ("server", "evil\r\nX-Injected: 1"), ("content-encoding", "gzip")),
    )
    records = read_records(write_warc([WarcCapture(hostile)], out_path=tmp_path / "h.warc.gz").path)
    http = records[1]["http"]
    assert "X-Injected" not in http and "x-injected" not in http
    assert http["server"] == "evil X-Injected: 1"
    assert "content-encoding" not in http  # the stored body is decoded: the header would lie


def test_imported_provenance_without_a_fetch_is_left_out(tmp_path: Path) -> None:
    imported = Capture("https://blog.example/p/", "https://blog.example/p/", 0, T0, "ab", "application/xml")
    report = write_warc([WarcCapture(imported)], out_path=tmp_path / "i.warc.gz")
    assert (report.responses, report.skipped) == (0, 1)
    assert [r["type"] for r in read_records(report.path)] == ["warcinfo"]


def test_a_304_whose_original_is_not_in_the_file_still_names_its_payload(tmp_path: Path) -> None:
    alone = capture("https://blog.example/p/", PAGE, status=304)
    records = read_records(write_warc([WarcCapture(alone)], out_path=tmp_path / "r.warc.gz", provenance=False).path)
    assert [r["type"] for r in records] == ["warcinfo", "revisit"]
    assert "WARC-Refers-To" not in records[1]["headers"]
    assert records[1]["headers"]["WARC-Payload-Digest"] == sha1_b32(PAGE)


def test_a_failed_write_leaves_no_file(tmp_path: Path) -> None:
    def exploding() -> Any:
        yield WarcCapture(capture("https://blog.example/p/", PAGE))
        raise ExportWriteFailed("disk full")

    out = tmp_path / "broken.warc.gz"
    with pytest.raises(ExportWriteFailed):
        write_warc(exploding(), out_path=out)
    assert list(tmp_path.iterdir()) == []


def test_the_file_reads_as_a_plain_stream_too(written: tuple[Path, list[dict[str, Any]]]) -> None:
    path, records = written
    unzipped = list(ArchiveIterator(io.BytesIO(gzip.decompress(path.read_bytes()))))
    assert len(unzipped) == len(records)
