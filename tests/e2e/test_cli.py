"""The `threadbook` command line as a user runs it: a real process, real exit codes, one-line messages on bad input."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.sampleserver import SampleBlogServer

COMMANDS = ("archive", "list", "show", "search", "series", "export", "demo", "gui")


def run(*args: str, db: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "desktop.cli", *args]
    if db is not None:
        cmd += ["--db", str(db)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)


def dump(db: Path) -> str:
    """A digest of everything in the archive, to prove a failed command changed nothing."""
    conn = sqlite3.connect(db)
    try:
        return hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()
    finally:
        conn.close()


def test_help_lists_every_command() -> None:
    result = run("--help")
    assert result.returncode == 0
    for command in COMMANDS:
        assert command in result.stdout
    for command in COMMANDS:
        sub = run(command, "--help")
        assert sub.returncode == 0 and "Usage:" in sub.stdout, command


def test_list_show_search_on_an_archive(archived_db: Path, truth: dict) -> None:  # type: ignore[type-arg]
    listing = run("list", db=archived_db)
    assert listing.returncode == 0, listing.stderr
    assert truth["blog"]["title"] in listing.stdout
    deep = max(truth["posts"], key=lambda p: max((c["depth"] for c in p["comments"]), default=0))
    shown = run("show", deep["path"].strip("/").split("/")[-1], db=archived_db)
    assert shown.returncode == 1  # a slug is not a post reference: clear message
    assert "threadbook list" in shown.stderr
    listing_lines = [line for line in listing.stdout.splitlines() if deep["title"][:30] in line]
    post_id = listing_lines[0].split()[0]
    shown = run("show", post_id, db=archived_db)
    assert shown.returncode == 0, shown.stderr
    assert deep["title"] in shown.stdout
    deepest = max(deep["comments"], key=lambda c: c["depth"])
    line = next(x for x in shown.stdout.splitlines() if f"#{deepest['id']}" in x)
    assert line.startswith("    " * deepest["depth"] + "┌ " + deepest["author"])
    word = max(deepest["text"].split(), key=len).strip(".,;:!?")
    found = run("search", word, db=archived_db)
    assert found.returncode == 0 and deep["title"] in found.stdout


def _not_a_blog_site(tmp_path: Path) -> Path:
    site = tmp_path / "plain"
    site.mkdir()
    (site / "index.html").write_text(
        "<!doctype html><html><head><title>Opening hours</title></head><body><h1>Opening hours</h1>"
        "<p>Monday to Friday, nine to five.</p></body></html>",
        encoding="utf-8",
    )
    return site


@pytest.mark.parametrize(
    "case",
    ["not-http", "not-a-url", "unreachable", "404", "not-a-blog", "not-html"],
)
def test_bad_input_gives_one_line_and_changes_nothing(
    case: str,
    tmp_path: Path,
    archived_db: Path,
    sample_server: SampleBlogServer,
    truth: dict,  # type: ignore[type-arg]
) -> None:
    before = dump(archived_db)
    image = next(i for p in truth["posts"] for i in p["images"])
    with SampleBlogServer(_not_a_blog_site(tmp_path)) as plain:
        url = {
            "not-http": "ftp://files.example/blog/",
            "not-a-url": "my favourite blog",
            "unreachable": "http://127.0.0.1:9/",
            "404": sample_server.origin + "/no/such/blog/",
            "not-a-blog": plain.url,
            "not-html": sample_server.origin + image["path"],
        }[case]
        result = run("archive", url, "--delay", "0", db=archived_db)
    assert result.returncode == 1, (result.stdout, result.stderr)
    message = result.stderr.strip()
    assert message.startswith("threadbook: ") and "Traceback" not in message
    assert len(message.splitlines()) == 1, message
    assert dump(archived_db) == before


def test_a_corrupt_archive_is_refused_and_left_alone(tmp_path: Path, sample_server: SampleBlogServer) -> None:
    db = tmp_path / "broken.sqlite"
    garbage = b"this is not a database, just some bytes someone saved with the wrong name\n" * 100
    db.write_bytes(garbage)
    requests_before = len(sample_server.requests)
    result = run("archive", sample_server.url, "--delay", "0", db=db)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert db.read_bytes() == garbage
    assert len(sample_server.requests) == requests_before  # refused before touching the network


def test_export_json_and_pdf(tmp_path: Path, archived_db: Path, truth: dict) -> None:  # type: ignore[type-arg]
    out = tmp_path / "archive.json"
    result = run("export", "--format", "json", "-o", str(out), db=archived_db)
    assert result.returncode == 0, result.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["format"] == "threadbook-archive" and data["version"] == 1
    series = next(p["series"]["name"] for p in truth["posts"] if p["series"])
    pdf = tmp_path / "series.pdf"
    result = run("export", "--format", "pdf", "--series", series, "-o", str(pdf), db=archived_db)
    assert result.returncode == 0, result.stderr
    assert pdf.read_bytes().startswith(b"%PDF")
    missing = run(
        "export", "--format", "pdf", "--series", "No Such Series", "-o", str(tmp_path / "x.pdf"), db=archived_db
    )
    assert missing.returncode == 1 and series in missing.stderr  # the message lists the series there are
    assert not (tmp_path / "x.pdf").exists()


def test_a_newer_schema_archive_is_refused_and_left_alone(tmp_path: Path, archived_db: Path) -> None:
    conn = sqlite3.connect(archived_db)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('threadbook', 'm999_future', 'x')"
    )
    conn.commit()
    conn.close()
    before = archived_db.read_bytes()
    for args in (("list",), ("archive", "http://127.0.0.1:9/")):
        result = run(*args, db=archived_db)
        assert result.returncode == 1
        assert result.stderr.strip().splitlines() == [
            "threadbook: This archive was written by a newer Threadbook. "
            "Update Threadbook, or open a different archive."
        ]
        assert archived_db.read_bytes() == before


def test_extract_prints_a_saved_page_in_the_export_post_shape(truth: dict) -> None:  # type: ignore[type-arg]
    import jsonschema

    from resources import SAMPLE_BLOG_DIR

    deep = max(truth["posts"], key=lambda p: max((c["depth"] for c in p["comments"]), default=0))
    url = truth["origin_placeholder"] + deep["path"]
    result = run("extract", str(SAMPLE_BLOG_DIR / deep["path"].strip("/") / "index.html"), "--url", url)
    assert result.returncode == 0, result.stderr
    post = json.loads(result.stdout)
    schema = json.loads((Path(__file__).parents[2] / "docs" / "threadbook-archive-v1.schema.json").read_text())
    jsonschema.validate(post, {"$defs": schema["$defs"], "$ref": "#/$defs/post"})
    assert (post["url"], post["title"], post["author"]) == (url, deep["title"], deep["author"])
    assert [(c["id"], c["parent"], c["author"]) for c in post["comments"]] == [
        (c["id"], c["parent"], c["author"]) for c in deep["comments"]
    ]


def test_extract_refuses_what_is_not_a_post(tmp_path: Path) -> None:
    missing = run("extract", str(tmp_path / "nope.html"), "--url", "https://blog.example/")
    assert missing.returncode == 1 and "Couldn't read" in missing.stderr
    plain = _not_a_blog_site(tmp_path) / "index.html"
    bad_url = run("extract", str(plain), "--url", "file:///etc/passwd")
    assert bad_url.returncode == 1 and "not a web address" in bad_url.stderr
