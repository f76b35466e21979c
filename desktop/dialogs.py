"""Dialogs of the main window: adding a blog to the archive (with a preview of what was found)."""

from __future__ import annotations

import functools
from dataclasses import replace
from urllib.parse import urlsplit

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop import tasks
from desktop.tasks import ArchiveSettings, BlogPreview, describe_preview
from desktop.workers import Job, JobRunner

PREVIEW_DELAY_MS = 700  # after typing stops, look at the address


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
    """Ask for a blog's address and the capture settings. OK is enabled only for an http(s) address.

    With a `runner`, the dialog previews the address on a worker (platform, post count, about how many
    comments) a moment after typing stops, or when "Preview" is pressed; the capture itself starts on OK."""

    preview_shown = Signal(str)  # the preview line, or the reason there is none

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        url: str = "",
        settings: ArchiveSettings | None = None,
        runner: JobRunner | None = None,
    ) -> None:
        super().__init__(parent)
        settings = settings or ArchiveSettings()
        self._base_settings = settings
        self.runner = runner
        self.preview: BlogPreview | None = None
        self._preview_job: Job | None = None
        self._preview_generation = 0
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
        self.preview_label = QLabel("")
        self.preview_label.setTextFormat(Qt.TextFormat.PlainText)  # the blog's title is web text
        self.preview_label.setWordWrap(True)
        self.preview_button = QPushButton("Preview")
        self.preview_button.setToolTip("Look at the address: which platform, how many posts")
        self.preview_button.clicked.connect(self.start_preview)
        self.preview_button.setVisible(runner is not None)
        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(PREVIEW_DELAY_MS)
        self._preview_timer.timeout.connect(self.start_preview)

        form = QFormLayout()
        url_row = QHBoxLayout()
        url_row.addWidget(self.url_edit, 1)
        url_row.addWidget(self.preview_button)
        form.addRow("Blog address:", url_row)
        form.addRow("", self.problem_label)
        form.addRow("Found:", self.preview_label)
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
        # replace(): what this dialog doesn't show (User-Agent, timeout, comment-system keys and rendering) is kept.
        return replace(
            self._base_settings,
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
        self.preview_button.setEnabled(problem is None)
        self._preview_generation += 1  # a preview of the old text is no longer wanted
        self.preview = None
        self.preview_label.setText("")
        if problem is None and self.runner is not None:
            self._preview_timer.start()

    # -- preview on a worker
    def start_preview(self) -> Job | None:
        """Discover the address on a worker (nothing is saved); the answer fills the "Found" line."""
        url = self.url()
        if self.runner is None or blog_url_problem(url) is not None:
            return None
        self._preview_timer.stop()
        if self._preview_job is not None:
            self._preview_job.cancel.set()
        self._preview_generation += 1
        generation = self._preview_generation
        self.preview_label.setText("Looking at the address…")
        settings = replace_delay(self.settings())
        job = Job(functools.partial(tasks.preview_blog, url, settings=settings), title=f"preview {url}")
        job.signals.finished.connect(functools.partial(self._on_preview, generation))
        job.signals.failed.connect(functools.partial(self._on_preview_failed, generation))
        self._preview_job = job
        return self.runner.start(job)

    def _on_preview(self, generation: int, result: object) -> None:
        if generation != self._preview_generation or not isinstance(result, BlogPreview):
            return
        self.preview = result
        text = describe_preview(result)
        if result.title:
            text += f" — “{result.title}”"
        self.preview_label.setText(text)
        self.preview_shown.emit(text)

    def _on_preview_failed(self, generation: int, message: str) -> None:
        if generation != self._preview_generation:
            return
        self.preview_label.setText(message)
        self.preview_shown.emit(message)

    def done(self, result: int) -> None:
        self._preview_timer.stop()
        if self._preview_job is not None:
            self._preview_job.cancel.set()
        super().done(result)


def replace_delay(settings: ArchiveSettings) -> ArchiveSettings:
    """A preview reads a handful of pages: it keeps the politeness delay, capped, so it answers quickly."""
    from dataclasses import replace

    return replace(settings, delay=min(settings.delay, 0.5))
