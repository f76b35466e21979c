"""Dialogs of the main window: adding a blog to the archive."""

from __future__ import annotations

from urllib.parse import urlsplit

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.tasks import ArchiveSettings


def blog_url_problem(text: str) -> str | None:
    """Why `text` can't be archived, as a sentence for the user, or None when it is an http(s) address."""
    text = text.strip()
    if not text:
        return "Enter the blog's address."
    if any(ch.isspace() for ch in text):
        return "A web address has no spaces in it."
    try:
        parts = urlsplit(text)
        _ = parts.port  # raises ValueError on a bad port
    except ValueError:
        return "That is not a valid web address."
    if parts.scheme.lower() not in ("http", "https"):
        return "Give the blog's address starting with http:// or https://."
    if not parts.hostname:
        return "The address has no host name, e.g. https://example.blog/."
    return None


def normalize_typed_url(text: str) -> str:
    """What the user most likely meant: "example.blog" becomes "https://example.blog"."""
    text = text.strip()
    if text and "://" not in text and "." in text.split("/")[0]:
        return "https://" + text
    return text


class AddBlogDialog(QDialog):
    """Ask for a blog's address and the capture settings. OK is enabled only for an http(s) address."""

    def __init__(
        self, parent: QWidget | None = None, *, url: str = "", settings: ArchiveSettings | None = None
    ) -> None:
        super().__init__(parent)
        settings = settings or ArchiveSettings()
        self.setWindowTitle("Add blog")
        self.setMinimumWidth(520)

        self.url_edit = QLineEdit(url)
        self.url_edit.setPlaceholderText("https://example.blog/")
        self.url_edit.setClearButtonEnabled(True)
        self.problem_label = QLabel()
        self.problem_label.setTextFormat(Qt.TextFormat.PlainText)
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet("color: palette(dark);")

        self.delay_spin = QDoubleSpinBox()
        self.delay_spin.setRange(0.0, 60.0)
        self.delay_spin.setDecimals(1)
        self.delay_spin.setSingleStep(0.5)
        self.delay_spin.setSuffix(" s")
        self.delay_spin.setValue(settings.delay)
        self.delay_spin.setToolTip("Pause between two requests to the blog's server. Be gentle with small sites.")
        self.images_check = QCheckBox("Save the posts' images")
        self.images_check.setChecked(settings.fetch_images)
        self.robots_check = QCheckBox("Respect the site's robots.txt")
        self.robots_check.setChecked(settings.respect_robots)

        form = QFormLayout()
        form.addRow("Blog address:", self.url_edit)
        form.addRow("", self.problem_label)
        form.addRow("Delay between requests:", self.delay_spin)
        form.addRow("", self.images_check)
        form.addRow("", self.robots_check)

        intro = QLabel(
            "Threadbook finds every post of the blog and saves each with its whole comment thread. "
            "You can also give the address of a single post."
        )
        intro.setWordWrap(True)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok_button.setText("Archive")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

        self.url_edit.textChanged.connect(self._validate)
        self._validate()

    def url(self) -> str:
        return normalize_typed_url(self.url_edit.text())

    def settings(self) -> ArchiveSettings:
        return ArchiveSettings(
            delay=self.delay_spin.value(),
            fetch_images=self.images_check.isChecked(),
            respect_robots=self.robots_check.isChecked(),
        )

    def accept(self) -> None:
        if blog_url_problem(self.url()) is None:
            super().accept()

    def _validate(self) -> None:
        problem = blog_url_problem(self.url())
        typed = bool(self.url_edit.text().strip())
        self.problem_label.setText(problem if problem and typed else "")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(problem is None)
