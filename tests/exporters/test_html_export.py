"""The single-file HTML export of the Guest Week anthology, parsed back with lxml: self-contained (no outside
reference), no script anywhere, a policy that forbids scripts, a table of contents that links, threads that fold
with <details>, and hostile web content shown as text."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import lxml.html
import pytest
from anthology_fixtures import make_anthology
from hypothesis import given, settings
from hypothesis import strategies as st
from sample_anthology import (
    HOSTILE_COMMENT,
    HOSTILE_TITLE,
    SECTION,
    hostile_anthology,
    private_anthology,
    series_anthology,
)

from exporters.errors import ExportWriteFailed
from exporters.html_export import HtmlOptions, render_html, write_html
from storage.records import anthology_items


def parse(path: Path) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(path.read_bytes())


def text_of(element: lxml.html.HtmlElement) -> str:
    return " ".join("".join(element.itertext()).split())


@pytest.fixture(scope="module")
def sample_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_html(series_anthology(), out_path=tmp_path_factory.mktemp("html") / "guest-week.html")


@pytest.fixture(scope="module")
def hostile_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("html") / "hostile.html"
    return write_html(hostile_anthology(), out_path=out, options=HtmlOptions(comments_in_toc=True))


def assert_inert(doc: lxml.html.HtmlElement) -> None:
    """No script, frame, object, form, SVG or style outside the head; no handler; no link but http(s)/mailto/#."""
    for element in doc.iter():
        if not isinstance(element.tag, str):
            continue
        assert element.tag not in ("script", "iframe", "frame", "object", "embed", "form", "svg", "base", "link")
        if element.tag == "style":
            assert element.getparent().tag == "head"
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (element.tag, name)
            assert name != "style", element.tag
            if name in ("href", "src"):
                ok = value.startswith(("https://", "http://", "mailto:", "#")) or (
                    name == "src" and element.tag == "img" and value.startswith("data:image/")
                )
                assert ok, (element.tag, name, value)


def test_page_is_self_contained_and_scriptless(sample_page: Path) -> None:
    doc = parse(sample_page)
    assert_inert(doc)
    policy = doc.find(".//meta[@http-equiv='Content-Security-Policy']").get("content")
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'none'" and directives["script-src"] == "'none'"
    assert directives["img-src"] == "data:" and directives["base-uri"] == "'none'"
    css = doc.find(".//style").text
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    assert directives["style-src"] == f"'sha256-{digest}'"  # the one style sheet, and nothing else, may apply
    loaded = [el.get("src") for el in doc.iter("img")] + [el.get("href") for el in doc.iter("link")]
    assert all(value.startswith("data:") for value in loaded)


def test_title_contents_and_posts_in_order(sample_page: Path) -> None:
    doc = parse(sample_page)
    posts = [item.post for item in anthology_items(series_anthology())]
    assert doc.findtext(".//title") == "Guest Week"
    assert text_of(doc.find(".//header[@class='book']/h1")) == "Guest Week"
    assert "Zanzibar" in text_of(doc.find(".//section[@class='introduction']"))
    toc = doc.find(".//nav[@class='toc']")
    links = [(text_of(a), a.get("href")) for a in toc.iter("a")]
    assert [text for text, _ in links] == [*(p.title for p in posts[:3]), SECTION, *(p.title for p in posts[3:])]
    ids = {el.get("id") for el in doc.iter() if el.get("id")}
    assert all(href[1:] in ids for _, href in links)
    titles = [text_of(h) for h in doc.iter("h2") if h.get("class") == "post-title"]
    assert titles == [p.title for p in posts]
    parts = [text_of(h) for h in doc.iter("h2") if h.get("class") == "part-title"]
    assert parts == [SECTION]


def test_threads_fold_with_details_and_keep_their_nesting(sample_page: Path) -> None:
    doc = parse(sample_page)
    first = doc.get_element_by_id("p1-post")
    thread = first.find(".//section[@class='comments']/details")
    assert thread is not None and thread.get("open") is not None
    assert text_of(thread.find("summary")) == "Comments (3)"
    top = thread.findall("ol/li")
    assert [text_of(li.find("p/*[@class='author']")) for li in top] == ["Olwen Davies", "Frank Osei"]
    replies = top[1].find("details")
    assert text_of(replies.find("summary")) == "1 reply"
    assert text_of(replies.find("ol/li/p/*[@class='author']")) == "Ingrid Solberg"
    assert "Overnight for rubber-based ink" in text_of(replies)
    closed = parse_string(render_html(series_anthology(), options=HtmlOptions(threads_open=False)))
    assert all(d.get("open") is None for d in closed.iter("details"))


def parse_string(text: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(text.encode())


def test_the_archived_image_is_inline_as_data(sample_page: Path) -> None:
    doc = parse(sample_page)
    post = anthology_items(series_anthology())[1].post
    (asset,) = [a for a in post.images if a.data]
    (image,) = list(doc.get_element_by_id("p2-post").iter("img"))
    prefix, data = image.get("src").split(",", 1)
    assert prefix == "data:image/png;base64" and base64.b64decode(data) == asset.data


def test_hostile_content_is_inert_and_shown_as_text(hostile_page: Path) -> None:
    doc = parse(hostile_page)
    assert_inert(doc)
    raw = hostile_page.read_text(encoding="utf-8")
    assert "<script" not in raw.lower() and "<iframe" not in raw.lower() and "<svg" not in raw.lower()
    article = doc.get_element_by_id("p7-post")
    assert text_of(article.find(".//h2")) == HOSTILE_TITLE
    assert HOSTILE_TITLE in text_of(doc.find(".//nav[@class='toc']"))
    body = text_of(article)
    assert "<script>alert(6)</script>" in body and '<img src=x onerror="alert(2)">' in body
    assert HOSTILE_COMMENT.split(" and a")[0] in body
    assert '<b onmouseover="alert(5)">Mallory</b>' in body
    authors = [text_of(el) for el in article.iter() if el.get("class") == "author"]
    assert "<script>alert(8)</script>" in authors
    assert all(a.tag == "span" for a in article.iter() if a.get("class") == "author" and "alert(8)" in text_of(a))
    assert "[link](javascript:alert(3))" in body  # markdown-it refuses the link: it stays text


def test_mixed_scripts_and_markdown_features_render(tmp_path: Path) -> None:
    doc = parse(write_html(make_anthology(), out_path=tmp_path / "m.html"))
    assert_inert(doc)
    assert "Ελληνικά" in text_of(doc) and "中文" in text_of(doc)
    assert doc.find(".//table//th[@class='align-right']") is not None
    assert doc.find(".//pre/code[@class='language-python']") is not None
    missing = [text_of(el) for el in doc.iter("span") if el.get("class") == "missing-image"]
    assert missing == ["[image: Lost sunset]", "[image: Broken file]"]  # never fetched; damaged
    assert "![Secret](file:///etc/hostname)" in text_of(doc)  # a local path is not an image: it stays text
    replying = [text_of(el) for el in doc.iter("span") if el.get("class") == "replying-to"]
    assert replying and replying[0].startswith("replying to Debater")
    assert re.search(r"The site counted 20 comments; 17 could be archived", text_of(doc))


def test_without_comments(tmp_path: Path) -> None:
    doc = parse_string(render_html(series_anthology(), options=HtmlOptions(include_comments=False)))
    assert doc.find(".//section[@class='comments']") is None
    assert len([h for h in doc.iter("h2") if h.get("class") == "post-title"]) == 6


def test_unwritable_target_fails_cleanly(tmp_path: Path) -> None:
    with pytest.raises(ExportWriteFailed, match="Couldn't write"):
        write_html(series_anthology(), out_path=tmp_path / "nowhere" / "x.html")


def test_the_anthology_privacy_options_are_printed_as_chosen(tmp_path: Path) -> None:
    doc = parse(write_html(private_anthology(), out_path=tmp_path / "p.html"))
    first = doc.get_element_by_id("p1-post")
    authors = [text_of(el) for el in first.iter() if el.get("class") == "author" and el.tag in ("a", "span")]
    assert authors[1:] == ["O. D.", "F. O.", "Ingrid Solberg"]  # [0]: the post's byline; she answers in her thread
    assert not [a for a in first.iter("a") if a.get("class") == "author"]  # commenters' addresses left out
    assert "Olwen" not in text_of(first) and "olwenprints" not in lxml.html.tostring(first, encoding="unicode")


PLAIN_ALPHABET = [*"ab Zé中1 0.,;:?'\"()-=+/%$@^{}\n\t ", "\u00a0", "\u2028", "\u3000"]


def _slow(markdown: str) -> str:
    """What markdown-it itself makes of `markdown`, through the same sanitiser."""
    from exporters import markdown_html

    container = lxml.html.fragment_fromstring(markdown_html._PARSER.render(markdown) or "", create_parent="div")
    markdown_html.sanitise(container, images=lambda url: None)
    return markdown_html.inner_html(container)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(PLAIN_ALPHABET), max_size=60))
def test_plain_text_takes_the_fast_path_with_the_same_result(text: str) -> None:
    from exporters.markdown_html import inner_html, plain_paragraphs, render_fragment

    fast = inner_html(render_fragment(text, images=lambda url: None))
    if plain_paragraphs(text) is not None:
        assert fast == _slow(text)


def test_links_to_the_pages_own_posts_jump_inside_it(sample_page: Path) -> None:
    doc = parse(sample_page)
    links = {text_of(a): a.get("href") for a in doc.get_element_by_id("p1-post").iter("a")}
    assert links["Kwame Asante on the lost art of the rule border"] == "#p2-post"
    assert links["here"].startswith("http")
