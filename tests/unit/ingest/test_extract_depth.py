"""Over-deep pages: the depth check covers the whole document, so a deep tree after a stray </html> is capped too."""

from __future__ import annotations

import lxml.html

from ingest.extract import _deeper_than, extract_post_page


def deep_after_stray_end(levels: int) -> str:
    return (
        "<html><head><title>T</title></head><body><p>first</p></body></html>\n"
        "<html><body><article class='post'><h1 class='entry-title'>Deep</h1><div class='entry-content'><p>a"
        + "<div><span>" * levels
        + "x"
        + "</span></div>" * levels
        + "</p></div></article></body></html>"
    )


def test_a_deep_tree_after_a_stray_end_tag_does_not_overflow_the_converter() -> None:
    page = extract_post_page(deep_after_stray_end(400), "https://x.example/deep/")  # RecursionError before
    assert page.is_post and page.post is not None and page.post.title == "Deep"


def test_the_depth_check_counts_levels_exactly() -> None:
    for divs, deeper in ((252, False), (253, False), (254, True)):  # with html and body: 254, 255, 256 levels
        doc = lxml.html.document_fromstring(
            "<html><body>" + "<div>" * divs + "x", parser=lxml.html.HTMLParser(huge_tree=True)
        )
        assert _deeper_than(doc, 255) is deeper
        assert _deeper_than(doc, 300) is False
