"""The reader widgets on their own: image fitting, Markdown with raw HTML, the placeholder for missing images."""

from __future__ import annotations

import hashlib
import io

from PIL import Image
from PySide6.QtCore import QUrl
from PySide6.QtGui import QImage, QTextDocument

from desktop.reader import ArchiveTextBrowser, PostReader
from storage.records import Asset
from tests.gui.conftest import threaded_post

IMAGE = QTextDocument.ResourceType.ImageResource.value


def png_asset(url: str, size: tuple[int, int]) -> Asset:
    buffer = io.BytesIO()
    Image.new("RGB", size, (0, 120, 0)).save(buffer, format="PNG")
    data = buffer.getvalue()
    return Asset(url, hashlib.sha256(data).hexdigest(), "image/png", len(data), data)


def test_wide_images_are_scaled_to_the_view(qtbot) -> None:  # type: ignore[no-untyped-def]
    browser = ArchiveTextBrowser()
    qtbot.addWidget(browser)
    browser.resize(500, 400)
    browser.show()
    browser.show_markdown("![big](https://x.example/big.png)", [png_asset("https://x.example/big.png", (2000, 1000))])
    assert browser.document().size().width() <= 500
    assert browser.horizontalScrollBar().maximum() == 0
    browser.resize(300, 400)
    qtbot.waitUntil(lambda: browser.document().size().width() <= 300)
    full = browser.document().resource(IMAGE, QUrl("https://x.example/big.png"))
    assert isinstance(full, QImage) and full.width() == 1600  # decoded once, capped, then drawn smaller
    browser.close()


def test_small_images_keep_their_size(qtbot) -> None:  # type: ignore[no-untyped-def]
    browser = ArchiveTextBrowser()
    qtbot.addWidget(browser)
    browser.resize(500, 400)
    browser.show()
    browser.show_markdown("![s](https://x.example/s.png)", [png_asset("https://x.example/s.png", (40, 30))])
    block = browser.document().begin()
    formats = [
        fragment.charFormat().toImageFormat()
        for fragment in (block.begin().fragment(),)
        if fragment.charFormat().isImageFormat()
    ]
    assert formats and formats[0].width() == 40
    browser.close()


def test_reader_shows_a_post_and_clears(qtbot) -> None:  # type: ignore[no-untyped-def]
    reader = PostReader()
    qtbot.addWidget(reader)
    post = threaded_post()
    reader.show_post(post)
    assert reader.title.text() == post.title
    assert reader.thread_view.model.comment_count() == 7
    reader.show_post(None)
    assert reader.title.text() == "No post selected"
    assert reader.thread_view.model.rowCount() == 0
    assert not reader.thread_view.expand_button.isEnabled()
    reader.close()
