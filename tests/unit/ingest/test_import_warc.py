"""The WARC importer on WARCs written by another tool: warcio's capture_http recording a loopback blog, and revisits."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import shutil
import subprocess
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from desktop.sampleserver import SampleBlogServer
from ingest.imports import detect_importer, warc
from ingest.imports.warc import WarcUnreadable
from resources import SAMPLE_BLOG_DIR

TRUTH = json.loads((SAMPLE_BLOG_DIR.parent / "sample_blog.truth.json").read_text(encoding="utf-8"))
THREE_PAGES = next(p for p in TRUTH["posts"] if p["comment_pages"] == 3)
WITH_IMAGE = next(p for p in TRUTH["posts"] if p["images"] and p["comment_pages"] == 1)


@pytest.fixture(scope="module")
def server() -> Iterator[SampleBlogServer]:
    with SampleBlogServer() as running:
        yield running


def _get(url: str) -> bytes:
    # urllib, not requests: capture_http patches http.client, which urllib looks up at call time (requests' urllib3
    # bound its connection class when first imported). gzip asked for, so the importer must decode it.
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=10) as response:
        data: bytes = response.read()
        return data


@pytest.fixture(scope="module")
def captured(server: SampleBlogServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A WARC written by warcio's capture_http while a client read two posts, their comment pages and an image."""
    from warcio.capture_http import capture_http

    out = tmp_path_factory.mktemp("warc") / "capture.warc.gz"
    base = server.origin + THREE_PAGES["path"]
    urls = [base, base + "comment-page-1/", base + "comment-page-2/", server.origin + WITH_IMAGE["path"]]
    urls.append(server.origin + WITH_IMAGE["images"][0]["path"])
    urls.append(server.origin + "/robots.txt")  # not a page: skipped
    with capture_http(str(out)):
        for url in urls:
            _get(url)
    return out


@pytest.fixture(scope="module")
def result(captured: Path) -> Any:
    data = gzip.decompress(captured.read_bytes())  # desktop.imports gunzips before the importers see the file
    assert detect_importer(data[:65536]) is warc
    return warc.parse(data, source_name=captured.name)


def test_the_blog_and_its_posts_come_from_the_pages(result: Any, server: SampleBlogServer) -> None:
    [blog] = result.blogs
    assert blog.url == server.url and blog.platform == "wordpress"
    assert {post.url for post in blog.posts} == {
        server.origin + THREE_PAGES["path"],
        server.origin + WITH_IMAGE["path"],
    }
    assert result.problems == ()


def test_comment_pages_are_merged_into_the_whole_thread(result: Any, server: SampleBlogServer) -> None:
    post = next(p for p in result.blogs[0].posts if p.url.endswith(THREE_PAGES["path"]))
    assert post.title == THREE_PAGES["title"]
    assert [c.source_id for c in post.comments] == [c["id"] for c in THREE_PAGES["comments"]]
    assert [c.depth for c in post.comments] == [c["depth"] for c in THREE_PAGES["comments"]]


def test_captures_are_the_provenance_dated_by_warc_date(result: Any, captured: Path) -> None:
    from warcio.archiveiterator import ArchiveIterator

    dates = {}
    with captured.open("rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type == "response":
                dates[record.rec_headers.get_header("WARC-Target-URI")] = record.rec_headers.get_header("WARC-Date")
    post = next(p for p in result.blogs[0].posts if p.url.endswith(THREE_PAGES["path"]))
    assert len(post.captures) == 3  # the post page and its two other comment pages
    for capture in post.captures:
        assert capture.status == 200 and capture.media_type == "text/html"
        assert capture.fetched_at == datetime.fromisoformat(dates[capture.final_url].replace("Z", "+00:00"))
        assert capture.fetched_at.tzinfo is not None
        assert b"</html>" in capture.body  # decoded from the gzip the server sent
        assert capture.content_sha256 == hashlib.sha256(capture.body).hexdigest()
    assert post.captured_at == post.captures[0].fetched_at


def test_images_in_the_warc_become_assets(result: Any, server: SampleBlogServer) -> None:
    post = next(p for p in result.blogs[0].posts if p.url.endswith(WITH_IMAGE["path"]))
    served = (SAMPLE_BLOG_DIR / WITH_IMAGE["images"][0]["path"].lstrip("/")).read_bytes()
    [image] = post.images
    assert image.data == served and image.sha256 == hashlib.sha256(served).hexdigest()
    assert image.media_type == WITH_IMAGE["images"][0]["media_type"]


def _record(writer: WARCWriter, uri: str, date: str, body: bytes, *, status: str = "200 OK") -> Any:
    headers = StatusAndHeaders(status, [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
    return writer.create_warc_record(
        uri,
        "response",
        payload=io.BytesIO(body),
        length=len(body),
        http_headers=headers,
        warc_headers_dict={"WARC-Date": date},
    )


def test_a_deduplicated_revisit_is_a_second_visit_with_the_same_body(server: SampleBlogServer) -> None:
    """Crawlers write a page seen again unchanged as a revisit (identical-payload-digest): a second capture."""
    url = server.origin + WITH_IMAGE["path"]
    with urllib.request.urlopen(url, timeout=10) as response:  # no Accept-Encoding: the plain page
        body = response.read()
    stream = io.BytesIO()
    writer = WARCWriter(stream, gzip=False)
    first = _record(writer, url, "2025-01-01T10:00:00Z", body)
    writer.write_record(first)
    revisit = writer.create_revisit_record(
        url,
        first.rec_headers.get_header("WARC-Payload-Digest"),
        url,
        "2025-01-01T10:00:00Z",
        http_headers=StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1"),
        warc_headers_dict={"WARC-Date": "2025-02-01T10:00:00Z"},
    )
    writer.write_record(revisit)
    parsed = warc.parse(stream.getvalue(), source_name="dedup.warc")
    visits = parsed.blogs[0].posts
    assert [p.captured_at for p in visits] == [
        datetime(2025, 1, 1, 10, tzinfo=UTC),
        datetime(2025, 2, 1, 10, tzinfo=UTC),
    ]
    assert visits[0].body_md == visits[1].body_md and visits[0].body_md
    assert visits[1].captures[0].body == body


def test_a_truncated_warc_is_refused_with_a_clear_message(captured: Path) -> None:
    data = gzip.decompress(captured.read_bytes())
    with pytest.raises(WarcUnreadable, match="cut short or damaged"):
        warc.parse(data[: len(data) // 2], source_name="cut.warc")


def test_a_broken_record_header_is_refused() -> None:
    with pytest.raises(WarcUnreadable, match="cut short or damaged"):
        warc.parse(b"WARC/1.0\r\nContent-Length: banana\r\n\r\n", source_name="bad.warc")


def test_a_warc_without_pages_says_so() -> None:
    stream = io.BytesIO()
    writer = WARCWriter(stream, gzip=True)
    writer.write_record(writer.create_warcinfo_record("empty.warc.gz", {"software": "test"}))
    with pytest.raises(WarcUnreadable, match="holds no web pages"):
        warc.parse(stream.getvalue(), source_name="empty.warc.gz")


def test_sniff_knows_warc_and_nothing_else() -> None:
    assert warc.sniff(b"WARC/1.1\r\nWARC-Type: warcinfo\r\n")
    assert warc.sniff(b"WARC/1.0\r\n")
    assert not warc.sniff(b"<?xml version='1.0'?><rss/>")
    assert not warc.sniff(b"\x1f\x8b\x08\x00")


def test_a_visit_that_refetched_only_the_post_page_keeps_the_whole_thread(server: SampleBlogServer) -> None:
    """Comment pages not fetched again in a later visit are read from their latest earlier capture."""
    base = server.origin + THREE_PAGES["path"]
    stream = io.BytesIO()
    writer = WARCWriter(stream, gzip=True)
    for url, date in (
        (base, "2025-01-01T10:00:00Z"),
        (base + "comment-page-1/", "2025-01-01T10:00:01Z"),
        (base + "comment-page-2/", "2025-01-01T10:00:02Z"),
        (base, "2025-03-01T10:00:00Z"),  # the second visit: the post page alone
    ):
        with urllib.request.urlopen(url, timeout=10) as response:
            writer.write_record(_record(writer, url, date, response.read()))
    first, second = warc.parse(stream.getvalue(), source_name="two-visits.warc.gz").blogs[0].posts
    assert len(first.comments) == len(second.comments) == len(THREE_PAGES["comments"])
    pages = [base, base + "comment-page-1/", base + "comment-page-2/"]
    assert first.captures[0].final_url == base and sorted(c.final_url for c in first.captures) == pages
    assert second.captures[0].fetched_at.month == 3 and sorted(c.final_url for c in second.captures) == pages
    assert [c.fetched_at.month for c in second.captures[1:]] == [1, 1]  # carried pages keep their own dates


@pytest.mark.skipif(shutil.which("wget") is None, reason="wget is not installed")
def test_a_wget_warc_file_of_a_recursive_fetch(server: SampleBlogServer, tmp_path: Path) -> None:
    """wget --warc-file follows every link of the post, `?replytocom=N` variants included: those are not visits."""
    url = server.origin + THREE_PAGES["path"]
    command = ["wget", "-q", "--warc-file=site", "-r", "-l", "1", "--no-parent", "-e", "robots=off", url]
    subprocess.run(command, cwd=tmp_path, timeout=60, check=False)  # wget's exit status counts 404s it met
    data = gzip.decompress((tmp_path / "site.warc.gz").read_bytes())
    [post] = warc.parse(data, source_name="site.warc.gz").blogs[0].posts
    assert post.url == url
    assert [c.source_id for c in post.comments] == [c["id"] for c in THREE_PAGES["comments"]]
    assert any("replytocom=" in c.final_url for c in post.captures)  # kept as provenance of the one visit
    assert post.captures[0].tool_version.startswith("Wget/")  # the warcinfo record names the tool that fetched
