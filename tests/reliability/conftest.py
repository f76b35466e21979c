"""Fixtures for the reliability suite: the fault-injecting blog (faulty_blog.py) and quick retries."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest
from faulty_blog import FaultyBlog

from desktop import tasks


@pytest.fixture
def blog() -> Iterator[FaultyBlog]:
    with FaultyBlog() as server:
        yield server


@pytest.fixture
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retry backoff in hundredths of a second, so a persistent 500 costs little; Retry-After is still obeyed."""
    original = tasks._fetch_settings

    def quick(settings: tasks.ArchiveSettings) -> Any:
        return dataclasses.replace(original(settings), backoff=0.01)

    monkeypatch.setattr(tasks, "_fetch_settings", quick)
