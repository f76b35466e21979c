"""ingest.xpath's speed-ups select exactly what the plain expressions select: the class-attribute rewrite of
`//*[<class tests>]...`, and compiled expressions cached per thread."""

from __future__ import annotations

import dataclasses
import os
import threading
from pathlib import Path

import lxml.etree
import lxml.html
import pytest

from ingest.extract import parse_html
from ingest.platforms import PLATFORMS
from ingest.platforms.base import cls
from ingest.xpath import NS, class_tokens, compiled, could_match, faster_xpath, matches, select

REPO = Path(__file__).resolve().parents[3]
FIXTURES = REPO / "tests" / "fixtures"
PAGES = sorted([*(FIXTURES / "platforms").rglob("*.html"), *(FIXTURES / "pages").glob("*.html")])
if os.environ.get("THREADBOOK_XPATH_ALL_PAGES"):  # every fixture page: ~10 s; by default a sample of them
    PAGES += sorted([*(FIXTURES / "wordpress_real").rglob("*.html"), *(REPO / "resources/sample_blog").rglob("*.html")])
else:
    PAGES = PAGES[::3]


def page_level_selectors() -> list[str]:
    found: dict[str, None] = {}
    for platform in PLATFORMS:
        for field in dataclasses.fields(platform.SELECTORS):
            value = getattr(platform.SELECTORS, field.name)
            for xpath in value if isinstance(value, tuple) else (value,):
                if isinstance(xpath, str) and xpath.startswith("//"):
                    found[xpath] = None
    return list(found)


SELECTORS = page_level_selectors()


def test_the_rewrite_applies_to_many_platform_selectors() -> None:
    rewritten = [xpath for xpath in SELECTORS if faster_xpath(xpath) != xpath]
    assert len(rewritten) > 100
    assert sum(faster_xpath(xpath).startswith("//@class[") for xpath in rewritten) > 100
    assert any(faster_xpath(xpath).startswith("//@id[") for xpath in rewritten)
    assert any("(@id and re:test(@id, " in faster_xpath(xpath) for xpath in rewritten)


@pytest.mark.parametrize("page", PAGES, ids=lambda path: str(path.relative_to(REPO)))
def test_rewritten_selectors_select_the_same_nodes(page: Path) -> None:
    doc = parse_html(page.read_bytes())
    assert doc is not None
    for xpath in SELECTORS:
        plain = doc.xpath(xpath, namespaces=NS)
        fast = select(doc, xpath)
        assert fast == plain, xpath


@pytest.mark.parametrize(
    ("xpath", "expected"),
    [
        ("//*[" + cls("a") + " or " + cls("b") + "]//a/@href", "//@class["),
        ("//*[" + cls("a") + " and (" + cls("b") + " or " + cls("c") + ")]", "//@class["),
        ("//*[" + cls("a") + "][1]", "//*["),  # positional: `..[1]` would mean something else
        ("//*[@id='x' or " + cls("a") + "]", "//*["),  # true without a class attribute
        ("//*[not(" + cls("a") + ")]", "//*["),
        ("//h1[" + cls("a") + "]", "//h1["),
        (".//*[" + cls("a") + "]", ".//*["),  # `.//@class` would include the context element itself
        ("//*[@id='a' or @id='b']//a", "//@id[.='a' or .='b']/..//a"),
        ("//*[@id='a' or " + cls("b") + "]", "//*["),  # tests of two attributes: left alone
        ("//li[re:test(@id, '^c-\\d+$')]", "//li[(@id and re:test(@id, '^c-\\d+$'))]"),
        ("//li[re:test(@id, '^(c-\\d+)?$')]", "//li[re:test(@id, '^(c-\\d+)?$')]"),  # matches "": no guard
    ],
)
def test_the_rewrite_only_touches_what_it_can_keep_exact(xpath: str, expected: str) -> None:
    assert faster_xpath(xpath).startswith(expected)


def test_edge_markup_selects_the_same() -> None:
    doc = lxml.html.document_fromstring(
        "<html class='a'><body><div class=' a\tb\n'><p class='ab'>x</p><p class='b a'><a href='/1'>1</a></p>"
        "<p class='' id=''>y</p><p id='x'>z</p><span class='A'>w</span><i class='a-b'>v</i></div></body></html>"
    )
    for xpath in [
        "//*[" + cls("a") + "]",
        "//*[" + cls("a") + " and " + cls("b") + "]//a/@href",
        "//*[" + cls("a") + " or " + cls("ab") + "]/text()",
        "//*[" + cls("b") + "] | //i",
        "//*[@id='x' or @id='']",
        "//p[re:test(@class, '^a')] | //*[re:test(@class, '^$')]",
    ]:
        assert select(doc, xpath) == doc.xpath(xpath, namespaces=NS), xpath


def test_compiled_expressions_are_cached_per_thread() -> None:
    first = compiled("//p")
    assert compiled("//p") is first
    other: list[lxml.etree.XPath] = []
    thread = threading.Thread(target=lambda: other.append(compiled("//p")))
    thread.start()
    thread.join()
    assert other and other[0] is not first


def test_matches_is_the_truth_of_the_expression() -> None:
    doc = lxml.html.document_fromstring("<html><body><p>x</p></body></html>")
    assert matches(doc, "//p") and not matches(doc, "//table")
    assert not matches(doc, "boolean(//table)") and matches(doc, "count(//p) = 1")


@pytest.mark.parametrize("page", PAGES, ids=lambda path: str(path.relative_to(REPO)))
def test_a_selector_ruled_out_by_the_page_classes_finds_nothing(page: Path) -> None:
    doc = parse_html(page.read_bytes())
    assert doc is not None
    classes = class_tokens(doc)
    ruled_out = [xpath for xpath in SELECTORS if not could_match(xpath, classes)]
    assert ruled_out  # every page lacks some platform's classes
    for xpath in ruled_out:
        assert doc.xpath(xpath, namespaces=NS) == [], xpath


@pytest.mark.parametrize(
    ("xpath", "possible"),
    [
        ("//*[" + cls("a") + "]", True),
        ("//*[" + cls("b") + "]//a/@href", False),
        (".//span[" + cls("a") + " and " + cls("b") + "]", False),
        ("//*[" + cls("b") + " or " + cls("a") + "]", True),
        ("//*[" + cls("b") + " or " + cls("c") + "]", False),
        ("//*[" + cls("b") + "] | //p", True),  # a union: the other branch may match
        ("//*[@id='x' or " + cls("b") + "]", True),
        ("//*[not(" + cls("b") + ")]", True),
        ("//*[" + cls("b") + " and (" + cls("c") + " or " + cls("a") + ")]", True),  # mixed: not analysed
        ("./cite", True),
        ("//p//*[" + cls("b") + "]", True),  # only the first step is analysed
    ],
)
def test_could_match_rules_out_only_what_needs_an_absent_class(xpath: str, possible: bool) -> None:
    assert could_match(xpath, frozenset({"a", "x"})) is possible


def test_class_tokens_split_as_normalize_space_does() -> None:
    doc = lxml.html.document_fromstring(
        "<html class='h'><body><p class=' a\tb\nc\r d  '>x</p><i class='e\xa0f'/></body></html>"
    )
    assert class_tokens(doc) - {""} == {"h", "a", "b", "c", "d", "e\xa0f"}
