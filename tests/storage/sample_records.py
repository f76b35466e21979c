"""Records for storage tests: a small blog with posts, threads, captures and images (all made up here)."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

from storage.records import Asset, Blog, Capture, Comment, Post, SeriesRef

BERLIN_SUMMER = timezone(timedelta(hours=2))
NEPAL = timezone(timedelta(hours=5, minutes=45))
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"pretend-image-data-1"
GIF_BYTES = b"GIF89a" + b"pretend-image-data-2"


def make_blog(url: str = "https://quiet.example/", title: str = "Quiet Notes") -> Blog:
    return Blog(url=url, title=title, platform="wordpress", description="Notes on walking", language="de")


def _minute(source_id: str) -> int:
    return int("".join(ch for ch in source_id if ch.isdigit()) or 0) % 60


def make_comment(
    source_id: str,
    parent: str | None = None,
    *,
    position: int = 0,
    depth: int = 0,
    body: str | None = None,
    author: str = "Jürgen Ölmann",
    kind: str = "comment",
) -> Comment:
    return Comment(
        source_id=source_id,
        parent_source_id=parent,
        position=position,
        depth=depth,
        author=author,
        author_url=f"https://people.example/{source_id}",
        published_at=datetime(2021, 3, 4, 10, _minute(source_id), tzinfo=NEPAL),
        kind=kind,  # type: ignore[arg-type]
        body_md=body if body is not None else f"Comment {source_id} says hello 👋",
    )


def make_thread() -> tuple[Comment, ...]:
    """Display order: c1, its replies c2 (with reply c3), then c4 top level."""
    return (
        make_comment("c1", body="First! Grüße aus Zürich"),
        make_comment("c2", "c1", depth=1, body="Ответ на первый комментарий"),
        make_comment("c3", "c2", depth=2, body="東京から返信します"),
        make_comment("c4", position=1, body="A pingback from elsewhere", kind="pingback"),
    )


def make_capture(
    url: str,
    body: bytes = b"<html>post</html>",
    *,
    at: datetime | None = None,
    status: int = 200,
    etag: str | None = '"v1"',
) -> Capture:
    return Capture(
        url=url,
        final_url=url,
        status=status,
        fetched_at=at or datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC),
        content_sha256=hashlib.sha256(body).hexdigest() if status != 304 else "",
        media_type="text/html",
        headers=(("content-type", "text/html; charset=utf-8"), ("etag", etag or "")),
        etag=etag,
        last_modified="Mon, 06 May 2024 07:08:09 GMT",
        tool_version="Threadbook/0.1.0",
        body=body if status != 304 else b"",
    )


def make_post(slug: str = "walk-1", **changes: object) -> Post:
    url = f"https://quiet.example/{slug}/"
    post = Post(
        url=url,
        title=f"Ein Spaziergang: {slug} 🚶",
        author="Zoë Ängström",
        published_at=datetime(2021, 3, 1, 18, 30, tzinfo=BERLIN_SUMMER),
        updated_at=datetime(2021, 3, 2, 9, 0, tzinfo=NEPAL),
        body_md=f"We walked to **Zürich** and back.\n\n![bridge]({url}bridge.png)",
        source_id=f"id-{slug}",
        categories=("Walks", "Städte"),
        tags=("zürich", "rain", "日本語"),
        comments=make_thread(),
        images=(
            Asset(
                source_url=f"{url}bridge.png",
                sha256=hashlib.sha256(PNG_BYTES).hexdigest(),
                media_type="image/png",
                size=len(PNG_BYTES),
                data=PNG_BYTES,
                alt="the bridge",
            ),
        ),
        comment_count_expected=4,
        series=SeriesRef(name="Long walks", number=1),
        language="de",
        protected=False,
        captured_at=datetime(2024, 5, 6, 7, 8, 10, tzinfo=UTC),
        captures=(make_capture(url),),
    )
    return replace(post, **changes)  # type: ignore[arg-type]


class FakeClock:
    """The archive's clock, moved by hand so "first seen" and "removed at" are predictable."""

    def __init__(self) -> None:
        self.current = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> datetime:
        self.current += timedelta(**delta)
        return self.current
