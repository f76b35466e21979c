"""What the front ends say about a post's comment system: where its thread came from, or what is missing (issue 9).

Plain text only: the note and the system's details come from the web (names, counts), so callers show these
strings as plain text (Qt.TextFormat.PlainText, rich.markup.escape), never as markup.
"""

from __future__ import annotations

from datetime import datetime

from storage.records import CommentSystem, Post


def _labels() -> dict[str, str]:
    # The detector's list of user-facing names; imported lazily so these texts never need the detector loaded.
    try:
        from ingest.comment_systems.detect import LABELS
    except ImportError:  # detection not installed in this build: show names as stored
        return {}
    return dict(LABELS)


def system_label(name: str) -> str:
    """ "disqus" -> "Disqus"; an unknown name is shown as stored."""
    return _labels().get(name, name)


def _day(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d") if moment is not None else ""


def thread_missing(post: Post) -> bool:
    """True when the post's thread lives in a comment system that could not be read."""
    return post.comment_system is not None and post.comment_system.origin == "none"


def missing_note(system: CommentSystem) -> str:
    """The archive's note on a thread that could not be read, or a plain one when the note is empty."""
    note = " ".join(system.note.split())
    if note:
        return note
    counted = f"{system.expected:,} comments" if system.expected else "Its comments"
    return f"This post uses {system_label(system.name)}. {counted} not captured."


def thread_notice(system: CommentSystem | None) -> str:
    """One line for the reader's banner and `threadbook show`: where the thread came from, or what is missing.

    "" for a thread the page serves itself (no comment system)."""
    if system is None:
        return ""
    label = system_label(system.name)
    day = _day(system.detected_at)
    if system.origin == "none":
        return missing_note(system)
    note = " ".join(system.note.split())
    if system.origin == "api":
        text = f"Comments read from {label}'s interface" + (f" on {day}" if day else "") + "."
    elif system.origin == "rendered" and note.startswith("Comments read from a rendering"):
        return f"{label}: {note}"  # the crawl's own note already says when and how
    elif system.origin == "rendered":
        text = (
            "Comments read from a rendering of the page"
            + (f" on {day}" if day else "")
            + f" ({label}; the page's scripts were run in a headless browser)."
        )
    elif system.origin == "import":
        text = f"Comments imported from a {label} export."
    else:
        text = f"Comments ({label}) read from the page" + (f" on {day}" if day else "") + "."
    return f"{text} {note}" if note else text


def status_word(system: CommentSystem) -> str:
    """A short status for lists: "not captured", "via interface", "rendered", "imported", "in page"."""
    return {
        "none": "not captured",
        "api": "via interface",
        "rendered": "rendered",
        "import": "imported",
        "page": "in page",
    }.get(system.origin, system.origin)
