"""No extractor crashes on malformed HTML: truncated and mangled versions of every fixture page still give a PostPage.

Every saved page under tests/fixtures (all platforms, the real WordPress pages) and every page of the sample blog is
cut at random offsets, loses tags, gets garbled attributes, mixed encodings and deep nesting, and goes through
`extract_post_page`. The fast variant runs in CI; the `slow` one tries many more mutations.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.comments import merge_comment_pages
from ingest.extract import PostPage, extract_post_page

REPO = Path(__file__).resolve().parents[2]
PAGES = sorted([*(REPO / "tests" / "fixtures").rglob("*.html"), *(REPO / "resources" / "sample_blog").rglob("*.html")])
URL = "https://blog.example/2024/05/01/a-post/"
TAG_TEXT = st.sampled_from(
    [b"<div>", b"</div>", b"<ol>", b"</li>", b"<article>", b"</body>", b"<!--", b"<![CDATA[", b'"']
)


@cache
def page_bytes(index: int) -> bytes:
    return PAGES[index].read_bytes()


@st.composite
def mangled(draw: st.DrawFn) -> bytes:
    """One fixture page, mutated a few times in ways real broken pages are broken."""
    data = bytearray(page_bytes(draw(st.integers(0, len(PAGES) - 1))))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["cut", "drop_tag", "garble_attr", "splice", "encoding", "nest", "insert"]))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if kind == "cut":
            data = data[:at] if draw(st.booleans()) else data[at:]
        elif kind == "drop_tag":
            end = data.find(b">", at)
            if end != -1:
                del data[at : end + 1]
        elif kind == "garble_attr":
            eq = data.find(b"=", at)
            if eq != -1:
                data[eq : eq + 2] = draw(st.sampled_from([b"", b'="', b"=='", b"= >", b"=\x00", b'="javascript:']))
        elif kind == "splice":
            size = draw(st.integers(1, 2000))
            data[at:at] = data[draw(st.integers(0, max(0, len(data) - 1))) :][:size]
        elif kind == "encoding":
            data[at:at] = draw(
                st.sampled_from(
                    ["Zürich ü".encode("latin-1"), "日本語".encode("shift_jis"), b"\xff\xfe\x00<", b"\xef\xbb\xbf"]
                )
            )
        elif kind == "nest":
            depth = draw(st.integers(100, 3000))
            data[at:at] = b"<div><span>" * depth + b"x"
        else:
            data[at:at] = draw(TAG_TEXT)
    return bytes(data)


def check(html: bytes) -> None:
    page = extract_post_page(html, URL)
    assert isinstance(page, PostPage)
    merge_comment_pages([page])
    # Text that came as bytes must also work as str (the CLI decodes first).
    assert isinstance(extract_post_page(html.decode("utf-8", errors="replace"), URL), PostPage)


def test_there_are_pages_to_mangle() -> None:
    assert len(PAGES) >= 60


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mangled())
def test_mangled_pages_never_crash_the_extractor(html: bytes) -> None:
    check(html)


@pytest.mark.slow
@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mangled())
def test_mangled_pages_never_crash_the_extractor_long_run(html: bytes) -> None:
    check(html)


@pytest.mark.parametrize("index", range(len(PAGES)), ids=lambda i: str(PAGES[i].relative_to(REPO)))
def test_every_page_cut_in_half_and_very_deep_still_extracts(index: int) -> None:
    data = page_bytes(index)
    check(data[: len(data) // 2])
    check(b"<div>" * 10_000 + data + b"</div>" * 5)
