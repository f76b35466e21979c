"""Tell whether a post belongs to a series, and which number it is, from its title, body and taxonomy.

Pure text rules, no guessing: a series needs a name (a body phrase "in the X series", else the title text before a
number marker, else a category or tag that says "series"). A number marker alone ("Part 4") with no name gives None.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from storage.records import SeriesRef

_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15,
    "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20, "final": 0, "last": 0,
}  # fmt: skip
_CARDINALS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20,
}  # fmt: skip
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
_END = r"(?=\s*(?:$|[:–—|,(\[]|-\s|\.\s*$))"  # what may follow a number marker in a title
_CARDINAL_WORDS = "|".join(_CARDINALS)
_ORDINAL_WORDS = "|".join(_ORDINALS)

# Title markers, most specific first. Group "n" holds the number.
_TITLE_MARKERS = (
    re.compile(r"[(\[]\s*(?P<n>\d{1,4})\s*(?:/|of)\s*\d{1,4}\s*[)\]]", re.I),
    re.compile(
        r"\b(?:part|pt\.?|episode|ep\.|chapter|installment|instalment|lesson|volume|vol\.)\s*"
        rf"(?P<n>\d{{1,4}}|[IVXLC]{{1,7}}|{_CARDINAL_WORDS})\b" + _END,
        re.I,
    ),
    re.compile(r"(?:^|\s)(?:#|No\.\s*|№\s*)(?P<n>\d{1,4})" + _END, re.I),
)
_BODY_NUMBER = (
    re.compile(
        r"\b(?:the\s+)?(?P<n>\d{1,4})(?:st|nd|rd|th)\s+(?:post|part|entry|installment|instalment|episode|article)"
        r"\s+(?:in|of)\b",
        re.I,
    ),
    re.compile(
        rf"\b(?:the\s+)?(?P<n>{_ORDINAL_WORDS})\s+(?:post|part|entry|installment|instalment|episode|article)"
        r"\s+(?:in|of)\b",
        re.I,
    ),
    re.compile(rf"\bpart\s+(?P<n>\d{{1,4}}|{_CARDINAL_WORDS})\s+of\b", re.I),
)
_BODY_NAME = re.compile(
    r"\b(?:in|of)\s+(?:the|my|our|this|a)\s+[\"“'‘]?(?P<name>[^\s\"“”'‘’.!?][^.!?\"“”\n]{0,70}?)[\"”'’]?\s+series\b",
    re.I,
)
_SERIES_WORD = re.compile(r"^\s*(?:series\s*[:\-–]\s*)?(?P<name>.+?)(?:\s+series)?\s*$", re.I)
_TRIM = " \t:–—-|,;([#"


def detect_series(title: str, body_text: str, categories: Sequence[str], tags: Sequence[str]) -> SeriesRef | None:
    """The series a post belongs to (name and number if stated), or None when nothing says it is in one."""
    title = " ".join(title.split())
    body_head = " ".join(body_text.split())[:3000]  # series notes sit at the top (or bottom) of a post
    body_tail = " ".join(body_text.split())[-1000:]
    number, prefix = _title_number(title)
    body_number, body_name = _body_series(body_head)
    if body_name is None:
        body_number_tail, body_name = _body_series(body_tail)
        body_number = body_number if body_number is not None else body_number_tail
    if number is None:
        number = body_number
    taxonomy_name = _taxonomy_series(categories, tags, prefix)
    name = body_name or prefix or taxonomy_name
    if not name:
        return None
    return SeriesRef(name=name, number=number)


def _title_number(title: str) -> tuple[int | None, str | None]:
    for pattern in _TITLE_MARKERS:
        match = pattern.search(title)
        if match is None:
            continue
        number = _to_number(match.group("n"))
        if number is None:
            continue
        prefix = title[: match.start()].strip(_TRIM).strip()
        if not prefix:
            rest = title[match.end() :].strip(_TRIM + ")]").strip()
            prefix = rest if pattern is _TITLE_MARKERS[0] and rest else ""
        return number, prefix or None
    return None, None


def _body_series(text: str) -> tuple[int | None, str | None]:
    number: int | None = None
    for pattern in _BODY_NUMBER:
        match = pattern.search(text)
        if match:
            number = _to_number(match.group("n"))
            if number == 0:  # "the final part of": a member, number unknown
                number = None
            break
    name_match = _BODY_NAME.search(text)
    name = name_match.group("name").strip(_TRIM).strip() if name_match else None
    return number, name or None


def _taxonomy_series(categories: Sequence[str], tags: Sequence[str], prefix: str | None) -> str | None:
    names = [" ".join(name.split()) for name in (*categories, *tags) if name.strip()]
    if prefix:
        for name in names:
            if name.casefold() == prefix.casefold():
                return name
    for name in names:
        if re.search(r"\bseries\b", name, re.I):
            match = _SERIES_WORD.match(name)
            cleaned = match.group("name").strip() if match else name
            return cleaned or name
    return None


def _to_number(token: str) -> int | None:
    token = token.strip().rstrip(".")
    if token.isdigit():
        return int(token)
    lowered = token.lower()
    if lowered in _CARDINALS:
        return _CARDINALS[lowered]
    if lowered in _ORDINALS:
        return _ORDINALS[lowered]
    if token.isupper():
        return _roman(token)
    return None


def _roman(token: str) -> int | None:
    total = 0
    for index, char in enumerate(token):
        value = _ROMAN.get(char)
        if value is None:
            return None
        following = _ROMAN.get(token[index + 1], 0) if index + 1 < len(token) else 0
        total += -value if value < following else value
    # Only canonical numerals ("IV", not "IIII" or "VX"): re-encode and compare.
    return total if total > 0 and _to_roman(total) == token else None


def _to_roman(number: int) -> str:
    out = ""
    for value, numeral in ((100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV")):
        while number >= value:
            out += numeral
            number -= value
    return out + "I" * number
