"""Converting record values to column values and back: datetimes, flags, compressed bodies, header lists."""

from __future__ import annotations

import json
import zlib
from datetime import UTC, datetime

BODY_COMPRESSION = "zlib"  # stdlib only; the column `capture_bodies.compression` names it for later change


def iso(value: datetime | None) -> str | None:
    """The datetime as given (its own offset kept; naive stays naive), as ISO-8601 text."""
    return None if value is None else value.isoformat()


def utc_iso(value: datetime | None) -> str | None:
    """The same instant in UTC, fixed-width ISO-8601, so text order is time order.

    A naive datetime (a site that gave no offset) is taken as UTC: the best guess we have for sorting.
    """
    if value is None:
        return None
    aware = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return aware.isoformat(timespec="microseconds")


def parse_iso(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def compress_body(body: bytes) -> bytes:
    return zlib.compress(body, 6)


def decompress_body(blob: bytes, compression: str) -> bytes:
    if compression != BODY_COMPRESSION:
        raise ValueError(f"unknown body compression {compression!r}")
    return zlib.decompress(blob)


def headers_json(headers: tuple[tuple[str, str], ...]) -> str:
    return json.dumps([[name, value] for name, value in headers], ensure_ascii=False)


def parse_headers(text: str) -> tuple[tuple[str, str], ...]:
    return tuple((str(name), str(value)) for name, value in json.loads(text))
