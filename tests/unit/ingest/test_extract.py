"""extract_post_page on our fixture pages: platform, post fields, comments with ids, parents, authors, dates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from ingest.extract import PostPage, detect_platform, extract_post_page, parse_comment_count
from storage.records import SeriesRef

PAGES = Path(__file__).resolve().parents[2] / "fixtures" / "pages"
TEA_POST = "https://tea-notes.example/2024/03/03/why-i-blog-3/"
CET = timezone(timedelta(hours=1))


def page(name: str, url: str) -> PostPage:
    return extract_post_page((PAGES / name).read_bytes(), url)


@pytest.fixture(scope="module")
def classic() -> PostPage:
    return page("wp_classic_post.html", TEA_POST)


def test_detects_wordpress_and_generic() -> None:
    assert detect_platform((PAGES / "wp_classic_post.html").read_bytes(), TEA_POST) == "wordpress"
    assert detect_platform((PAGES / "wp_old_theme_post.html").read_text(), "http://crumb.example/") == "wordpress"
    assert detect_platform((PAGES / "generic_schema_comments.html").read_text(), "https://x.example/") == "generic"
    assert detect_platform("", "https://x.example/") == "generic"


def test_classic_post_fields(classic: PostPage) -> None:
    post = classic.post
    assert classic.is_post and post is not None
    assert post.url == TEA_POST == classic.canonical_url
    assert post.title == "Why I blog #3"
    assert post.author == "Margaret Finch"
    assert post.published_at == datetime(2024, 3, 3, 9, 30, tzinfo=CET)
    assert post.published_at.utcoffset() == timedelta(hours=1)
    assert post.updated_at == datetime(2024, 3, 5, 18, 2, 11, tzinfo=CET)
    assert post.source_id == "42"
    assert post.categories == ("Why I blog", "Essays")
    assert post.tags == ("habits", "writing")  # not "oolong" from the tag-cloud widget
    assert post.comment_count_expected == 10
    assert post.language == "en-GB"
    assert post.series == SeriesRef(name="Why I blog", number=3)
    assert post.comments == ()
    assert not post.protected


def test_classic_body_markdown(classic: PostPage) -> None:
    assert classic.post is not None
    body = classic.post.body_md
    assert body.startswith("This is the third post in the *Why I blog* series. The first two were about [habit]")
    assert "[memory](https://tea-notes.example/2024/02/04/why-i-blog-2/)" in body
    assert "\n## Writing in public\n" in body
    assert "the reader & the kettle" in body
    assert (
        "![A copper kettle on a stove](https://tea-notes.example/wp-content/uploads/2024/03/kettle.jpg)\n\n"
        "*The kettle that started it all*"
    ) in body
    assert "- Morning pages\n- Evening edits" in body
    assert "> Write what you would want to read." in body
    assert body.endswith("More next week. 🍵")  # the emoji image became its alt text
    assert "Share this" not in body and "Twitter" not in body
    assert "Leave a comment" not in body and "thoughts on" not in body
    assert classic.image_urls == ("https://tea-notes.example/wp-content/uploads/2024/03/kettle.jpg",)
    assert [(a.source_url, a.alt) for a in classic.post.images] == [
        ("https://tea-notes.example/wp-content/uploads/2024/03/kettle.jpg", "A copper kettle on a stove")
    ]


def test_classic_thread_ids_parents_depths(classic: PostPage) -> None:
    got = [(c.source_id, c.parent_source_id, c.position, c.depth) for c in classic.comments]
    assert got == [
        ("101", None, 0, 0),
        ("102", "101", 0, 1),
        ("104", "102", 0, 2),
        ("105", "104", 0, 3),
        ("107", "105", 0, 4),
        ("103", None, 1, 0),
        ("106", None, 2, 0),
    ]


def test_classic_comment_fields(classic: PostPage) -> None:
    first = classic.comments[0]
    assert first.author == "Anna Kowalski"  # "says:" stripped
    assert first.author_url == "https://anna.example/"
    assert first.published_at == datetime(2024, 3, 3, 21, 15, tzinfo=CET)
    assert first.kind == "comment"
    assert first.body_md == (
        "Lovely post. I also write with the kettle on – see [my kettle notes](https://anna.example/kettles/)."
    )
    by_id = {c.source_id: c for c in classic.comments}
    assert by_id["104"].author == "Bram de Vries" and by_id["104"].author_url is None
    assert by_id["104"].body_md == "Numbers or it didn’t happen.\n\n(Kidding. Mostly.)"
    assert by_id["105"].body_md == "Fair — I’ll put the `kettle_time` numbers in part four."
    assert by_id["103"].author_url == "http://chidi.example/blog"
    assert "Reply" not in "".join(c.body_md for c in classic.comments)


def test_pingback(classic: PostPage) -> None:
    pingback = classic.comments[-1]
    assert pingback.kind == "pingback"
    assert pingback.author == "Reading List » Week 9 picks"
    assert pingback.author_url == "https://reading-list.example/2024/03/week-9/"
    assert pingback.body_md == ("Pingback: [Reading List » Week 9 picks](https://reading-list.example/2024/03/week-9/)")
    assert pingback.published_at is None


def test_widgets_and_reply_form_are_not_comments(classic: PostPage) -> None:
    authors = [c.author for c in classic.comments]
    assert "Bob" not in authors
    assert all("Leave a comment" not in c.body_md and "Post Comment" not in c.body_md for c in classic.comments)


def test_comment_pages_links_and_numbers(classic: PostPage) -> None:
    assert classic.comment_page_number == 1  # from the .page-numbers.current marker
    assert classic.comment_page_urls == (TEA_POST + "comment-page-2/",)  # not the widget's link to another post
    second = page("wp_classic_post_comment_page_2.html", TEA_POST + "comment-page-2/#comments")
    assert second.url == TEA_POST + "comment-page-2/"
    assert second.canonical_url == TEA_POST  # canonical without the comment-page part
    assert second.comment_page_number == 2
    assert second.comment_page_urls == (TEA_POST + "comment-page-1/",)
    assert [(c.source_id, c.parent_source_id, c.depth) for c in second.comments] == [
        ("108", None, 0),
        ("109", "108", 1),
        ("110", None, 0),
    ]
    assert second.comments[2].published_at == datetime(2024, 3, 7, 12, 0, tzinfo=timezone(timedelta(hours=-5)))


def test_comment_page_number_from_query() -> None:
    html = "<html><body class='single'><h1 class='entry-title'>T</h1><div class='entry-content'><p>x</p></div>"
    html += "<meta name='generator' content='WordPress 6.0'></body></html>"
    result = extract_post_page(html, "https://b.example/?p=5&cpage=3")
    assert result.comment_page_number == 3
    assert result.canonical_url == "https://b.example/?p=5"


def test_block_theme_post() -> None:
    result = page("wp_block_theme_post.html", "https://gartenbuch.example/garten-im-maerz/")
    post = result.post
    assert result.platform == "wordpress" and post is not None
    assert post.title == "Teil 2: Der Garten im März"
    assert post.author == "Jutta Brenner"  # from JSON-LD
    assert post.published_at == datetime(2024, 3, 10, 8, 0, tzinfo=CET)
    assert post.categories == ("Gartenjahr",)
    assert post.tags == ("Frühling", "Beete")
    assert post.comment_count_expected == 4
    assert post.language == "de-DE"
    assert '```bash\nmkdir -p beet/{links,rechts}\necho "Saat: 2024-03-10" > beet/links/notiz.txt\n```' in post.body_md
    assert (
        "| Pflanze | Aussaat |\n| --- | --- |\n| Radieschen | März |\n| Möhren \\| Karotten | April |" in post.body_md
    )
    got = [(c.source_id, c.parent_source_id, c.depth, c.author) for c in result.comments]
    assert got == [
        ("21", None, 0, "Klaus"),
        ("22", "21", 1, "Jutta Brenner"),
        ("24", "22", 2, "Klaus"),
        ("23", None, 0, "Ο Νίκος"),
    ]
    assert result.comments[0].author_url == "https://klaus-gärtnert.example/"
    assert result.comments[0].body_md == "Bei uns liegt noch Schnee! ❄️"
    assert result.comments[3].published_at == datetime(2024, 3, 10, 19, 0, tzinfo=timezone(timedelta(hours=2)))
    assert "Antworten" not in "".join(c.body_md for c in result.comments)


def test_old_theme_commentlist() -> None:
    result = page("wp_old_theme_post.html", "http://crumb.example/2009/03/rainy-day-loaves/")
    post = result.post
    assert post is not None
    assert post.title == "Rainy Day Loaves"
    assert post.source_id == "17"
    assert post.categories == ("Baking",)
    assert post.comment_count_expected == 3
    assert post.body_md.startswith("When it rains, the dough rises slower. Here is what I changed:\n\n1. More *time*")
    got = [(c.source_id, c.parent_source_id, c.depth, c.author, c.kind) for c in result.comments]
    assert got == [
        ("5", None, 0, "Oven Tom", "comment"),
        ("6", "5", 1, "crumbadmin", "comment"),
        ("7", None, 0, "Flour Digest", "trackback"),
    ]
    first = result.comments[0]
    assert first.published_at == datetime(2009, 3, 4, 7, 2)  # the page states no zone: naive
    assert first.published_at.tzinfo is None
    assert first.body_md == "Same here. I add a spoon of honey on grey days."
    assert first.author_url == "http://oven.example/"
    assert result.comments[1].body_md == "Honey! Trying it tomorrow."


def test_protected_post_keeps_nothing_hidden() -> None:
    result = page("wp_protected_post.html", "https://tea-notes.example/2024/04/01/family-letters/")
    post = result.post
    assert post is not None
    assert post.protected
    assert post.body_md == ""
    assert result.comments == ()
    assert post.title == "Family letters"  # without WordPress's "Protected: " prefix
    assert post.published_at == datetime(2024, 4, 1, 10, 0, tzinfo=timezone(timedelta(hours=2)))


def test_generic_schema_org_comments() -> None:
    url = "https://carnets-lou.example/posts/carnet-de-route-12.html"
    result = page("generic_schema_comments.html", url)
    post = result.post
    assert result.platform == "generic" and post is not None
    assert post.title == "Carnet de route, épisode 12"
    assert post.author == "Lou Marchand"
    assert post.published_at == datetime(2023, 9, 14, 18, 30, tzinfo=timezone(timedelta(hours=2)))
    assert post.categories == ("Voyage",) and post.tags == ("montagne",)
    assert post.comment_count_expected == 3
    assert post.body_md == (
        "Nous avons traversé le col à pied. Il faisait froid, et le café du refuge était **excellent**.\n\n"
        "Voir aussi [l’épisode précédent](https://carnets-lou.example/posts/carnet-de-route-11.html)."
    )
    got = [(c.source_id, c.parent_source_id, c.depth, c.author, c.author_url) for c in result.comments]
    assert got == [
        ("c-901", None, 0, "Pierre", "https://pierre.example/"),
        ("c-902", "c-901", 1, "Lou Marchand", None),
        ("c-903", None, 0, "Анна", None),
    ]
    assert result.comments[2].body_md == "Очень красиво! Привет из Москвы."
    assert result.comments[1].published_at == datetime(2023, 9, 15, 8, 10, tzinfo=timezone(timedelta(hours=2)))


def test_generic_post_without_comments() -> None:
    result = page("generic_no_comments.html", "https://quietbits.example/2022/slow-software/")
    post = result.post
    assert post is not None
    assert result.comments == ()
    assert post.title == "On slow software"
    assert post.published_at == datetime(2022, 11, 2, 7, 0, tzinfo=UTC)
    assert post.comment_count_expected is None
    assert "```python\nimport time\ntime.sleep(1)  # careful, not lazy\n```" in post.body_md
    assert post.body_md.count("On slow software") == 0  # the title is not repeated in the body


def test_mixed_scripts() -> None:
    result = page("mixed_scripts.html", "https://polyglot.example/nights/2/")
    post = result.post
    assert post is not None
    for text in (
        "今夜のテーマは「言葉」です。🌙",
        "Καλησπέρα σε όλους.",
        "Добрый вечер, друзья.",
        "안녕하세요",
        "👩🏽‍💻 🇯🇵",
    ):
        assert text in post.body_md
    assert [(c.author, c.body_md) for c in result.comments] == [
        ("山田太郎", "素晴らしい！ 👏"),
        ("Ζωή", "Ωραίο! Спасибо. 谢谢!"),
    ]
    # "2024年6月2日 9時" on a page in Japanese: read in the page's language (issue 4), naive (no zone stated).
    assert result.comments[1].published_at == datetime(2024, 6, 2, 9, 0)


def test_bytes_in_declared_charset() -> None:
    html = '<html><head><meta charset="windows-1251"><title>Привет</title></head><body><article><h1>Привет</h1>'
    html += "<p>Текст поста, довольно длинный, чтобы быть телом.</p></article></body></html>"
    result = extract_post_page(html.encode("cp1251"), "https://ru.example/post/")
    assert result.post is not None
    assert result.post.title == "Привет"
    assert result.post.body_md == "Текст поста, довольно длинный, чтобы быть телом."


def test_listing_page_is_not_a_post() -> None:
    html = "<html><body class='home blog'><meta name='generator' content='WordPress 6.4'>"
    html += "<article id='post-1'><h2 class='entry-title'>A</h2></article>"
    html += "<article id='post-2'><h2 class='entry-title'>B</h2></article></body></html>"
    result = extract_post_page(html, "https://b.example/")
    assert not result.is_post and result.post is None and result.comments == ()


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("10 thoughts on “Why I blog #3”", 10),
        ("One thought on “X”", 1),
        ("One comment", 1),
        ("3 Responses to “Rainy Day Loaves”", 3),
        ("1,204 comments", 1204),
        ("No comments yet", 0),
        ("Comments (7)", 7),
        ("4 Antworten zu „Teil 2“", 4),  # German WordPress themes (issue 4: counts in many languages)
        ("Antworten", None),  # the reply link: no number
        ("Leave a reply", None),
    ],
)
def test_parse_comment_count(text: str, count: int | None) -> None:
    assert parse_comment_count(text) == count
