"""The importer registry: every format module keeps the contract, and detection names what it can read."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.errors import IngestError
from ingest.imports import IMPORTERS, UnknownExportFormat, detect_importer, disqus

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "imports"


def test_every_importer_declares_the_contract() -> None:
    names = [importer.NAME for importer in IMPORTERS]
    assert len(names) == len(set(names))
    assert "disqus" in names
    for importer in IMPORTERS:
        assert importer.DESCRIPTION and callable(importer.sniff) and callable(importer.parse)


def test_a_disqus_export_is_detected_as_disqus() -> None:
    head = (FIXTURES / "disqus_sample_blog.xml").read_bytes()[:65536]
    assert detect_importer(head) is disqus


def test_no_two_importers_claim_the_same_fixture() -> None:
    for path in sorted(FIXTURES.iterdir()):
        if path.is_file():
            head = path.read_bytes()[:65536]
            assert sum(importer.sniff(head) for importer in IMPORTERS) <= 1, path.name


@pytest.mark.parametrize(
    "head",
    [
        b"<!doctype html><html><head><title>My blog</title></head><body></body></html>",
        b"<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'></urlset>",
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
        b"just some text",
    ],
)
def test_unknown_files_get_a_message_naming_the_formats(head: bytes) -> None:
    with pytest.raises(UnknownExportFormat) as info:
        detect_importer(head)
    message = str(info.value)
    assert isinstance(info.value, IngestError)
    assert "Disqus" in message and "\n" not in message


def test_an_empty_file_says_it_is_empty() -> None:
    with pytest.raises(UnknownExportFormat, match="empty"):
        detect_importer(b"  \n")
