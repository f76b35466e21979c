"""Series on the sample blog: detected with every part in order, a removed part reported as a gap, a new part
appended on update (and to an anthology made from the series, keeping its choices)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from desktop import tasks
from desktop.anthologies import capture_series, series_reports
from desktop.sampleserver import SampleBlogServer
from storage.archive import open_archive

PART_3 = "/2024/06/17/guest-week-3-letterpress-in-a-school-classroom/"
PART_4 = "/2024/06/24/guest-week-4-photopolymer-plates-honestly/"
PART_5 = "/2024/07/01/guest-week-5-washi-sumi-and-a-japanese-hand-press/"
PART_7 = {
    "slug": "guest-week-7-a-printer-from-the-hebrides",
    "title": "Guest Week #7: A printer from the Hebrides",
    "published": "2024-12-02 09:00",
    "author": "margaret",
    "categories": ["guest-week", "letterpress"],
    "tags": ["guest week"],
    "paragraphs": [
        "This is the 7th post in the Guest Week series: a bonus part, written in the winter.",
        "A small press on an island, where the paper arrives by ferry.",
    ],
    "series_number": 7,
}
SETTINGS = tasks.ArchiveSettings(delay=0.0, fetch_images=False)


def test_sample_series_is_detected_with_every_part_in_order(archived_db: Path, truth: dict[str, Any]) -> None:
    expected = sorted((p["series"]["number"], p["title"]) for p in truth["posts"] if p["series"])
    [report] = series_reports(archived_db, "Guest Week")
    assert [(p.number, p.title) for p in report.parts] == expected
    assert report.gaps == ()


def test_a_removed_part_is_reported_as_a_gap(tmp_path: Path) -> None:
    import make_sample_blog  # tools/, on sys.path via tests/conftest.py

    site = tmp_path / "site"
    make_sample_blog.build_site(site, omit_posts=[PART_4])
    db = tmp_path / "archive.sqlite"
    with SampleBlogServer(site) as server:
        tasks.archive_blog(server.url, db_path=db, settings=SETTINGS)
        announced = server.origin + PART_4
    [report] = series_reports(db, "Guest Week")
    assert [p.number for p in report.parts] == [1, 2, 3, 5, 6]
    assert [(g.number, g.kind, g.url) for g in report.gaps] == [(4, "announced", announced)]
    assert report.gaps[0].message == f"part 4 announced but not published ({announced})"
    env = dict(os.environ, THREADBOOK_DB=str(db), COLUMNS="200")
    shown = subprocess.run(
        [sys.executable, "-m", "desktop.cli", "series", "show", "Guest Week"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert shown.returncode == 0 and "part 4 announced but not published" in shown.stdout


def test_capture_of_a_series_with_a_missing_part_says_so_before_capturing(tmp_path: Path) -> None:
    import make_sample_blog

    site = tmp_path / "site"
    make_sample_blog.build_site(site, omit_posts=[PART_4])
    db = tmp_path / "archive.sqlite"
    seen: list[Any] = []
    with SampleBlogServer(site) as server:
        result = capture_series(
            server.origin + PART_5, db_path=db, settings=SETTINGS, confirm=lambda plan: seen.append(plan) or True
        )
    [plan] = seen
    assert [p.number for p in plan.parts] == [1, 2, 3, 5, 6]
    assert [g.number for g in plan.gaps] == [4]
    assert result.crawl.posts_new == 5
    with open_archive(db) as archive:
        assert archive.count_posts() == 5


def test_a_new_part_is_appended_on_update(tmp_path: Path) -> None:
    import make_sample_blog

    site = tmp_path / "site"
    make_sample_blog.build_site(site)
    db = tmp_path / "archive.sqlite"
    with SampleBlogServer(site) as server:
        tasks.archive_blog(server.url, db_path=db, settings=SETTINGS)
        with open_archive(db) as archive:
            archive.create_anthology("GW", from_series="Guest Week")
            third = archive.find_post(server.origin + PART_3)
            archive.set_anthology_item("GW", third, comment_mode="none", note_md="A class of thirty.")
        make_sample_blog.build_site(site, extra_posts=[PART_7])
        report = tasks.update_blogs(db_path=db, settings=SETTINGS)[0]
    assert report.posts_new == 1
    [series] = series_reports(db, "Guest Week")
    assert [p.number for p in series.parts] == [1, 2, 3, 4, 5, 6, 7]
    assert series.parts[-1].title == PART_7["title"] and series.gaps == ()
    with open_archive(db) as archive:
        assert archive.refresh_anthology("GW") == [series.parts[-1].post_id]
        spec = archive.load_anthology_spec("GW")
    assert [e.post_title for e in spec.entries] == [p.title for p in series.parts]
    kept = next(e for e in spec.entries if e.post_id == third)
    assert kept.comment_mode == "none" and kept.note_md == "A class of thirty."
