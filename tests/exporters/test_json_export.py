"""The JSON archive: exact shape of the documented format, times with offsets, atomic writing, the schema."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from exporters import json_export
from exporters.errors import ExportWriteFailed
from exporters.json_export import archive_to_dict, write_archive_json
from storage.records import Asset, Blog, Comment, CommentSystem, Post, SeriesRef

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "docs" / "threadbook-archive-v1.schema.json"
SCHEMA_V2_PATH = SCHEMA_PATH.with_name("threadbook-archive-v2.schema.json")

PLUS_TWO = timezone(timedelta(hours=2))
MINUS_FIVE = timezone(timedelta(hours=-5))
INDIA = timezone(timedelta(hours=5, minutes=30))
EXPORTED_AT = datetime(2024, 3, 1, 12, 0, 0, tzinfo=UTC)
SHA = "ab" * 32


def _blogs() -> list[Blog]:
    first = Post(
        url="https://one.example/2023/07/hello",
        title="Hello, «world» & friends",
        author="Zoë",
        published_at=datetime(2023, 7, 1, 9, 30, tzinfo=PLUS_TWO),
        updated_at=datetime(2023, 7, 2, 8, 0, 15, tzinfo=MINUS_FIVE),
        body_md="Text with ![a cat](https://one.example/cat.png) and 中文.\n",
        source_id="17",
        categories=("Essays",),
        tags=("cats", "日本"),
        comments=(
            Comment(
                "101",
                None,
                0,
                0,
                "Ann",
                "https://ann.example/",
                datetime(2023, 7, 1, 12, 0, tzinfo=INDIA),
                "comment",
                "First!",
            ),
            Comment("102", "101", 0, 1, "Bob", None, None, "comment", "Reply to *Ann*."),
            Comment("99", None, 1, 0, "Other Blog", "https://other.example/x", None, "pingback", "[…] linked […]"),
        ),
        images=(
            Asset("https://one.example/cat.png", SHA.upper(), "image/png", 1234, b"not exported"),
            Asset("https://one.example/lost.jpg", "", "", 0),
        ),
        comment_count_expected=3,
        series=SeriesRef("Summer letters", 2),
        language="en",
        captured_at=datetime(2024, 2, 1, 10, 0, tzinfo=PLUS_TWO),
        id=5,
    )
    second = Post(
        url="https://one.example/2023/08/untold",
        title="Untold",
        author=None,
        published_at=None,
        updated_at=None,
        body_md="",
        series=SeriesRef("Loose", None),
        comment_system=CommentSystem(
            name="disqus",
            origin="none",
            expected=143,
            note="This post uses Disqus; 143 comments not captured: add a Disqus API key or import the export.",
            details=(("shortname", "one-example"), ("identifier", "untold <2023>")),
            detected_at=datetime(2024, 2, 1, 10, 0, tzinfo=PLUS_TWO),
        ),
    )
    third = Post(
        url="https://one.example/naive",
        title="Naive times",
        author="",
        published_at=datetime(2023, 9, 1, 10, 0),  # the site gave no offset
        updated_at=None,
        body_md="x",
        captured_at=datetime(2024, 2, 1, 10, 0),  # naive capture time is taken as UTC
    )
    return [
        Blog("https://one.example/", "One", "wordpress", posts=(first, second, third)),
        Blog("https://two.example/", "Two — empty", "generic"),
    ]


EXPECTED: dict[str, Any] = {
    "format": "threadbook-archive",
    "version": 1,
    "exported_at": "2024-03-01T12:00:00+00:00",
    "blogs": [
        {
            "url": "https://one.example/",
            "title": "One",
            "platform": "wordpress",
            "posts": [
                {
                    "url": "https://one.example/2023/07/hello",
                    "title": "Hello, «world» & friends",
                    "author": "Zoë",
                    "published_at": "2023-07-01T09:30:00+02:00",
                    "updated_at": "2023-07-02T08:00:15-05:00",
                    "tags": ["cats", "日本"],
                    "categories": ["Essays"],
                    "series": {"name": "Summer letters", "number": 2},
                    "markdown": "Text with ![a cat](https://one.example/cat.png) and 中文.\n",
                    "images": [
                        {"url": "https://one.example/cat.png", "sha256": SHA, "media_type": "image/png", "bytes": 1234},
                        {"url": "https://one.example/lost.jpg", "sha256": None, "media_type": None, "bytes": None},
                    ],
                    "captured_at": "2024-02-01T08:00:00+00:00",
                    "comment_count_expected": 3,
                    "comments": [
                        {
                            "id": "101",
                            "parent": None,
                            "author": "Ann",
                            "author_url": "https://ann.example/",
                            "published_at": "2023-07-01T12:00:00+05:30",
                            "kind": "comment",
                            "markdown": "First!",
                            "removed_at": None,
                        },
                        {
                            "id": "102",
                            "parent": "101",
                            "author": "Bob",
                            "author_url": None,
                            "published_at": None,
                            "kind": "comment",
                            "markdown": "Reply to *Ann*.",
                            "removed_at": None,
                        },
                        {
                            "id": "99",
                            "parent": None,
                            "author": "Other Blog",
                            "author_url": "https://other.example/x",
                            "published_at": None,
                            "kind": "pingback",
                            "markdown": "[…] linked […]",
                            "removed_at": None,
                        },
                    ],
                    "protected": False,
                    "comment_system": None,
                },
                {
                    "url": "https://one.example/2023/08/untold",
                    "title": "Untold",
                    "author": None,
                    "published_at": None,
                    "updated_at": None,
                    "tags": [],
                    "categories": [],
                    "series": {"name": "Loose", "number": None},
                    "markdown": "",
                    "images": [],
                    "captured_at": None,
                    "comment_count_expected": None,
                    "comments": [],
                    "protected": False,
                    "comment_system": {
                        "name": "disqus",
                        "origin": "none",
                        "expected": 143,
                        "note": "This post uses Disqus; 143 comments not captured: add a Disqus API key or import the "
                        "export.",
                        "details": [["shortname", "one-example"], ["identifier", "untold <2023>"]],
                        "detected_at": "2024-02-01T08:00:00+00:00",
                    },
                },
                {
                    "url": "https://one.example/naive",
                    "title": "Naive times",
                    "author": "",
                    "published_at": "2023-09-01T10:00:00",
                    "updated_at": None,
                    "tags": [],
                    "categories": [],
                    "series": None,
                    "markdown": "x",
                    "images": [],
                    "captured_at": "2024-02-01T10:00:00+00:00",
                    "comment_count_expected": None,
                    "comments": [],
                    "protected": False,
                    "comment_system": None,
                },
            ],
        },
        {"url": "https://two.example/", "title": "Two — empty", "platform": "generic", "posts": []},
    ],
}

TOP_KEYS = ["format", "version", "exported_at", "blogs"]
BLOG_KEYS = ["url", "title", "platform", "posts"]
POST_KEYS = [
    "url", "title", "author", "published_at", "updated_at", "tags", "categories", "series", "markdown",
    "images", "captured_at", "comment_count_expected", "comments", "protected", "comment_system"
]  # fmt: skip
# Keys added to version 1 after its first release: always written, optional in the schema (older files lack them).
ADDED_POST_KEYS = ["comment_system"]
COMMENT_SYSTEM_KEYS = ["name", "origin", "expected", "note", "details", "detected_at"]
IMAGE_KEYS = ["url", "sha256", "media_type", "bytes"]
COMMENT_KEYS = ["id", "parent", "author", "author_url", "published_at", "kind", "markdown", "removed_at"]


def _write(tmp_path: Path) -> Path:
    return write_archive_json(_blogs(), out_path=tmp_path / "archive.json", exported_at=EXPORTED_AT)


def test_round_trip_matches_the_documented_shape_exactly(tmp_path: Path) -> None:
    loaded = json.loads(_write(tmp_path).read_text(encoding="utf-8"))
    assert loaded == EXPECTED


def test_keys_come_in_the_documented_order(tmp_path: Path) -> None:
    loaded = json.loads(_write(tmp_path).read_text(encoding="utf-8"))
    assert list(loaded) == TOP_KEYS
    for blog in loaded["blogs"]:
        assert list(blog) == BLOG_KEYS
        for post in blog["posts"]:
            assert list(post) == POST_KEYS
            assert all(list(image) == IMAGE_KEYS for image in post["images"])
            assert all(list(comment) == COMMENT_KEYS for comment in post["comments"])
            if post["series"] is not None:
                assert list(post["series"]) == ["name", "number"]
            if post["comment_system"] is not None:
                assert list(post["comment_system"]) == COMMENT_SYSTEM_KEYS


def test_file_is_utf8_without_ascii_escapes_and_ends_with_a_newline(tmp_path: Path) -> None:
    raw = _write(tmp_path).read_bytes()
    assert "«world»".encode() in raw
    assert "日本".encode() in raw
    assert b"\\u" not in raw
    assert raw.endswith(b"}\n")


def test_output_is_stable(tmp_path: Path) -> None:
    first = _write(tmp_path).read_bytes()
    second = write_archive_json(_blogs(), out_path=tmp_path / "again.json", exported_at=EXPORTED_AT).read_bytes()
    assert first == second


def test_exported_at_defaults_to_now_in_utc() -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    stamp = archive_to_dict([], exported_at=None)["exported_at"]
    assert stamp.endswith("+00:00")
    assert datetime.fromisoformat(stamp) >= before


def test_exported_at_with_an_offset_is_converted_to_utc() -> None:
    stamp = archive_to_dict([], exported_at=datetime(2024, 3, 1, 14, 0, tzinfo=PLUS_TWO))["exported_at"]
    assert stamp == "2024-03-01T12:00:00+00:00"


def test_failed_write_keeps_the_previous_file_and_leaves_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "archive.json"
    target.write_text("previous", encoding="utf-8")

    def broken_dump(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk vanished")

    monkeypatch.setattr(json_export.json, "dump", broken_dump)
    with pytest.raises(RuntimeError):
        write_archive_json(_blogs(), out_path=target, exported_at=EXPORTED_AT)
    assert [p.name for p in tmp_path.iterdir()] == ["archive.json"]
    assert target.read_text(encoding="utf-8") == "previous"


def test_missing_folder_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(ExportWriteFailed, match="Check that the folder exists"):
        write_archive_json(_blogs(), out_path=tmp_path / "nope" / "a.json")


# -- the schema --------------------------------------------------------------------------------------


def _schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema


def test_output_validates_against_the_published_schema(tmp_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    loaded = json.loads(_write(tmp_path).read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(_schema())
    validator.check_schema(_schema())
    assert list(validator.iter_errors(loaded)) == []


def test_schema_rejects_what_the_format_forbids(tmp_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(_schema())
    loaded = json.loads(_write(tmp_path).read_text(encoding="utf-8"))
    comment = loaded["blogs"][0]["posts"][0]["comments"][0]
    comment["kind"] = "like"
    loaded["exported_at"] = "2024-03-01T12:00:00+02:00"
    del loaded["blogs"][0]["posts"][1]["tags"]
    messages = " | ".join(error.message for error in validator.iter_errors(loaded))
    assert "'like'" in messages
    assert "does not match" in messages
    assert "'tags' is a required property" in messages


def test_schema_names_exactly_the_keys_the_writer_writes() -> None:
    """A structural check that needs no jsonschema: required keys (in order) of each object in the schema."""
    defs = _schema()["$defs"]
    assert _schema()["required"] == TOP_KEYS
    assert defs["blog"]["required"] == BLOG_KEYS
    assert defs["post"]["required"] == [key for key in POST_KEYS if key not in ADDED_POST_KEYS]
    assert list(defs["post"]["properties"]) == POST_KEYS
    assert defs["image"]["required"] == IMAGE_KEYS
    assert defs["comment"]["required"] == COMMENT_KEYS
    assert defs["commentSystem"]["required"] == COMMENT_SYSTEM_KEYS
    for name in ("blog", "image", "comment", "commentSystem"):
        assert list(defs[name]["properties"]) == defs[name]["required"]


def test_both_schemas_describe_posts_and_comment_systems_alike() -> None:
    v1 = _schema()["$defs"]
    v2 = json.loads(SCHEMA_V2_PATH.read_text(encoding="utf-8"))["$defs"]
    assert v2["post"] == v1["post"]
    assert v2["commentSystem"] == v1["commentSystem"]


def test_a_file_written_before_comment_systems_still_validates(tmp_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    loaded = json.loads(_write(tmp_path).read_text(encoding="utf-8"))
    for post in loaded["blogs"][0]["posts"]:
        del post["comment_system"]
    assert list(jsonschema.Draft202012Validator(_schema()).iter_errors(loaded)) == []


def test_schema_rejects_an_unknown_thread_origin(tmp_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    loaded = json.loads(_write(tmp_path).read_text(encoding="utf-8"))
    loaded["blogs"][0]["posts"][1]["comment_system"]["origin"] = "guessed"
    loaded["blogs"][0]["posts"][1]["comment_system"]["details"] = [["only-a-key"]]
    errors = list(jsonschema.Draft202012Validator(_schema()).iter_errors(loaded))
    assert [list(error.path)[-1] for error in errors] == ["comment_system"]
    reasons = " | ".join(sub.message for error in errors for sub in error.context or ())
    assert "'guessed' is not one of" in reasons
    assert "is too short" in reasons


def test_times_match_the_schema_patterns(tmp_path: Path) -> None:
    defs = _schema()["$defs"]
    utc, site = re.compile(defs["utcTime"]["pattern"]), re.compile(defs["siteTime"]["pattern"])
    loaded = json.loads(_write(tmp_path).read_text(encoding="utf-8"))
    assert utc.match(loaded["exported_at"])
    for post in loaded["blogs"][0]["posts"]:
        for key in ("published_at", "updated_at"):
            assert post[key] is None or site.match(post[key])
        assert post["captured_at"] is None or utc.match(post["captured_at"])
        for comment in post["comments"]:
            assert comment["published_at"] is None or site.match(comment["published_at"])


def test_the_documented_example_is_valid(tmp_path: Path) -> None:
    doc = (SCHEMA_PATH.parent / "json-format.md").read_text(encoding="utf-8")
    example = json.loads(doc.split("## Example", 1)[1].split("```json", 1)[1].split("```", 1)[0])
    assert list(example) == TOP_KEYS
    post = example["blogs"][0]["posts"][0]
    assert list(post) == POST_KEYS
    assert all(list(comment) == COMMENT_KEYS for comment in post["comments"])
    jsonschema = pytest.importorskip("jsonschema")
    assert list(jsonschema.Draft202012Validator(_schema()).iter_errors(example)) == []
