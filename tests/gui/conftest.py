"""GUI fixtures: a real archive built from hand-made records, isolated settings, and a main window on it."""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

# The test-wide conftest sets this too; kept here so `pytest tests/gui` works on its own. Not setdefault:
# an empty value aborts Qt.
if not os.environ.get("QT_QPA_PLATFORM"):
    os.environ["QT_QPA_PLATFORM"] = "offscreen"

from PIL import Image  # noqa: E402
from PySide6.QtCore import QSettings  # noqa: E402

from storage.archive import open_archive  # noqa: E402
from storage.records import Asset, Blog, Comment, Post  # noqa: E402

BLOG_URL = "https://lantern.example/"
IMAGE_URL = "https://lantern.example/media/red-square.png"
THREADED_TITLE = "Ночные фонари и 灯笼: a threaded post"
HOSTILE_TEXT = "<b>not bold</b> <img src=x onerror=alert(1)> &amp; <a href='file:///etc/passwd'>x</a>"
BODY_MD = f"""Lanterns along the river, **lit at dusk**.

Привет из Москвы — 你好，世界。

![A red square]({IMAGE_URL})

![local file](file:///etc/passwd)

Read more [on another blog](https://elsewhere.example/post).
"""
MSK = timezone(timedelta(hours=3))


def red_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 20, 20)).save(buffer, format="PNG")
    return buffer.getvalue()


def comment(source_id: str, parent: str | None, position: int, depth: int, author: str, body: str, **extra) -> Comment:
    return Comment(
        source_id=source_id,
        parent_source_id=parent,
        position=position,
        depth=depth,
        author=author,
        author_url=None,
        published_at=datetime(2024, 5, 1, 12, depth * 10 + position, tzinfo=MSK),
        kind=extra.pop("kind", "comment"),
        body_md=body,
        **extra,
    )


THREAD = (
    comment("c1", None, 0, 0, "Аня", "Top-level comment, first thread."),
    comment("c2", "c1", 0, 1, "Bo", "A reply to Аня."),
    comment("c3", "c2", 0, 2, "李雷", "A reply to the reply: 第三层。"),
    comment("c4", "c3", 0, 3, "Dee", "Four deep.\nWith a second line."),
    comment("c5", "c1", 1, 1, "Eve", "Another reply to the first comment."),
    comment("c6", None, 1, 0, "Mallory", HOSTILE_TEXT),
    comment("p1", None, 2, 0, "Another Blog", "Another Blog linked here.", kind="pingback"),
)


def threaded_post() -> Post:
    data = red_png()
    return Post(
        url="https://lantern.example/2024/05/lanterns/",
        title=THREADED_TITLE,
        author="Ольга",
        published_at=datetime(2024, 5, 1, 9, 30, tzinfo=MSK),
        updated_at=None,
        body_md=BODY_MD,
        categories=("Walks",),
        comments=THREAD,
        images=(
            Asset(
                source_url=IMAGE_URL,
                sha256=hashlib.sha256(data).hexdigest(),
                media_type="image/png",
                size=len(data),
                data=data,
                alt="A red square",
            ),
        ),
        captured_at=datetime(2024, 6, 1, 8, 0, tzinfo=UTC),
    )


def filler_post(number: int) -> Post:
    return Post(
        url=f"https://lantern.example/2023/notes/{number:04d}/",
        title=f"Note {number:04d}",
        author="Filler Author" if number % 2 else "Another Author",
        published_at=datetime(2023, 1, 1, tzinfo=UTC) + timedelta(hours=number),
        updated_at=None,
        body_md=f"Note number {number}.",
        comments=(comment(f"n{number}", None, 0, 0, "Reader", "Nice."),) if number % 3 == 0 else (),
    )


def build_archive(path: Path, *, filler: int = 0) -> Path:
    with open_archive(path) as archive:
        blog_id = archive.save_blog(Blog(url=BLOG_URL, title="Lantern Notes", platform="wordpress"))
        archive.save_post(blog_id, threaded_post())
        for number in range(filler):
            archive.save_post(blog_id, filler_post(number))
    return path


@pytest.fixture(scope="session")
def archive_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_archive(tmp_path_factory.mktemp("gui-template") / "archive.sqlite", filler=3)


@pytest.fixture(scope="session")
def big_archive_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """1,001 posts: enough for several pages of the lazily fetched post list."""
    return build_archive(tmp_path_factory.mktemp("gui-big") / "big.sqlite", filler=1_000)


@pytest.fixture
def big_archive_path(tmp_path: Path, big_archive_template: Path) -> Path:
    target = tmp_path / "big.sqlite"
    target.write_bytes(big_archive_template.read_bytes())
    return target


@pytest.fixture
def archive_path(tmp_path: Path, archive_template: Path) -> Path:
    target = tmp_path / "lanterns.sqlite"
    target.write_bytes(archive_template.read_bytes())  # closed archives are checkpointed: one file holds it all
    return target


@pytest.fixture
def qsettings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "threadbook.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def open_window(qtbot, qsettings):  # type: ignore[no-untyped-def]
    """A factory: `open_window(path)` shows a MainWindow on `path` once the archive is ready; closed at the end."""
    from desktop.mainwindow import MainWindow

    windows: list[MainWindow] = []

    def factory(path: Path) -> MainWindow:
        window = MainWindow(None, settings=qsettings)
        qtbot.addWidget(window)
        windows.append(window)
        with qtbot.waitSignal(window.archive_opened, timeout=10_000):
            window.open_archive_file(path)
        window.show()
        return window

    yield factory
    for window in windows:
        window.close()  # cancels and waits for jobs: never leave a pool thread running past the test


@pytest.fixture
def window(open_window, archive_path: Path) -> Iterator[object]:  # type: ignore[no-untyped-def]
    yield open_window(archive_path)
