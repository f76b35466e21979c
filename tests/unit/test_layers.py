"""The layer rules of STYLE.md §1, checked on every module's imports (qutebrowser's misc_checks idea)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("desktop", "ingest", "storage", "exporters", "resources")

# package -> the modules of ours it may import (prefix match); anything else of ours is forbidden.
ALLOWED: dict[str, tuple[str, ...]] = {
    "desktop": ("desktop", "ingest", "storage", "exporters", "resources"),
    "ingest": ("ingest", "storage.records"),
    "storage": ("storage",),
    "exporters": ("exporters", "storage.records", "resources"),
    "resources": ("resources",),
}
QT_MODULES = ("PySide6", "shiboken6", "PyQt5", "PyQt6")


def _modules() -> list[Path]:
    return sorted(p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py") if "sample_blog" not in p.parts)


def _imports(path: Path, package: str | None = None) -> list[str]:
    """Absolute names of everything `path` imports; `package` is the dotted package it lives in."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    if package is None:
        package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative import: resolve against this module's package
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            if module in PACKAGES:  # `from storage import records` imports storage.records
                names.extend(f"{module}.{alias.name}" for alias in node.names)
            else:
                names.append(module)
    return names


def _ours(name: str) -> bool:
    return name.split(".")[0] in PACKAGES


def _allowed(importer: str, name: str) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in ALLOWED[importer])


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_module_imports_respect_the_layers(path: Path) -> None:
    importer = path.relative_to(ROOT).parts[0]
    names = _imports(path)
    forbidden = [n for n in names if _ours(n) and not _allowed(importer, n)]
    assert not forbidden, f"{path.relative_to(ROOT)} imports {forbidden}, which STYLE.md §1 forbids for {importer}/"
    if importer != "desktop":
        qt = [n for n in names if n.split(".")[0] in QT_MODULES]
        assert not qt, f"{path.relative_to(ROOT)} imports Qt ({qt}); only desktop/ may"


def test_every_module_starts_with_a_docstring() -> None:
    missing = [
        str(p.relative_to(ROOT))
        for p in _modules()
        if p.stat().st_size and ast.get_docstring(ast.parse(p.read_text(encoding="utf-8"))) is None
    ]
    assert not missing, f"modules without a one-line docstring stating their job: {missing}"


def test_the_checker_sees_a_forbidden_edge(tmp_path: Path) -> None:
    """The rule must be able to fail: a fake ingest module importing storage.archive is caught."""
    fake = tmp_path / "probe.py"
    fake.write_text(
        '"""Probe."""\nfrom storage.archive import open_archive\nfrom storage import migrations\nfrom . import html\n',
        encoding="utf-8",
    )
    names = _imports(fake, package="ingest.platforms")
    assert [n for n in names if _ours(n) and not _allowed("ingest", n)] == [
        "storage.archive",
        "storage.migrations",
    ]
