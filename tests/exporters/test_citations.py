"""Citations of the Guest Week anthology: CSL-JSON checked against the CSL data schema's rules for the fields used,
BibTeX read back by a small parser (braces balanced, specials unescaped to the original), keys stable and unique,
names split only when they plainly are personal names."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import pytest
from sample_anthology import hostile_post, series_anthology, series_blogs

from exporters.citations import (
    CitedPost,
    bibtex_entries,
    citation_keys,
    cited_posts,
    csl_items,
    split_name,
    write_bibtex,
    write_csl_json,
)
from storage.records import Post, anthology_items

# The parts of CSL-JSON (citation-style-language/schema, csl-data.json) that these exports use.
DATE = {
    "type": "object",
    "properties": {
        "date-parts": {
            "type": "array",
            "minItems": 1,
            "maxItems": 2,
            "items": {"type": "array", "minItems": 1, "maxItems": 3, "items": {"type": "integer"}},
        }
    },
    "required": ["date-parts"],
    "additionalProperties": False,
}
NAME = {
    "type": "object",
    "properties": {k: {"type": "string"} for k in ("family", "given", "literal", "non-dropping-particle")},
    "additionalProperties": False,
    "anyOf": [{"required": ["literal"]}, {"required": ["family"]}],
}
CSL_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {
            "id": {"type": "string", "pattern": "^[a-z0-9]+$"},
            "type": {"enum": ["post-weblog"]},
            "title": {"type": "string", "minLength": 1},
            "author": {"type": "array", "items": NAME},
            "issued": DATE,
            "accessed": DATE,
            "URL": {"type": "string"},
            "container-title": {"type": "string"},
            "language": {"type": "string"},
        },
        "required": ["id", "type", "title", "URL"],
        "additionalProperties": False,
    },
}
UNESCAPE = {
    r"\textbackslash{}": "\\",
    r"\textasciitilde{}": "~",
    r"\textasciicircum{}": "^",
    r"\{": "{",
    r"\}": "}",
    r"\%": "%",
    r"\$": "$",
    r"\&": "&",
    r"\#": "#",
    r"\_": "_",
}


def parse_bibtex(text: str) -> list[tuple[str, str, dict[str, str]]]:
    """(entry type, key, fields) for each entry; fails on unbalanced braces or anything unexpected."""
    entries = []
    index = 0
    while True:
        at = text.find("@", index)
        if at < 0:
            return entries
        assert all(line.startswith("%") or not line.strip() for line in text[index:at].splitlines())
        head = re.compile(r"@(\w+)\{([^,\s{}]+),").match(text, at)
        assert head, text[at : at + 80]
        kind, key = head.group(1), head.group(2)
        fields: dict[str, str] = {}
        index = head.end()
        while True:
            field = re.compile(r"\s*(\w+) = \{").match(text, index)
            if field is None:
                closing = re.compile(r"\s*\}").match(text, index)
                assert closing, text[index : index + 80]
                index = closing.end()
                break
            depth, position = 1, field.end()
            while depth:
                char = text[position]
                if char == "\\":
                    position += 2
                    continue
                depth += {"{": 1, "}": -1}.get(char, 0)
                position += 1
            fields[field.group(1)] = text[field.end() : position - 1]
            index = position
            if text[index] == ",":
                index += 1
        entries.append((kind, key, fields))


def unescape(value: str) -> str:
    for escaped, char in UNESCAPE.items():
        value = value.replace(escaped, char)
    return value


@pytest.fixture
def cited() -> list[CitedPost]:
    return cited_posts(series_anthology(), series_blogs())


def test_csl_json_items_follow_the_schema_and_the_posts(cited: list[CitedPost], tmp_path: Path) -> None:
    path = write_csl_json(cited, out_path=tmp_path / "gw.json")
    items = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.validate(items, CSL_SCHEMA)
    posts = [item.post for item in anthology_items(series_anthology())]
    assert [item["title"] for item in items] == [post.title for post in posts]
    first, post = items[0], posts[0]
    assert first["type"] == "post-weblog"
    assert first["author"] == [{"family": "Solberg", "given": "Ingrid"}]
    assert first["issued"] == {"date-parts": [[2024, 6, 3]]}
    captured = post.captured_at.astimezone(UTC)
    assert first["accessed"] == {"date-parts": [[captured.year, captured.month, captured.day]]}
    assert first["URL"] == post.url
    assert {item["container-title"] for item in items} == {"The Composing Stick"}
    assert [item["id"] for item in items] == [
        "solberg2024printing", "asante2024lost", "ferrer2024letterpress",
        "grant2024photopolymer", "tanaka2024washi", "novak2024running",
    ]  # fmt: skip


def test_bibtex_reads_back_with_the_same_keys_and_fields(cited: list[CitedPost], tmp_path: Path) -> None:
    text = write_bibtex(cited, out_path=tmp_path / "gw.bib").read_text(encoding="utf-8")
    entries = parse_bibtex(text)
    assert [key for _, key, _ in entries] == [item["id"] for item in csl_items(cited)]
    kind, _, fields = entries[0]
    post = cited[0].post
    assert kind == "online"
    assert fields["author"] == "Solberg, Ingrid"
    assert unescape(fields["title"]) == "{" + post.title + "}"  # double braces keep the title's capitals
    assert fields["date"] == "2024-06-03" and fields["url"] == post.url
    assert fields["urldate"] == post.captured_at.astimezone(UTC).date().isoformat()
    assert fields["organization"] == "The Composing Stick"
    novak = entries[-1][2]["author"]
    assert novak == "Novák, Petra"


def test_bibtex_specials_are_escaped_and_cannot_break_out() -> None:
    title = r"100% of {braces} } @misc{evil, title={x}} & $5 #1 a_b ^ ~ back\slash"
    post = replace(hostile_post(), title=title, author="{Evil}, } @online{x,", url="https://x.example/a{b}\\c d")
    text = bibtex_entries([CitedPost(post, blog_title="Blog & {Co}")])
    entries = parse_bibtex(text)
    assert len(entries) == 1
    fields = entries[0][2]
    assert unescape(fields["title"]) == "{" + title + "}"
    assert unescape(fields["author"]) == "{{Evil}, } @online{x,}"  # not a plain name: kept literal, braced
    assert unescape(fields["organization"]) == "Blog & {Co}"
    assert "{" not in fields["url"] and "\\" not in fields["url"] and " " not in fields["url"]
    assert text.count("@") == 1 + title.count("@") + 1  # no new entry: only the escaped text holds more @


def test_keys_are_unique_and_stable() -> None:
    base = series_anthology().items[0].post
    posts = [
        replace(base, url=f"https://x.example/{n}", title=title, author=author, published_at=date)
        for n, (title, author, date) in enumerate(
            [
                ("The Press", "Ann Lee", datetime(2020, 1, 1, tzinfo=UTC)),
                ("The Press again", "Ann Lee", datetime(2020, 5, 1, tzinfo=UTC)),
                ("Press", "Ann Lee", datetime(2020, 6, 1, tzinfo=UTC)),
                ("中文標題", "李小龙", None),
                ("中文", "王", None),
                ("", None, None),
            ]
        )
    ]
    cited = [CitedPost(replace(p, series=None)) for p in posts]
    keys = citation_keys(cited)
    assert keys == ["lee2020press", "lee2020pressb", "lee2020pressc", "anonndpost", "anonndpostb", "anonnduntitled"]
    assert citation_keys(cited) == keys and len(set(keys)) == len(keys)


def test_keys_spell_cyrillic_and_greek_names_in_latin_letters() -> None:
    """Classic BibTeX needs ASCII keys: "Ольга Петрова" keys as petrova..., not anon...; CJK still falls back."""
    base = series_anthology().items[0].post
    posts = [
        replace(base, url=f"https://x.example/{n}", title=title, author=author, published_at=date, series=None)
        for n, (title, author, date) in enumerate(
            [
                ("Заметки о печати", "Ольга Петрова", datetime(2024, 3, 1, tzinfo=UTC)),
                ("Σημειώσεις τυπογραφίας", "Νίκος Παπαδόπουλος", datetime(2023, 1, 1, tzinfo=UTC)),
                ("Щит и шрифт", "Тарас Шевченко", None),
                ("中文標題", "李小龙", None),
            ]
        )
    ]
    keys = citation_keys([CitedPost(p) for p in posts])
    assert keys == ["petrova2024zametki", "papadopoulos2023simeioseis", "shevchenkondshchit", "anonndpost"]
    assert all(key.isascii() and key.isalnum() for key in keys)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Margaret Hollis", {"family": "Hollis", "given": "Margaret"}),
        ("Ludwig van Beethoven", {"family": "Beethoven", "given": "Ludwig", "non-dropping-particle": "van"}),
        ("J. R. R. Tolkien", {"family": "Tolkien", "given": "J. R. R."}),
        ("Zoë Ångström", {"family": "Ångström", "given": "Zoë"}),
        ("jdoe", {"literal": "jdoe"}),
        ("The Editors", {"literal": "The Editors"}),
        ("Guest Week Team", {"literal": "Guest Week Team"}),
        ("李小龙", {"literal": "李小龙"}),
        ("printer42 at home", {"literal": "printer42 at home"}),
        ("Anna", {"literal": "Anna"}),
    ],
)
def test_names_split_only_when_plainly_personal(name: str, expected: dict[str, str]) -> None:
    assert split_name(name) == expected


def test_posts_without_author_date_or_blog_still_cite(tmp_path: Path) -> None:
    post = Post(
        url="https://plain.example/p", title="Plain", author=None, published_at=None, updated_at=None, body_md=""
    )
    (item,) = csl_items([CitedPost(post)])
    assert item == {"id": "anonndplain", "type": "post-weblog", "title": "Plain", "URL": post.url,
                    "container-title": "plain.example"}  # fmt: skip
    jsonschema.validate([item], CSL_SCHEMA)
    ((_, _, fields),) = parse_bibtex(bibtex_entries([CitedPost(post)]))
    assert set(fields) == {"title", "url", "organization"}
