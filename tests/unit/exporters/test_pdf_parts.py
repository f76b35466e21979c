"""The PDF exporter's parts on their own: font fallback markup, Markdown handlers, dates, options, atomic output."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from reportlab.platypus import HRFlowable, Indenter, KeepTogether, ListFlowable, Paragraph, Table

from exporters.errors import InvalidExportOptions
from exporters.output import atomic_output
from exporters.pdf.dates import format_date, format_date_range, format_datetime
from exporters.pdf.fonts import fallback_family, family, markup_text
from exporters.pdf.markdown_flowables import FittedImage, MarkdownRenderer
from exporters.pdf.options import PdfOptions
from exporters.pdf.styles import make_stylesheet, roman
from storage.records import Asset

# -- markup_text --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain", "plain"),
        ("a & b", "a &amp; b"),
        ("<b>x</b>", "&lt;b&gt;x&lt;/b&gt;"),
        ('<font name="Courier">', '&lt;font name="Courier"&gt;'),
        ("&amp;", "&amp;amp;"),
        ("<para>", "&lt;para&gt;"),
        ("Ελληνικά Кириллица", "Ελληνικά Кириллица"),  # Noto Serif has these: no fallback
    ],
)
def test_markup_text_escapes_everything(text: str, expected: str) -> None:
    assert markup_text(text) == expected


def test_cjk_runs_get_the_cjk_font() -> None:
    assert markup_text("abc 中文 def") == 'abc <font name="TBCJK">中文 </font>def'


def test_emoji_fall_back_to_dejavu_sans_in_the_right_weight() -> None:
    dejavu = fallback_family()
    assert markup_text("hi 😀") == f'hi <font name="{dejavu.regular}">😀</font>'
    assert markup_text("hi 😀", bold=True, italic=True) == f'hi <font name="{dejavu.bold_italic}">😀</font>'


def test_sans_text_falls_back_to_dejavu_sans_too() -> None:
    assert markup_text("a → b", family_name="sans") == f'a <font name="{fallback_family().regular}">→ </font>b'
    assert markup_text("Ελληνικά", family_name="sans") == "Ελληνικά"


def test_control_characters_are_dropped() -> None:
    assert markup_text("a\x00b\x07c\x1bd") == "abcd"


def test_fallback_runs_are_escaped_too() -> None:
    assert markup_text("中<b>&") == '<font name="TBCJK">中</font>&lt;b&gt;&amp;'


# -- Markdown handlers ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def styles():  # type: ignore[no-untyped-def]
    return make_stylesheet(PdfOptions()).post


def _render(markdown: str, styles, images: tuple[Asset, ...] = ()) -> list[object]:  # type: ignore[no-untyped-def]
    return MarkdownRenderer(images=images, max_image_height=500).render(markdown, styles)


def _markup(flowable: object) -> str:
    assert isinstance(flowable, Paragraph)
    return str(flowable.text)


def test_paragraph_with_inline_styles(styles) -> None:  # type: ignore[no-untyped-def]
    [para] = _render("**b** *i* ~~s~~ `c  d`", styles)
    markup = _markup(para)
    assert "<b>b</b>" in markup
    assert "<i>i</i>" in markup
    assert "<strike>s</strike>" in markup
    assert f'<font name="{family("mono").regular}">c &nbsp;d</font>' in markup


def test_raw_html_is_text(styles) -> None:  # type: ignore[no-untyped-def]
    [para] = _render('<b onclick="x">hi</b> & <script>', styles)
    assert _markup(para) == '&lt;b onclick="x"&gt;hi&lt;/b&gt; &amp; &lt;script&gt;'


def test_links_show_their_address_in_small_type(styles) -> None:  # type: ignore[no-untyped-def]
    [para] = _render('[the docs](https://d.example/?a="1"&b=2)', styles)
    markup = _markup(para)
    assert '<a href="https://d.example/?a=%221%22&amp;b=2"' in markup
    assert "(https://d.example/?a=%221%22&amp;b=2)" in markup


def test_autolink_shows_its_address_once(styles) -> None:  # type: ignore[no-untyped-def]
    [para] = _render("<https://d.example/x>", styles)
    assert _markup(para).count("d.example/x") == 2  # in href and in the text, no extra note


@pytest.mark.parametrize("href", ["javascript:alert(1)", "file:///etc/passwd", "/relative", "#top"])
def test_non_web_links_are_not_links(styles, href: str) -> None:  # type: ignore[no-untyped-def]
    [para] = _render(f"[words]({href})", styles)
    assert "<a " not in _markup(para)
    assert "words" in _markup(para)


def test_one_handler_per_block_kind(styles) -> None:  # type: ignore[no-untyped-def]
    flowables = _render("# H\n\n- a\n  1. b\n\n> q\n\n```\ncode\n```\n\n---\n\n| x |\n|---|\n| y |\n", styles)
    kinds = [type(f).__name__ for f in flowables]
    assert kinds == [
        "Paragraph",
        "ListFlowable",
        "Indenter",
        "RuledParagraph",
        "Indenter",
        "Paragraph",
        "HRFlowable",
        "Table",
    ]
    assert isinstance(flowables[1], ListFlowable)
    assert isinstance(flowables[2], Indenter) and isinstance(flowables[4], Indenter)
    assert isinstance(flowables[6], HRFlowable)
    assert isinstance(flowables[7], Table)
    assert flowables[3].style is styles.quote  # type: ignore[attr-defined]
    assert flowables[5].style is styles.code  # type: ignore[attr-defined]


def test_code_keeps_indentation_and_lines(styles) -> None:  # type: ignore[no-untyped-def]
    [para] = _render("```\ndef f():\n    return 1 < 2\n```\n", styles)
    assert _markup(para) == "def f():<br/>&nbsp;&nbsp;&nbsp;&nbsp;return 1 &lt; 2"


def test_images_come_from_assets_only(styles) -> None:  # type: ignore[no-untyped-def]
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (200, 100), "red").save(buffer, format="PNG")
    assets = (Asset("https://p.example/a b.png", "x", "image/png", 1, buffer.getvalue()),)
    flowables = _render(
        "![one](<https://p.example/a b.png>)\n\n![two](https://p.example/missing.png)\n", styles, assets
    )
    assert isinstance(flowables[0], KeepTogether)  # the image with its caption
    image, caption = flowables[0]._content
    assert isinstance(image, FittedImage)
    assert image.wrap(100, 1000) == (100, 50)  # scaled to the width, aspect kept
    assert image.wrap(1000, 1000) == (150, 75)  # never above natural size (200 px at 96 dpi)
    assert _markup(caption) == "one"  # set in the italic caption style
    assert _markup(flowables[1]) == "Image not archived<br/>two"


def test_image_splits_its_paragraph_in_place(styles) -> None:  # type: ignore[no-untyped-def]
    flowables = _render("before ![gone](https://p.example/x.png) after", styles)
    assert [_markup(f) for f in flowables] == ["before", "Image not archived<br/>gone", "after"]


# -- dates, options, numbering, output ---------------------------------------------------------------


def test_dates_keep_the_records_own_zone() -> None:
    late = datetime(2021, 12, 31, 23, 30, tzinfo=timezone(timedelta(hours=-8)))
    assert format_date(late) == "31 December 2021"
    assert format_datetime(late) == "31 December 2021, 23:30"


def test_date_range() -> None:
    first = datetime(2019, 3, 12, tzinfo=UTC)
    last = datetime(2021, 6, 3)
    assert format_date_range([last, None, first]) == "12 March 2019 – 3 June 2021"
    assert format_date_range([first, first]) == "12 March 2019"
    assert format_date_range([None]) == ""


def test_roman() -> None:
    assert [roman(n) for n in (1, 4, 9, 14, 40, 1994)] == ["i", "iv", "ix", "xiv", "xl", "mcmxciv"]


def test_options_validate() -> None:
    assert PdfOptions(page_size="A5", base_font_size=9).page_size == "A5"
    with pytest.raises(InvalidExportOptions, match="A4, Letter, A5"):
        PdfOptions(page_size="a4")  # type: ignore[arg-type]
    with pytest.raises(InvalidExportOptions):
        PdfOptions(base_font_size=True)


def test_atomic_output_renames_at_the_end(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    with atomic_output(target) as tmp:
        tmp.write_text("new", encoding="utf-8")
        assert not target.exists()
        assert tmp.parent == tmp_path
    assert target.read_text(encoding="utf-8") == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_atomic_output_cleans_up_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    with pytest.raises(KeyError), atomic_output(target) as tmp:
        tmp.write_text("half", encoding="utf-8")
        raise KeyError("boom")
    assert list(tmp_path.iterdir()) == []
