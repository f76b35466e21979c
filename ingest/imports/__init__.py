"""Export files read as input, with no network: one module per format (WordPress WXR, Blogger Atom, Disqus XML, WARC).

`IMPORTERS` is the registry; `detect_importer(head)` asks each module in turn whether the first KBs of a file look
like its format (STYLE.md §2: one module per format, each declaring what it handles).
"""

from __future__ import annotations

import importlib
from typing import cast

from ingest.errors import IngestError
from ingest.imports import disqus, warc
from ingest.imports.base import Importer, ImportResult, ThreadForUrl

# WORKAROUND: the WXR and Blogger importers are written at the same time as this registry; until their modules
# land, the registry works without them. Replace this with plain imports once both exist.
_OPTIONAL: list[Importer] = []
for _module in ("ingest.imports.wxr", "ingest.imports.blogger_atom"):
    try:
        _OPTIONAL.append(cast(Importer, importlib.import_module(_module)))
    except ModuleNotFoundError as _exc:  # only a module that isn't there yet; any other error is a bug to see
        if _exc.name != _module:
            raise

IMPORTERS: tuple[Importer, ...] = (*_OPTIONAL, disqus, warc)
SNIFF_BYTES = 64 * 1024  # how much of a file (after gunzip) the importers get to recognise it

__all__ = [
    "IMPORTERS",
    "SNIFF_BYTES",
    "ImportResult",
    "Importer",
    "ThreadForUrl",
    "UnknownExportFormat",
    "detect_importer",
]


class UnknownExportFormat(IngestError):
    """The file is not an export Threadbook can read."""


def detect_importer(head: bytes) -> Importer:
    """The importer whose format the start of a file (its first KBs, gunzipped) looks like.

    Raises `UnknownExportFormat` with a message naming the formats Threadbook reads.
    """
    for importer in IMPORTERS:
        if importer.sniff(head):
            return importer
    known = ", ".join(importer.DESCRIPTION for importer in IMPORTERS)
    if not head.strip():
        raise UnknownExportFormat(f"The file is empty. Threadbook can import: {known}.")
    raise UnknownExportFormat(
        f"This file is not an export Threadbook can read. It can import: {known}. "
        "Check that you picked the export file itself (an .xml, .xml.gz, .warc or .warc.gz file)."
    )
