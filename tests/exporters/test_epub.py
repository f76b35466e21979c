"""The EPUB exporter on the sample blog's Guest Week anthology, read back epubcheck-style: the zip's layout, the
package document's manifest, spine and metadata, the navigation document, every page as XML, every internal link;
the chapters' text and threads; hostile web content left inert; and the real epubcheck when it is installed."""

from __future__ import annotations

import io
import posixpath
import shutil
import subprocess
import zipfile
from dataclasses import replace
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from anthology_fixtures import png_bytes
from lxml import etree
from PIL import Image
from sample_anthology import (
    EDITOR,
    HOSTILE_SECTION,
    HOSTILE_TITLE,
    NOTE,
    SECTION,
    hostile_anthology,
    series_anthology,
)

from exporters.epub import EpubOptions, editors, write_epub
from exporters.epub_cover import cover_png
from exporters.errors import ExportWriteFailed, InvalidExportOptions
from storage.records import anthology_items

NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
    "c": "urn:oasis:names:tc:opendocument:xmlns:container",
}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


class Epub:
    """An EPUB opened for checking: the zip, the package document, and parsed XHTML pages by path."""

    def __init__(self, path: Path) -> None:
        self.zip = zipfile.ZipFile(path)
        container = etree.fromstring(self.zip.read("META-INF/container.xml"))
        self.opf_path = container.find(".//c:rootfile", NS).get("full-path")
        self.root = posixpath.dirname(self.opf_path)
        self.opf = etree.fromstring(self.zip.read(self.opf_path))
        self.manifest = {
            item.get("id"): item for item in self.opf.findall("opf:manifest/opf:item", NS)
        }  # id -> element
        self.by_href = {posixpath.join(self.root, item.get("href")): item for item in self.manifest.values()}
        self.spine = [
            posixpath.join(self.root, self.manifest[ref.get("idref")].get("href"))
            for ref in self.opf.findall("opf:spine/opf:itemref", NS)
        ]
        self.pages = {
            name: etree.fromstring(self.zip.read(name))
            for name, item in self.by_href.items()
            if item.get("media-type") == "application/xhtml+xml"
        }

    def nav_path(self) -> str:
        return next(name for name, item in self.by_href.items() if "nav" in (item.get("properties") or "").split())

    def toc(self) -> etree._Element:
        nav = self.pages[self.nav_path()]
        found = [el for el in nav.iter("{*}nav") if el.get(EPUB_TYPE) == "toc"]
        assert len(found) == 1
        return found[0]


def toc_tree(ol: etree._Element) -> list[tuple[str, str, list]]:
    """(text, href, children) for each <li> of a nav list."""
    out = []
    for li in ol.findall("x:li", NS):
        link = li.find("x:a", NS)
        sub = li.find("x:ol", NS)
        out.append(("".join(link.itertext()), link.get("href"), toc_tree(sub) if sub is not None else []))
    return out


def check_structure(book: Epub) -> None:
    """What epubcheck checks first: the mimetype entry, the container, manifest = files, spine, nav, XML, links."""
    infos = book.zip.infolist()
    first = infos[0]
    assert first.filename == "mimetype"
    assert first.compress_type == zipfile.ZIP_STORED and not first.extra
    assert book.zip.read("mimetype") == b"application/epub+zip"
    raw = book.zip.fp
    raw.seek(0)
    assert raw.read(58)[30:58] == b"mimetypeapplication/epub+zip"  # the bytes readers sniff at offset 30
    assert book.zip.testzip() is None
    names = {info.filename for info in infos}
    listed = set(book.by_href)
    assert names - {"mimetype", "META-INF/container.xml", book.opf_path} == listed
    assert len(book.manifest) == len(listed)  # unique ids, unique files
    for item in book.manifest.values():
        href = item.get("href")
        assert not href.startswith("/") and ".." not in href.split("/")
    assert all(page in book.pages for page in book.spine)
    assert len(book.spine) == len(set(book.spine))
    package = book.opf
    assert package.get("version") == "3.0"
    assert package.get("unique-identifier") == package.find("opf:metadata/dc:identifier", NS).get("id")
    for name, page in book.pages.items():
        assert page.tag == "{http://www.w3.org/1999/xhtml}html", name
        check_links(book, name, page)
    assert book.toc().find("x:ol", NS) is not None


def check_links(book: Epub, name: str, page: etree._Element) -> None:
    """Every href/src inside the book resolves to a file in the manifest (and to an id when it has a fragment)."""
    folder = posixpath.dirname(name)
    for element in page.iter():
        for attribute in ("href", "src"):
            value = element.get(attribute)
            if value is None:
                continue
            parts = urlsplit(value)
            if parts.scheme in ("http", "https", "mailto"):
                continue
            assert not parts.scheme, f"{name}: {value}"
            target = posixpath.normpath(posixpath.join(folder, unquote(parts.path))) if parts.path else name
            assert target in book.by_href, f"{name} links to {value}, which is not in the book"
            if parts.fragment:
                ids = {el.get("id") for el in book.pages[target].iter() if el.get("id")}
                assert parts.fragment in ids, f"{name} links to #{parts.fragment}, missing in {target}"


@pytest.fixture(scope="module")
def sample_epub(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_epub(series_anthology(), out_path=tmp_path_factory.mktemp("epub") / "guest-week.epub")


@pytest.fixture(scope="module")
def hostile_epub(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("epub") / "hostile.epub"
    return write_epub(hostile_anthology(), out_path=out, options=EpubOptions(comments_in_toc=True))


def test_the_sample_series_passes_the_structure_checks(sample_epub: Path) -> None:
    check_structure(Epub(sample_epub))


def test_spine_is_cover_title_contents_then_the_posts_in_order_with_the_part_page(sample_epub: Path) -> None:
    book = Epub(sample_epub)
    spine = [posixpath.basename(page) for page in book.spine]
    assert spine == [
        "cover.xhtml", "title.xhtml", "nav.xhtml",
        "post-001.xhtml", "post-002.xhtml", "post-003.xhtml", "part-004.xhtml",
        "post-004.xhtml", "post-005.xhtml", "post-006.xhtml", "colophon.xhtml",
    ]  # fmt: skip
    titles = ["".join(book.pages[page].find(".//x:h1", NS).itertext()) for page in book.spine if "/post-" in page]
    assert titles == [item.post.title for item in anthology_items(series_anthology())]


def test_nav_is_nested_like_the_pdf_outline(sample_epub: Path) -> None:
    book = Epub(sample_epub)
    tree = toc_tree(book.toc().find("x:ol", NS))
    posts = [item.post.title for item in anthology_items(series_anthology())]
    assert [entry[0] for entry in tree] == [*posts[:3], SECTION]
    assert [child[0] for child in tree[3][2]] == posts[3:]
    assert tree[3][1] == "text/part-004.xhtml"
    assert all(not entry[2] for entry in tree[:3])  # no comment entries unless asked
    landmarks = [el for el in book.pages[book.nav_path()].iter("{*}nav") if el.get(EPUB_TYPE) == "landmarks"]
    assert landmarks and {a.get(EPUB_TYPE) for a in landmarks[0].iter("{*}a")} >= {"cover", "toc", "bodymatter"}


def test_threads_in_the_toc_when_asked(tmp_path: Path) -> None:
    book = Epub(write_epub(series_anthology(), out_path=tmp_path / "b.epub", options=EpubOptions(comments_in_toc=True)))
    check_structure(book)
    tree = toc_tree(book.toc().find("x:ol", NS))
    assert tree[0][2] == [("Comments (3)", "text/post-001.xhtml#comments", [])]
    assert tree[2][2][0][0] == "Comments (6)"
    assert [child[2] for child in tree[3][2]][-1] == []  # part 6 has no comments: no entry


def test_metadata(sample_epub: Path, tmp_path: Path) -> None:
    book = Epub(sample_epub)
    meta = book.opf.find("opf:metadata", NS)
    assert meta.findtext("dc:title", namespaces=NS) == "Guest Week"
    assert meta.findtext("dc:language", namespaces=NS) == "en-GB"
    creators = {el.get("id"): el.text for el in meta.findall("dc:creator", NS)}
    roles = {m.get("refines"): m.text for m in meta.findall("opf:meta[@property='role']", NS)}
    assert roles[f"#{next(k for k, v in creators.items() if v == EDITOR)}"] == "edt"
    authors = {v for k, v in creators.items() if roles[f"#{k}"] == "aut"}
    assert "Ingrid Solberg" in authors and "Petra Novák" in authors
    identifier = meta.findtext("dc:identifier", namespaces=NS)
    assert identifier.startswith("urn:uuid:")
    assert meta.findtext("opf:meta[@property='dcterms:modified']", namespaces=NS) == "2025-01-02T03:04:05Z"
    assert meta.findtext("dc:date", namespaces=NS) == "2025-01-02T03:04:05Z"
    # The identifier is the anthology's: the same on every export, another for another anthology.
    again = Epub(write_epub(series_anthology(), out_path=tmp_path / "again.epub"))
    assert again.opf.find("opf:metadata/dc:identifier", NS).text == identifier
    other = replace(series_anthology(), title="Another book")
    assert (
        Epub(write_epub(other, out_path=tmp_path / "o.epub")).opf.find("opf:metadata/dc:identifier", NS).text
        != identifier
    )


def test_chapters_carry_the_post_and_its_nested_thread(sample_epub: Path) -> None:
    book = Epub(sample_epub)
    first = book.pages["OEBPS/text/post-001.xhtml"]
    text = " ".join(first.itertext())
    assert "Guest Week, part 1" in text and "Ingrid Solberg" in text and "3 June 2024" in text
    assert "Two colours means two runs" in text
    assert NOTE.replace("*", "") in " ".join("".join(first.itertext()).split())
    comments = first.find(".//x:section[@id='comments']", NS)
    assert "".join(comments.find("x:h2", NS).itertext()) == "Comments (3)"
    top = comments.findall("x:ol/x:li", NS)
    assert ["".join(li.find("x:p/*[@class='author']", NS).itertext()) for li in top] == ["Olwen Davies", "Frank Osei"]
    reply = top[1].find("x:ol/x:li", NS)
    assert "".join(reply.find("x:p/*[@class='author']", NS).itertext()) == "Ingrid Solberg"
    assert "Overnight for rubber-based ink" in " ".join(reply.itertext())
    assert top[0].find("x:p/x:a[@class='author']", NS).get("href") == "https://olwenprints.example/"
    title_page = " ".join(book.pages["OEBPS/title.xhtml"].itertext())
    assert (
        "Zanzibar" in title_page and f"Edited by {EDITOR}" in title_page and "3 June 2024 – 8 July 2024" in title_page
    )


def test_archived_images_are_embedded_and_nothing_else(sample_epub: Path) -> None:
    book = Epub(sample_epub)
    post = anthology_items(series_anthology())[1].post
    (asset,) = [a for a in post.images if a.data]
    images = [el for el in book.pages["OEBPS/text/post-002.xhtml"].iter("{*}img")]
    assert len(images) == 1
    target = posixpath.normpath(posixpath.join("OEBPS/text", images[0].get("src")))
    assert book.zip.read(target) == asset.data
    assert book.by_href[target].get("media-type") == "image/png"
    assert images[0].get("alt")
    cover = {
        posixpath.join("OEBPS", i.get("href")) for i in book.manifest.values() if i.get("properties") == "cover-image"
    }
    assert [n for n in book.zip.namelist() if "/images/" in n and n not in cover] == [target]


def test_hostile_content_is_inert(hostile_epub: Path) -> None:
    book = Epub(hostile_epub)
    check_structure(book)
    for name, page in book.pages.items():
        for element in page.iter():
            tag = etree.QName(element).localname if isinstance(element.tag, str) else ""
            assert tag not in ("script", "iframe", "style", "svg", "object", "embed"), name
            for attribute, value in element.attrib.items():
                assert not etree.QName(attribute).localname.lower().startswith("on"), (name, attribute)
                assert not value.strip().lower().startswith(("javascript:", "data:", "file:")), (name, value)
    chapter = book.pages["OEBPS/text/post-007.xhtml"]
    assert chapter.findtext("x:head/x:title", namespaces=NS) == HOSTILE_TITLE
    assert "".join(chapter.find(".//x:h1", NS).itertext()) == HOSTILE_TITLE
    text = " ".join(chapter.itertext())
    assert "<script>alert(6)</script>" in text  # shown as text, never run
    assert '<img src=x onerror="alert(2)">' in text
    assert "Trudy & <Co>" in text
    toc = toc_tree(book.toc().find("x:ol", NS))
    assert toc[-1][0] == HOSTILE_SECTION and [entry[0] for entry in toc[-1][2]] == [HOSTILE_TITLE]
    assert toc[-1][2][0][2] == [("Comments (2)", "text/post-007.xhtml#comments", [])]
    part = book.pages["OEBPS/text/part-007.xhtml"]
    assert "".join(part.find(".//x:h1", NS).itertext()) == HOSTILE_SECTION
    source = chapter.find(".//x:p[@class='source']/x:a", NS).get("href")
    assert source == "https://evil.example/post?x=%221%22&y=%3C2%3E"


def test_options_leave_comments_out_and_take_a_cover_image(tmp_path: Path) -> None:
    cover = png_bytes(600, 900, (120, 30, 30))
    options = EpubOptions(include_comments=False, cover_image=cover)
    book = Epub(write_epub(series_anthology(), out_path=tmp_path / "c.epub", options=options))
    check_structure(book)
    assert all(page.find(".//x:section[@class='comments']", NS) is None for page in book.pages.values())
    (cover_item,) = [i for i in book.manifest.values() if i.get("properties") == "cover-image"]
    assert book.zip.read(posixpath.join("OEBPS", cover_item.get("href"))) == cover
    assert book.pages["OEBPS/cover.xhtml"].find(".//x:img", NS) is not None
    with pytest.raises(InvalidExportOptions, match="cover image"):
        write_epub(series_anthology(), out_path=tmp_path / "d.epub", options=EpubOptions(cover_image=b"<svg/>"))
    assert not (tmp_path / "d.epub").exists()


def test_a_cover_picture_is_made_from_the_title(sample_epub: Path, tmp_path: Path) -> None:
    book = Epub(sample_epub)
    (item,) = [i for i in book.manifest.values() if i.get("properties") == "cover-image"]
    assert item.get("media-type") == "image/png"
    data = book.zip.read(posixpath.join("OEBPS", item.get("href")))
    with Image.open(io.BytesIO(data)) as picture:
        assert picture.size == (1200, 1800)
        top = picture.convert("L").crop((150, 250, 1050, 500))
        assert top.getextrema()[0] < 80  # the title is printed in dark ink on the pale page
    cover = book.pages["OEBPS/cover.xhtml"]
    assert cover.find(".//x:img", NS).get("alt") == "Guest Week"
    assert book.opf.find("opf:metadata/opf:meta[@name='cover']", NS).get("content") == item.get("id")
    plain = Epub(write_epub(series_anthology(), out_path=tmp_path / "p.epub", options=EpubOptions(make_cover=False)))
    check_structure(plain)
    assert not [i for i in plain.manifest.values() if i.get("properties") == "cover-image"]
    assert "".join(plain.pages["OEBPS/cover.xhtml"].find(".//x:h1", NS).itertext()) == "Guest Week"


def test_an_anthology_without_posts_still_makes_a_valid_book(tmp_path: Path) -> None:
    empty = replace(series_anthology(), items=(), posts=())
    book = Epub(write_epub(empty, out_path=tmp_path / "e.epub"))
    check_structure(book)
    assert toc_tree(book.toc().find("x:ol", NS))  # a nav list may not be empty


def test_unwritable_target_fails_cleanly(tmp_path: Path) -> None:
    with pytest.raises(ExportWriteFailed, match="Couldn't write"):
        write_epub(series_anthology(), out_path=tmp_path / "missing" / "b.epub")


def test_a_failed_export_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "b.epub"
    out.write_bytes(b"old")

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("exporters.epub._write_zip", broken)
    with pytest.raises(ExportWriteFailed, match="No space left"):
        write_epub(series_anthology(), out_path=out)
    assert out.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["b.epub"]


def epubcheck_command() -> list[str] | None:
    """epubcheck from Debian's package (a jar run with java), or None when it isn't installed."""
    jar = Path("/usr/share/java/epubcheck.jar")
    if jar.exists() and shutil.which("java"):
        # C1-only JIT and the serial collector: a one-shot run starts in a third of the default time.
        return ["java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", str(jar)]
    return None


@pytest.mark.skipif(epubcheck_command() is None, reason="epubcheck (Debian package epubcheck) is not installed")
def test_epubcheck_finds_no_errors(hostile_epub: Path) -> None:
    """The real validator on the book with every feature (threads in the TOC, a part, images, hostile text)."""
    command = epubcheck_command()
    assert command is not None
    result = subprocess.run([*command, str(hostile_epub)], capture_output=True, text=True, timeout=180, check=False)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "0 fatals / 0 errors / 0 warnings" in output, output


def test_zip_is_reproducible(tmp_path: Path) -> None:
    one = write_epub(series_anthology(), out_path=tmp_path / "1.epub").read_bytes()
    two = write_epub(series_anthology(), out_path=tmp_path / "2.epub").read_bytes()
    assert one == two
    assert zipfile.ZipFile(io.BytesIO(one)).namelist()[0] == "mimetype"


def test_cover_pictures_for_other_scripts_and_none_for_what_no_font_has() -> None:
    greek = cover_png("Ελληνικά και Кириллица: a very long title that must wrap over several lines", editor="Zoë")
    assert greek is not None and Image.open(io.BytesIO(greek)).size == (1200, 1800)
    assert cover_png("\U00010000\U00010001 Linear B") is None  # no bundled or system font: the text cover is used


def test_each_editor_is_a_creator(tmp_path: Path) -> None:
    two = replace(series_anthology(), editor="Margaret Hollis and Tom Lee")
    meta = Epub(write_epub(two, out_path=tmp_path / "two.epub")).opf.find("opf:metadata", NS)
    roles = {m.get("refines"): m.text for m in meta.findall("opf:meta[@property='role']", NS)}
    edited = [c.text for c in meta.findall("dc:creator", NS) if roles[f"#{c.get('id')}"] == "edt"]
    assert edited == ["Margaret Hollis", "Tom Lee"]
    assert editors("Anderson Cooper & Ann Landers; Bo") == ["Anderson Cooper", "Ann Landers", "Bo"]


def test_links_to_the_books_own_posts_stay_inside_the_book(sample_epub: Path) -> None:
    book = Epub(sample_epub)
    chapter = book.pages["OEBPS/text/post-001.xhtml"]
    links = {"".join(a.itertext()): a.get("href") for a in chapter.iter("{*}a")}
    assert links["Kwame Asante on the lost art of the rule border"] == "post-002.xhtml"
    assert links["here"].startswith("http")  # the series page is not in the book: the web address stays
