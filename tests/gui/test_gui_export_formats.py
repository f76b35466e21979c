"""Every export format from the GUI on the archived sample blog: the anthology editor writes PDF, EPUB, Markdown,
a web page, citations, WARC and JSON with the suffix of the format chosen; the export dialog writes a WARC of a
series, of the selected posts and of the whole archive. Each file is read back."""

from __future__ import annotations

import gzip
import json
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from warcio.archiveiterator import ArchiveIterator

from desktop import tasks
from desktop.anthology_editor import AnthologyEditor
from desktop.export_dialog import ANTHOLOGY_CHOICES, ExportDialog, with_suffix
from desktop.sampleserver import SampleBlogServer
from desktop.workers import JobRunner
from exporters.formats import FORMAT_NAMES
from storage.archive import open_archive
from storage.records import PostSummary

SERIES = "Guest Week"
SETTINGS = tasks.ArchiveSettings(delay=0.0, fetch_images=False)


@pytest.fixture(scope="module")
def sample_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    db = tmp_path_factory.mktemp("formats-template") / "sample.sqlite"
    with SampleBlogServer() as server:
        tasks.archive_blog(server.url, db_path=db, settings=SETTINGS)
    with open_archive(db) as archive:
        archive.create_anthology("Guests", from_series=SERIES)
    yield db


@pytest.fixture
def sample_db(tmp_path: Path, sample_template: Path) -> Path:
    db = tmp_path / "sample.sqlite"
    shutil.copyfile(sample_template, db)
    return db


@pytest.fixture
def runner() -> Iterator[JobRunner]:
    runner = JobRunner()
    yield runner
    runner.shutdown(timeout_ms=30_000)  # never leave a pool thread running past the test


@pytest.fixture
def editor(sample_db: Path, runner: JobRunner, qtbot: Any) -> Iterator[AnthologyEditor]:
    editor = AnthologyEditor(runner)
    qtbot.addWidget(editor)
    editor.set_archive(sample_db)
    with qtbot.waitSignal(editor.loaded, timeout=10_000):
        editor.open_anthology("Guests")
    yield editor
    editor.close_dialogs()


def series_posts(db: Path) -> list[PostSummary]:
    with open_archive(db) as archive:
        return sorted(archive.list_posts(series=SERIES), key=lambda p: p.series.number if p.series else 0)


def warc_pages(path: Path) -> list[str]:
    """The paths of the HTML pages a WARC holds as responses."""
    with path.open("rb") as stream:
        return [
            urlsplit(record.rec_headers.get_header("WARC-Target-URI")).path
            for record in ArchiveIterator(stream)
            if record.rec_type == "response"
            and (record.http_headers.get_header("Content-Type") or "").startswith("text/html")
        ]


def test_with_suffix_adds_never_swaps() -> None:
    assert with_suffix(Path("/t/book"), ".epub") == Path("/t/book.epub")
    assert with_suffix(Path("/t/notes.v2"), ".warc.gz") == Path("/t/notes.v2.warc.gz")
    assert with_suffix(Path("/t/Book.EPUB"), ".epub") == Path("/t/Book.EPUB")
    assert with_suffix(Path("/t/a.gz"), ".warc.gz") == Path("/t/a.gz.warc.gz")


def test_editor_offers_every_format(editor: AnthologyEditor) -> None:
    names = [editor.format_combo.itemData(i) for i in range(editor.format_combo.count())]
    assert names == ["pdf", *FORMAT_NAMES, "warc", "json"]
    assert editor.format_combo.isEnabled() and editor.export_button.isEnabled()
    suffixes = {choice.name: choice.suffix for choice in ANTHOLOGY_CHOICES}
    assert suffixes["epub"] == ".epub" and suffixes["markdown"] == ".zip" and suffixes["warc"] == ".warc.gz"


def test_editor_exports_each_format_with_its_suffix(
    editor: AnthologyEditor, sample_db: Path, qtbot: Any, tmp_path: Path
) -> None:
    parts = series_posts(sample_db)
    titles = [p.title for p in parts]
    written: dict[str, Path] = {}
    for fmt in ("epub", "markdown", "html", "csl-json", "bibtex", "warc", "json"):
        editor.format_combo.setCurrentIndex(editor.format_combo.findData(fmt))
        with qtbot.waitSignal(editor.exported, timeout=60_000) as done:
            editor.export(tmp_path / f"guests-{fmt}")  # no suffix: the chosen format's is added
        written[fmt] = Path(done.args[0])
        suffix = next(c.suffix for c in ANTHOLOGY_CHOICES if c.name == fmt)
        assert written[fmt] == tmp_path / f"guests-{fmt}{suffix}" and written[fmt].is_file(), fmt
        assert editor.export_button.isEnabled()
    assert editor.preview_dialog is None  # only a PDF is previewed

    book = zipfile.ZipFile(written["epub"])
    assert book.read("mimetype") == b"application/epub+zip"
    assert titles[0] in " ".join(book.read(n).decode("utf-8") for n in book.namelist() if n.endswith(".xhtml"))
    bundle = zipfile.ZipFile(written["markdown"])
    markdown = " ".join(bundle.read(n).decode("utf-8") for n in bundle.namelist() if n.endswith(".md"))
    assert all(title in markdown for title in titles)
    page = written["html"].read_text(encoding="utf-8")
    assert all(title.replace("&", "&amp;") in page for title in titles)
    items = json.loads(written["csl-json"].read_text(encoding="utf-8"))
    assert [item["title"] for item in items] == titles  # the anthology's order: the series' parts in order
    assert written["bibtex"].read_text(encoding="utf-8").count("@") >= len(titles)
    assert sorted(warc_pages(written["warc"])) == sorted(urlsplit(p.url).path for p in parts)
    with gzip.open(written["warc"], "rb") as raw:
        assert raw.read(8) == b"WARC/1.1"
    document = json.loads(written["json"].read_text(encoding="utf-8"))
    assert "Guest Week" in json.dumps(document, ensure_ascii=False)
    qtbot.waitUntil(lambda: "saved guests-json.json" in editor.estimate_label.text(), timeout=10_000)


def test_editor_json_name_means_the_anthology_json(editor: AnthologyEditor, qtbot: Any, tmp_path: Path) -> None:
    """A ".json" name with PDF chosen is the anthology's JSON (as before), not CSL-JSON."""
    with qtbot.waitSignal(editor.exported, timeout=60_000) as done:
        editor.export(tmp_path / "guests.json", preview=False)
    document = json.loads(Path(done.args[0]).read_text(encoding="utf-8"))
    assert isinstance(document, dict)  # CSL-JSON would be a list of items


def test_editor_export_button_asks_with_the_formats_suffix(
    editor: AnthologyEditor, qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[tuple[str, str]] = []

    def fake_dialog(_parent: object, _title: str, start: str, filters: str) -> tuple[str, str]:
        asked.append((start, filters))
        return str(tmp_path / "my book"), filters  # the user typed a name without a suffix

    monkeypatch.setattr("desktop.anthology_editor.QFileDialog.getSaveFileName", fake_dialog)
    editor.format_combo.setCurrentIndex(editor.format_combo.findData("epub"))
    with qtbot.waitSignal(editor.exported, timeout=60_000) as done:
        editor.export_button.click()
    assert asked[0][0].endswith("guest-week.epub") and asked[0][1] == "EPUB e-book (*.epub)"
    assert done.args[0] == str(tmp_path / "my book.epub")
    assert zipfile.ZipFile(done.args[0]).read("mimetype") == b"application/epub+zip"


def test_export_dialog_writes_warc_of_series_selection_and_archive(
    sample_db: Path, runner: JobRunner, qtbot: Any, tmp_path: Path
) -> None:
    parts = series_posts(sample_db)
    chosen = parts[:2]
    dialog = ExportDialog(archive_path=sample_db, runner=runner, series=[SERIES], selected=chosen, out_dir=tmp_path)
    qtbot.addWidget(dialog)
    formats = [dialog.format_combo.itemData(i) for i in range(dialog.format_combo.count())]
    assert "warc" in formats
    assert not dialog.images_check.isVisibleTo(dialog)
    dialog.format_combo.setCurrentIndex(formats.index("warc"))
    assert dialog.all_radio.isEnabled() and dialog.series_radio.isChecked() and not dialog.page_combo.isEnabled()
    assert dialog.images_check.isVisibleTo(dialog) and not dialog.title_edit.isEnabled()
    assert dialog.path_edit.text() == str(tmp_path / "guest-week.warc.gz")

    with qtbot.waitSignal(dialog.exported, timeout=60_000) as done:
        dialog.export_button.click()
    assert done.args[0] == str(tmp_path / "guest-week.warc.gz")
    assert sorted(warc_pages(tmp_path / "guest-week.warc.gz")) == sorted(urlsplit(p.url).path for p in parts)
    assert dialog.message.text().startswith("Saved") and "pages" in dialog.message.text()

    dialog.posts_radio.setChecked(True)
    dialog.path_edit.setText(str(tmp_path / "two posts"))  # the suffix is added on export
    with qtbot.waitSignal(dialog.exported, timeout=60_000) as done:
        dialog.export_button.click()
    assert done.args[0] == str(tmp_path / "two posts.warc.gz")
    assert sorted(warc_pages(Path(done.args[0]))) == sorted(urlsplit(p.url).path for p in chosen)

    dialog.all_radio.setChecked(True)
    assert dialog.path_edit.text() == str(tmp_path / "threadbook-archive.warc.gz")
    with qtbot.waitSignal(dialog.exported, timeout=60_000) as done:
        dialog.export_button.click()
    with open_archive(sample_db) as archive:
        every_post = {urlsplit(p.url).path for p in archive.list_posts()}
    pages = set(warc_pages(Path(done.args[0])))
    assert every_post <= pages and "/" in pages  # the blog's own pages (home page) come with everything

    # Switching to an only-posts format leaves "the whole archive"; JSON is only the whole archive.
    dialog.format_combo.setCurrentIndex(formats.index("epub"))
    assert not dialog.all_radio.isEnabled() and dialog.series_radio.isChecked()
    dialog.format_combo.setCurrentIndex(formats.index("json"))
    assert dialog.all_radio.isChecked() and not dialog.series_radio.isEnabled() and not dialog.posts_radio.isEnabled()
    dialog.format_combo.setCurrentIndex(formats.index("pdf"))
    assert dialog.series_radio.isEnabled() and dialog.series_radio.isChecked() and dialog.export_button.isEnabled()
    dialog.close()
