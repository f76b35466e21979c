"""parse_datetime: offsets kept, naive only when no zone is stated, incomplete or ambiguous dates give None."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from ingest.dates import parse_datetime


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-03T21:15:00+01:00", datetime(2024, 3, 3, 21, 15, tzinfo=timezone(timedelta(hours=1)))),
        ("2024-03-03T21:15:00Z", datetime(2024, 3, 3, 21, 15, tzinfo=UTC)),
        (
            "2024-03-03T21:15:00.250-05:00",
            datetime(2024, 3, 3, 21, 15, 0, 250000, tzinfo=timezone(timedelta(hours=-5))),
        ),
        ("Sun, 03 Mar 2024 21:15:00 +0100", datetime(2024, 3, 3, 21, 15, tzinfo=timezone(timedelta(hours=1)))),
        ("Sun, 03 Mar 2024 21:15:00 GMT", datetime(2024, 3, 3, 21, 15, tzinfo=UTC)),
        ("March 3, 2024 at 9:15 pm", datetime(2024, 3, 3, 21, 15)),
        ("3 March 2024 at 21:15", datetime(2024, 3, 3, 21, 15)),
        ("March 3rd, 2009", datetime(2009, 3, 3)),
        ("Posted on 3 March 2024", datetime(2024, 3, 3)),
        ("2024-03-03", datetime(2024, 3, 3)),
        ("25/03/2024", datetime(2024, 3, 25)),
    ],
)
def test_parses(text: str, expected: datetime) -> None:
    result = parse_datetime(text)
    assert result == expected
    assert result is not None and result.utcoffset() == expected.utcoffset()


def test_offset_is_kept_not_converted() -> None:
    result = parse_datetime("2024-03-03T21:15:00+05:30")
    assert result is not None and (result.hour, result.utcoffset()) == (21, timedelta(hours=5, minutes=30))


def test_no_zone_gives_naive() -> None:
    result = parse_datetime("March 3, 2024 at 9:15 pm")
    assert result is not None and result.tzinfo is None


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "Reply",
        "March 2024",  # no day: would be filled in from today
        "9:15 pm",
        "3. März 2024 um 14:05",  # German: not guessed
        "2024年6月2日 9時",
        "04/03/2024",  # April 3 or March 4?
        "2024-13-45T00:00:00",
        "x" * 500,
    ],
)
def test_unparseable_or_incomplete_gives_none(text: str | None) -> None:
    assert parse_datetime(text) is None
