"""A post whose thread a comment system keeps and that could not be read prints the archive's note instead."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from pypdf import PdfReader

from exporters.pdf.options import PdfOptions
from exporters.pdf.render import render_pdf
from exporters.pdf.thread import NOT_CAPTURED_TITLE, missing_thread_note
from storage.records import Anthology, Comment, CommentSystem, Post

NOTE = "This post uses Disqus <script>&amp; 143 comments not captured: add a Disqus API key or import the export."


def _post(slug: str, system: CommentSystem | None, comments: tuple[Comment, ...] = ()) -> Post:
    return Post(
        url=f"https://elsewhere.example/{slug}/",
        title=f"Post {slug}",
        author="Wren",
        published_at=datetime(2024, 4, 1, 9, 0, tzinfo=UTC),
        updated_at=None,
        body_md=f"The text of {slug}.",
        comments=comments,
        comment_system=system,
    )


def _text(path: Path) -> list[str]:
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(path).pages]


def test_the_note_is_printed_in_place_of_the_thread_and_bookmarked(tmp_path: Path) -> None:
    missing = CommentSystem(name="disqus", origin="none", expected=143, note=NOTE)
    read = CommentSystem(name="isso", origin="api", note="")
    reply = Comment("i1", None, 0, 0, "Quill", None, None, "comment", "Read through Isso's interface.")
    anthology = Anthology(
        title="Elsewhere",
        posts=(_post("missing", missing), _post("read", read, (reply,)), _post("plain", None)),
    )
    out = render_pdf(anthology, out_path=tmp_path / "book.pdf", options=PdfOptions())
    pages = _text(out)
    whole = " ".join(pages)
    # The note, escaped: its markup-like characters are printed as text, not taken as reportlab markup.
    assert "This post uses Disqus <script>&amp; 143 comments not captured" in whole
    assert NOT_CAPTURED_TITLE in whole
    assert "Read through Isso's interface." in whole
    assert whole.count("not captured") == 2  # the heading and the note, once: only the post that lacks its thread
    outline_titles = [getattr(item, "title", None) for item in _flatten(PdfReader(out).outline)]
    assert NOT_CAPTURED_TITLE in outline_titles
    assert "Comments (1)" in outline_titles


def test_no_note_without_comments_when_the_thread_was_read_or_served() -> None:
    assert missing_thread_note(_post("a", None)) == ""
    assert missing_thread_note(_post("b", CommentSystem(name="isso", origin="api"))) == ""
    assert missing_thread_note(_post("c", CommentSystem(name="disqus", origin="import"))) == ""
    fallback = missing_thread_note(_post("d", CommentSystem(name="hyvor", origin="none")))
    assert fallback == "This post's comments are kept by hyvor; they could not be archived."


def test_no_comments_option_prints_no_note(tmp_path: Path) -> None:
    missing = CommentSystem(name="disqus", origin="none", note=NOTE)
    anthology = Anthology(title="Quiet", posts=(_post("missing", missing),))
    out = render_pdf(anthology, out_path=tmp_path / "quiet.pdf", options=PdfOptions(include_comments=False))
    assert "not captured" not in " ".join(_text(out))


def _flatten(outline: list[object]) -> list[object]:
    out: list[object] = []
    for item in outline:
        out.extend(_flatten(item) if isinstance(item, list) else [item])
    return out
