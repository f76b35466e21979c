"""parse_date_text: dates in the page's language, timestamps, weekday-settled numeric dates, relative dates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from ingest.dates import page_languages, parse_date_text


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("3. März 2024 um 14:05", "de-DE", datetime(2024, 3, 3, 14, 5)),
        ("14 septembre 2023 à 20:01", "fr", datetime(2023, 9, 14, 20, 1)),
        ("2 de março de 2024 às 10:15", "pt-BR", datetime(2024, 3, 2, 10, 15)),
        ("2 марта 2024 в 10:15", "ru", datetime(2024, 3, 2, 10, 15)),
        ("2024年6月2日 9時", "ja", datetime(2024, 6, 2, 9, 0)),
        ("2024年3月2日 上午10:15", "zh-Hant-TW", datetime(2024, 3, 2, 10, 15)),
        ("14/09/2023 20:01", "fr", datetime(2023, 9, 14, 20, 1)),  # French pages write day first
        ("March 3, 2024 at 9:15 pm", "de", datetime(2024, 3, 3, 21, 15)),  # English theme on a German site
        ("2024-03-03T21:15:00+01:00", None, datetime(2024, 3, 3, 21, 15, tzinfo=timezone(timedelta(hours=1)))),
        ("1700000000", None, datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)),  # Drupal's data-comment-timestamp
        ("Sat, 03/09/2024 - 10:15", "en", datetime(2024, 3, 9, 10, 15)),  # Drupal default: the weekday decides
    ],
)
def test_reads_dates_in_the_pages_language(text: str, lang: str | None, expected: datetime) -> None:
    result = parse_date_text(text, languages=page_languages(lang))
    assert result == expected
    assert result is not None and result.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("04/03/2024", "en"),  # US or UK order: not guessed on an English page
        ("März 2024", "de"),  # no day
        ("Antworten", "de"),
        ("vor 2 Tagen", "de"),  # relative, and no capture time to resolve it
        ("3 days ago", "en"),
        ("", "en"),
        (None, "en"),
        ("x" * 300, "en"),
    ],
)
def test_refuses_incomplete_ambiguous_or_unanchored(text: str | None, lang: str) -> None:
    assert parse_date_text(text, languages=page_languages(lang)) is None


def test_relative_dates_resolve_against_the_capture_time() -> None:
    captured = datetime(2024, 3, 5, 12, 0, tzinfo=UTC)
    de, en = ["de"], ["en"]
    assert parse_date_text("vor 2 Tagen", languages=de, relative_to=captured) == datetime(2024, 3, 3, 12, tzinfo=UTC)
    assert parse_date_text("3 days ago", languages=en, relative_to=captured) == datetime(2024, 3, 2, 12, tzinfo=UTC)
    # An absolute date is not moved by the capture time.
    assert parse_date_text("3. März 2024", languages=["de"], relative_to=captured) == datetime(2024, 3, 3)


def test_page_languages() -> None:
    assert page_languages("de-AT") == ["de", "en"]
    assert page_languages("zh-Hant-TW") == ["zh-Hant", "zh", "en"]
    assert page_languages("en-GB") == ["en"]
    assert page_languages(None) is None
    assert page_languages("!!") is None


def test_unknown_language_code_does_not_raise() -> None:
    assert parse_date_text("3 Foo 2024", languages=["xx-Yyyy", "xx"]) is None
