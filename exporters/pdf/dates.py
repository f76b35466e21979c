"""Dates as printed in the book: "12 March 2019", independent of the machine's locale."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def format_date(moment: datetime) -> str:
    """'12 March 2019' (in the time zone the record carries, so a post keeps the date its site showed)."""
    return f"{moment.day} {_MONTHS[moment.month - 1]} {moment.year}"


def format_datetime(moment: datetime) -> str:
    """'12 March 2019, 14:05' in the record's own time zone."""
    return f"{format_date(moment)}, {moment.hour:02d}:{moment.minute:02d}"


def format_date_range(moments: Iterable[datetime | None]) -> str:
    """'12 March 2019 – 3 June 2021' for the earliest and latest known dates; '' if none is known."""
    known = sorted((m for m in moments if m is not None), key=_sort_key)
    if not known:
        return ""
    first, last = format_date(known[0]), format_date(known[-1])
    return first if first == last else f"{first} \u2013 {last}"


def _sort_key(moment: datetime) -> tuple[int, int, int]:
    # Naive and aware times can't be compared; the calendar date is what the range prints anyway.
    return (moment.year, moment.month, moment.day)
