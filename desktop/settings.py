"""The user's preferences (QSettings) and the Settings dialog: archive file, recent archives, capture politeness,
User-Agent, whether updates ask every post again, comment systems (rendering, Disqus key, GitHub token), default
export options, and how often watched blogs are checked."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.tasks import RECHECK_AFTER, ArchiveSettings

MAX_RECENT = 8
PAGE_SIZES = ("A4", "Letter", "A5")


class AppSettings:
    """Typed access to the QSettings keys the app uses (one place for their names and defaults)."""

    def __init__(self, settings: QSettings) -> None:
        self.qsettings = settings

    def _float(self, key: str, default: float) -> float:
        try:
            return float(self.qsettings.value(key, default))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return default

    def _bool(self, key: str, default: bool) -> bool:
        value = self.qsettings.value(key, default)
        return value in (True, "true", "1", 1) if not isinstance(value, bool) else value

    def _secret(self, key: str) -> str | None:
        return str(self.qsettings.value(key, "") or "").strip() or None

    def archive_settings(self) -> ArchiveSettings:
        return ArchiveSettings(
            delay=self._float("capture/delay", 1.0),
            fetch_images=self._bool("capture/fetch_images", True),
            respect_robots=self._bool("capture/respect_robots", True),
            user_agent=str(self.qsettings.value("capture/user_agent", "") or ""),
            recheck_all=self._bool("capture/recheck_all", False),
            render=self._bool("comments/render", False),
            disqus_api_key=self._secret("comments/disqus_api_key"),
            github_token=self._secret("comments/github_token"),
        )

    def set_archive_settings(self, settings: ArchiveSettings) -> None:
        self.qsettings.setValue("capture/delay", settings.delay)
        self.qsettings.setValue("capture/fetch_images", settings.fetch_images)
        self.qsettings.setValue("capture/respect_robots", settings.respect_robots)
        self.qsettings.setValue("capture/user_agent", settings.user_agent)
        self.qsettings.setValue("capture/recheck_all", settings.recheck_all)
        # Comment systems (issue 9). The keys are stored in the user's settings file in plain text, like other
        # desktop apps' tokens without a keyring; docs/gui.md says so. They never go into the archive or a log.
        self.qsettings.setValue("comments/render", settings.render)
        for key, value in (
            ("comments/disqus_api_key", settings.disqus_api_key),
            ("comments/github_token", settings.github_token),
        ):
            if value and value.strip():
                self.qsettings.setValue(key, value.strip())
            else:
                self.qsettings.remove(key)

    def page_size(self) -> str:
        value = str(self.qsettings.value("export/page_size", "A4"))
        return value if value in PAGE_SIZES else "A4"

    def set_page_size(self, value: str) -> None:
        self.qsettings.setValue("export/page_size", value)

    def export_dir(self) -> Path:
        return Path(str(self.qsettings.value("export/dir", str(Path.home()))))

    def set_export_dir(self, path: Path) -> None:
        self.qsettings.setValue("export/dir", str(path))

    def watch_check_minutes(self) -> float:
        return self._float("watch/check_minutes", 10.0)

    def recent_archives(self) -> list[str]:
        value = self.qsettings.value("archive/recent", [])
        items = [value] if isinstance(value, str) else list(value or [])  # type: ignore[arg-type]
        return [str(item) for item in items if item][:MAX_RECENT]

    def add_recent_archive(self, path: Path) -> None:
        recent = [str(path)] + [p for p in self.recent_archives() if p != str(path)]
        self.qsettings.setValue("archive/recent", recent[:MAX_RECENT])


class SettingsDialog(QDialog):
    """Edit the preferences; OK writes them to QSettings."""

    def __init__(self, settings: AppSettings, *, archive_path: Path | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.setWindowTitle("Settings")
        self.setMinimumWidth(560)
        current = settings.archive_settings()

        archive_label = QLabel(str(archive_path) if archive_path else "No archive open")
        archive_label.setTextFormat(Qt.TextFormat.PlainText)
        archive_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        archive_label.setWordWrap(True)
        recent = settings.recent_archives()
        recent_label = QLabel("\n".join(recent) if recent else "None yet")
        recent_label.setTextFormat(Qt.TextFormat.PlainText)
        recent_label.setWordWrap(True)
        archive_hint = QLabel("Open another archive with File → Open archive… or File → Recent archives.")
        archive_hint.setWordWrap(True)
        archive_hint.setEnabled(False)

        self.delay_spin = QDoubleSpinBox()
        self.delay_spin.setRange(0.0, 60.0)
        self.delay_spin.setDecimals(1)
        self.delay_spin.setSingleStep(0.5)
        self.delay_spin.setSuffix(" s")
        self.delay_spin.setValue(current.delay)
        self.images_check = QCheckBox("Save the posts' images")
        self.images_check.setChecked(current.fetch_images)
        self.robots_check = QCheckBox("Respect the sites' robots.txt")
        self.robots_check.setChecked(current.respect_robots)
        # A check box doesn't wrap: the long half of the switch's text goes in a note under it, like the others.
        self.recheck_check = QCheckBox("Ask every post again on each update")
        self.recheck_check.setChecked(current.recheck_all)
        self.recheck_note = QLabel(
            "Slower; catches edited and deleted comments. Off, an update asks only the posts the blog says changed, "
            f"and each post at least once every {RECHECK_AFTER.days} days. Same as --recheck-all."
        )
        self.recheck_note.setWordWrap(True)
        self.recheck_note.setEnabled(False)
        self.recheck_note.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.agent_edit = QLineEdit(current.user_agent)
        self.agent_edit.setPlaceholderText("Threadbook's honest default (recommended)")
        agent_note = QLabel(
            "The User-Agent tells site owners who is fetching their pages. Keep it honest: say it is Threadbook, "
            "and add a way to reach you if you archive a lot."
        )
        agent_note.setWordWrap(True)
        agent_note.setEnabled(False)
        self.page_combo = QComboBox()
        self.page_combo.addItems(list(PAGE_SIZES))
        self.page_combo.setCurrentText(settings.page_size())
        self.export_dir_edit = QLineEdit(str(settings.export_dir()))
        comments_group = self._comment_systems_group(current)

        form = QFormLayout()
        form.addRow("Archive file:", archive_label)
        form.addRow("Recent archives:", recent_label)
        form.addRow("", archive_hint)
        form.addRow("Delay per host:", self.delay_spin)
        form.addRow("", self.images_check)
        form.addRow("", self.robots_check)
        recheck = QVBoxLayout()  # the switch and its note as one row: no gap opens between them
        recheck.setSpacing(2)
        recheck.addWidget(self.recheck_check)
        recheck.addWidget(self.recheck_note)
        form.addRow("", recheck)
        form.addRow("User-Agent:", self.agent_edit)
        form.addRow("", agent_note)
        form.addRow("PDF page size:", self.page_combo)
        form.addRow("Export folder:", self.export_dir_edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(comments_group)
        layout.addWidget(buttons)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # Qt sizes a dialog from its layouts' size hints, which leave out the extra lines of wrapped notes: open it
        # tall enough for them (it opened 28 px short, squeezing the User-Agent note to a line and a half).
        needed = self.layout().totalHeightForWidth(self.width())
        if needed > self.height():
            self.resize(self.width(), needed)

    def _comment_systems_group(self, current: ArchiveSettings) -> QGroupBox:
        """Rendering and the keys that unlock comment threads kept outside the page (Disqus, giscus, ...)."""
        group = QGroupBox("Comment systems")
        self.render_check = QCheckBox("Read comments no interface serves from a rendering of the page")
        self.render_check.setChecked(current.render)
        render_warning = QLabel(
            "This runs the page's own scripts in a headless browser (contained: no files, no popups). Off by default."
        )
        render_warning.setWordWrap(True)
        render_warning.setEnabled(False)
        self.disqus_edit = QLineEdit(current.disqus_api_key or "")
        self.disqus_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.disqus_edit.setPlaceholderText("Disqus public API key (optional)")
        self.github_edit = QLineEdit(current.github_token or "")
        self.github_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.github_edit.setPlaceholderText("GitHub token, for giscus and utterances (optional)")
        keys_note = QLabel(
            "Keys are stored in your settings file on this computer, never in the archive or its exports."
        )
        keys_note.setWordWrap(True)
        keys_note.setEnabled(False)
        form = QFormLayout(group)
        form.addRow("", self.render_check)
        form.addRow("", render_warning)
        form.addRow("Disqus API key:", self.disqus_edit)
        form.addRow("GitHub token:", self.github_edit)
        form.addRow("", keys_note)
        return group

    def accept(self) -> None:
        self.settings.set_archive_settings(
            ArchiveSettings(
                delay=self.delay_spin.value(),
                fetch_images=self.images_check.isChecked(),
                respect_robots=self.robots_check.isChecked(),
                user_agent=self.agent_edit.text().strip(),
                recheck_all=self.recheck_check.isChecked(),
                render=self.render_check.isChecked(),
                disqus_api_key=self.disqus_edit.text().strip() or None,
                github_token=self.github_edit.text().strip() or None,
            )
        )
        self.settings.set_page_size(self.page_combo.currentText())
        if self.export_dir_edit.text().strip():
            self.settings.set_export_dir(Path(self.export_dir_edit.text().strip()).expanduser())
        self.settings.qsettings.sync()
        super().accept()
