"""Build real PDF anthologies and read them back: metadata, outline, contents, text, fonts, images, pixels."""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from anthology_fixtures import DEEP_THREAD_DEPTH, HOSTILE_TITLE, make_anthology, many_posts_anthology, mixed_script_post
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import Destination

from exporters.errors import ExportWriteFailed, FontMissing, InvalidExportOptions
from exporters.pdf import fonts, render
from exporters.pdf.options import PdfOptions
from exporters.pdf.render import render_pdf
from storage.records import THREADBOOK_VERSION, Anthology, Comment, Post


def _squash(text: str) -> str:
    return " ".join(text.split())


def _all_text(reader: PdfReader) -> str:
    return _squash(" ".join(page.extract_text() or "" for page in reader.pages))


FRONT_AND_BACK = ("Contents", "Introduction", "Colophon")


def _outline_tree(reader: PdfReader) -> list[tuple[Destination, list[Destination]]]:
    """Top-level outline entries of posts with their direct children (pypdf puts children in a list after the parent).

    The book's own entries (Contents, Introduction, Colophon) are left out.
    """
    tree: list[tuple[Destination, list[Destination]]] = []
    outline = list(reader.outline)
    while outline and not isinstance(outline[0], list) and outline[0].title in FRONT_AND_BACK[:2]:
        outline.pop(0)
    if outline and not isinstance(outline[-1], list) and outline[-1].title == "Colophon":
        outline.pop()
    for item in outline:
        if isinstance(item, list):
            assert tree, "an outline list came before any entry"
            assert all(isinstance(child, Destination) for child in item)
            tree[-1][1].extend(item)  # type: ignore[arg-type]
        else:
            tree.append((item, []))
    return tree


def _pdffonts(path: Path) -> list[dict[str, str]]:
    if shutil.which("pdffonts") is None:
        pytest.skip("pdffonts (poppler-utils) is not installed")
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()
    rows = []
    for line in lines[2:]:
        # name type encoding emb sub uni object ID; the type may contain a space ("Type 1", "CID TrueType")
        match = re.match(r"^(\S+)\s+(.+?)\s+(\S+)\s+(yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+$", line)
        assert match, line
        rows.append({"name": match[1], "type": match[2], "emb": match[4]})
    return rows


def _colophon_page(reader: PdfReader) -> int:
    last = reader.outline[-1]
    assert not isinstance(last, list) and last.title == "Colophon"
    return reader.get_destination_page_number(last)


def _post_page_ranges(reader: PdfReader, anthology: Anthology) -> list[range]:
    starts = [reader.get_destination_page_number(entry) for entry, _ in _outline_tree(reader)]
    ends = starts[1:] + [_colophon_page(reader)]
    assert len(starts) == len(anthology.posts)
    return [range(start, end) for start, end in zip(starts, ends, strict=True)]


# -- document structure --------------------------------------------------------------------------


def test_metadata_names_title_editor_subtitle_and_creator(anthology_pdf: Path) -> None:
    anthology = make_anthology()
    meta = PdfReader(anthology_pdf).metadata
    assert meta is not None
    assert meta.title == anthology.title
    assert meta.author == anthology.editor
    assert meta.subject == anthology.subtitle
    assert meta.creator == f"Threadbook {THREADBOOK_VERSION}"


def test_outline_has_one_entry_per_post_in_order_with_nested_comments(anthology_pdf: Path) -> None:
    anthology = make_anthology()
    tree = _outline_tree(PdfReader(anthology_pdf))
    assert [entry.title for entry, _ in tree] == [post.title for post in anthology.posts]
    for (_, children), post in zip(tree, anthology.posts, strict=True):
        expected = [f"Comments ({len(post.comments)})"] if post.comments else []
        assert [child.title for child in children] == expected


def test_outline_destinations_use_xyz_and_point_at_the_post_pages(anthology_pdf: Path) -> None:
    reader = PdfReader(anthology_pdf)
    anthology = make_anthology()
    for (entry, children), post in zip(_outline_tree(reader), anthology.posts, strict=True):
        assert entry["/Type"] == "/XYZ"
        page_text = _squash(reader.pages[reader.get_destination_page_number(entry)].extract_text())
        assert _squash(post.title) in page_text
        for child in children:
            comments_page = _squash(reader.pages[reader.get_destination_page_number(child)].extract_text())
            assert child.title in comments_page


def test_every_post_starts_on_a_new_page(anthology_pdf: Path) -> None:
    reader = PdfReader(anthology_pdf)
    starts = [reader.get_destination_page_number(entry) for entry, _ in _outline_tree(reader)]
    assert starts == sorted(set(starts))


def test_contents_lists_titles_with_the_printed_page_numbers_of_the_outline(anthology_pdf: Path) -> None:
    reader = PdfReader(anthology_pdf)
    anthology = make_anthology()
    contents_page = next(i for i, page in enumerate(reader.pages) if "Contents" in (page.extract_text() or ""))
    raw = reader.pages[contents_page].extract_text()
    text = _squash(raw)
    for post in anthology.posts:
        assert _squash(post.title)[:24] in text
    printed = [int(number) for number in re.findall(r"\.\s*(\d+)\s*$", raw, flags=re.MULTILINE)]
    assert len(printed) == len(anthology.posts)
    labels = reader.page_labels
    expected = [int(labels[reader.get_destination_page_number(entry)]) for entry, _ in _outline_tree(reader)]
    assert printed == expected
    assert expected[0] == 1  # the first post is page 1: front matter is numbered in roman


def test_page_labels_number_front_matter_in_roman_and_posts_from_one(anthology_pdf: Path) -> None:
    reader = PdfReader(anthology_pdf)
    labels = reader.page_labels
    first_post = reader.get_destination_page_number(_outline_tree(reader)[0][0])
    assert labels[:first_post] == ["i", "ii", "iii", "iv"]  # cover, title page, contents, introduction
    assert labels[first_post:] == [str(n) for n in range(1, len(labels) - first_post + 1)]
    # the printed footer agrees with the label, on body pages and on the colophon
    for page in (first_post + 1, first_post + 2, _colophon_page(reader)):
        assert reader.pages[page].extract_text().strip().endswith(labels[page])
    assert reader.pages[2].extract_text().strip().startswith("iii")  # front matter numbered in roman


def test_a_long_contents_keeps_its_numbers_right(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="exporters.pdf.render")
    reader = PdfReader(render_pdf(many_posts_anthology(70, 0, paragraphs=1), out_path=tmp_path / "book.pdf"))
    labels = reader.page_labels
    assert labels[:5] == ["i", "ii", "iii", "iv", "1"]  # the contents fill two pages
    raw = reader.pages[2].extract_text() + reader.pages[3].extract_text()
    printed = [int(number) for number in re.findall(r"\.\s*(\d+)\s*$", raw, flags=re.MULTILINE)]
    expected = [int(labels[reader.get_destination_page_number(entry)]) for entry, _ in _outline_tree(reader)]
    assert printed == expected and len(printed) == 70
    assert any("1 chunks" in record.getMessage() for record in caplog.records)


# -- text ---------------------------------------------------------------------------------------


def test_text_has_every_title_comment_author_and_comment_phrase(anthology_pdf: Path) -> None:
    text = _all_text(PdfReader(anthology_pdf))
    anthology = make_anthology()
    for post in anthology.posts:
        assert _squash(post.title) in text
        for comment in post.comments:
            assert _squash(comment.author) in text
            phrase = _squash(comment.body_md)[:18]
            assert phrase in text, (comment.source_id, phrase)


def test_greek_cyrillic_and_cjk_text_is_extractable(anthology_pdf: Path) -> None:
    text = _all_text(PdfReader(anthology_pdf))
    for phrase in (
        "Η γλώσσα μου έδωσαν ελληνική",
        "Съешь же ещё этих мягких французских булок",
        "我们的档案馆保存了每一条评论",
        "これは日本語の文です",
        "谢谢你的文章",
        "Дмитрий",
        "Αλέξης",
        "Zoë Ångström",
        "smile 😀 heart ❤ check ✓",  # 😀 needs the ToUnicode fix in fonts.py
    ):
        assert phrase in text


def test_hostile_markup_is_printed_literally(anthology_pdf: Path) -> None:
    text = _all_text(PdfReader(anthology_pdf))
    assert _squash(HOSTILE_TITLE) in text
    assert "<b>Mallory</b> & <i>co</i>" in text
    assert '<a href="x">Eve</a>' in text
    assert '<b>not bold</b> & <font size="40">not big</font>' in text
    assert "</para><para>Escaped closer" in text
    assert "<script>alert('x')</script>" in text
    assert "Trudy & <Co>" in text
    assert not any("Courier" in row["name"] for row in _pdffonts(anthology_pdf))


def test_links_are_only_web_links_and_their_addresses_are_printed(anthology_pdf: Path) -> None:
    reader = PdfReader(anthology_pdf)
    uris = []
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None and "/URI" in action:
                uris.append(str(action["/URI"]))
    assert "https://docs.example/guide" in uris
    assert all(uri.startswith(("http://", "https://", "mailto:")) for uri in uris)
    assert not any("javascript" in uri.lower() for uri in uris)
    text = _all_text(reader)
    assert "link to the docs 1" in text  # the footnote mark follows the link text (after a hair space)
    features_pages = _post_page_ranges(reader, make_anthology())[4]
    notes = [reader.pages[n].extract_text() for n in features_pages]
    assert any(re.search(r"^1\.\s+https://docs\.example/guide$", page, flags=re.MULTILINE) for page in notes)


def test_deep_thread_is_complete_with_kind_labels_and_reply_context(anthology_pdf: Path) -> None:
    text = _all_text(PdfReader(anthology_pdf))
    for depth in range(DEEP_THREAD_DEPTH):
        assert f"Level {depth} reply" in text
    assert f"Debater {DEEP_THREAD_DEPTH - 1} · replying to Debater {DEEP_THREAD_DEPTH - 2}" in text
    assert "Another Blog · Pingback" in text
    assert "Old Blog · Trackback" in text
    assert "Vanishing Person · removed from the site" in text
    assert "The site counted 20 comments; 17 could be archived." in text


def test_comments_come_in_record_order(anthology_pdf: Path) -> None:
    text = _all_text(PdfReader(anthology_pdf))
    positions = [text.index(f"Level {depth} reply") for depth in range(DEEP_THREAD_DEPTH)]
    positions.append(text.index("[…] a thoughtful piece"))
    assert positions == sorted(positions)


def test_markdown_features_reach_the_page(anthology_pdf: Path) -> None:
    text = _all_text(PdfReader(anthology_pdf))
    for phrase in (
        "A heading in the body",
        "1. First ordered",
        "nested bullet",
        "A quoted thought, over two lines.",
        "def long_function_name(argument_one",
        "indented code block",
        "soft and very juicy indeed",
        "then a hard break.",
    ):
        assert phrase in text


# -- images ------------------------------------------------------------------------------------


def test_archived_images_are_embedded_and_missing_ones_are_noted(anthology_pdf: Path) -> None:
    reader = PdfReader(anthology_pdf)
    anthology = make_anthology()
    image_post = 2
    pages = _post_page_ranges(reader, anthology)[image_post]
    images = [image for number in pages for image in reader.pages[number].images]
    assert len(images) == 3  # red, wide (linked) and tall; nothing from the missing, broken or local ones
    sizes = sorted(image.image.size for image in images)
    assert sizes == sorted([(400, 200), (3000, 500), (300, 2400)])
    text = _squash(" ".join(reader.pages[number].extract_text() for number in pages))
    assert "Image not archived Lost sunset" in text
    assert "Image could not be read Broken file" in text
    assert "A red field" in text  # alt text as the caption
    # other posts have no images
    assert sum(len(page.images) for page in reader.pages) == 3


def test_images_fit_inside_the_page(anthology_pdf: Path) -> None:
    reader = PdfReader(anthology_pdf)
    drawn = 0
    for page in reader.pages:
        width = float(page.mediabox.width)
        content = page.get_contents()
        if content is None:
            continue
        data = content.get_data().decode("latin-1")
        # reportlab draws each image as "q w 0 0 h x y cm /FormX Do Q"
        for draw_width, draw_height in re.findall(
            r"q\s+([\d.]+)\s+0\s+0\s+([\d.]+)\s+[\d.]+\s+[\d.]+\s+cm\s+/FormX", data
        ):
            drawn += 1
            assert float(draw_width) <= width - 2 * 60
            assert float(draw_height) <= float(page.mediabox.height) * 0.8
    assert drawn == 3


# -- fonts and pixels ------------------------------------------------------------------------------


def test_every_font_is_embedded_and_cjk_has_its_own_font(anthology_pdf: Path) -> None:
    rows = _pdffonts(anthology_pdf)
    assert rows
    assert all(row["emb"] == "yes" for row in rows), rows
    names = {row["name"].split("+", 1)[-1] for row in rows}
    assert not any(name.startswith("Helvetica") for name in names)
    assert {"NotoSerif-Regular", "NotoSerif-Italic", "NotoSans-Bold", "DejaVuSansMono", "DejaVuSans"} <= names
    assert any(name.startswith("WenQuanYi") for name in names)


def test_no_page_is_blank(page_images: list[Path], anthology_pdf: Path) -> None:
    assert len(page_images) == len(PdfReader(anthology_pdf).pages)
    for png in page_images:
        with Image.open(png) as image:
            darkest = image.convert("L").getextrema()[0]
        assert darkest < 100, f"{png.name} looks blank"


def test_cjk_glyphs_are_drawn_with_ink(tmp_path: Path) -> None:
    """A page of only CJK text is not blank and its text comes from the CJK font (not .notdef boxes)."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    post = mixed_script_post()
    anthology = Anthology(title="中文", posts=(post,))
    pdf = render_pdf(anthology, out_path=tmp_path / "cjk.pdf")
    reader = PdfReader(pdf)
    first_post = reader.get_destination_page_number(_outline_tree(reader)[0][0])
    fonts_used = str(reader.pages[first_post]["/Resources"]["/Font"])
    assert "WenQuanYi" in fonts_used or any(
        "WenQuanYi" in str(font.get_object()["/BaseFont"])
        for font in reader.pages[first_post]["/Resources"]["/Font"].values()
    )
    assert "我们的档案馆" in reader.pages[first_post].extract_text()


# -- options and failures ----------------------------------------------------------------------------


@pytest.mark.parametrize(("size", "expected"), [("A4", (595, 842)), ("Letter", (612, 792)), ("A5", (420, 595))])
def test_page_size_option(tmp_path: Path, size: Any, expected: tuple[int, int]) -> None:
    reader = PdfReader(render_pdf(make_anthology(), out_path=tmp_path / "s.pdf", options=PdfOptions(page_size=size)))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == expected
    assert [entry.title for entry, _ in _outline_tree(reader)] == [post.title for post in make_anthology().posts]


def test_comments_can_be_left_out(tmp_path: Path) -> None:
    reader = PdfReader(
        render_pdf(make_anthology(), out_path=tmp_path / "n.pdf", options=PdfOptions(include_comments=False))
    )
    assert all(children == [] for _, children in _outline_tree(reader))
    text = _all_text(reader)
    assert "Level 3 reply" not in text
    assert "Comments (" not in text
    assert "Everyone had an opinion." in text


@pytest.mark.parametrize("bad", [{"page_size": "B5"}, {"base_font_size": 2}, {"base_font_size": "big"}])
def test_invalid_options_are_refused_with_a_message(bad: dict[str, Any]) -> None:
    with pytest.raises(InvalidExportOptions) as info:
        PdfOptions(**bad)
    assert "Choose" in str(info.value)


def test_failed_render_leaves_no_file_and_keeps_the_old_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "book.pdf"
    target.write_bytes(b"previous export")

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("layout exploded")

    monkeypatch.setattr(render, "render_back", explode)
    with pytest.raises(RuntimeError, match="layout exploded"):
        render_pdf(make_anthology(), out_path=target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.pdf"]
    assert target.read_bytes() == b"previous export"


def test_unwritable_target_raises_a_user_error_and_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "no such folder" / "book.pdf"
    with pytest.raises(ExportWriteFailed) as info:
        render_pdf(make_anthology(), out_path=target)
    assert str(target) in str(info.value)
    assert list(tmp_path.iterdir()) == []


@pytest.fixture
def no_cjk_font(monkeypatch: pytest.MonkeyPatch) -> Any:
    fonts.cjk_family.cache_clear()
    monkeypatch.setattr(fonts, "locate_cjk_font", lambda: None)
    yield
    fonts.cjk_family.cache_clear()


def test_cjk_text_without_a_cjk_font_names_the_package(tmp_path: Path, no_cjk_font: None) -> None:
    with pytest.raises(FontMissing) as info:
        render_pdf(Anthology(title="T", posts=(mixed_script_post(),)), out_path=tmp_path / "x.pdf")
    assert "sudo apt-get install fonts-wqy-microhei" in str(info.value)
    assert list(tmp_path.iterdir()) == []


def test_latin_text_needs_no_cjk_font(tmp_path: Path, no_cjk_font: None) -> None:
    out = render_pdf(many_posts_anthology(2, 2), out_path=tmp_path / "x.pdf")
    assert PdfReader(out).metadata.title == "A big book"  # type: ignore[union-attr]


def test_empty_anthology_still_makes_a_book(tmp_path: Path) -> None:
    reader = PdfReader(render_pdf(Anthology(title=""), out_path=tmp_path / "e.pdf"))
    text = _all_text(reader)
    assert "Untitled anthology" in text
    assert "This anthology has no posts." in text
    assert [entry.title for entry in reader.outline] == ["Contents", "Colophon"]


@pytest.mark.slow
def test_twenty_posts_of_thirty_comments_render_in_reasonable_time(tmp_path: Path) -> None:
    import time

    started = time.perf_counter()
    reader = PdfReader(render_pdf(many_posts_anthology(20, 30), out_path=tmp_path / "big.pdf"))
    elapsed = time.perf_counter() - started
    assert len(_outline_tree(reader)) == 20
    assert elapsed < 30, elapsed


def test_oversized_content_splits_across_pages_instead_of_failing(tmp_path: Path) -> None:
    long = "word " * 1200
    markdown = (
        f"| a | b |\n|---|---|\n| {long} | cell |\n\n- {long}\n  - {long}\n\n> {long}\n\n"
        "```\n" + "line\n" * 150 + "```\n\n**" + "x" * 3000 + "**\n"
    )
    thread = tuple(
        Comment(str(i), str(i - 1) if i else None, 0, i, "Author", None, None, "comment", markdown) for i in range(2)
    )
    post = Post(url="https://x.example/", title="Giant", author=None, published_at=None, updated_at=None,
                body_md=markdown, comments=thread)  # fmt: skip
    reader = PdfReader(render_pdf(Anthology(title="Giant", posts=(post,)), out_path=tmp_path / "g.pdf"))
    assert len(reader.pages) > 10
    assert "cell" in _all_text(reader)


def test_images_in_headings_and_table_cells_are_not_lost(tmp_path: Path) -> None:
    markdown = (
        "# Title ![heading pic](https://p.example/h.png)\n\n| a |\n|---|\n| ![cell pic](https://p.example/c.png) |\n"
    )
    post = Post(url="https://x.example/", title="T", author=None, published_at=None, updated_at=None, body_md=markdown)
    text = _all_text(PdfReader(render_pdf(Anthology(title="I", posts=(post,)), out_path=tmp_path / "i.pdf")))
    assert "Image not archived heading pic" in text
    assert "[image: cell pic]" in text
