"""Paragraphs that carry a bookmark: the document turns them into outline entries (and TOC lines) as they land."""

from __future__ import annotations

from typing import Any

from reportlab.platypus import Paragraph


class BookmarkedParagraph(Paragraph):  # type: ignore[misc]  # reportlab has no type hints
    """A paragraph with an outline entry. Set the attributes after construction.

    reportlab re-creates paragraphs through `self.__class__(None, style, frags=...)` when it splits
    them, so the constructor is left alone; `split` hands the bookmark to the first piece only.
    """

    outline_title: str = ""  # plain text for the PDF outline
    bookmark_key: str = ""  # unique destination name; "" means no bookmark (e.g. a split's tail)
    outline_level: int = 0  # 0 for a post, 1 for an entry nested under it
    toc_markup: str = ""  # paragraph markup for the table of contents; "" means not listed
    running_title: str = ""  # plain text for the running head of the pages that follow

    def split(self, availWidth: float, availHeight: float) -> list[Any]:  # noqa: N803 (reportlab API)
        pieces: list[Any] = super().split(availWidth, availHeight)
        if pieces and isinstance(pieces[0], BookmarkedParagraph):
            first = pieces[0]
            first.outline_title, first.bookmark_key = self.outline_title, self.bookmark_key
            first.toc_markup, first.running_title = self.toc_markup, self.running_title
            first.outline_level = self.outline_level
        return pieces
