"""The command line's comment-system switches (--render, --disqus-key, --github-token) and what `show` and `list`
print about threads a comment system keeps (issue 9)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from desktop.comment_notices import status_word, system_label, thread_notice
from storage.records import Post

F = TypeVar("F", bound=Callable[..., Any])

DISQUS_KEY_ENV = "THREADBOOK_DISQUS_KEY"
GITHUB_TOKEN_ENV = "THREADBOOK_GITHUB_TOKEN"


def thread_options(func: F) -> F:
    """--render, --disqus-key and --github-token (the keys also from the environment, which keeps them out of the
    shell history). The keys are passed to the crawl only: never printed, logged or stored in the archive."""
    func = click.option(
        "--github-token",
        "github_token",
        envvar=GITHUB_TOKEN_ENV,
        show_envvar=True,
        default=None,
        metavar="TOKEN",
        help="A GitHub token, to read giscus (Discussions) and utterances (issues) threads.",
    )(func)
    func = click.option(
        "--disqus-key",
        "disqus_key",
        envvar=DISQUS_KEY_ENV,
        show_envvar=True,
        default=None,
        metavar="KEY",
        help="A Disqus public API key, to read threads on Disqus.",
    )(func)
    func = click.option(
        "--render",
        is_flag=True,
        help="Read comment systems that have no public interface from a rendering of the page in a headless "
        "browser. This runs the page's own scripts (contained: no files, no popups), so it is off by default.",
    )(func)
    return func


def show_lines(post: Post) -> list[str]:
    """The lines `threadbook show` prints above the thread about its comment system ([] when the page serves it)."""
    system = post.comment_system
    if system is None:
        return []
    stated = f", {system.expected:,} stated" if system.expected is not None else ""
    lines = [f"Comment system: {system_label(system.name)} ({status_word(system)}{stated})"]
    notice = thread_notice(system)
    if notice:
        lines.append(f"  {notice}")
    return lines


def thread_heading(post: Post) -> str:
    """The line that opens the thread in `threadbook show`."""
    system = post.comment_system
    if system is not None and system.origin == "none" and not post.comments:
        return "— comments not captured —"
    return f"— {len(post.comments)} comments —"
