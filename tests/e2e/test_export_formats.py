"""The new export formats end to end on the archived sample blog: `threadbook export --format epub|markdown|html|
csl-json|bibtex` for the Guest Week series, an anthology and chosen posts, `anthology export`, `search --cite`,
and the GUI export dialog writing an EPUB on a worker. Each file is read back."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import lxml.html
from lxml import etree

from storage.archive import open_archive

SERIES = "Guest Week"
NS = {"x": "http://www.w3.org/1999/xhtml", "opf": "http://www.idpf.org/2007/opf"}


def threadbook(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, THREADBOOK_DB=str(db), COLUMNS="200")
    return subprocess.run(
        [sys.executable, "-m", "desktop.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=120,
        check=False,
    )


def ok(db: Path, *args: str) -> str:
    result = threadbook(db, *args)
    assert result.returncode == 0, result.stderr + result.stdout
    return result.stdout


def series_titles(truth: dict[str, Any]) -> list[str]:
    parts = [p for p in truth["posts"] if p["series"] and p["series"]["name"] == SERIES]
    return [p["title"] for p in sorted(parts, key=lambda p: p["series"]["number"])]


def epub_toc(path: Path) -> list[str]:
    """The titles in the EPUB's navigation document, depth-first."""
    book = zipfile.ZipFile(path)
    assert book.namelist()[0] == "mimetype" and book.read("mimetype") == b"application/epub+zip"
    opf = etree.fromstring(book.read("OEBPS/content.opf"))
    (nav,) = [i.get("href") for i in opf.iterfind(".//opf:item", NS) if i.get("properties") == "nav"]
    page = etree.fromstring(book.read(f"OEBPS/{nav}"))
    toc = next(n for n in page.iter("{*}nav") if n.get("{http://www.idpf.org/2007/ops}type") == "toc")
    return ["".join(a.itertext()) for a in toc.iter("{*}a")]


def test_every_format_from_the_series(tmp_path: Path, archived_db: Path, truth: dict[str, Any]) -> None:
    titles = series_titles(truth)
    outputs = {
        "epub": tmp_path / "gw.epub",
        "markdown": tmp_path / "gw.zip",
        "html": tmp_path / "gw.html",
        "csl-json": tmp_path / "gw.json",
        "bibtex": tmp_path / "gw.bib",
    }
    for fmt, out in outputs.items():
        assert f"Wrote {out}" in ok(archived_db, "export", "--format", fmt, "--series", SERIES, "-o", str(out))
    assert epub_toc(outputs["epub"]) == titles

    bundle = zipfile.ZipFile(outputs["markdown"])
    posts = sorted(n for n in bundle.namelist() if re.fullmatch(r"gw/\d{3}-[a-z0-9-]+\.md", n))
    assert len(posts) == len(titles)
    for name, title in zip(posts, titles, strict=True):
        head = bundle.read(name).decode().split("\n---\n", 1)[0]
        assert f"title: {json.dumps(title, ensure_ascii=False)}" in head and "series_part:" in head
    assert any(n.startswith("gw/images/") for n in bundle.namelist())

    page = lxml.html.document_fromstring(outputs["html"].read_bytes())
    assert [h.text_content() for h in page.iter("h2") if h.get("class") == "post-title"] == titles
    assert not list(page.iter("script")) and page.find(".//details") is not None
    assert "script-src 'none'" in page.find(".//meta[@http-equiv='Content-Security-Policy']").get("content")

    items = json.loads(outputs["csl-json"].read_text(encoding="utf-8"))
    assert [item["title"] for item in items] == titles
    assert {item["container-title"] for item in items} == {truth["blog"]["title"]}
    bibtex = outputs["bibtex"].read_text(encoding="utf-8")
    assert re.findall(r"@online\{(\w+),", bibtex) == [item["id"] for item in items]


def test_anthology_and_chosen_posts(tmp_path: Path, archived_db: Path, truth: dict[str, Any]) -> None:
    titles = series_titles(truth)
    ok(archived_db, "anthology", "new", "GW", "--from-series", SERIES, "--editor", "Margaret Hollis")
    out = tmp_path / "gw.epub"
    assert "Wrote" in ok(archived_db, "anthology", "export", "GW", "--format", "epub", "-o", str(out))
    assert epub_toc(out) == titles
    opf = etree.fromstring(zipfile.ZipFile(out).read("OEBPS/content.opf"))
    assert "Margaret Hollis" in [c.text for c in opf.iter("{http://purl.org/dc/elements/1.1/}creator")]
    html = tmp_path / "gw.html"
    ok(archived_db, "export", "--format", "html", "--anthology", "GW", "-o", str(html))
    assert "Edited by Margaret Hollis" in html.read_text(encoding="utf-8")

    with open_archive(archived_db) as archive:
        ids = [str(post.id) for post in archive.list_posts(series=SERIES)][:2]
    md = tmp_path / "two"
    ok(
        archived_db,
        "export",
        "--format",
        "markdown",
        "--post",
        ids[0],
        "--post",
        ids[1],
        "--title",
        "Two",
        "-o",
        str(md),
    )
    assert (md / "index.md").read_text(encoding="utf-8").startswith('---\ntitle: "Two"\n')
    assert len(list(md.glob("*.md"))) == 3


def test_search_cite_prints_only_citations(archived_db: Path) -> None:
    result = threadbook(archived_db, "search", "letterpress", "--cite", "bibtex")
    assert result.returncode == 0, result.stderr
    keys = re.findall(r"@online\{(\w+),", result.stdout)
    assert keys and len(keys) == len(set(keys))
    assert result.stdout.startswith("% Exported by Threadbook") and "cited" in result.stderr
    csl = json.loads(ok(archived_db, "search", "letterpress", "--cite", "csl-json"))
    assert [item["id"] for item in csl] == keys
    nothing = threadbook(archived_db, "search", "zzzqqqxx", "--cite", "csl-json")
    assert nothing.returncode == 0 and json.loads(nothing.stdout) == [] and "no citations" in nothing.stderr


def test_a_selection_is_required_and_bad_names_are_one_line(tmp_path: Path, archived_db: Path) -> None:
    result = threadbook(archived_db, "export", "--format", "epub", "-o", str(tmp_path / "x.epub"))
    assert result.returncode == 2 and "needs exactly one of --series" in result.stderr
    result = threadbook(
        archived_db, "export", "--format", "html", "--series", "No Such Series", "-o", str(tmp_path / "x.html")
    )
    assert result.returncode == 1 and result.stderr.startswith("threadbook: ") and "Traceback" not in result.stderr
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("archive.sqlite")] == []


def test_the_export_dialog_writes_an_epub_on_a_worker(tmp_path: Path, archived_db: Path, qtbot: Any) -> None:
    from desktop.export_dialog import ExportDialog
    from desktop.workers import JobRunner

    runner = JobRunner()
    try:
        dialog = ExportDialog(archive_path=archived_db, runner=runner, series=[SERIES], selected=[], out_dir=tmp_path)
        qtbot.addWidget(dialog)
        labels = [dialog.format_combo.itemData(i) for i in range(dialog.format_combo.count())]
        assert {"pdf", "epub", "markdown", "html", "csl-json", "bibtex", "json"} <= set(labels)
        dialog.format_combo.setCurrentIndex(labels.index("epub"))
        assert not dialog.page_combo.isEnabled() and not dialog.all_radio.isEnabled()
        assert dialog.path_edit.text() == str(tmp_path / "guest-week.epub")
        dialog.format_combo.setCurrentIndex(labels.index("markdown"))
        assert dialog.path_edit.text().endswith("guest-week.zip")
        dialog.format_combo.setCurrentIndex(labels.index("epub"))
        with qtbot.waitSignal(dialog.exported, timeout=60_000) as done:
            dialog.export_button.click()
        assert done.args[0] == str(tmp_path / "guest-week.epub")
        assert dialog.pages.currentIndex() == 0 and dialog.message.text().startswith("Saved")
        assert len(epub_toc(tmp_path / "guest-week.epub")) == 6
        dialog.close()
    finally:
        runner.shutdown(timeout_ms=30_000)
