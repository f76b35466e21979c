"""The reader pane: one archived post (header, Markdown body with archived images) above its comment thread."""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QModelIndex, QRect, QSize, Qt, QUrl, Signal
from PySide6.QtGui import (
    QColor,
    QDesktopServices,
    QFont,
    QImage,
    QPainter,
    QResizeEvent,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTextBrowser,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from desktop.comment_notices import thread_notice
from desktop.models import CommentTreeModel, comment_author_label, format_datetime
from storage.records import Asset, Comment, CommentSystem, Post

# Raw HTML in a post's Markdown is shown as text, never interpreted: it came from the web.
MARKDOWN_FEATURES = QTextDocument.MarkdownFeature(
    QTextDocument.MarkdownFeature.MarkdownDialectGitHub.value | QTextDocument.MarkdownFeature.MarkdownNoHTML.value
)
EXTERNAL_SCHEMES = frozenset({"http", "https"})
DOCUMENT_MARGIN = 12  # px around the post's text
# The thread banner's colours: amber when comments are missing, pale blue when they came from elsewhere.
BANNER_STYLES = {
    "missing": "QLabel { background: #fff4ce; color: #4a3b00; border: 1px solid #e0c062; border-radius: 4px;"
    " padding: 6px 8px; margin-bottom: 4px; }",
    "info": "QLabel { background: #e8f1fb; color: #10304f; border: 1px solid #a9c6e8; border-radius: 4px;"
    " padding: 6px 8px; margin-bottom: 4px; }",
}
MAX_IMAGE_WIDTH = 1600  # px; wider archived images are scaled down before layout


def _url_key(url: QUrl | str) -> str:
    """One spelling per URL, so `https://x/a b.png` and `https://x/a%20b.png` find the same asset."""
    qurl = QUrl(url) if isinstance(url, str) else url
    return qurl.toString(QUrl.ComponentFormattingOption.FullyEncoded).split("#", 1)[0]


def is_external_link(url: QUrl) -> bool:
    return url.scheme().lower() in EXTERNAL_SCHEMES and bool(url.host())


def _placeholder_image() -> QImage:
    """What stands in for an image the archive doesn't hold: a small grey box with a cross."""
    image = QImage(32, 24, QImage.Format.Format_ARGB32)
    image.fill(QColor(235, 235, 235))
    painter = QPainter(image)
    painter.setPen(QColor(170, 170, 170))
    painter.drawRect(0, 0, 31, 23)
    painter.drawLine(0, 0, 31, 23)
    painter.drawLine(0, 23, 31, 0)
    painter.end()
    return image


class ArchiveDocument(QTextDocument):
    """A document whose only resources are the archived images it was given.

    Two Qt fallbacks read local files: QTextDocument's own `loadResource` (when its parent supplies nothing)
    and QTextImageHandler, which calls `QImage.load(name)` when the resource is null. So an image
    `file:///etc/passwd` in a post's Markdown would make Qt read that file. This override is the whole of
    resource loading: an archived image by source URL, and for every other image a placeholder, never null.
    """

    def __init__(self, images: dict[str, bytes], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._images = images
        self._decoded: dict[str, QImage] = {}
        self._placeholder: QImage | None = None

    def archived_image(self, name: QUrl) -> QImage | None:
        key = _url_key(name)
        if key not in self._images:
            return None
        if key not in self._decoded:
            image = QImage.fromData(self._images[key])
            if image.isNull():
                return None
            if image.width() > MAX_IMAGE_WIDTH:
                image = image.scaledToWidth(MAX_IMAGE_WIDTH, Qt.TransformationMode.SmoothTransformation)
            self._decoded[key] = image
        return self._decoded[key]

    def loadResource(self, type: int, name: QUrl | str) -> Any:  # noqa: A002 (Qt's signature)
        if type != QTextDocument.ResourceType.ImageResource.value:
            return None
        image = self.archived_image(QUrl(name))
        if image is None:
            if self._placeholder is None:
                self._placeholder = _placeholder_image()
            return self._placeholder  # not null: a null result makes QTextImageHandler load the path itself
        return image


class ArchiveTextBrowser(QTextBrowser):
    """A QTextBrowser that can show only what the archive holds.

    Each post gets a fresh `ArchiveDocument`, which serves images from that post's assets, looked up by source
    URL, and nothing else: no network, no local files, no style sheets, no data: URLs. Links never navigate
    inside the browser; a click on an http(s) link is handed to `open_external` (the system browser), anything
    else is ignored.
    """

    external_link_opened = Signal(QUrl)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setSearchPaths([])
        self.open_external: Callable[[QUrl], object] = QDesktopServices.openUrl
        self.anchorClicked.connect(self._on_anchor_clicked)
        self._document: ArchiveDocument | None = None
        self._new_document({})

    def _new_document(self, images: dict[str, bytes]) -> ArchiveDocument:
        old = self._document
        self._document = ArchiveDocument(images, self)
        self._document.setDocumentMargin(DOCUMENT_MARGIN)
        self.setDocument(self._document)
        if old is not None:
            old.deleteLater()  # this browser parents each document it made: don't keep one per post shown
        return self._document

    def show_markdown(self, markdown: str, assets: Iterable[Asset] = ()) -> None:
        """Render `markdown` (raw HTML in it stays text) with `assets` as the only images it may show."""
        images = {_url_key(asset.source_url): asset.data for asset in assets if asset.data}
        self._new_document(images).setMarkdown(markdown, MARKDOWN_FEATURES)
        self.fit_images()

    def fit_images(self) -> None:
        """Scale archived images wider than the view down to its width (never up), keeping their shape."""
        document = self._document
        if document is None:
            return
        available = max(self.viewport().width() - 2 * DOCUMENT_MARGIN - 8, 64)
        block = document.begin()
        while block.isValid():
            iterator = block.begin()
            while not iterator.atEnd():
                fragment = iterator.fragment()
                char_format = fragment.charFormat()
                if fragment.isValid() and char_format.isImageFormat():
                    image_format = char_format.toImageFormat()
                    image = document.archived_image(QUrl(image_format.name()))
                    if image is not None and image.width() > 0:
                        width = min(image.width(), available)
                        if abs(image_format.width() - width) > 0.5:
                            image_format.setWidth(width)
                            image_format.setHeight(image.height() * width / image.width())
                            cursor = QTextCursor(document)
                            cursor.setPosition(fragment.position())
                            cursor.setPosition(fragment.position() + fragment.length(), QTextCursor.MoveMode.KeepAnchor)
                            cursor.setCharFormat(image_format)
                iterator += 1
            block = block.next()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_images()

    def loadResource(self, type: int, name: QUrl | str) -> Any:  # noqa: A002 (Qt's signature)
        document = self.document()
        if type != QTextDocument.ResourceType.ImageResource.value or not isinstance(document, ArchiveDocument):
            return None
        return document.archived_image(QUrl(name))

    def _on_anchor_clicked(self, url: QUrl) -> None:
        if is_external_link(url):
            self.open_external(url)
            self.external_link_opened.emit(url)


class ThreadBanner(QLabel):
    """A plain-text notice over the thread. Its height follows its wrapped text: a word-wrapped label in a
    splitter pane is otherwise squeezed to one line or less when the pane is short."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)  # the note holds site-provided names: never rich text
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setObjectName("threadBanner")
        self.hide()

    def setText(self, text: str) -> None:  # noqa: N802 (Qt's name)
        super().setText(text)
        self._fit_height()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_height()

    def text_height(self, width: int) -> int:
        """The height the wrapped text needs at `width`, with the style sheet's padding, border and margin.

        QLabel.heightForWidth wraps at a narrower width than it draws with (two lines where one fits)."""
        margins = self.contentsMargins()
        inner = max(width - margins.left() - margins.right(), 40)
        flags = int(Qt.TextFlag.TextWordWrap)
        text = self.fontMetrics().boundingRect(QRect(0, 0, inner, 0), flags, self.text()).height()
        return text + margins.top() + margins.bottom() + 2

    def _fit_height(self) -> None:
        height = self.text_height(max(self.width(), 200))
        if height != self.minimumHeight() or height != self.maximumHeight():
            self.setFixedHeight(height)


class CommentThreadView(QWidget):
    """The comment thread as an indented tree, with the selected comment's full text below it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = CommentTreeModel(self)
        self.heading = QLabel("Comments")
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        heading_font = self.heading.font()
        heading_font.setBold(True)
        self.heading.setFont(heading_font)
        self.expand_button = QPushButton("Expand all")
        self.collapse_button = QPushButton("Collapse all")
        self.expand_button.clicked.connect(self.expand_all)
        self.collapse_button.clicked.connect(self.collapse_all)

        self.tree = QTreeView()
        self.tree.setModel(self.model)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setIndentation(18)
        self.tree.setExpandsOnDoubleClick(True)
        header = self.tree.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.resizeSection(CommentTreeModel.AUTHOR, 200)
        header.resizeSection(CommentTreeModel.DATE, 125)
        self.tree.selectionModel().currentChanged.connect(self._on_current_changed)

        # The full comment as plain text: web content is never interpreted as Qt rich text.
        self.detail = QPlainTextEdit()
        self.detail.setReadOnly(True)
        self.detail.setPlaceholderText("Select a comment to read it in full.")
        self.detail_heading = QLabel("")
        self.detail_heading.setTextFormat(Qt.TextFormat.PlainText)
        self.detail_heading.setWordWrap(True)

        buttons = QHBoxLayout()
        buttons.addWidget(self.heading)
        buttons.addStretch(1)
        buttons.addWidget(self.expand_button)
        buttons.addWidget(self.collapse_button)

        # Where the thread came from, or what is missing (issue 9). Plain text: the note names the site's
        # comment service and counts, web-derived text that must never be read as Qt rich text.
        self.banner = ThreadBanner()
        # Shown in place of the tree when nothing of a thread that exists could be read: an empty tree would
        # look like a post nobody commented on.
        self.filler = QWidget()
        self.filler.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        self.filler.hide()

        detail_box = QWidget()
        detail_layout = QVBoxLayout(detail_box)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.detail_heading)
        detail_layout.addWidget(self.detail)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.tree)
        self.splitter.addWidget(detail_box)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.banner)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.filler, 1)
        self.set_comments(())

    def set_comments(
        self, comments: tuple[Comment, ...], *, expected: int | None = None, system: CommentSystem | None = None
    ) -> None:
        """Show a thread in display order; `expected` is the count the site states, when it says more; `system`
        the comment system it lives in, shown in a banner above it (what is missing, or where it came from)."""
        self.model.set_comments(comments)
        self.tree.expandAll()
        count = self.model.comment_count()
        pingbacks = sum(1 for comment in comments if comment.kind != "comment")
        missing = system is not None and system.origin == "none"
        text = f"{count:,} comment{'s' if count != 1 else ''}"
        if missing and not count:
            text = "Comments not captured"
        if pingbacks:
            text += f" ({pingbacks:,} pingback{'s' if pingbacks != 1 else ''})"
        if expected is not None and expected > count:
            text += f" — the site says {expected:,}"
        self.heading.setText(text)
        self._show_banner(system)
        unread = missing and not count
        self.splitter.setVisible(not unread)
        self.filler.setVisible(unread)
        self.expand_button.setEnabled(count > 0)
        self.collapse_button.setEnabled(count > 0)
        self._show_comment(None)

    def _show_banner(self, system: CommentSystem | None) -> None:
        notice = thread_notice(system)
        if notice and system is not None:
            kind = "missing" if system.origin == "none" else "info"
            self.banner.setProperty("kind", kind)
            self.banner.setStyleSheet(BANNER_STYLES[kind])  # before the text: its padding counts in the height
        self.banner.setText(notice)
        self.banner.setVisible(bool(notice))

    def expand_all(self) -> None:
        self.tree.expandAll()

    def collapse_all(self) -> None:
        self.tree.collapseAll()

    def select_comment(self, source_id: str) -> bool:
        index = self.model.index_of(source_id)
        if index.isValid():
            self.tree.setCurrentIndex(index)
            self.tree.scrollTo(index)
        return index.isValid()

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_comment(self.model.comment_at(current))

    def _show_comment(self, comment: Comment | None) -> None:
        if comment is None:
            self.detail_heading.setText("")
            self.detail.setPlainText("")
            return
        parts = [comment_author_label(comment), format_datetime(comment.published_at)]
        if comment.author_url:
            parts.append(comment.author_url)
        if comment.removed_at is not None:
            parts.append(f"removed upstream {format_datetime(comment.removed_at)}")
        self.detail_heading.setText(" · ".join(part for part in parts if part))
        self.detail.setPlainText(comment.body_md)


class PostReader(QWidget):
    """One post: title, byline, source link, body (rendered Markdown) and, below a splitter, the thread."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.post: Post | None = None
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        title_font = QFont(self.title.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.5)
        title_font.setBold(True)
        self.title.setFont(title_font)
        self.title.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)

        self.byline = QLabel()
        self.byline.setTextFormat(Qt.TextFormat.PlainText)
        self.byline.setWordWrap(True)
        self.byline.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        # Rich text built only from escaped parts and an http(s) URL; clicks go to the system browser.
        self.source = QLabel()
        self.source.setTextFormat(Qt.TextFormat.RichText)
        self.source.setOpenExternalLinks(False)
        self.source.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
        self.source.linkActivated.connect(self._on_source_link)

        self.body = ArchiveTextBrowser()
        self.body.setMinimumHeight(120)
        self.thread_view = CommentThreadView()

        header = QWidget()
        header_layout = QVBoxLayout(header)
        header_layout.setContentsMargins(4, 4, 4, 0)
        header_layout.setSpacing(2)
        header_layout.addWidget(self.title)
        header_layout.addWidget(self.byline)
        header_layout.addWidget(self.source)

        post_box = QWidget()
        post_layout = QVBoxLayout(post_box)
        post_layout.setContentsMargins(0, 0, 0, 0)
        post_layout.setSpacing(6)
        post_layout.addWidget(header)
        post_layout.addWidget(self.body, 1)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(post_box)
        self.splitter.addWidget(self.thread_view)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        self.show_post(None)

    def sizeHint(self) -> QSize:
        return QSize(700, 700)

    def show_post(self, post: Post | None) -> None:
        """Show `post` (loaded with its asset data), or a placeholder for None."""
        self.post = post
        if post is None:
            self.title.setText("No post selected")
            self.byline.setText("Choose a post from the list, or add a blog with “Add blog…”.")
            self.source.setText("")
            self.body.show_markdown("")
            self.thread_view.set_comments(())
            return
        self.title.setText(post.title or "(untitled)")
        self.byline.setText(self._byline(post))
        self.source.setText(self._source_html(post.url))
        body = post.body_md
        if post.protected:
            body = "*This post is password-protected; its text was not archived.*\n\n" + body
        self.body.show_markdown(body, post.images)
        self.body.verticalScrollBar().setValue(0)
        self.thread_view.set_comments(post.comments, expected=post.comment_count_expected, system=post.comment_system)

    @staticmethod
    def _byline(post: Post) -> str:
        parts = []
        if post.author:
            parts.append(f"by {post.author}")
        if post.published_at is not None:
            parts.append(format_datetime(post.published_at))
        if post.series is not None:
            number = f" #{post.series.number}" if post.series.number is not None else ""
            parts.append(f"series: {post.series.name}{number}")
        if post.categories or post.tags:
            parts.append(", ".join((*post.categories, *post.tags)))
        if post.captured_at is not None:
            parts.append(f"archived {format_datetime(post.captured_at)}")
        return " · ".join(parts)

    @staticmethod
    def _source_html(url: str) -> str:
        qurl = QUrl(url)
        if not is_external_link(qurl):
            return html.escape(url)
        return f'<a href="{html.escape(url, quote=True)}">{html.escape(url)}</a>'

    def _on_source_link(self, link: str) -> None:
        url = QUrl(link)
        if is_external_link(url):
            self.body.open_external(url)
            self.body.external_link_opened.emit(url)
