"""What an importer reads out of an export file: blogs with posts and threads, or threads to attach by post URL."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from storage.records import Blog, Comment


@dataclass(frozen=True, slots=True)
class ThreadForUrl:
    """A thread kept outside the blog (Disqus), to be attached to the archived post with this URL."""

    post_url: str  # the post's URL as the export states it (normalised by the importer)
    comments: tuple[Comment, ...]  # display order; source ids namespaced by the service, e.g. "disqus:123"
    service: str  # "disqus", ...
    title: str = ""  # the thread's title in the export, to help the user when no post matches


@dataclass(frozen=True, slots=True)
class ImportResult:
    blogs: tuple[Blog, ...] = ()  # each with its posts (records.Post with comments) filled
    threads: tuple[ThreadForUrl, ...] = ()
    problems: tuple[str, ...] = ()  # user-readable lines: what was skipped and why


class Importer(Protocol):
    """What every module in `ingest.imports.IMPORTERS` provides."""

    NAME: str  # "wxr", "blogger-atom", "disqus"
    DESCRIPTION: str  # "WordPress export (WXR)", for messages and --help

    def sniff(self, head: bytes) -> bool:
        """True when the first KBs of a file look like this format."""
        ...

    def parse(self, data: bytes, *, source_name: str) -> ImportResult:
        """Read the whole file (pure: no network, no files). Raises ingest.errors.IngestError subclasses."""
        ...
