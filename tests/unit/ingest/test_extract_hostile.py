"""Hostile pages: nothing executable survives, markup-looking text stays text, and bad HTML never raises."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.extract import PostPage, extract_post_page

PAGES = Path(__file__).resolve().parents[2] / "fixtures" / "pages"
URL = "https://tea-notes.example/2024/05/02/lazy-pictures/"
# Every fixture page: the foundation's and the platforms' (issue 4) alike.
FIXTURES = sorted(PAGES.glob("*.html")) + sorted((PAGES.parent / "platforms").glob("*/*.html"))


def hostile() -> PostPage:
    return extract_post_page((PAGES / "hostile_lazy_images.html").read_bytes(), URL)


def test_no_script_or_dangerous_url_survives() -> None:
    result = hostile()
    assert result.post is not None
    # The one comment quotes markup on purpose; that quotation is checked (as escaped text) below.
    quoted = r'\<img src="x" onerror="alert(7)">'
    texts = [result.post.body_md] + [c.body_md.replace(quoted, "") for c in result.comments]
    for text in texts:
        lowered = text.lower()
        for needle in ("javascript", "alert", "onerror", "onclick", "<script", "data:", "file:", "evil.", "spam"):
            assert needle not in lowered, (needle, text)
    assert all(url.startswith("https://") for url in result.image_urls)


def test_lazy_images_resolve_to_real_sources() -> None:
    result = hostile()
    assert result.post is not None
    assert [a.source_url for a in result.post.images] == [
        "https://tea-notes.example/wp-content/uploads/2024/05/cup.jpg",
        "https://cdn.tea-notes.example/saucer.png",
        "https://tea-notes.example/wp-content/uploads/2024/05/pot-large.jpg",
        "https://tea-notes.example/2024/05/02/lazy-pictures/x",
    ]
    body = result.post.body_md
    assert body.count("cup.jpg") == 1  # the <noscript> copy is not doubled
    assert "inline data only" in body  # a data:-only image leaves its alt text
    assert "Click here or there or everywhere, read this file, this data, or [a safe page](" in body
    assert "Styled text." in body


def test_reportlab_looking_comment_text_is_inert() -> None:
    comment = hostile().comments[0]
    assert comment.author == "Mallory <script>"  # plain text: callers escape it where they show it
    assert comment.author_url is None  # javascript: author link dropped
    first, second, third = comment.body_md.split("\n\n")
    assert first == (
        r'\<font name="Helvetica" size="40" color="red">HUGE\</font> \<b>bold?\</b> \<para>\&amp; '
        r'\<img src="x" onerror="alert(7)">'
    )
    assert second == r"real font tag \*not emphasis\* \_nor this\_ \[not\](a link) # not a heading"
    assert third == "![smiley](https://tea-notes.example/x.gif)"


def _mutations() -> st.SearchStrategy[tuple[int, int, bytes]]:
    return st.tuples(st.integers(0, len(FIXTURES) - 1), st.integers(0, 20_000), st.binary(max_size=40))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_mutations(), st.sampled_from(["cut", "insert", "replace"]))
def test_mutated_or_truncated_pages_never_raise(mutation: tuple[int, int, bytes], how: str) -> None:
    index, offset, junk = mutation
    data = FIXTURES[index].read_bytes()
    offset = min(offset, len(data))
    if how == "cut":
        data = data[:offset]
    elif how == "insert":
        data = data[:offset] + junk + data[offset:]
    else:
        data = data[:offset] + junk + data[offset + len(junk) :]
    result = extract_post_page(data, URL)
    assert isinstance(result, PostPage)
    assert isinstance(extract_post_page(data.decode("utf-8", errors="replace"), URL), PostPage)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300), st.sampled_from(["", URL, "not a url", "http://[::1", "javascript:x"]))
def test_arbitrary_text_never_raises(text: str, url: str) -> None:
    assert isinstance(extract_post_page(text, url), PostPage)
