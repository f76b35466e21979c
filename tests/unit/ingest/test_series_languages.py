"""Series detection on a fixture set of titles and bodies in several languages and numbering styles, and the gaps
that links between parts reveal."""

from __future__ import annotations

import pytest

from ingest.series import detect_series, find_gaps, series_links_in_markdown
from storage.records import SeriesPart, SeriesRef


@pytest.mark.parametrize(
    ("title", "body", "expected"),
    [
        ("Umzug nach Berlin, Teil 2", "", SeriesRef("Umzug nach Berlin", 2)),
        ("Umzug nach Berlin – Teil IV", "", SeriesRef("Umzug nach Berlin", 4)),
        ("Heute", "Dies ist der 3. Teil der Serie „Druck im Alltag“. Viel Spaß.", SeriesRef("Druck im Alltag", 3)),
        ("Heute", "Der dritte Beitrag unserer Reihe „Papier“.", SeriesRef("Papier", 3)),
        ("Voyage en Bretagne – Partie 3", "", SeriesRef("Voyage en Bretagne", 3)),
        (
            "Aujourd'hui",
            "Voici la troisième partie de la série « Papiers du monde ».",
            SeriesRef("Papiers du monde", 3),
        ),
        ("Aujourd'hui", "Le 28e billet de la série Encres.", SeriesRef("Encres", 28)),
        ("Viaje a Chile, parte IV", "", SeriesRef("Viaje a Chile", 4)),
        ("Hoy", "Esta es la segunda entrega de la serie Tintas caseras.", SeriesRef("Tintas caseras", 2)),
        ("Een reis, deel 5", "", SeriesRef("Een reis", 5)),
        ("京都の印刷所めぐり 第3回", "", SeriesRef("京都の印刷所めぐり", 3)),
        ("活版印刷入門 第十二話", "", SeriesRef("活版印刷入門", 12)),
        ("今日", "「活版の話」シリーズの第5回です。", SeriesRef("活版の話", 5)),
        ("Podcast Episode 12", "", SeriesRef("Podcast", 12)),
        ("Why I blog #3", "", SeriesRef("Why I blog", 3)),
        ("Notes from the road (3/8)", "", SeriesRef("Notes from the road", 3)),
        ("Week", "This is the 28th post in the Guest Week series. Read the others here.", SeriesRef("Guest Week", 28)),
        ("Resumen del 2023", "", None),
        ("Heute", "Ein Teil der Stadt war gesperrt.", None),
    ],
)
def test_detect_series_in_several_languages(title: str, body: str, expected: SeriesRef | None) -> None:
    assert detect_series(title, body, (), ()) == expected


def test_links_by_their_words() -> None:
    body = (
        "*This is the 3rd post in the Guest Week series. Read the others [here](https://b.example/category/guest-week/).*"
        "\n\nSee also [our shop](https://b.example/shop/).\n\n"
        "Next week: [Hamish on plates](https://b.example/2024/06/24/gw-4/).\n\n"
        "Missed it? [Last week](https://b.example/2024/06/10/gw-2/)."
    )
    links = series_links_in_markdown(body, "https://b.example/2024/06/17/gw-3/", series_name="Guest Week")
    assert links.index_urls == ("https://b.example/category/guest-week/",)
    assert links.next_urls == ("https://b.example/2024/06/24/gw-4/",)
    assert links.previous_urls == ("https://b.example/2024/06/10/gw-2/",)


def part(post_id: int, number: int | None) -> SeriesPart:
    return SeriesPart(post_id, f"https://b.example/p{post_id}/", f"Part {number}", number, None, 0)


def test_gaps_missing_and_announced() -> None:
    parts = [part(1, 1), part(2, 2), part(3, 3), part(5, 5), part(8, 8)]
    next_links = {3: ["https://b.example/p4/"], 8: ["https://b.example/p9/"], 1: ["https://b.example/p2/"]}
    gaps = find_gaps(parts, next_links, [p.url for p in parts])
    assert [g.message for g in gaps] == [
        "part 4 announced but not published (https://b.example/p4/)",
        "part 6 missing",
        "part 7 missing",
        "part 9 announced but not published (https://b.example/p9/)",
    ]


def test_no_gaps_when_every_part_is_there() -> None:
    parts = [part(i, i) for i in range(1, 7)]
    assert find_gaps(parts, {i: [f"https://b.example/p{i + 1}/"] for i in range(1, 6)}, []) == ()
