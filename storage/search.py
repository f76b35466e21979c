"""Full-text search over posts and comments together, safe for any text a user types.

Two indexes (see storage/migrations.py): `unicode61 remove_diacritics 2` for text with spaces between words
(Latin, Cyrillic, Greek...: case and accents folded), and a trigram index over rows that contain CJK
characters, where words are not separated by spaces. A query with CJK characters goes to the trigram index;
terms shorter than three characters (most Chinese words are two) cannot use trigrams and are matched with
LIKE on the stored text instead, which is slower but correct.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlite_utils import Database

from storage.columns import utc_iso
from storage.migrations import CJK_CLASS
from storage.records import SNIPPET_END, SNIPPET_START, SearchHit
from storage.transactions import write_transaction

_CJK = re.compile(CJK_CLASS)
_SNIPPET_TOKENS = 16  # words around the match in a snippet
_LIKE_CONTEXT = 30  # characters either side of a LIKE match in a home-made snippet
_TRIGRAM = 3


@dataclass(frozen=True, slots=True)
class _Term:
    text: str
    prefix: bool  # the user wrote `word*`


def parse_query(query: str) -> list[_Term]:
    """Split user text into literal terms. FTS syntax (quotes, AND/OR/NOT, NEAR, -, ^, parentheses, column
    filters) carries no meaning: every term is matched as plain text. A trailing `*` asks for a prefix."""
    terms: list[_Term] = []
    for raw in query.split():
        prefix = raw.endswith("*")
        # Control and format characters go: FTS5 reads the query as a C string, so NUL would cut it short.
        text = "".join(ch for ch in raw if ch != '"' and unicodedata.category(ch)[0] != "C").strip("*")
        # A term with no letters or digits would be an empty phrase; FTS5 matches nothing with it.
        if any(ch.isalnum() for ch in text):
            terms.append(_Term(text=text, prefix=prefix))
    return terms


def _fts_phrase(term: _Term) -> str:
    return '"' + term.text.replace('"', '""') + '"' + ("*" if term.prefix else "")


def _like_pattern(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


@dataclass(frozen=True, slots=True)
class _Source:
    kind: Literal["post", "comment"]
    table: str
    fts: str
    cjk_fts: str
    weights: str  # bm25 column weights, in index column order
    columns: tuple[str, ...]  # indexed columns
    select: str  # hit columns, given alias `t` for the content table
    joins: str
    post: str  # the alias of the post a hit belongs to


@dataclass(frozen=True, slots=True)
class SearchFilters:
    """Narrow a search. Every field set must hold; `author` matches (part of) the name of whoever wrote the hit:
    the post's author for a post hit, the commenter for a comment hit. Dates bound the post's publication
    (`since` inclusive, `until` exclusive)."""

    blog_id: int | None = None
    series: str | None = None
    tag: str | None = None
    category: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    has_comments: bool = False
    author: str | None = None


def _filter_sql(source: _Source, filters: SearchFilters | None) -> tuple[str, list[Any]]:
    """` AND ...` terms for `filters` on `source`'s rows, and their parameters."""
    if filters is None:
        return "", []
    post = source.post
    terms: list[str] = []
    params: list[Any] = []
    if filters.blog_id is not None:
        terms.append(f"{post}.blog_id = ?")
        params.append(filters.blog_id)
    if filters.series is not None:
        terms.append(
            f"{post}.id IN (SELECT sp.post_id FROM series_posts AS sp JOIN series AS s ON s.id = sp.series_id"
            " WHERE s.name = ?)"
        )
        params.append(filters.series)
    if filters.tag is not None:
        terms.append(
            f"{post}.id IN (SELECT pt.post_id FROM post_tags AS pt JOIN tags AS tg ON tg.id = pt.tag_id"
            " WHERE tg.name = ?)"
        )
        params.append(filters.tag)
    if filters.category is not None:
        terms.append(
            f"{post}.id IN (SELECT pc.post_id FROM post_categories AS pc"
            " JOIN categories AS cg ON cg.id = pc.category_id WHERE cg.name = ?)"
        )
        params.append(filters.category)
    if filters.since is not None:
        terms.append(f"{post}.published_utc >= ?")
        params.append(utc_iso(filters.since))
    if filters.until is not None:
        terms.append(f"{post}.published_utc < ?")
        params.append(utc_iso(filters.until))
    if filters.has_comments:
        terms.append(f"EXISTS (SELECT 1 FROM comments AS hc WHERE hc.post_id = {post}.id AND hc.removed_at IS NULL)")
    if filters.author:
        terms.append("t.author LIKE ? ESCAPE '\\'")
        params.append(_like_pattern(filters.author.strip()))
    return "".join(" AND " + term for term in terms), params


_POSTS = _Source(
    kind="post",
    table="posts",
    fts="posts_fts",
    cjk_fts="posts_cjk_fts",
    weights="10.0, 1.0, 2.0",  # title, body_md, author: a hit in the title counts most
    columns=("title", "body_md", "author"),
    select="t.id AS post_id, t.title AS post_title, t.url AS post_url, NULL AS comment_source_id, t.author AS author",
    joins="",
    post="t",
)
_COMMENTS = _Source(
    kind="comment",
    table="comments",
    fts="comments_fts",
    cjk_fts="comments_cjk_fts",
    weights="2.0, 1.0",  # author, body_md
    columns=("author", "body_md"),
    select="p.id AS post_id, p.title AS post_title, p.url AS post_url, t.source_id AS comment_source_id, "
    "t.author AS author",
    joins="JOIN posts AS p ON p.id = t.post_id",
    post="p",
)


def search(db: Database, query: str, *, limit: int = 50, filters: SearchFilters | None = None) -> list[SearchHit]:
    """Posts and comments matching every term of `query` (and `filters`), best first. `SearchHit.rank` is
    FTS5's bm25: lower is better. An empty or punctuation-only query gives []."""
    terms = parse_query(query)
    if not terms or limit <= 0:
        return []
    cjk = any(_CJK.search(term.text) for term in terms)
    if cjk and not any(len(term.text) >= _TRIGRAM for term in terms):
        hits: list[SearchHit] = []
        for source in (_POSTS, _COMMENTS):
            where, params = _filter_sql(source, filters)
            hits += _search_like(db, source, terms, limit, where, params)
        hits.sort(key=lambda hit: hit.rank)
        return hits[:limit]
    # Rank each index on its own (the best `limit` of each), merge, and only then make snippets and read the hits'
    # columns, for the `limit` rows kept of both: a snippet re-reads and re-tokenizes its document, the costliest
    # part of a query with few matches (bench/storage.py).
    ranked: list[_Ranked] = []
    for source in (_POSTS, _COMMENTS):
        where, params = _filter_sql(source, filters)
        if cjk:
            ranked.append(_rank_cjk(db, source, terms, limit, where, params))
        else:
            match = " ".join(_fts_phrase(term) for term in terms)
            ranked.append(_rank(db, source, source.fts, match, where, params, limit))
    merged = sorted(
        ((rank, which, rowid) for which, result in enumerate(ranked) for rowid, rank in result.rows),
        key=lambda entry: entry[0],
    )[:limit]
    found: list[dict[int, SearchHit]] = [
        _snippet_hits(db, result, [(rowid, rank) for rank, which, rowid in merged if which == index])
        for index, result in enumerate(ranked)
    ]
    return [found[which][rowid] for _, which, rowid in merged if rowid in found[which]]


@dataclass(frozen=True, slots=True)
class _Ranked:
    """The best rows of one full-text index for a query: (rowid, bm25 rank), best first."""

    source: _Source
    fts: str
    match: str
    rows: list[tuple[int, float]]


def _rank(
    db: Database, source: _Source, fts: str, match: str, extra: str, extra_params: list[Any], limit: int
) -> _Ranked:
    """The best `limit` rows of `fts` matching `match` (and the ` AND ...` terms `extra`), on the index alone.

    No snippets and no joins for the hit's columns here: in one query SQLite builds them for every matching row
    before sorting, and a common word matches hundreds of thousands of comments. The content table (and the post
    of a comment) are joined before the LIMIT only when a filter needs them.
    """
    filter_joins = f'JOIN {source.table} AS t ON t.id = "{fts}".rowid {source.joins}' if extra else ""
    sql = f"""
        SELECT "{fts}".rowid, bm25("{fts}", {source.weights}) AS rank
        FROM "{fts}" {filter_joins}
        WHERE "{fts}" MATCH ? {extra}
        ORDER BY rank LIMIT ?
    """
    rows = db.execute(sql, [match, *extra_params, limit]).fetchall()
    return _Ranked(source, fts, match, [(int(row[0]), float(row[1])) for row in rows])


def _snippet_hits(db: Database, ranked: _Ranked, keep: list[tuple[int, float]]) -> dict[int, SearchHit]:
    """Hits with snippets for the rows `keep` ((rowid, rank) pairs) of a ranked set, by rowid."""
    if not keep:
        return {}
    source, fts = ranked.source, ranked.fts
    values = ", ".join("(?, ?)" for _ in keep)
    # CROSS JOIN keeps the kept rows the outer loop: each is one rowid lookup in the index (MATCH and rowid),
    # where SQLite could otherwise scan every match again.
    sql = f"""
        WITH kept(id, rank) AS (VALUES {values})
        SELECT {source.select},
            snippet("{fts}", -1, ?, ?, '…', {_SNIPPET_TOKENS}) AS snippet,
            kept.rank AS rank, kept.id AS kept_id
        FROM kept CROSS JOIN "{fts}" ON "{fts}".rowid = kept.id
        JOIN {source.table} AS t ON t.id = kept.id {source.joins}
        WHERE "{fts}" MATCH ?
    """
    params: list[Any] = [value for pair in keep for value in pair]
    params += [SNIPPET_START, SNIPPET_END, ranked.match]
    return {int(row["kept_id"]): _hit(source, row) for row in db.query(sql, params)}


def _rank_cjk(
    db: Database, source: _Source, terms: list[_Term], limit: int, where: str, where_params: list[Any]
) -> _Ranked:
    """Rank on the trigram index: terms of three or more characters match it, shorter ones filter with LIKE."""
    long_terms = [t for t in terms if len(t.text) >= _TRIGRAM]
    short_terms = [t for t in terms if len(t.text) < _TRIGRAM]
    haystack = " || ' ' || ".join(f"coalesce(t.{c}, '')" for c in source.columns)
    likes = "".join(f" AND ({haystack}) LIKE ? ESCAPE '\\'" for _ in short_terms)
    like_params = [_like_pattern(t.text) for t in short_terms]
    # Trigram terms are substrings already, so a prefix `*` adds nothing and is dropped.
    match = " ".join('"' + t.text.replace('"', '""') + '"' for t in long_terms)
    return _rank(db, source, source.cjk_fts, match, likes + where, [*like_params, *where_params], limit)


def _search_like(
    db: Database, source: _Source, terms: list[_Term], limit: int, where: str, where_params: list[Any]
) -> list[SearchHit]:
    """CJK terms all shorter than three characters: the trigram index can't help, so LIKE on the stored text."""
    haystack = " || ' ' || ".join(f"coalesce(t.{c}, '')" for c in source.columns)
    likes = [f"({haystack}) LIKE ? ESCAPE '\\'" for _ in terms]
    like_params = [_like_pattern(t.text) for t in terms]
    sql = f"""
        SELECT {source.select}, {haystack} AS text, 0.0 AS rank
        FROM {source.table} AS t {source.joins}
        WHERE {" AND ".join(likes)} {where}
        LIMIT ?
    """
    hits = []
    for row in db.query(sql, [*like_params, *where_params, limit]):
        row["snippet"] = _like_snippet(row.pop("text"), terms[0].text)
        hits.append(_hit(source, row))
    return hits


def _like_snippet(text: str, term: str) -> str:
    """A snippet around the first occurrence of `term`, marked like FTS5's own snippets."""
    at = text.lower().find(term.lower())
    if at < 0:
        return text[: 2 * _LIKE_CONTEXT]
    start, end = max(0, at - _LIKE_CONTEXT), at + len(term)
    before = ("…" if start > 0 else "") + text[start:at]
    after = text[end : end + _LIKE_CONTEXT] + ("…" if end + _LIKE_CONTEXT < len(text) else "")
    return f"{before}{SNIPPET_START}{text[at:end]}{SNIPPET_END}{after}"


def _hit(source: _Source, row: dict[str, Any]) -> SearchHit:
    return SearchHit(
        kind=source.kind,
        post_id=row["post_id"],
        post_title=row["post_title"],
        post_url=row["post_url"],
        comment_source_id=row["comment_source_id"],
        author=row["author"],
        snippet=row["snippet"] or "",
        rank=float(row["rank"]),
    )


SEARCH_INDEXES = ("posts_fts", "comments_fts", "posts_cjk_fts", "comments_cjk_fts")


def optimize_search_indexes(db: Database) -> None:
    """Merge each full-text index into one segment (FTS5 `optimize`), in one write transaction.

    Saving a post commits a small segment per index, and FTS5 merges them only in part (m010: `automerge` 8). After
    a big import or capture, this makes lookups cheaper: at 100,000 posts and 1,000,000 comments it takes about
    5.5 s and brings the median search from 11.7 to 7.7 ms (the slowest, one very common word, are ranking-bound
    and gain little; bench/README.md). Results stay the same: hits, ranks and snippets. Worth it after thousands
    of saves, not after each.
    """
    with write_transaction(db):
        for fts in SEARCH_INDEXES:
            db.execute(f'INSERT INTO "{fts}" ("{fts}") VALUES (\'optimize\')')
