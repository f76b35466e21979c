"""The anthology editor's parts: the current item's panel (section, note, comment mode, the thread with a checkbox
per comment, the comment's text and its excerpt), the introduction with its Markdown preview, and the PDF preview."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from desktop.anthology_models import AnthologyItemsModel, CommentChoiceModel
from desktop.export_dialog import ANTHOLOGY_CHOICES
from storage.records import COMMENT_MODES, CommenterNames, CommentMode

MODE_CHOICES: dict[CommentMode, str] = {"all": "All comments", "selected": "Selected comments", "none": "No comments"}
COMMENTER_NAME_CHOICES: tuple[tuple[str, CommenterNames], ...] = (
    ("Their names", "names"),
    ("Initials (M. H.)", "initials"),
    ("“A reader”", "reader"),
)
CHOICE_BUTTONS = (("Include", "include"), ("Include with replies", "replies"), ("Exclude", "exclude"))


class MarkdownPreview(QTextBrowser):
    """Renders the editor's own Markdown (never web text). It loads nothing: no images, no local files, and links
    are not followed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)

    def loadResource(self, type: int, name: QUrl | str) -> Any:  # noqa: A002 (Qt's signature)
        return None


class IntroPanel(QSplitter):
    """The introduction: Markdown typed on the left, its preview on the right."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.edit = QPlainTextEdit()
        self.edit.setPlaceholderText("The editor's introduction, in Markdown")
        self.preview = MarkdownPreview()
        self.addWidget(self.edit)
        self.addWidget(self.preview)


class ItemPanel(QWidget):
    """The widgets for one item; `AnthologyEditor` fills them and saves what changes. Comment text is web text:
    it is shown in plain-text widgets only."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.section_edit = QLineEdit()
        self.section_edit.setPlaceholderText("A section heading printed before this item (optional)")
        self.note_edit = QPlainTextEdit()
        self.note_edit.setPlaceholderText("The editor's note on this item (Markdown)")
        self.note_edit.setMaximumHeight(64)
        self.mode_combo = QComboBox()
        for mode in COMMENT_MODES:
            self.mode_combo.addItem(MODE_CHOICES[mode], mode)
        self.thread_model = CommentChoiceModel(self)
        self.thread_view = QTreeView()
        self.thread_view.setModel(self.thread_model)
        self.thread_view.setUniformRowHeights(True)
        self.thread_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.thread_view.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(CommentChoiceModel.TEXT, QHeaderView.ResizeMode.Stretch)
        for column, width in ((CommentChoiceModel.AUTHOR, 170), (CommentChoiceModel.CHOICE, 84)):
            header.resizeSection(column, width)
        self.thread_view.setColumnHidden(CommentChoiceModel.DATE, True)  # room for the text; the reader has dates
        buttons = QHBoxLayout()
        self.choice_buttons: dict[str, QPushButton] = {}
        for label, choice in CHOICE_BUTTONS:
            self.choice_buttons[choice] = QPushButton(label)
        forget = QPushButton("Follow the mode")
        forget.setToolTip("Forget this comment's own choice: the item's comment mode (or a parent's choice) decides")
        self.choice_buttons["none"] = forget
        for button in self.choice_buttons.values():
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.comment_text = QPlainTextEdit()
        self.comment_text.setReadOnly(True)
        self.excerpt_edit = QPlainTextEdit()
        self.excerpt_edit.setPlaceholderText("An excerpt printed instead of the whole comment (optional)")
        for edit in (self.comment_text, self.excerpt_edit):
            edit.setMaximumHeight(110)
        comment_split = QSplitter(Qt.Orientation.Horizontal)
        comment_split.addWidget(self.comment_text)
        comment_split.addWidget(self.excerpt_edit)
        form = QFormLayout()
        form.addRow("Section:", self.section_edit)
        form.addRow("Note:", self.note_edit)
        form.addRow("Comments:", self.mode_combo)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.thread_view, 1)
        layout.addLayout(buttons)
        layout.addWidget(comment_split)


class FrontMatterForm(QWidget):
    """Title, subtitle and editor; how commenters are printed; the page estimate, the format and Export."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title_edit, self.subtitle_edit, self.editor_edit = QLineEdit(), QLineEdit(), QLineEdit()
        self.names_combo = QComboBox()
        for label, value in COMMENTER_NAME_CHOICES:
            self.names_combo.addItem(label, value)
        self.omit_urls_check = QCheckBox("Leave out commenters' web addresses")
        self.estimate_label = QLabel("")
        self.estimate_label.setTextFormat(Qt.TextFormat.PlainText)
        self.format_combo = QComboBox()
        for choice in ANTHOLOGY_CHOICES:
            self.format_combo.addItem(choice.label, choice.name)
        self.format_combo.setToolTip("What Export… writes; the file name gets the format's ending")
        # The labels are long ("Markdown bundle (zip: one file per post, images)"): the closed combo elides them
        # rather than pushing the privacy options off a narrow window; its list shows them whole.
        self.format_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.format_combo.setMinimumContentsLength(18)
        self.export_button = QPushButton("Export…")
        form = QFormLayout()
        form.addRow("Title:", self.title_edit)
        form.addRow("Subtitle:", self.subtitle_edit)
        form.addRow("Editor:", self.editor_edit)
        privacy = QHBoxLayout()
        privacy.addWidget(QLabel("Commenters:"))
        privacy.addWidget(self.names_combo)
        privacy.addWidget(self.omit_urls_check)
        privacy.addStretch(1)
        privacy.addWidget(self.estimate_label)
        privacy.addWidget(self.format_combo)
        privacy.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addLayout(privacy)


class ItemsBox(QGroupBox):
    """The anthology's items in order: drag one to move it (InternalMove, through the model's `moveRows`)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Items (drag to reorder)", parent)
        self.model = AnthologyItemsModel(self)
        self.view = QListView()
        self.view.setModel(self.model)
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.view.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.view.setDragEnabled(True)
        self.view.setAcceptDrops(True)
        self.view.setDropIndicatorShown(True)
        self.view.setAlternatingRowColors(True)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # long titles: see tooltips
        self.up_button, self.down_button = QPushButton("Move up"), QPushButton("Move down")
        self.remove_button = QPushButton("Remove")
        buttons = QHBoxLayout()
        for button in (self.up_button, self.down_button, self.remove_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)


class PdfPreviewDialog(QDialog):
    """The exported PDF, shown with QtPdf (pages are read lazily)."""

    def __init__(self, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(path.name)
        self.resize(720, 860)
        self.document = QPdfDocument(self)
        self.document.load(str(path))
        self.view = QPdfView()
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        pages = self.document.pageCount()
        self.label = QLabel(f"{path} · {pages} page{'s' if pages != 1 else ''}")
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)
