"""The fast path of html_to_markdown (bs4's tree built straight from our lxml element) gives exactly the Markdown
of the old path (the element serialised and parsed again by bs4), on fixture pages and on generated markup."""

from __future__ import annotations

import html
import os
from pathlib import Path

import lxml.html
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest import markdown
from ingest.extract import parse_html
from ingest.markdown import ThreadbookConverter, html_to_markdown

REPO = Path(__file__).resolve().parents[3]
BASE = "https://tea-notes.example/2024/03/03/post/"


def convert_reparsed(element: lxml.html.HtmlElement, base_url: str) -> tuple[str, list[tuple[str, str]]]:
    """The old path: serialise the element (raw href/src kept) and let bs4 parse it again."""
    converter = ThreadbookConverter(base_url=base_url)
    text = converter.convert_clean_soup(markdown._soup_from_text(markdown._serialise(element)))
    return text, converter.images


def convert_direct(element: lxml.html.HtmlElement, base_url: str) -> tuple[str, list[tuple[str, str]]]:
    converter = ThreadbookConverter(base_url=base_url)
    text = converter.convert_clean_soup(markdown._soup_from_element(element))
    return text, converter.images


@pytest.mark.parametrize(
    "page",
    [
        "tests/fixtures/pages/wp_classic_post.html",
        "tests/fixtures/pages/hostile_lazy_images.html",
        "tests/fixtures/pages/mixed_scripts.html",
        "tests/fixtures/platforms/blogger/legacy_comments_block_fr.html",
        "tests/fixtures/wordpress_real/twentytwentythree-pretty-unpaged/post-7.html",
    ],
)
def test_every_element_of_a_fixture_page_converts_as_before(page: str) -> None:
    doc = parse_html((REPO / page).read_bytes())
    assert doc is not None
    elements = [el for el in doc.iter() if isinstance(el.tag, str) and not markdown._needs_reparse(el)]
    assert len(elements) > 20
    for el in elements:
        assert convert_direct(el, BASE) == convert_reparsed(el, BASE), lxml.html.tostring(el)[:300]


_TAGS = ["p", "div", "span", "a", "b", "em", "code", "pre", "ul", "ol", "li", "blockquote", "h2", "table", "tr", "td"]
_TAGS += ["th", "br", "img", "figure", "figcaption", "noscript", "script", "dl", "dt", "dd", "sup", "hr", "section"]
_TAGS += ["tbody", "thead", "caption", "col", "colgroup", "wbr", "picture", "source", "video", "center", "font", "nav"]
_TAGS += ["form", "input", "s", "kbd", "abbr", "h1", "i", "u", "q", "option", "textarea", "style", "address"]
_VOID = ("br", "img", "hr", "col", "wbr", "source", "input")
_TEXT = st.sampled_from(
    ["", " ", "\n", "  \n\t", "word", " two words ", "*stars*", "# hash", "1. one", "a&amp;b", "x < y", "日本語",
     "&nbsp;", "tab\there", "`tick`", "[link]", "|pipe|", "- dash", "cr\r\nlf"]
)  # fmt: skip
_ATTRS = st.sampled_from(
    ["", ' class="x"', ' href="https://gärtner.example/a b"', ' href="javascript:alert(1)"', ' src="/i.png"',
     ' src="data:x" data-src="https://cdn.example/p.jpg"', ' class="language-python"', " hidden",
     ' style="display:none"', ' href="\tjava\nscript:x"', ' alt="A [b]"', ' rowspan="2"', ' class="emoji" alt="☺"']
)  # fmt: skip


@st.composite
def fragments(draw: st.DrawFn, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.integers(0, 4 if depth < 4 else 1))
        if kind == 0:
            parts.append(draw(_TEXT))
        elif kind == 1:
            parts.append("<!--" + draw(st.sampled_from(["c", " wp:paragraph ", ""])) + "-->")
        else:
            tag = draw(st.sampled_from(_TAGS))
            inner = "" if tag in _VOID else draw(fragments(depth + 1))
            parts.append(f"<{tag}{draw(_ATTRS)}>{inner}</{tag}>" if tag not in _VOID else
                         f"<{tag}{draw(_ATTRS)}>")  # fmt: skip
    return "".join(parts)


EXAMPLES = int(os.environ.get("THREADBOOK_TREE_EXAMPLES", "300"))  # 4,000 passed when this was written


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fragments())
def test_generated_markup_converts_as_before(fragment: str) -> None:
    doc = parse_html(f"<html><body><article><div class='entry-content'>{fragment}</div></article></body></html>")
    assert doc is not None
    for el in doc.iter("article", "div", "p", "li", "table", "blockquote"):
        if not markdown._needs_reparse(el):
            assert convert_direct(el, BASE) == convert_reparsed(el, BASE)


def test_an_element_is_converted_without_serialising_it(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(element: lxml.html.HtmlElement) -> str:
        raise AssertionError("serialised")

    monkeypatch.setattr(markdown, "_serialise", refuse)
    el = lxml.html.fragment_fromstring('<div><p>Hi <a href="https://gärtner.example/">there</a></p></div>')
    assert html_to_markdown(el, BASE).text == "Hi [there](https://gärtner.example/)"


def test_raw_text_elements_take_the_old_path() -> None:
    el = lxml.html.fragment_fromstring("<div><xmp>a <b> c</xmp><p>d</p></div>")
    assert markdown._needs_reparse(el)
    assert html_to_markdown(el, BASE).text == convert_reparsed(el, BASE)[0]


def test_fast_find_parent_agrees_with_bs4() -> None:
    soup = markdown._soup_from_text("<div><pre><code><b>x</b></code></pre><p><i>y</i></p></div>")
    bold, italic = soup.find("b"), soup.find("i")
    assert isinstance(bold, markdown._Tag) and isinstance(italic, markdown._Tag)
    for tag in (bold, italic):
        for name in ("pre", "code", "p", "div", "body", "html", "table"):
            assert tag.find_parent(name) is super(markdown._Tag, tag).find_parent(name)
    assert bold.find_parent("pre") is not None and italic.find_parent("pre") is None


_SPACES = st.sampled_from([" ", "\n", "\t", "\r\n", "\xa0", "\u2003", "\u3000", "\x0b", "\x0c", "\u200b", ""])
_WORDS = st.sampled_from(
    ["word", "*x*", "# h", "1. a", "1) b", "- c", "+ d", "> q", "a\\b", "`c`", "<t>", "&amp;", "[l]",
     "_u_", "~s~", "|p|", "===", "---", "日本", "é", "%s", "\\", "~~~", "```"]
)  # fmt: skip


@st.composite
def paragraph_texts(draw: st.DrawFn) -> str:
    return "".join(draw(st.lists(st.one_of(_SPACES, _WORDS), max_size=8)))


@st.composite
def paragraph_containers(draw: st.DrawFn) -> str:
    tag = draw(st.sampled_from(["div", "article", "section", "li"]))
    parts = [draw(st.sampled_from(["", " ", "\n", "\xa0"]))]
    for _ in range(draw(st.integers(0, 4))):
        attrs = draw(st.sampled_from(["", ' class="x"', " hidden", ' style="display: none"', ' style="color:red"']))
        parts.append(f"<p{attrs}>{html.escape(draw(paragraph_texts()))}</p>")
        parts.append(draw(st.sampled_from(["", "\n", " \n ", "\xa0", "x", "<!-- c -->", "<br>"])))
    return f"<{tag}>{''.join(parts)}</{tag}>"


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(paragraph_containers())
def test_plain_paragraphs_convert_as_the_full_path_does(container: str) -> None:
    doc = parse_html(f"<html><body><main>{container}</main></body></html>")
    assert doc is not None
    el = doc.find(".//main")[0]
    assert html_to_markdown(el, BASE).text == convert_direct(el, BASE)[0]


def test_plain_paragraphs_skip_the_bs4_tree(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(element: lxml.html.HtmlElement) -> None:
        raise AssertionError("built a bs4 tree")

    monkeypatch.setattr(markdown, "_soup_from_element", refuse)
    el = lxml.html.fragment_fromstring("<div>\n<p>Lovely  *post*.</p>\n<p>1. Thanks!</p>\n</div>")
    assert html_to_markdown(el, BASE).text == "Lovely \\*post\\*.\n\n1\\. Thanks!"


@st.composite
def paragraph_markup(draw: st.DrawFn) -> str:
    parts = [draw(st.sampled_from(["", " ", "\n", "\xa0", "<!DOCTYPE html>", "<title>t</title>", "x"]))]
    for _ in range(draw(st.integers(0, 4))):
        tag = draw(st.sampled_from(["p", "p", "p", "P", "div", "span"]))
        attrs = draw(st.sampled_from(["", ' class="x"', " hidden", ' style="display:none"']))
        parts.append(f"<{tag}{attrs}>{html.escape(draw(paragraph_texts()))}</{tag}>")
        parts.append(draw(st.sampled_from(["", "\n", " \n ", "\xa0", "x", "<!-- c -->", "<br>", "&nbsp;", "\r\n"])))
    return "".join(parts)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(paragraph_markup())
def test_plain_paragraph_markup_converts_as_the_full_path_does(markup: str) -> None:
    if not markup.strip():
        return
    converter = ThreadbookConverter(base_url=BASE)
    assert html_to_markdown(markup, BASE).text == converter.convert_clean_soup(markdown._soup_from_text(markup))


def test_plain_paragraph_markup_skips_bs4(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(source: str) -> None:
        raise AssertionError("built a bs4 tree")

    monkeypatch.setattr(markdown, "_soup_from_text", refuse)
    rendered = "<p>Thanks &amp; see you   at the *fair*.</p>\n<p>\u00a0</p>\n<p># not a heading</p>\n"
    assert html_to_markdown(rendered, BASE).text == "Thanks & see you at the \\*fair\\*.\n\n\\# not a heading"
