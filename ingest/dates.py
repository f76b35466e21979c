"""Parse the dates blogs print (ISO-8601, RFC 822, "March 3, 2024 at 9:15 pm") into datetimes.

Rules:
- The site's own UTC offset is kept (`+01:00` stays `+01:00`; nothing is converted to UTC here).
- A date with no zone information comes back naive (tzinfo None): only the site knows which zone it meant,
  and guessing would silently shift every comment. Callers store it as given.
- Text that is not a complete date (no day, month or year, e.g. "March 2024", "Reply", "3. März 2024") gives None:
  a wrong date is worse than none. Ambiguous numeric dates ("04/03/2024": April or March?) also give None.
"""

from __future__ import annotations

import re
import warnings
from datetime import datetime

from dateutil import parser as date_parser  # type: ignore[import-untyped,unused-ignore]

# Two different defaults: a field dateutil filled in from the default differs between the two parses.
_DEFAULT_A = datetime(1901, 1, 1, 0, 0, 0)
_DEFAULT_B = datetime(1902, 2, 2, 0, 0, 0)

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$", re.I)
_AMBIGUOUS_NUMERIC = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2,4})\b")
# Words blogs put around a date: "Posted on", "at", "|" ... removed before parsing.
_NOISE = re.compile(r"\b(posted|published|updated|on|at|um|le|el)\b|[|•·]", re.I)
_EARLIEST_YEAR = 1990  # before the web had blogs: a parse that lands earlier is a misreading


def parse_datetime(text: str | None) -> datetime | None:
    """Return the datetime `text` states, keeping its UTC offset; None when it is not a complete date.

    Accepts ISO-8601 (`2024-03-03T21:15:00+01:00`, `...Z`), RFC 822 (`Sun, 03 Mar 2024 21:15:00 +0100`) and
    English free text (`March 3, 2024 at 9:15 pm`). A date without a time is midnight.
    """
    if text is None:
        return None
    text = " ".join(text.split())
    if not text or len(text) > 100:
        return None
    if _ISO_DATE.match(text):
        try:
            value: datetime = date_parser.isoparse(text)
        except (ValueError, OverflowError):
            return None
        return value if value.year >= _EARLIEST_YEAR else None
    ambiguous = _AMBIGUOUS_NUMERIC.match(text)
    if ambiguous and int(ambiguous.group(1)) <= 12 and int(ambiguous.group(2)) <= 12:
        if ambiguous.group(1) != ambiguous.group(2):
            return None
    cleaned = _NOISE.sub(" ", text).strip(" ,")
    first = _parse_free(cleaned, _DEFAULT_A)
    second = _parse_free(cleaned, _DEFAULT_B)
    if first is None or second is None:
        return None
    # If the year, month or day came from the default, the two parses disagree on it: not a complete date.
    if (first.year, first.month, first.day) != (second.year, second.month, second.day):
        return None
    if first.year < _EARLIEST_YEAR:
        return None
    return first


def _parse_free(text: str, default: datetime) -> datetime | None:
    with warnings.catch_warnings():
        # An unknown zone name ("CEST") makes dateutil warn and drop the zone; we then return a naive value.
        warnings.simplefilter("ignore")
        try:
            value: datetime = date_parser.parse(text, default=default)
        except (ValueError, OverflowError, TypeError, LookupError):
            return None
    return value
