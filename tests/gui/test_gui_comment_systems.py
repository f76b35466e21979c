"""Comment systems in the GUI (issue 9): the reader's banner over a thread that is missing or came from elsewhere,
the settings for rendering and keys, and the library node listing the posts whose comments were not captured."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QLabel, QLineEdit

from desktop.library import MISSING_COMMENTS_LABEL, LibraryModel
from desktop.models import PostFilter, PostListModel
from desktop.reader import PostReader
from desktop.settings import AppSettings, SettingsDialog
from desktop.tasks import ArchiveSettings
from storage.archive import open_archive
from storage.records import Blog, Comment, CommentSystem, Post

NOTE = "This post uses Disqus; 143 comments not captured: add a Disqus API key in Settings or import the Disqus export."
HOSTILE_NOTE = "Disqus <b>bold</b> <img src=x onerror=alert(1)> &amp; <a href='file:///etc/passwd'>x</a>"
DETECTED = datetime(2025, 2, 3, 4, 5, tzinfo=UTC)
SCREENSHOT_DIR = os.environ.get("THREADBOOK_SCREENSHOT_DIR")  # set to keep the banner screenshots


def _post(slug: str, system: CommentSystem | None, comments: tuple[Comment, ...] = ()) -> Post:
    return Post(
        url=f"https://quiet.example/{slug}/",
        title=f"Walk {slug}",
        author="Ines",
        published_at=datetime(2024, 6, 1, 9, 0, tzinfo=UTC),
        updated_at=None,
        body_md=f"The {slug} walk, along the river and back.",
        comments=comments,
        comment_count_expected=143 if system is not None and system.origin == "none" else None,
        comment_system=system,
    )


MISSING = _post("missing", CommentSystem("disqus", "none", 143, NOTE, (("shortname", "quiet"),), DETECTED))
REPLY = Comment("i-1", None, 0, 0, "Quill", None, DETECTED, "comment", "Read through Isso's interface.")
READ_BY_API = _post("isso", CommentSystem("isso", "api", 1, "", (), DETECTED), (REPLY,))
RENDERED = _post("rendered", CommentSystem("commento", "rendered", None, "", (), DETECTED), (REPLY,))
PLAIN = _post("plain", None, (REPLY,))


@pytest.fixture
def reader(qtbot) -> PostReader:  # type: ignore[no-untyped-def]
    widget = PostReader()
    qtbot.addWidget(widget)
    widget.resize(760, 620)
    widget.show()
    return widget


def _grab(widget: PostReader, name: str, tmp_path: Path) -> Path:
    folder = Path(SCREENSHOT_DIR) if SCREENSHOT_DIR else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / name
    assert widget.grab().save(str(out), "PNG")
    return out


def test_a_missing_thread_shows_the_note_in_a_banner_instead_of_an_empty_thread(
    qtbot, reader: PostReader, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    reader.show_post(MISSING)
    banner = reader.thread_view.banner
    assert banner.isVisible()
    assert banner.text() == NOTE
    assert banner.textFormat() == Qt.TextFormat.PlainText
    assert banner.property("kind") == "missing"
    assert reader.thread_view.heading.text() == "Comments not captured — the site says 143"
    shot = _grab(reader, "banner-missing.png", tmp_path)
    assert shot.stat().st_size > 1000
    assert not reader.thread_view.splitter.isVisible()  # no empty tree that would read as "no comments"
    wide_height, wide_width = banner.height(), banner.width()
    reader.resize(reader.minimumSizeHint().width(), 620)
    qtbot.waitUntil(lambda: banner.width() < wide_width * 0.7)
    assert banner.height() > wide_height  # the wrapped note keeps all its lines
    assert banner.height() >= banner.text_height(banner.width())


def test_a_thread_read_elsewhere_says_where_it_came_from(reader: PostReader, tmp_path: Path) -> None:
    reader.show_post(READ_BY_API)
    banner = reader.thread_view.banner
    assert banner.isVisible() and banner.property("kind") == "info"
    assert banner.text() == "Comments read from Isso's interface on 2025-02-03."
    assert reader.thread_view.heading.text() == "1 comment"
    reader.show_post(RENDERED)
    assert banner.text().startswith("Comments read from a rendering of the page on 2025-02-03")
    _grab(reader, "banner-rendered.png", tmp_path)


def test_no_banner_for_a_thread_the_page_serves(reader: PostReader) -> None:
    reader.show_post(MISSING)
    reader.show_post(PLAIN)
    assert not reader.thread_view.banner.isVisible()
    assert reader.thread_view.banner.text() == ""
    reader.show_post(None)
    assert not reader.thread_view.banner.isVisible()


def test_the_note_is_plain_text_even_when_it_looks_like_markup(reader: PostReader) -> None:
    hostile = _post("hostile", CommentSystem("disqus", "none", None, HOSTILE_NOTE, (), DETECTED))
    reader.show_post(hostile)
    banner = reader.thread_view.banner
    assert banner.textFormat() == Qt.TextFormat.PlainText
    assert banner.text() == HOSTILE_NOTE  # shown literally: the tags are characters, not markup
    assert not banner.openExternalLinks()


# -- settings


def test_settings_store_render_and_keys_and_hide_the_keys(qtbot, qsettings: QSettings) -> None:  # type: ignore[no-untyped-def]
    prefs = AppSettings(qsettings)
    assert (prefs.archive_settings().render, prefs.archive_settings().disqus_api_key) == (False, None)
    dialog = SettingsDialog(prefs, archive_path=None)
    qtbot.addWidget(dialog)
    assert dialog.disqus_edit.echoMode() == QLineEdit.EchoMode.Password
    assert dialog.github_edit.echoMode() == QLineEdit.EchoMode.Password
    assert not dialog.render_check.isChecked()
    texts = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "runs the page's own scripts in a headless browser" in texts
    dialog.render_check.setChecked(True)
    dialog.disqus_edit.setText("  dq-key-123  ")
    dialog.github_edit.setText("ghp_token456")
    dialog.accept()
    stored = AppSettings(QSettings(qsettings.fileName(), QSettings.Format.IniFormat)).archive_settings()
    assert (stored.render, stored.disqus_api_key, stored.github_token) == (True, "dq-key-123", "ghp_token456")
    again = SettingsDialog(prefs, archive_path=None)
    qtbot.addWidget(again)
    assert again.render_check.isChecked() and again.disqus_edit.text() == "dq-key-123"
    again.disqus_edit.setText("")  # clearing a key removes it from the settings file
    again.accept()
    assert AppSettings(qsettings).archive_settings().disqus_api_key is None
    assert "dq-key-123" not in Path(qsettings.fileName()).read_text(encoding="utf-8")


def test_the_settings_dialog_opens_tall_enough_for_every_note(qtbot, qsettings: QSettings) -> None:  # type: ignore[no-untyped-def]
    dialog = SettingsDialog(AppSettings(qsettings), archive_path=None)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    wrapped = [label for label in dialog.findChildren(QLabel) if label.wordWrap() and label.isVisible()]
    assert len(wrapped) >= 4
    for label in wrapped:
        assert label.height() >= label.heightForWidth(label.width()), label.text()


def test_the_add_blog_dialog_keeps_the_comment_system_settings(qtbot) -> None:  # type: ignore[no-untyped-def]
    from desktop.dialogs import AddBlogDialog

    base = ArchiveSettings(render=True, disqus_api_key="dq-key", github_token="ghp-token", user_agent="Tester/1")
    dialog = AddBlogDialog(settings=base)
    qtbot.addWidget(dialog)
    dialog.delay_spin.setValue(3.0)
    chosen = dialog.settings()
    assert chosen.delay == 3.0
    assert (chosen.render, chosen.disqus_api_key, chosen.github_token) == (True, "dq-key", "ghp-token")
    assert chosen.user_agent == "Tester/1"


def test_archive_settings_never_show_keys_in_their_repr() -> None:
    settings = ArchiveSettings(disqus_api_key="dq-secret", github_token="ghp-secret")
    assert "secret" not in repr(settings)


# -- the library and the post list


def test_the_library_lists_posts_whose_comments_were_not_captured(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "systems.sqlite"
    with open_archive(path) as archive:
        blog_id = archive.save_blog(Blog(url="https://quiet.example/", title="Quiet", platform="generic"))
        ids = {p.title: archive.save_post(blog_id, p).post_id for p in (MISSING, READ_BY_API, RENDERED, PLAIN)}
        library = LibraryModel()
        library.set_blogs(archive.list_blogs(), archive.list_terms())
        blog_item = library.item(1, 0)
        nodes = [blog_item.child(row, 0) for row in range(blog_item.rowCount())]
        [node] = [n for n in nodes if MISSING_COMMENTS_LABEL in n.text()]
        wanted = PostFilter(blog_id=blog_id, missing_comments=True)
        assert LibraryModel.filter_at(node.index()) == wanted
        assert blog_item.child(node.row(), 1).text() == "1"
        assert library.index_of(wanted) == node.index()

        posts = PostListModel()
        posts.set_source(archive, post_filter=wanted)
        assert [posts.post_at(row).id for row in range(posts.rowCount())] == [ids["Walk missing"]]
        posts.set_source(archive, post_filter=PostFilter(blog_id=blog_id))
        assert posts.rowCount() == 4
        cells = {
            posts.post_at(row).title: posts.index(row, PostListModel.COMMENTS).data() for row in range(posts.rowCount())
        }
        assert cells == {"Walk missing": "⚠ 0", "Walk isso": "1", "Walk rendered": "1", "Walk plain": "1"}
        missing_row = next(row for row in range(4) if posts.post_at(row).id == ids["Walk missing"])
        tip = posts.index(missing_row, PostListModel.COMMENTS).data(Qt.ItemDataRole.ToolTipRole)
        assert tip.startswith("Comments not captured")


def test_a_post_source_without_the_filter_still_serves_plain_filters() -> None:
    assert "missing_comments" not in PostFilter(blog_id=1).kwargs()
    assert PostFilter(blog_id=1, missing_comments=True).kwargs()["missing_comments"] is True
