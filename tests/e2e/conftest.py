"""End-to-end fixtures: the sample blog on a loopback server, and an archive of it built once per session."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop import tasks
from desktop.sampleserver import SampleBlogServer
from resources import SAMPLE_BLOG_DIR

TRUTH_PATH = SAMPLE_BLOG_DIR.parent / "sample_blog.truth.json"


@pytest.fixture(scope="session")
def truth() -> dict[str, Any]:
    return json.loads(TRUTH_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def sample_server() -> Iterator[SampleBlogServer]:
    with SampleBlogServer() as server:
        yield server


@pytest.fixture(scope="session")
def archived_template(tmp_path_factory: pytest.TempPathFactory, sample_server: SampleBlogServer) -> tuple[Path, Any]:
    """The sample blog archived once (no delay); tests copy the file rather than re-archive."""
    db = tmp_path_factory.mktemp("template") / "archive.sqlite"
    start = len(sample_server.requests)
    report = tasks.archive_blog(sample_server.url, db_path=db, settings=tasks.ArchiveSettings(delay=0.0))
    first_run_requests = list(sample_server.requests[start:])
    return db, (report, first_run_requests)


@pytest.fixture
def archived_db(tmp_path: Path, archived_template: tuple[Path, Any]) -> Path:
    src, _ = archived_template
    dst = tmp_path / "archive.sqlite"
    shutil.copyfile(src, dst)  # the template is checkpointed (closed) so the main file holds everything
    return dst
