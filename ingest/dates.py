"""Parse the dates blogs print (ISO-8601, RFC 822, "March 3, 2024 at 9:15 pm") into datetimes.

Rules:
- The site's own UTC offset is kept (`+01:00` stays `+01:00`; nothing is converted to UTC here).
- A date with no zone information comes back naive (tzinfo None): only the site knows which zone it meant,
  and guessing would silently shift every comment. Callers store it as given.
- Text that is not a complete date (no day, month or year, e.g. "March 2024", "Reply", "3. März 2024") gives None:
  a wrong date is worse than none. Ambiguous numeric dates ("04/03/2024": April or March?) also give None.

`parse_date_text` adds what `parse_datetime` refuses to guess, for text a page shows in its own language:
month names in many languages ("3. März 2024 um 14:05", "2024年6月2日"), through dateparser restricted to the
page's language (fast, and no cross-language misreadings); Unix timestamps (Drupal's `data-comment-timestamp`);
ambiguous numeric dates in a language whose order is day-first, or that a weekday name settles; and relative
dates ("3 days ago", "vor 2 Tagen") resolved against the page's capture time, or None without one.
"""

from __future__ import annotations

import re
import warnings
from datetime import UTC, datetime, timedelta

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


_EPOCH = re.compile(r"^\d{9,10}$")
_LANGUAGE_CODE = re.compile(r"^([a-z]{2,3})(?:[-_]([A-Za-z]{4}))?", re.I)
_DIGIT_OR_CJK_DATE = re.compile(r"\d")
_WEEKDAY_NUMERIC = re.compile(
    r"^\s*(mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\b(.*)$", re.I
)
# Languages that write numeric dates month-first; every other language dateparser knows is day- or year-first.
_MONTH_FIRST = frozenset({"en"})
# Two bases far apart: a relative date ("3 days ago") resolves differently against each, a complete date does not.
_BASE_A = datetime(2001, 1, 1)
_BASE_B = datetime(2011, 6, 15)


def page_languages(lang: str | None) -> list[str] | None:
    """dateparser language codes for a page's `lang` ("de-AT" -> ["de", "en"], "zh-Hant" -> ["zh-Hant", "zh", "en"]).

    English stays as a second choice: themes print English dates on non-English sites often enough.
    None when the page states no usable language (dateparser then detects it, which is slower).
    """
    if not lang:
        return None
    match = _LANGUAGE_CODE.match(lang.strip())
    if match is None:
        return None
    code = match.group(1).lower()
    found = [f"{code}-{match.group(2).title()}"] if match.group(2) else []
    found.append(code)
    if code != "en":
        found.append("en")
    return found


def parse_date_text(
    text: str | None, *, languages: list[str] | None = None, relative_to: datetime | None = None
) -> datetime | None:
    """The datetime a page's date text states, in any language; None when it states no complete date.

    Tries `parse_datetime` first (ISO, RFC 822, English: fast), then a Unix timestamp (as UTC), then dateparser
    restricted to `languages` (see `page_languages`). The site's offset is kept; no zone stays naive. A relative
    date ("3 days ago", "gestern") is resolved against `relative_to` (the capture time) and is None without it.
    """
    value = parse_datetime(text)
    if value is not None or text is None:
        return value
    text = " ".join(text.split())
    if not text or len(text) > 100 or not _DIGIT_OR_CJK_DATE.search(text) and not _has_letters(text):
        return None
    if _EPOCH.match(text):
        stamp = datetime.fromtimestamp(int(text), tz=UTC)
        return stamp if stamp.year >= _EARLIEST_YEAR else None
    weekday = _by_weekday(text)
    if weekday is not None:
        return weekday
    ambiguous = _AMBIGUOUS_NUMERIC.match(text)
    if ambiguous and languages and languages[0].split("-")[0] in _MONTH_FIRST:
        return None  # "04/03/2024" on an English page: US or UK order? Not guessed.
    first = _dateparse(text, languages, _BASE_A)
    if first is None:
        return None
    if _dateparse(text, languages, _BASE_B) != first:  # relative: resolve it against the capture time, if known
        if relative_to is None:
            return None
        if relative_to.tzinfo is None:
            return _dateparse(text, languages, relative_to)
        resolved = _dateparse(text, languages, relative_to.astimezone(UTC).replace(tzinfo=None))
        return resolved.replace(tzinfo=UTC) if resolved is not None and resolved.tzinfo is None else resolved
    return first if first.year >= _EARLIEST_YEAR else None


def _has_letters(text: str) -> bool:
    return any(char.isalpha() for char in text)


def _by_weekday(text: str) -> datetime | None:
    """ "Sat, 03/02/2024 - 10:15" (Drupal's default): the order whose weekday matches, when only one does."""
    match = _WEEKDAY_NUMERIC.match(text)
    if match is None:
        return None
    day_names = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    weekday = day_names.index(match.group(1).lower()[:3])
    a, b, year = int(match.group(2)), int(match.group(3)), int(match.group(4))
    fits: list[datetime] = []
    for month, day in ((a, b), (b, a)):
        try:
            candidate = datetime(year, month, day)
        except ValueError:
            continue
        if candidate.weekday() == weekday and candidate not in fits:
            fits.append(candidate)
    if len(fits) != 1:
        return None
    time_of_day = re.search(r"(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap]\.?m\.?)?", match.group(5), re.I)
    if time_of_day is None:
        return fits[0]
    hour, minute = int(time_of_day.group(1)), int(time_of_day.group(2))
    second = int(time_of_day.group(3) or 0)
    meridiem = (time_of_day.group(4) or "").lower()
    if meridiem.startswith("p") and hour < 12:
        hour += 12
    elif meridiem.startswith("a") and hour == 12:
        hour = 0
    if hour > 23 or minute > 59 or second > 59:
        return fits[0]
    return fits[0] + timedelta(hours=hour, minutes=minute, seconds=second)


def _dateparse(text: str, languages: list[str] | None, base: datetime) -> datetime | None:
    import dateparser  # type: ignore[import-untyped,unused-ignore]  # slow to import: only when a page needs it

    settings = {"REQUIRE_PARTS": ["day", "month", "year"], "RELATIVE_BASE": base, "PARSERS": _PARSERS}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # dateparser and its regex/pytz use emit deprecation warnings
        try:
            value = dateparser.parse(text, languages=_known(languages), settings=settings)
        except (ValueError, OverflowError, TypeError, LookupError, AttributeError):
            return None
    return value if isinstance(value, datetime) else None


_PARSERS = ["timestamp", "relative-time", "custom-formats", "absolute-time"]


def _known(languages: list[str] | None) -> list[str] | None:
    """The codes dateparser has data for (it raises on an unknown one); None to let it detect the language."""
    if not languages:
        return None
    from dateparser.languages import default_loader  # type: ignore[import-untyped,unused-ignore]

    available = set(default_loader.get_locale_map().keys())
    known = [code for code in languages if code in available]
    return known or None
