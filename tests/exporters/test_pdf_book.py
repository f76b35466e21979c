"""The reference book read back: parts in the outline, contents that point at the right pages, footnotes on the page
of their mark, running heads, colophon, metadata, options (right-hand chapters, sizes, link styles), glyph coverage."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from anthology_fixtures import long_post, make_book_anthology, mixed_script_post, png_bytes, rtl_post
from pypdf import PdfReader
from pypdf.generic import Destination
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont, TTFontFile

from exporters.errors import InvalidExportOptions
from exporters.pdf.fonts import cjk_family, missing_glyphs, register_fonts
from exporters.pdf.options import PdfOptions
from exporters.pdf.render import render_book, render_pdf
from storage.records import THREADBOOK_VERSION, Anthology, anthology_items

BOOK_OPTIONS = PdfOptions(cover_image=png_bytes(900, 500, (70, 110, 160)))


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render_pdf(
        make_book_anthology(), out_path=tmp_path_factory.mktemp("book") / "book.pdf", options=BOOK_OPTIONS
    )


@pytest.fixture(scope="module")
def reader(book: Path) -> PdfReader:
    return PdfReader(book)


def _squash(text: str) -> str:
    return " ".join(text.split())


def _tree(outline: list[Any]) -> list[Any]:
    """The outline as nested (title, [children]) tuples."""
    out: list[Any] = []
    for item in outline:
        if isinstance(item, list):
            out[-1] = (out[-1][0], _tree(item))
        else:
            out.append((item.title, []))
    return out


def _page_of(reader: PdfReader, title: str) -> int:
    def walk(items: list[Any]) -> int | None:
        for item in items:
            if isinstance(item, list):
                found = walk(item)
                if found is not None:
                    return found
            elif isinstance(item, Destination) and item.title == title:
                return reader.get_destination_page_number(item)
        return None

    page = walk(reader.outline)
    assert page is not None, title
    return page


def test_metadata(reader: PdfReader) -> None:
    meta = reader.metadata
    assert meta is not None
    assert meta.title == "Threads & <Voices>: an anthology"
    assert meta.author == "Ed Itor"
    assert meta.subject == "Selected posts, 2019–2022"
    assert meta.creator == f"Threadbook {THREADBOOK_VERSION}"
    assert set(str(meta["/Keywords"]).split(", ")) == {"essays", "notes", "typography"}
    assert meta.creation_date == datetime(2023, 1, 1, tzinfo=UTC)
    assert reader.trailer["/Root"]["/Lang"] == "en"


def test_outline_is_parts_posts_and_comment_threads(reader: PdfReader) -> None:
    book = make_book_anthology()
    posts = [item.post for item in book.items]
    assert _tree(reader.outline) == [
        ("Contents", []),
        ("Introduction", []),
        (
            "Part one: arguments",
            [(posts[0].title, [("Comments (6)", [])]), (posts[1].title, [("Comments (17)", [])])],
        ),
        (
            "Part two: the world",
            [
                (posts[2].title, [("Comments (3)", [])]),
                (posts[3].title, [("Comments (2)", [])]),
                (posts[4].title, [("Comments (1)", [])]),
            ],
        ),
        ("Colophon", []),
    ]


def test_page_labels_roman_then_arabic(reader: PdfReader) -> None:
    labels = reader.page_labels
    first_body = _page_of(reader, "Part one: arguments")
    assert labels[:first_body] == ["i", "ii", "iii", "iv"]  # cover, title page, contents, introduction
    assert labels[first_body:] == [str(n) for n in range(1, len(labels) - first_body + 1)]


def test_contents_names_the_pages_where_each_post_and_its_text_are(reader: PdfReader) -> None:
    contents = reader.pages[_page_of(reader, "Contents")].extract_text()
    printed = {
        _squash(title): label
        for title, label in re.findall(r"^(.+?)\s*\.{3,}\s*(\d+)\s*$", contents, flags=re.MULTILINE)
    }
    labels = reader.page_labels
    book = make_book_anthology()
    for item in book.items:
        post = item.post
        entry = next((label for title, label in printed.items() if title.startswith(_squash(post.title)[:12])), None)
        if entry is None:  # right-to-left titles are printed in visual order
            assert any(ord(c) > 0x590 for c in post.title), post.title
            continue
        page = labels.index(entry)
        assert page == _page_of(reader, post.title)
        text = _squash(reader.pages[page].extract_text())
        assert _squash(post.title)[:20] in text
        first_words = _squash(post.body_md.replace("#", ""))[:14]
        if first_words.isascii():
            assert first_words in text, (post.title, first_words)
    assert printed["Part one: arguments"] == labels[_page_of(reader, "Part one: arguments")]


def test_contents_lines_link_to_their_posts(reader: PdfReader) -> None:
    contents = _page_of(reader, "Contents")
    targets = []
    for annotation in reader.pages[contents].get("/Annots") or []:
        link = annotation.get_object()
        dest = link["/Dest"]
        targets.append(reader.get_page_number(dest[0].get_object()))
    book = make_book_anthology()
    expected = [_page_of(reader, "Part one: arguments"), _page_of(reader, book.items[0].post.title)]
    assert targets[:2] == expected
    assert len(targets) == 2 + len(book.items)


def test_footnotes_sit_on_the_page_of_their_mark(reader: PdfReader) -> None:
    start = _page_of(reader, long_post().title)
    end = _page_of(reader, make_book_anthology().items[1].post.title)
    seen: list[int] = []
    for page in range(start, end):
        text = reader.pages[page].extract_text()
        for number, url in re.findall(r"^\s*(\d+)\.\s+(https://\S+)$", text, flags=re.MULTILINE):
            seen.append(int(number))
            source = re.match(r"https://sources\.example/(\d+)/", url)
            if source:  # the link text "source N" is on this page, with its mark
                assert re.search(rf"source {source[1]}\s+{number}\b", _squash(text)), (page, number)
    # 14 paragraphs with two links each, then one link in each of 6 comments, numbered in reading order
    assert seen == list(range(1, 35))


def test_running_heads_but_not_on_openings(reader: PdfReader) -> None:
    book = make_book_anthology()
    title = book.title
    openings = {_page_of(reader, item.post.title) for item in book.items}
    openings |= {_page_of(reader, "Part one: arguments"), _page_of(reader, "Part two: the world")}
    first_body, colophon = _page_of(reader, "Part one: arguments"), _page_of(reader, "Colophon")
    for page in range(first_body, colophon):
        text = reader.pages[page].extract_text()
        # the head is drawn when the page is finished, so it comes last in the extracted text
        head = f"{title}\n {long_post().title}" if page < _page_of(reader, book.items[1].post.title) else title
        if page in openings:
            assert title not in text, page
        else:
            assert head in text, page


def test_colophon_lists_provenance_and_version(reader: PdfReader) -> None:
    page = _page_of(reader, "Colophon")
    text = _squash(" ".join(reader.pages[n].extract_text() for n in range(page, len(reader.pages))))
    post = long_post()
    capture = post.captures[0]
    assert f"Threadbook {THREADBOOK_VERSION}" in text
    assert "captured 2024-02-03 04:05:06 UTC" in text
    assert capture.content_sha256 in text.replace(" ", "")
    for item in make_book_anthology().items:
        assert item.post.url in text
    assert text.count("no content hash recorded") == 4


def test_cover_image_and_editors_notes(reader: PdfReader) -> None:
    assert len(reader.pages[0].images) == 1
    text = _squash(reader.pages[_page_of(reader, long_post().title)].extract_text())
    assert "Editor’s note The best thread of the year." in text


def test_hyphenation_and_justification_in_the_posts_language(reader: PdfReader) -> None:
    text = reader.pages[_page_of(reader, long_post().title)].extract_text()
    hyphenated = re.findall(r"([a-z]+)-\n([a-z]+)", text)
    assert hyphenated, "no word was hyphenated at a line end"
    assert all(a + b in long_post().body_md for a, b in hyphenated)


def test_every_char_is_drawn_by_a_font_that_has_it(book: Path) -> None:
    """Each embedded subset maps every code it uses to a real glyph of the font it came from (no .notdef boxes)."""
    register_fonts()
    cjk_family()
    originals: dict[str, frozenset[int]] = {}
    for name in pdfmetrics.getRegisteredFontNames():
        font = pdfmetrics.getFont(name)
        if isinstance(font, TTFont):
            originals[font.face.name.decode() if isinstance(font.face.name, bytes) else font.face.name] = frozenset(
                font.face.charToGlyph
            )
    reader = PdfReader(book)
    checked: set[str] = set()
    drawn: set[str] = set()
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            base = str(font["/BaseFont"]).split("+", 1)[-1].removesuffix("-0")  # "-0": subfont of a .ttc
            key = f"{base}/{ref.idnum}"
            if key in checked:
                continue
            checked.add(key)
            assert "/FontFile2" in font["/FontDescriptor"], base  # embedded TrueType
            cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
            mapping = cmap[cmap.index("beginbfchar") : cmap.index("endbfchar")]
            chars = [
                bytes.fromhex(target).decode("utf-16-be")
                for target in re.findall(r"^<[0-9A-F]+> <([0-9A-F]+)>$", mapping, flags=re.MULTILINE)
            ]
            assert base in originals, base
            # reportlab puts all of ASCII in the first subset; DEL and NUL are never drawn
            lacking = {c for c in chars if ord(c) not in originals[base] and c not in "\x00\x7f"}
            assert not lacking, (base, lacking)
            subset = TTFontFile(BytesIO(font["/FontDescriptor"]["/FontFile2"].get_object().get_data()))
            assert subset.charToGlyph
            drawn.update(chars)
    for sample in ("λ", "К", "档", "😀", "ש"):  # Greek, Cyrillic, CJK, emoji, Hebrew
        assert sample in drawn, sample
    assert any("\ufe70" <= c <= "\ufeff" for c in drawn)  # Arabic in its shaped (presentation) forms


def test_fixture_scripts_have_no_missing_glyphs() -> None:
    for post in (mixed_script_post(), rtl_post()):
        texts = [post.title, post.body_md, *(c.body_md for c in post.comments), *(c.author for c in post.comments)]
        for text in texts:
            assert missing_glyphs(text) == set(), text


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils is not installed")
def test_pdffonts_all_embedded_with_unicode_maps(book: Path) -> None:
    lines = subprocess.run(["pdffonts", str(book)], capture_output=True, text=True, check=True).stdout.splitlines()
    rows = lines[2:]
    assert rows
    for row in rows:
        emb, sub, uni = row.split()[-5:-2]
        assert (emb, sub, uni) == ("yes", "yes", "yes"), row
    names = " ".join(rows)
    assert "WenQuanYi" in names and "DejaVuSans" in names and "NotoSerif-Regular" in names


# -- options -------------------------------------------------------------------------------------------


def test_chapters_on_the_right(tmp_path: Path) -> None:
    reader = PdfReader(
        render_pdf(make_book_anthology(), out_path=tmp_path / "r.pdf", options=PdfOptions(chapters_on_right=True))
    )
    book = make_book_anthology()
    openings = [_page_of(reader, item.post.title) for item in book.items]
    openings += [_page_of(reader, "Part one: arguments"), _page_of(reader, "Part two: the world")]
    assert all(page % 2 == 0 for page in openings), openings  # 0-based even: a right-hand page
    labels = reader.page_labels
    assert all(int(labels[page]) % 2 == 1 for page in openings)  # printed numbers odd
    blank = [n for n, page in enumerate(reader.pages) if not (page.extract_text() or "").strip()]
    assert blank  # left-hand pages left empty, without a number
    for page in openings[:-2]:
        assert reader.pages[page - 1].extract_text().strip() == "" or page - 1 not in blank


@pytest.mark.parametrize(
    ("options", "size"),
    [
        (PdfOptions(page_size="6x9"), (432, 648)),
        (PdfOptions(page_size="custom", custom_size_mm=(150, 200)), (425, 567)),
        (PdfOptions(page_size="A5", margins_mm=(12, 12, 15, 15)), (420, 595)),
    ],
)
def test_page_sizes(tmp_path: Path, options: PdfOptions, size: tuple[int, int]) -> None:
    reader = PdfReader(render_pdf(make_book_anthology(), out_path=tmp_path / "s.pdf", options=options))
    for page in (reader.pages[0], reader.pages[-1]):
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == size
    assert _tree(reader.outline)[2][0] == "Part one: arguments"


def test_endnotes_and_inline_links(tmp_path: Path) -> None:
    one = Anthology(title="Links", posts=(long_post(),))
    end = PdfReader(render_pdf(one, out_path=tmp_path / "e.pdf", options=PdfOptions(links="endnotes")))
    text = "\n".join(page.extract_text() for page in end.pages)
    notes = text[text.index("\nNotes\n") :]
    assert re.search(r"^\s*1\.\s+https://sources\.example/1/a-rather-long-path$", notes, flags=re.MULTILINE)
    assert re.search(r"^\s*34\.\s+https://notes\.example/5$", notes, flags=re.MULTILINE)
    inline = PdfReader(render_pdf(one, out_path=tmp_path / "i.pdf", options=PdfOptions(links="inline")))
    text = _squash(" ".join(page.extract_text() for page in inline.pages))
    assert "source 1 (https://sources.example/1/a-rather-long-path)" in text


@pytest.mark.parametrize(
    "bad",
    [
        {"page_size": "custom"},
        {"page_size": "custom", "custom_size_mm": (10, 10)},
        {"margins_mm": (1, 1, 1, 1)},
        {"links": "sidenotes"},
        {"workers": 0},
    ],
)
def test_bad_new_options_are_refused(bad: dict[str, Any]) -> None:
    with pytest.raises(InvalidExportOptions):
        PdfOptions(**bad)


def test_margins_that_leave_no_room_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidExportOptions, match="text area"):
        render_pdf(
            make_book_anthology(),
            out_path=tmp_path / "m.pdf",
            options=PdfOptions(page_size="A5", margins_mm=(60, 60, 20, 20)),
        )
    assert list(tmp_path.iterdir()) == []


def test_two_workers_make_the_same_book(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from exporters.pdf import render

    monkeypatch.setattr(render, "CHUNK_WORDS", 600)  # several chunks from the small fixture
    book = make_book_anthology()
    one = render_book(book, out_path=tmp_path / "one.pdf", options=PdfOptions(workers=1))
    two = render_book(book, out_path=tmp_path / "two.pdf", options=PdfOptions(workers=2))
    assert one.chunks == two.chunks >= 3 and two.workers == 2
    a, b = PdfReader(one.path), PdfReader(two.path)
    assert [p.extract_text() for p in a.pages] == [p.extract_text() for p in b.pages]
    assert (
        _tree(a.outline) == _tree(b.outline) == _tree(PdfReader(render_pdf(book, out_path=tmp_path / "x.pdf")).outline)
    )
    assert len(anthology_items(book)) == 5


def test_broken_images_are_warnings_in_the_report(tmp_path: Path) -> None:
    report = render_book(make_book_anthology(), out_path=tmp_path / "w.pdf")
    assert len(report.warnings) == 2
    assert all("placeholder" in warning and "Pictures from the archive" in warning for warning in report.warnings)


@pytest.mark.parametrize("size", ["A5", "6x9"])
def test_notes_of_links_in_lists_tables_and_quotes_stay_with_their_marks(tmp_path: Path, size: Any) -> None:
    items = "\n".join(f"- item {i} with [link {i}](https://l.example/{i}) and " + "word " * 30 for i in range(40))
    table = "| a | b |\n|---|---|\n" + "\n".join(
        f"| [t{i}](https://t.example/{i}) | cell " + "x " * 40 + "|" for i in range(30)
    )
    quote = "\n".join(f"> quoted [q{i}](https://q.example/{i}) " + "word " * 40 + "\n>" for i in range(15))
    post = long_post().__class__(
        url="https://x.example/", title="Links everywhere", author=None, published_at=None, updated_at=None,
        body_md=f"{items}\n\n{table}\n\n{quote}\n",
    )  # fmt: skip
    reader = PdfReader(
        render_pdf(Anthology(title="L", posts=(post,)), out_path=tmp_path / "l.pdf", options=PdfOptions(page_size=size))
    )
    numbers: list[int] = []
    for page in reader.pages:
        text = page.extract_text()
        words = _squash(text)
        for number, url in re.findall(r"^\s*(\d+)\.\s+(https://\S+)$", text, flags=re.MULTILINE):
            numbers.append(int(number))
            kind, index = re.match(r"https://(\w)\.example/(\d+)", url).groups()  # type: ignore[union-attr]
            label = {"l": f"link {index}", "t": f"t{index}", "q": f"q{index}"}[kind]
            assert re.search(rf"{label}\s+{number}\b", words), (label, number)
    assert numbers == list(range(1, 86))


def test_body_pages_carry_no_stray_text(reader: PdfReader) -> None:
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "0123456789" not in text
    part = reader.pages[_page_of(reader, "Part one: arguments")].extract_text().split()
    assert part == ["Part", "one:", "arguments", "1"]  # the title and the stamped number, nothing else
