"""detect_series: a table of titles, body lines and taxonomies."""

from __future__ import annotations

import pytest

from ingest.series import detect_series
from storage.records import SeriesRef


@pytest.mark.parametrize(
    ("title", "body", "categories", "tags", "expected"),
    [
        ("Why I blog #3", "", (), (), SeriesRef("Why I blog", 3)),
        ("Guest Week #3: Letterpress in a classroom", "", (), (), SeriesRef("Guest Week", 3)),
        ("The Big Move, Part 4", "", (), (), SeriesRef("The Big Move", 4)),
        ("The Big Move, Part IV", "", (), (), SeriesRef("The Big Move", 4)),
        ("The Big Move – part two", "", (), (), SeriesRef("The Big Move", 2)),
        ("Notes from the road (3/8)", "", (), (), SeriesRef("Notes from the road", 3)),
        ("(3/8) Notes from the road", "", (), (), SeriesRef("Notes from the road", 3)),
        ("Podcast Episode 12", "", (), (), SeriesRef("Podcast", 12)),
        ("Episode 12: The end", "", ("Podcast series",), (), SeriesRef("Podcast", 12)),
        (
            "Printing a wedding invitation",
            "This is the 28th post in the Guest Week series. Today: two colours.",
            (),
            (),
            SeriesRef("Guest Week", 28),
        ),
        (
            "Part 4: The Return",
            "Welcome to the fourth part of my “Moving House” series.",
            (),
            (),
            SeriesRef("Moving House", 4),
        ),
        ("Chapbooks", "This is the third part of our Binding Basics series.", (), (), SeriesRef("Binding Basics", 3)),
        ("Chapbooks", "Nothing about series here.", ("Binding Basics series",), (), SeriesRef("Binding Basics", None)),
        ("Why I blog #4", "", ("Why I Blog",), (), SeriesRef("Why I blog", 4)),
        ("Hello world", "", ("Uncategorized",), (), None),
        ("My #1 favourite press", "", (), (), None),
        ("Top 10 tips for ink", "", (), (), None),
        ("Part 4", "", (), (), None),  # a number but no name: nothing to group by
        ("A post", "It is the third part of a long day.", (), (), None),
        ("Version 2.0 is out", "", (), (), None),
    ],
)
def test_detect_series(
    title: str, body: str, categories: tuple[str, ...], tags: tuple[str, ...], expected: SeriesRef | None
) -> None:
    assert detect_series(title, body, categories, tags) == expected
