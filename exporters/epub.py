"""EPUB 3 books of an anthology: a cover, a title page, a navigation document nested like the PDF outline, one
XHTML chapter per post with its comment thread, the archived images, metadata and a style sheet.

Written with zipfile and lxml rather than ebooklib: the format is a zip of a few XML files, ebooklib is AGPL and
a new dependency to install everywhere, and building each file here keeps every piece of web text under our own
escaping (each XHTML file is parsed back as XML before it is written, so a malformed page fails the export instead
of reaching a reader).
"""

from __future__ import annotations

import logging
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from lxml import etree

from exporters.book_css import EPUB_CSS
from exporters.book_html import Markup, esc, markdown_block, post_article
from exporters.common import (
    ExportImage,
    ImageIndex,
    PostLinks,
    book_language,
    book_title,
    checked_image,
    comments_title,
    format_date,
    made_at,
    one_line,
    post_title,
    sections,
    stable_uuid,
    utc_stamp,
)
from exporters.epub_cover import cover_png
from exporters.errors import InvalidExportOptions
from exporters.output import atomic_output
from exporters.pdf.dates import format_date_range
from storage.records import THREADBOOK_VERSION, Anthology, Asset, Post, anthology_items

log = logging.getLogger(__name__)

FORMAT = "epub"
SUFFIX = ".epub"
LABEL = "EPUB e-book"

OPF_NS = "http://www.idpf.org/2007/opf"
DC_NS = "http://purl.org/dc/elements/1.1/"
CONTAINER = """<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>
"""
XHTML_TYPE = "application/xhtml+xml"
_EDITOR_SEPARATOR = re.compile(r"\s*(?:;|&|\band\b)\s*")


@dataclass(frozen=True, slots=True)
class EpubOptions:
    """What the user can choose about an EPUB."""

    include_comments: bool = True
    comments_in_toc: bool = False  # list each post's thread under it in the table of contents
    cover_image: bytes = b""  # a PNG, JPEG or GIF for the cover; b"" to have one made from the title
    make_cover: bool = True  # without a cover image: set the title on a cover picture (else a cover page of text)


@dataclass(slots=True)
class _Book:
    """The files of the book as they are made: path inside OEBPS/ -> (media type, bytes), spine, nav entries."""

    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    properties: dict[str, str] = field(default_factory=dict)
    spine: list[str] = field(default_factory=list)
    used_images: dict[str, ExportImage] = field(default_factory=dict)

    def add(self, path: str, media_type: str, data: bytes, *, spine: bool = False, properties: str = "") -> None:
        self.files[path] = (media_type, data)
        if properties:
            self.properties[path] = properties
        if spine:
            self.spine.append(path)


def write_epub(anthology: Anthology, *, out_path: Path, options: EpubOptions | None = None) -> Path:
    """Write `anthology` as an EPUB 3 book at `out_path` and return the path.

    The file appears only when complete (written beside it, then renamed). Images come only from the posts'
    archived assets. Raises `InvalidExportOptions` for a cover image that isn't a PNG, JPEG or GIF, and
    `ExportWriteFailed` when the file can't be written.
    """
    options = options if options is not None else EpubOptions()
    out_path = Path(out_path)
    book = _make_book(anthology, options)
    moment = made_at(anthology)
    with atomic_output(out_path) as tmp_path:
        _write_zip(tmp_path, book, stamp=moment)
    log.info("wrote EPUB %s: %d posts, %d files", out_path, len(anthology_items(anthology)), len(book.files) + 3)
    return out_path


def _make_book(anthology: Anthology, options: EpubOptions) -> _Book:
    book = _Book()
    items = anthology_items(anthology)
    language = book_language(anthology)
    title = book_title(anthology)
    index = ImageIndex(item.post for item in items)

    def images(url: str) -> tuple[str, ExportImage] | None:
        image = index.find(url)
        if image is None:
            return None
        book.used_images[image.file_name] = image
        return f"../images/{image.file_name}", image

    def front_images(url: str) -> tuple[str, ExportImage] | None:
        found = images(url)
        return (found[0].removeprefix("../"), found[1]) if found else None

    posts = PostLinks({item.post.url: f"post-{number + 1:03d}.xhtml" for number, item in enumerate(items)})

    def front_links(url: str) -> str | None:
        found = posts.find(url)
        return f"text/{found}" if found else None

    book.add("style.css", "text/css", EPUB_CSS.encode("utf-8"))
    cover = _cover(anthology, options)
    if cover is not None:
        book.add(f"images/{cover.file_name}", cover.media_type, cover.data, properties="cover-image")
        body = (
            f'<section class="cover-image" epub:type="cover"><img src="images/{cover.file_name}" '
            f'alt="{esc(title)}"/></section>'
        )
    else:
        body = _typographic_cover(anthology)
    book.add("cover.xhtml", XHTML_TYPE, _page("Cover", body, language=language, css="style.css"), spine=True)
    front = Markup(xhtml=True, images=front_images, title_level=1, links=front_links)
    book.add(
        "title.xhtml",
        XHTML_TYPE,
        _page(title, _title_page(anthology, front), language=language, css="style.css"),
        spine=True,
    )
    nav_slot = len(book.spine)  # the contents follow the title page, as in the printed book

    markup = Markup(
        xhtml=True, images=images, include_comments=options.include_comments, title_level=1, links=posts.find
    )
    toc: list[str] = []
    for section in sections(anthology):
        entries: list[str] = []
        for position, item in section.items:
            path = f"text/post-{position + 1:03d}.xhtml"
            article = post_article(item, markup=markup)
            book.add(
                path,
                XHTML_TYPE,
                _page(post_title(item.post), article, language=language, css="../style.css", bodymatter=True),
                spine=True,
            )
            entries.append(_toc_post(item.post, path, options))
        if section.title is not None:
            part_path = f"text/part-{section.items[0][0] + 1:03d}.xhtml"
            part = f'<section class="part" epub:type="part"><h1 class="part-title">{esc(section.title)}</h1></section>'
            book.add(part_path, XHTML_TYPE, _page(section.title, part, language=language, css="../style.css"))
            book.spine.insert(book.spine.index(f"text/post-{section.items[0][0] + 1:03d}.xhtml"), part_path)
            nested = "\n".join(entries)
            toc.append(f'<li><a href="{part_path}">{esc(section.title)}</a>\n<ol>\n{nested}\n</ol></li>')
        else:
            toc.extend(entries)
    book.add("colophon.xhtml", XHTML_TYPE, _page("Colophon", _colophon(anthology), language=language, css="style.css"))
    book.spine.append("colophon.xhtml")
    first_post = next((p for p in book.spine if p.startswith("text/")), "colophon.xhtml")
    nav = _nav(title, toc, first_post=first_post, language=language)
    book.add("nav.xhtml", XHTML_TYPE, nav, properties="nav")
    book.spine.insert(nav_slot, "nav.xhtml")
    for name, image in sorted(book.used_images.items()):
        book.add(f"images/{name}", image.media_type, image.data)
    book.add("content.opf", "application/oebps-package+xml", _opf(anthology, book, language=language))
    return book


def _cover(anthology: Anthology, options: EpubOptions) -> ExportImage | None:
    data = options.cover_image
    if not data and options.make_cover:
        dates = format_date_range(item.post.published_at for item in anthology_items(anthology))
        made = cover_png(
            book_title(anthology),
            subtitle=one_line(anthology.subtitle),
            dates=dates,
            editor=one_line(anthology.editor),
        )
        data = made or b""
    if not data:
        return None
    image = checked_image(Asset("cover", "", "", len(data), data))
    if image is None:
        raise InvalidExportOptions(
            "The cover image isn't a PNG, JPEG or GIF file Threadbook can read. Choose another image, or none for a "
            "cover page with the title."
        )
    return ExportImage(
        "cover-" + image.sha256, image.media_type, image.extension, image.data, image.width, image.height
    )


def _typographic_cover(anthology: Anthology) -> str:
    parts = ['<section class="cover" epub:type="cover">', f"<h1>{esc(book_title(anthology))}</h1>"]
    if one_line(anthology.subtitle):
        parts.append(f'<p class="subtitle">{esc(one_line(anthology.subtitle))}</p>')
    if one_line(anthology.editor):
        parts.append(f'<p class="editor">Edited by {esc(one_line(anthology.editor))}</p>')
    parts.append("</section>")
    return "\n".join(parts)


def _title_page(anthology: Anthology, markup: Markup) -> str:
    items = anthology_items(anthology)
    parts = ['<section class="title-page" epub:type="titlepage">', f"<h1>{esc(book_title(anthology))}</h1>"]
    if one_line(anthology.subtitle):
        parts.append(f'<p class="subtitle">{esc(one_line(anthology.subtitle))}</p>')
    if one_line(anthology.editor):
        parts.append(f'<p class="editor">Edited by {esc(one_line(anthology.editor))}</p>')
    dates = format_date_range(item.post.published_at for item in items)
    if dates:
        parts.append(f'<p class="dates">{esc(dates)}</p>')
    parts.append("</section>")
    if anthology.introduction_md.strip():
        parts.append('<section class="introduction" epub:type="introduction">')
        parts.append(markdown_block(anthology.introduction_md, markup=markup, heading_offset=1))
        parts.append("</section>")
    return "\n".join(parts)


def _toc_post(post: Post, path: str, options: EpubOptions) -> str:
    line = f'<li><a href="{path}">{esc(post_title(post))}</a>'
    if options.comments_in_toc and options.include_comments and post.comments:
        line += f'\n<ol><li><a href="{path}#comments">{esc(comments_title(len(post.comments)))}</a></li></ol>'
    return line + "</li>"


def _colophon(anthology: Anthology) -> str:
    items = anthology_items(anthology)
    made = format_date(made_at(anthology))
    return (
        '<section class="colophon" epub:type="colophon">\n'
        f"<p>{esc(book_title(anthology))}: {len(items)} post{'s' if len(items) != 1 else ''} with their comment "
        f"threads, as archived from the web.</p>\n"
        f"<p>Made on {esc(made)} with Threadbook {esc(THREADBOOK_VERSION)}. The texts and comments belong to their "
        "authors; each chapter names the address it was archived from.</p>\n</section>"
    )


def _nav(title: str, toc: list[str], *, first_post: str, language: str | None) -> bytes:
    body = (
        '<nav epub:type="toc" id="toc">\n<h1>Contents</h1>\n<ol>\n' + "\n".join(toc) + "\n</ol>\n</nav>\n"
        '<nav epub:type="landmarks" id="landmarks" hidden="hidden">\n<h2>Landmarks</h2>\n<ol>\n'
        '<li><a epub:type="cover" href="cover.xhtml">Cover</a></li>\n'
        '<li><a epub:type="titlepage" href="title.xhtml">Title page</a></li>\n'
        '<li><a epub:type="toc" href="nav.xhtml#toc">Contents</a></li>\n'
        f'<li><a epub:type="bodymatter" href="{first_post}">{esc(title)}</a></li>\n'
        "</ol>\n</nav>"
    )
    if not toc:  # a nav list may not be empty
        body = body.replace("<ol>\n\n</ol>", '<ol>\n<li><a href="title.xhtml">Title page</a></li>\n</ol>', 1)
    return _page("Contents", body, language=language, css="style.css")


def _page(title: str, body: str, *, language: str | None, css: str, bodymatter: bool = False) -> bytes:
    lang = f' xml:lang="{language}" lang="{language}"' if language else ""
    body_type = ' epub:type="bodymatter"' if bodymatter else ""
    text = (
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
        f'<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"{lang}>\n'
        f'<head>\n<meta charset="utf-8"/>\n<title>{esc(one_line(title))}</title>\n'
        f'<link rel="stylesheet" type="text/css" href="{css}"/>\n</head>\n'
        f"<body{body_type}>\n{body}\n</body>\n</html>\n"
    )
    data = text.encode("utf-8")
    # Every page is parsed back: a bug in our markup fails the export here rather than in someone's e-reader.
    etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    return data


def _opf(anthology: Anthology, book: _Book, *, language: str | None) -> bytes:
    nsmap = {None: OPF_NS}
    package = etree.Element(f"{{{OPF_NS}}}package", nsmap=nsmap, version="3.0", attrib={"unique-identifier": "bookid"})
    metadata = etree.SubElement(package, f"{{{OPF_NS}}}metadata", nsmap={"dc": DC_NS})

    def dc(name: str, text: str, **attrib: str) -> etree._Element:
        element = etree.SubElement(metadata, f"{{{DC_NS}}}{name}", attrib=attrib)
        element.text = text
        return element

    def meta(prop: str, text: str, *, refines: str | None = None, scheme: str | None = None) -> None:
        element = etree.SubElement(metadata, f"{{{OPF_NS}}}meta", property=prop)
        if refines:
            element.set("refines", refines)
        if scheme:
            element.set("scheme", scheme)
        element.text = text

    dc("identifier", f"urn:uuid:{stable_uuid(anthology)}", id="bookid")
    dc("title", book_title(anthology), id="title")
    meta("title-type", "main", refines="#title")
    if one_line(anthology.subtitle):
        dc("title", one_line(anthology.subtitle), id="subtitle")
        meta("title-type", "subtitle", refines="#subtitle")
    dc("language", language or "und")
    creators = [(name, "edt") for name in editors(anthology.editor)]
    for author in dict.fromkeys(one_line(item.post.author or "") for item in anthology_items(anthology)):
        if author and (author, "edt") not in creators:
            creators.append((author, "aut"))
    for number, (name, role) in enumerate(creators, start=1):
        dc("creator", name, id=f"creator{number}")
        meta("role", role, refines=f"#creator{number}", scheme="marc:relators")
    moment = made_at(anthology)
    dc("date", utc_stamp(moment))
    if one_line(anthology.subtitle):
        dc("description", one_line(anthology.subtitle))
    dc("publisher", "Threadbook")
    meta("dcterms:modified", utc_stamp(moment))
    cover = next((path for path, prop in book.properties.items() if prop == "cover-image"), None)
    if cover is not None:  # EPUB 2 readers (and some Kindles) find the cover this way
        etree.SubElement(metadata, f"{{{OPF_NS}}}meta", name="cover", content=_item_id(cover))

    manifest = etree.SubElement(package, f"{{{OPF_NS}}}manifest")
    for path, (media_type, _) in sorted(book.files.items()):
        attrib = {"id": _item_id(path), "href": path, "media-type": media_type}
        if path in book.properties:
            attrib["properties"] = book.properties[path]
        etree.SubElement(manifest, f"{{{OPF_NS}}}item", attrib=attrib)
    spine = etree.SubElement(package, f"{{{OPF_NS}}}spine")
    for path in book.spine:
        etree.SubElement(spine, f"{{{OPF_NS}}}itemref", idref=_item_id(path))
    data: bytes = etree.tostring(package, xml_declaration=True, encoding="utf-8", pretty_print=True)
    return data


def editors(text: str) -> list[str]:
    """The editors named in the anthology's editor line: "A and B", "A & B" and "A; B" are two people."""
    return [name for name in (one_line(part) for part in _EDITOR_SEPARATOR.split(text)) if name]


def _item_id(path: str) -> str:
    """A manifest id from a path we made ('text/post-001.xhtml' -> 'text-post-001-xhtml')."""
    stem = posixpath.normpath(path).replace("/", "-").replace(".", "-")
    return stem if stem[:1].isalpha() else f"x{stem}"


def _write_zip(path: Path, book: _Book, *, stamp: datetime) -> None:
    date_time = (max(stamp.year, 1980), stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)

    def entries() -> Iterator[tuple[str, bytes]]:
        yield "META-INF/container.xml", CONTAINER.encode("utf-8")
        for name in ("content.opf", "nav.xhtml", "style.css"):
            yield f"OEBPS/{name}", book.files[name][1]
        for name, (_, data) in sorted(book.files.items()):
            if name not in ("content.opf", "nav.xhtml", "style.css"):
                yield f"OEBPS/{name}", data

    with zipfile.ZipFile(path, "w") as archive:
        # The mimetype comes first and uncompressed, with no extra field: readers sniff its bytes at offset 38.
        info = zipfile.ZipInfo("mimetype", date_time=date_time)
        info.compress_type = zipfile.ZIP_STORED
        archive.writestr(info, b"application/epub+zip")
        for name, data in entries():
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data, compresslevel=6)
