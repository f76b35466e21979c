"""The Markdown bundle of the Guest Week anthology, read back: the zip's layout and safe names, YAML front matter
parsed with PyYAML (hostile titles and tags included), comments as nested blockquotes once rendered, images beside
the posts with working relative links, index.md in order, the folder form; and web text that stays inert when a
permissive renderer (raw HTML on, as Pandoc does) reads the files."""

from __future__ import annotations

import posixpath
import re
import shutil
import subprocess
import zipfile
from datetime import datetime
from pathlib import Path

import lxml.html
import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from sample_anthology import HOSTILE_TITLE, NOTE, SECTION, hostile_anthology, hostile_post, series_anthology

from exporters.errors import ExportWriteFailed
from exporters.front_matter import front_matter, inert, quote
from exporters.markdown_bundle import MarkdownOptions, bundle_files, write_markdown_bundle
from storage.records import anthology_items

yaml = pytest.importorskip("yaml")
PERMISSIVE = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
SAFE_NAME = re.compile(r"[0-9]{3}-[a-z0-9]+(-[a-z0-9]+)*\.md")


def split_front_matter(text: str) -> tuple[dict[str, object], str]:
    assert text.startswith("---\n")
    head, body = text[4:].split("\n---\n", 1)
    return yaml.safe_load(head), body


def render(markdown: str) -> lxml.html.HtmlElement:
    return lxml.html.fragment_fromstring(PERMISSIVE.render(markdown) or "<p></p>", create_parent="div")


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = write_markdown_bundle(series_anthology(), out_path=tmp_path_factory.mktemp("md") / "Guest Week.zip")
    return zipfile.ZipFile(out)


def test_zip_layout_and_file_names(bundle: zipfile.ZipFile) -> None:
    names = bundle.namelist()
    assert all(name.startswith("guest-week/") for name in names)
    files = [name.removeprefix("guest-week/") for name in names]
    assert files[0] == "index.md"
    posts = [f for f in files if f.endswith(".md") and f != "index.md"]
    assert len(posts) == 6 and all(SAFE_NAME.fullmatch(f) for f in posts)
    assert posts == sorted(posts) and posts[0].startswith("001-guest-week-1-printing")
    assert [f for f in files if f.startswith("images/")] == [f for f in files if "/" in f]
    assert bundle.testzip() is None


def test_front_matter_parses_with_every_field(bundle: zipfile.ZipFile) -> None:
    items = anthology_items(series_anthology())
    posts = sorted(n for n in bundle.namelist() if SAFE_NAME.fullmatch(posixpath.basename(n)))
    for name, item in zip(posts, items, strict=True):
        meta, _ = split_front_matter(bundle.read(name).decode("utf-8"))
        post = item.post
        assert meta["title"] == post.title
        assert meta["author"] == post.author
        assert meta["date"] == post.published_at and isinstance(meta["date"], datetime)
        assert meta["updated"] == post.updated_at
        assert meta["source_url"] == post.url
        assert meta["captured_at"] == post.captured_at
        assert meta["tags"] == list(post.tags) and meta["categories"] == list(post.categories)
        assert meta["series"] == "Guest Week" and meta["series_part"] == post.series.number
        assert meta["comments"] == len(post.comments)
    meta, _ = split_front_matter(bundle.read(posts[3]).decode())
    assert meta["section"] == SECTION


def test_comments_are_nested_blockquotes_with_author_and_date(bundle: zipfile.ZipFile) -> None:
    name = next(n for n in bundle.namelist() if n.endswith("/001-guest-week-1-printing-a-wedding-invitation-in-two.md"))
    _, body = split_front_matter(bundle.read(name).decode())
    assert NOTE in body and "Two colours means two runs" in body
    doc = render(body)
    heading = [h for h in doc.iter("h2") if h.text_content() == "Comments (3)"]
    assert heading
    top = [q for q in doc.findall("blockquote")]
    assert [q.find("p/strong").text_content() for q in top[1:]] == ["Olwen Davies", "Frank Osei"]  # [0]: the note
    assert "3 June 2024, 12:00" in top[1].find("p").text_content()
    assert top[1].find("p/strong/a").get("href") == "https://olwenprints.example/"
    reply = top[2].find("blockquote")
    assert reply.find("p/strong").text_content() == "Ingrid Solberg"
    assert "Overnight for rubber-based ink" in reply.text_content()
    assert top[1].find("blockquote") is None


def test_images_sit_beside_the_posts_with_relative_links(bundle: zipfile.ZipFile) -> None:
    post = anthology_items(series_anthology())[1].post
    (asset,) = [a for a in post.images if a.data]
    name = next(n for n in bundle.namelist() if posixpath.basename(n).startswith("002-"))
    _, body = split_front_matter(bundle.read(name).decode())
    (image,) = list(render(body).iter("img"))
    target = posixpath.join(posixpath.dirname(name), image.get("src"))
    assert image.get("src").startswith("images/") and bundle.read(target) == asset.data
    assert asset.source_url not in body


def test_index_lists_the_posts_in_order(bundle: zipfile.ZipFile) -> None:
    meta, body = split_front_matter(bundle.read("guest-week/index.md").decode())
    assert meta["title"] == "Guest Week" and meta["editor"] == "Margaret Hollis" and meta["posts"] == 6
    doc = render(body)
    links = [(a.text_content(), a.get("href")) for a in doc.iter("a")]
    assert [text for text, _ in links] == [item.post.title for item in anthology_items(series_anthology())]
    assert all(f"guest-week/{href}" in bundle.namelist() for _, href in links)
    assert [h.text_content() for h in doc.iter("h3")] == [SECTION]
    assert "Zanzibar" in doc.text_content()


def test_hostile_titles_tags_and_text(tmp_path: Path) -> None:
    files = {f.path: f.data.decode() for f in bundle_files(hostile_anthology()) if f.path.endswith(".md")}
    name = next(path for path in files if path.startswith("007-"))
    assert SAFE_NAME.fullmatch(name)
    meta, body = split_front_matter(files[name])
    post = hostile_post()
    # Pandoc reads metadata as Markdown: tag-like text is backslash-escaped, so it prints as text there.
    assert meta["title"] == "\\</title>\\<script>alert(1)\\</script>" == inert(HOSTILE_TITLE)
    assert meta["author"] == inert(post.author)
    assert meta["tags"] == ['tag: "quoted" new line']  # a tag is one line; its quotes and colon survive
    assert meta["categories"] == ["- dash", "key: value"]
    assert meta["source_url"] == "https://evil.example/post?x=%221%22&y=%3C2%3E"
    for path, text in files.items():
        if not path.endswith(".md"):
            continue
        doc = render(split_front_matter(text)[1])
        for element in doc.iter():
            assert element.tag not in ("script", "iframe", "style", "svg", "img") or (
                element.tag == "img" and element.get("src", "").startswith("images/")
            ), (path, element.tag)
            for attribute, value in element.attrib.items():
                assert not attribute.startswith("on"), (path, attribute)
                assert not value.lower().startswith(("javascript:", "data:", "file:")), (path, value)
    shown = render(body).text_content()
    assert "<script>alert(6)</script>" in shown and "<img src=x onerror=" in shown
    assert "<script>alert(8)</script>" in shown  # the commenter's name, as text


def test_folder_form_and_refusing_a_full_folder(tmp_path: Path) -> None:
    out = write_markdown_bundle(series_anthology(), out_path=tmp_path / "notes")
    names = sorted(p.name for p in out.iterdir())
    assert names[0].startswith("001-guest-week-1-printing") and names[1].startswith("002-guest-week-2-the-lost")
    assert (out / "index.md").read_text(encoding="utf-8").startswith("---\n")
    assert len(list((out / "images").iterdir())) == 1
    with pytest.raises(ExportWriteFailed, match="isn't an empty folder"):
        write_markdown_bundle(series_anthology(), out_path=out)
    assert [p.name for p in tmp_path.iterdir()] == ["notes"]  # no temporary folder left


def test_without_comments() -> None:
    files = bundle_files(series_anthology(), options=MarkdownOptions(include_comments=False))
    assert all("## Comments" not in f.data.decode() for f in files if f.path.endswith(".md"))


@given(st.text())
def test_any_string_round_trips_through_the_yaml_quoting(text: str) -> None:
    assert yaml.safe_load(quote(text)) == text


@given(st.lists(st.text(), max_size=4))
def test_any_list_round_trips(values: list[str]) -> None:
    assert yaml.safe_load(front_matter([("tags", values)]).strip("-\n"))["tags"] == [inert(v) for v in values]


def test_titles_with_colons_quotes_and_newlines_keep_the_front_matter_whole() -> None:
    title = 'Part 2: "Quotes", colons: and\nnewlines # not a comment --- not an end'
    text = front_matter([("title", title), ("series_part", 2), ("draft", False)])
    assert text.count("\n---") == 1 and text.startswith("---\n")
    assert yaml.safe_load(text.strip("-\n")) == {"title": title, "series_part": 2, "draft": False}


def pandoc() -> str | None:
    return shutil.which("pandoc")


@pytest.mark.skipif(pandoc() is None, reason="pandoc is not installed")
def test_pandoc_turns_the_hostile_bundle_into_inert_html(tmp_path: Path) -> None:
    """Pandoc passes raw HTML through and reads metadata as Markdown: the bundle must give it nothing to run."""
    folder = write_markdown_bundle(hostile_anthology(), out_path=tmp_path / "bundle")
    names = sorted(p.name for p in folder.glob("*.md"))
    out = tmp_path / "book.html"
    command = [str(pandoc()), "--standalone", "--metadata", "pagetitle=x", *names, "-o", str(out)]
    subprocess.run(command, cwd=folder, check=True, capture_output=True, timeout=120)
    doc = lxml.html.document_fromstring(out.read_bytes())
    for element in doc.iter():
        if not isinstance(element.tag, str):
            continue
        assert (
            element.tag not in ("script", "iframe", "svg", "object", "style")
            or element.tag == "style"
            and (
                element.getparent().tag == "head"  # pandoc's own style sheet
            )
        ), element.tag
        for attribute, value in element.attrib.items():
            assert not attribute.startswith("on"), attribute
            assert not value.lower().startswith(("javascript:", "data:", "file:")), value
    shown = doc.text_content()
    assert HOSTILE_TITLE in shown and "<script>alert(6)</script>" in shown


def test_links_to_the_bundles_own_posts_point_at_their_files(bundle: zipfile.ZipFile) -> None:
    name = next(n for n in bundle.namelist() if posixpath.basename(n).startswith("001-"))
    links = {
        a.text_content(): a.get("href") for a in render(split_front_matter(bundle.read(name).decode())[1]).iter("a")
    }
    target = links["Kwame Asante on the lost art of the rule border"]
    assert target.startswith("002-") and f"guest-week/{target}" in bundle.namelist()
    assert links["here"].startswith("http")
