"""Take the README screenshots (light and dark): main window, jobs panel, search results, export preview.

Run: xvfb-run -a -s "-screen 0 1280x800x24" python tools/screenshots.py   (or with QT_QPA_PLATFORM=offscreen)
The archive is captured from the bundled sample blog on a loopback server, so the pictures show real data.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QEventLoop, QSettings, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from desktop import tasks  # noqa: E402
from desktop.app import apply_dark_palette  # noqa: E402
from desktop.mainwindow import MainWindow  # noqa: E402
from desktop.sampleserver import SampleBlogServer  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def spin(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait(signal: object, timeout_ms: int = 60_000) -> list[object]:
    loop = QEventLoop()
    got: list[object] = []
    signal.connect(lambda *args: (got.extend(args), loop.quit()))  # type: ignore[attr-defined]
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()
    return got


def save(widget: QWidget, name: str) -> None:
    path = OUT / name
    widget.grab().save(str(path), "PNG")
    print(f"{path} ({path.stat().st_size // 1024} KB)")


def shoot(app: QApplication, server: SampleBlogServer, folder: Path, suffix: str) -> None:
    settings = QSettings(str(folder / f"settings{suffix}.ini"), QSettings.Format.IniFormat)
    window = MainWindow(None, settings=settings)
    window.show()
    window.open_archive_file(folder / f"archive{suffix}.sqlite")
    wait(window.archive_opened)
    window.add_blog(server.url, settings=tasks.ArchiveSettings(delay=0.02))
    wait(window.job_ended)
    window.add_blog(server.url + "2024/05/not-a-post-at-all/", settings=tasks.ArchiveSettings(delay=0.0))
    wait(window.job_ended)
    if window.error_box is not None:
        window.error_box.close()
    window.error_label.hide()
    spin(200)
    library = window.blog_model
    blog = library.index(1, 0)
    window.blog_view.expand(blog)
    window.blog_view.expand(library.index(0, 0, blog))
    window.blog_view.setCurrentIndex(blog)
    spin(100)
    model = window.post_model
    busiest = max(range(model.rowCount()), key=lambda row: model.post_at(row).comment_count)
    window.post_view.setCurrentIndex(model.index(busiest, 0))
    window.reader.thread_view.expand_all()
    spin(200)
    save(window, f"main-window{suffix}.png")
    save(window.jobs_panel, f"jobs-panel{suffix}.png")

    window.search_edit.setText("press")
    wait(window.search_finished)
    window.search_panel.filters_button.setChecked(True)
    hits = [window.search_model.hit_at(r) for r in range(window.search_model.rowCount())]
    comment_row = next((r for r, hit in enumerate(hits) if hit and hit.kind == "comment"), 0)
    window.search_view.setCurrentIndex(window.search_model.index(comment_row, 0))
    spin(200)
    save(window, f"search-results{suffix}.png")
    window.clear_search()

    window.blog_view.setCurrentIndex(library.index(0, 0, library.index(0, 0, blog)))
    dialog = window.show_export_dialog()
    assert dialog is not None
    dialog.path_edit.setText(str(folder / f"guest-week{suffix}.pdf"))
    dialog.export_button.click()
    wait(dialog.preview_ready)
    spin(600)
    save(dialog, f"export-preview{suffix}.png")
    dialog.close()
    window.close()


def main() -> None:
    """Light pass, then the dark pass in a fresh process (one QApplication palette per process)."""
    dark = "--dark" in sys.argv
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    OUT.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="tb-shots-"))
    app.setStyle("Fusion")
    if dark:
        apply_dark_palette(app)
    with SampleBlogServer() as server:
        shoot(app, server, folder, "-dark" if dark else "")
    if not dark:
        subprocess.run([sys.executable, __file__, "--dark"], check=True)


if __name__ == "__main__":
    main()
