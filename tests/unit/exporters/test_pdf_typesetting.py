"""Parts of the book's typesetting on their own: RTL shaping and order, footnotes that follow their marks, chunking,
keywords, hyphenation languages, table widths, missing glyphs."""

from __future__ import annotations

from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

import pytest
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, Table

from exporters.pdf import fonts
from exporters.pdf.bidi import RtlParagraph, _reverse_line, base_direction, shape_arabic, visual_words
from exporters.pdf.footnotes import Note, Noted, ReclaimSpace, _marks
from exporters.pdf.markdown_flowables import MarkdownRenderer, NoteBook
from exporters.pdf.options import PdfOptions
from exporters.pdf.render import _chunks, _keywords, render_book
from exporters.pdf.styles import hyphenation_language, make_stylesheet
from storage.records import Anthology, AnthologyItem, Post


def _post(body: str = "text", **kw: object) -> Post:
    return Post(
        url="https://x.example/", title="T", author=None, published_at=None, updated_at=None, body_md=body, **kw
    )  # type: ignore[arg-type]


# -- right to left ------------------------------------------------------------------------------------


def test_arabic_letters_take_their_joined_forms() -> None:
    # beh-alef-beh: initial beh, final alef (alef never joins forward), isolated beh
    assert shape_arabic("باب") == "\ufe91\ufe8e\ufe8f"
    # seen-lam-alef-meem: initial seen, lam-alef ligature (final form), isolated meem
    assert shape_arabic("سلام") == "\ufeb3\ufefc\ufee1"
    assert shape_arabic("abc") == "abc"


def test_rtl_words_are_reversed_in_ltr_text_and_punctuation_stays() -> None:
    assert visual_words("the word שלום: peace", rtl_base=False) == "the word םולש: peace"
    # a run of two RTL words: each word reversed, and their order too
    assert visual_words("say שלום עולם now", rtl_base=False) == "say םלוע םולש now"
    assert visual_words("number 123 in עברית 45", rtl_base=False).startswith("number 123 in ")


def test_rtl_paragraph_keeps_logical_word_order_and_draws_lines_reversed() -> None:
    assert base_direction("שלום world") == "rtl" and base_direction("hi שלום") == "ltr"
    assert visual_words("שלום עולם", rtl_base=True) == "םולש םלוע"
    style = ParagraphStyle("rtl", fontName=fonts.family("sans").regular, fontSize=10, leading=12)
    paragraph = RtlParagraph(fonts.markup_text("אחת שתיים שלוש", family_name="sans", rtl_base=True), style)
    paragraph.wrap(400, 100)
    assert paragraph.blPara.lines[0][1] == ["תחא", "םייתש", "שולש"]  # broken into lines in logical order
    assert _reverse_line(paragraph.blPara.lines[0], 0)[1] == ["שולש", "םייתש", "תחא"]  # drawn right to left
    paragraph.drawOn(Canvas(BytesIO()), 0, 0)
    assert paragraph.blPara.lines[0][1] == ["תחא", "םייתש", "שולש"]  # drawing leaves the lines as they were


def test_rtl_paragraph_in_markdown_is_right_aligned() -> None:
    styles = make_stylesheet(PdfOptions()).post
    [paragraph] = MarkdownRenderer(max_image_height=500).render("مرحبا بكم", styles)
    assert isinstance(paragraph, RtlParagraph)
    assert paragraph.style.alignment == 2  # TA_RIGHT


# -- footnotes --------------------------------------------------------------------------------------------


def test_links_become_numbered_notes_attached_to_their_paragraph() -> None:
    styles = make_stylesheet(PdfOptions())
    notebook = NoteBook()
    renderer = MarkdownRenderer(max_image_height=500, links="footnotes", notebook=notebook, note_style=styles.footnote)
    flowables = renderer.render("See [a](https://a.example/) and [b](https://b.example/).\n\nPlain.", styles.post)
    assert [type(f).__name__ for f in flowables] == ["Noted", "ReclaimSpace", "Paragraph"]
    noted = flowables[0]
    assert isinstance(noted, Noted) and isinstance(flowables[1], ReclaimSpace)
    assert [n.number for n in noted.notes] == [1, 2]
    assert "https://b.example/" in noted.notes[1].markup
    assert _marks(noted.inner) == {1, 2}


def test_a_split_paragraph_keeps_each_note_with_its_mark() -> None:
    styles = make_stylesheet(PdfOptions())
    words = "word " * 120
    first = '<a href="https://a.example/">first</a><super>\u200a1</super>'
    second = '<a href="https://b.example/">second</a><super>\u200a2</super>'
    text = f"{words}{first} {words}{second} {words}"
    notes = (Note(1, "https://a.example/"), Note(2, "https://b.example/"))
    noted = Noted(Paragraph(text, styles.post.body), notes, style=styles.footnote)
    width, height = noted.wrap(300, 10_000)
    pieces = noted.split(300, height / 2)
    assert len(pieces) == 2
    top, bottom = pieces
    assert isinstance(top, Noted) and [n.number for n in top.notes] == [1]
    assert isinstance(bottom, Noted) and [n.number for n in bottom.notes] == [2]


def test_notes_restart_with_each_post_and_count_comment_links(tmp_path: Path) -> None:
    from pypdf import PdfReader

    post = _post("[x](https://x.example/1)")
    posts = (post, _post("[y](https://y.example/2)"))
    reader = PdfReader(render_book(Anthology(title="N", posts=posts), out_path=tmp_path / "n.pdf").path)
    texts = [page.extract_text() for page in reader.pages]
    assert any("1. https://x.example/1" in t for t in texts)
    assert any("1. https://y.example/2" in t for t in texts)


# -- chunks, keywords, options ---------------------------------------------------------------------------------


def test_chunks_cover_every_item_once_in_order() -> None:
    items = tuple(AnthologyItem(post=_post("word " * 7000)) for _ in range(13))
    chunks = list(_chunks(items))
    assert [first for first, _ in chunks] == [0, 6, 12]
    assert sum(len(chunk) for _, chunk in chunks) == 13
    assert list(_chunks(())) == [(0, ())]


def test_keywords_are_the_most_common_terms() -> None:
    items = (
        AnthologyItem(post=_post(categories=("history",), tags=("maps", "rivers"))),
        AnthologyItem(post=_post(categories=("history",), tags=("maps",))),
    )
    assert _keywords(items, limit=2) == ("history", "maps")


@pytest.mark.parametrize(
    ("language", "expected"), [("en", "en"), ("de-CH", "de_CH"), ("pt-BR", "pt_BR"), ("xx", None), (None, None)]
)
def test_hyphenation_language(language: str | None, expected: str | None) -> None:
    found = hyphenation_language(language)
    assert (found is None) == (expected is None)
    if expected:
        assert found is not None and found.split("_")[0] == expected.split("_")[0]


def test_table_columns_share_the_width_by_content() -> None:
    styles = make_stylesheet(PdfOptions()).post
    [table] = MarkdownRenderer(max_image_height=500).render(
        "| n | description |\n|---|---|\n| 1 | a long sentence that needs most of the room |\n", styles
    )
    assert isinstance(table, Table)
    narrow, wide = (float(w.rstrip("%")) for w in table._argW)  # noqa: SLF001 (reportlab keeps them here)
    assert narrow < 15 < wide


def test_characters_no_font_has_are_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts, "system_family_for", lambda code: None)
    report = render_book(
        Anthology(title="Boxes", posts=(_post("Thai ภาษา here"),), created_at=datetime(2024, 1, 1, tzinfo=UTC)),
        out_path=tmp_path / "b.pdf",
    )
    [warning] = report.warnings
    assert "print as empty boxes: ภ ษ า" in warning and "fonts-noto-core" in warning


def test_thread_depth_follows_the_selection() -> None:
    from exporters.pdf.thread import selected_depths
    from storage.records import Comment

    def c(source_id: str, parent: str | None, depth: int) -> Comment:
        return Comment(source_id, parent, 0, depth, "A", None, None, "comment", "text")

    # the editor kept a reply (depth 2 on the site) without its parent, and a reply to that reply
    chosen = (c("a", None, 0), c("b", "a", 1), c("d", "c", 2), c("e", "d", 3))
    assert selected_depths(chosen) == [0, 1, 0, 1]
