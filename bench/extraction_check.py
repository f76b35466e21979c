"""Extraction output check: speed work must not change what `extract_post_page` returns on any fixture page.

    python -m bench.extraction_check --write /tmp/extraction-before   # dump every page's PostPage as JSON
    python -m bench.extraction_check --compare /tmp/extraction-before # exit 1 and list every page that differs
    python -m bench.extraction_check --corpus synthetic --write DIR   # the comment-heavy synthetic pages instead

The corpus is `bench.extraction.load_corpus()`. Each page is extracted twice, with and without a capture time
(relative dates resolve only with one), and dumped whole: every field of the PostPage, its Post and its comments,
datetimes as ISO text with their offsets.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.extraction import CAPTURED_AT, Page, load_corpus, synthetic_corpus


def dump_page(page: Page) -> dict[str, Any]:
    """Both extractions of one page as plain JSON-able data."""
    from ingest.extract import extract_post_page

    return {
        "url": page.url,
        "captured": _plain(extract_post_page(page.html, page.url, captured_at=CAPTURED_AT)),
        "uncaptured": _plain(extract_post_page(page.html, page.url)),
    }


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: _plain(getattr(value, field.name)) for field in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, datetime):
        return {"iso": value.isoformat(), "tz": repr(value.tzinfo)}
    if isinstance(value, bytes):
        return value.hex()
    return value


def _file_name(page: Page) -> str:
    return page.name.replace("/", "__") + ".json"


def write(folder: Path, pages: Sequence[Page]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for page in pages:
        (folder / _file_name(page)).write_text(
            json.dumps(dump_page(page), ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8"
        )
    print(f"wrote {len(pages)} pages to {folder}")


def compare(folder: Path, pages: Sequence[Page]) -> list[str]:
    """The names of the pages whose extraction differs from the dump in `folder` (or has no dump)."""
    differing = []
    for page in pages:
        saved = folder / _file_name(page)
        if not saved.is_file():
            differing.append(f"{page.name}: no saved output")
            continue
        before = json.loads(saved.read_text(encoding="utf-8"))
        now = json.loads(json.dumps(dump_page(page), ensure_ascii=False))
        if before != now:
            differing.append(f"{page.name}: {_first_difference(before, now)}")
    return differing


def _first_difference(a: Any, b: Any, path: str = "") -> str:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            if a.get(key) != b.get(key):
                return _first_difference(a.get(key), b.get(key), f"{path}.{key}")
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            if x != y:
                return _first_difference(x, y, f"{path}[{index}]")
    return f"{path or '(root)'}: {json.dumps(a, ensure_ascii=False)[:200]} != {json.dumps(b, ensure_ascii=False)[:200]}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write", type=Path, metavar="DIR", help="dump the current output of every page")
    action.add_argument("--compare", type=Path, metavar="DIR", help="compare the current output with a dump")
    parser.add_argument("--corpus", choices=("fixtures", "synthetic"), default="fixtures", help="as bench.extraction")
    args = parser.parse_args(argv)
    pages = load_corpus() if args.corpus == "fixtures" else synthetic_corpus()
    if args.write:
        write(args.write, pages)
        return 0
    differing = compare(args.compare, pages)
    for line in differing:
        print(line)
    print(f"{len(pages) - len(differing)} of {len(pages)} pages identical")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
