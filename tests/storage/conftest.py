"""Storage test fixtures: a migrated template archive built once per session, copied into each test."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sample_records import FakeClock

from storage.archive import Archive, open_archive


@pytest.fixture(scope="session")
def template_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    open_archive(path).close()  # closing the last connection checkpoints WAL into the main file
    return path


@pytest.fixture
def archive_path(tmp_path: Path, template_archive: Path) -> Path:
    path = tmp_path / "archive.db"
    shutil.copyfile(template_archive, path)
    return path


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def archive(archive_path: Path, clock: FakeClock) -> Iterator[Archive]:
    with open_archive(archive_path, now=clock) as opened:
        yield opened
