"""Citations of archived posts: CSL-JSON (for Zotero, Pandoc citeproc) and BibTeX/biblatex `@online` entries.

Both formats get the same keys (author + year + first title word, made unique with a letter), so a document can
switch between them. A person's name is split into family and given names only when it plainly looks like one
("Margaret Hollis", "Ludwig van Beethoven"); handles, organisations and single names stay literal. BibTeX
specials in web text are escaped; URLs are written percent-encoded, so braces and backslashes can't break out.
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from exporters.common import one_line, post_title, safe_link
from exporters.output import atomic_output
from storage.records import THREADBOOK_VERSION, Anthology, Blog, Post, anthology_items

log = logging.getLogger(__name__)

CSL_FORMAT, CSL_SUFFIX, CSL_LABEL = "csl-json", ".json", "Citations (CSL-JSON)"
BIBTEX_FORMAT, BIBTEX_SUFFIX, BIBTEX_LABEL = "bibtex", ".bib", "Citations (BibTeX)"

PARTICLES = frozenset("van von de da del della der den di du la le dos das ten ter bin ibn al el".split())
NOT_PEOPLE = frozenset(
    "the a an team staff editors editor admin administrator blog news press inc ltd llc gmbh company group "
    "society club guest anonymous".split()
)
STOP_WORDS = frozenset("the a an and or of on in at to for with from by is are was how why what when part".split())
_NAME_WORD = re.compile(r"[^\W\d_][\w'\u2019-]*\.?")
_BIBTEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "$": r"\$",
    "&": r"\&",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


@dataclass(frozen=True, slots=True)
class CitedPost:
    """A post with the blog it appeared on (the citation's container)."""

    post: Post
    blog_title: str = ""
    blog_url: str = ""


def cited_posts(anthology: Anthology, blogs: Mapping[str, Blog] | None = None) -> list[CitedPost]:
    """The anthology's posts in order, each with its blog from `blogs` (keyed by post URL) when known."""
    blogs = blogs or {}
    out = []
    for item in anthology_items(anthology):
        blog = blogs.get(item.post.url)
        out.append(CitedPost(item.post, blog.title if blog else "", blog.url if blog else ""))
    return out


def split_name(name: str) -> dict[str, str]:
    """A CSL name: {"family", "given"[, "non-dropping-particle"]} for a plain personal name, else {"literal"}."""
    name = one_line(name)
    words = name.split()
    literal = {"literal": name}
    if not 2 <= len(words) <= 4 or not all(_NAME_WORD.fullmatch(word) for word in words):
        return literal
    if any(word.casefold().strip(".") in NOT_PEOPLE for word in words):
        return literal
    if not (words[0][0].isupper() and words[-1][0].isupper()):
        return literal
    particles: list[str] = []
    index = len(words) - 2
    while index > 0 and words[index].casefold() in PARTICLES:
        particles.insert(0, words[index])
        index -= 1
    given = words[: index + 1]
    if not given or not all(word[0].isupper() for word in given):
        return literal
    out = {"family": words[-1], "given": " ".join(given)}
    if particles:
        out["non-dropping-particle"] = " ".join(particles)
    return out


# Keys must be ASCII for classic BibTeX: Cyrillic and Greek letters are spelled in Latin ones (simple, not a
# scholarly standard) so that "Ольга Петрова" keys as "petrova2024..." rather than "anon2024...". Scripts without a
# table here (CJK, Arabic, ...) still fall back to "anon".
_CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґў",
        "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch _ y _ e yu ya i yi ye g u".split(),
        strict=True,
    )
)
_GREEK = dict(
    zip(
        "αβγδεζηθικλμνξοπρσςτυφχψωάέήίόύώϊϋΐΰ",
        "a v g d e z i th i k l m n x o p r s s t y f ch ps o a e i i o y o i y i y".split(),
        strict=True,
    )
)
_TRANSLITERATION = str.maketrans({k: ("" if v == "_" else v) for k, v in (_CYRILLIC | _GREEK).items()})


def _ascii_word(text: str) -> str:
    text = text.lower().replace("ου", "ou").replace("ού", "ou").translate(_TRANSLITERATION)
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]", "", folded)


def citation_keys(cited: Sequence[CitedPost]) -> list[str]:
    """One key per post, in order: author + year + first significant title word ("hollis2024letterpress"),
    a letter added from the second use of a key on ("hollis2024letterpressb")."""
    keys: list[str] = []
    seen: dict[str, int] = {}
    for entry in cited:
        post = entry.post
        name = split_name(post.author or "")
        who = _ascii_word(name.get("family") or (name.get("literal", "").split() or [""])[0]) or "anon"
        year = str(post.published_at.year) if post.published_at else "nd"
        # A series' parts share their first words ("Guest Week #3: ..."): the key takes the first word after them.
        series_words = {_ascii_word(w) for w in post.series.name.split()} if post.series else set()
        words = [_ascii_word(word) for word in post_title(post).split()]
        skip = STOP_WORDS | series_words
        word = next((w for w in words if len(w) >= 3 and w not in skip and not w.isdigit()), "post")
        base = f"{who[:20]}{year}{word[:20]}"
        count = seen.get(base, 0)
        seen[base] = count + 1
        key = base if count == 0 else base + _letters(count)
        while key in keys:  # "smith2020post" + "b" might be another post's own base key
            count += 1
            key = base + _letters(count)
        keys.append(key)
    return keys


def _letters(number: int) -> str:
    """1 -> 'b', 2 -> 'c', ..., 25 -> 'z', 26 -> 'ba' (the first use of a key has no letter)."""
    digits = ""
    while True:
        number, rest = divmod(number, 26)
        digits = "abcdefghijklmnopqrstuvwxyz"[rest] + digits
        if number == 0:
            return digits


def _date_parts(moment: datetime) -> list[list[int]]:
    return [[moment.year, moment.month, moment.day]]


def _container(entry: CitedPost) -> str:
    title = one_line(entry.blog_title)
    if title:
        return title
    host = urlsplit(entry.blog_url or entry.post.url).hostname or ""
    return host


def csl_items(cited: Sequence[CitedPost]) -> list[dict[str, Any]]:
    """CSL-JSON items (type "post-weblog"): title, author, issued, accessed (when archived), URL, container-title."""
    items = []
    for key, entry in zip(citation_keys(cited), cited, strict=True):
        post = entry.post
        item: dict[str, Any] = {"id": key, "type": "post-weblog", "title": post_title(post)}
        if one_line(post.author or ""):
            item["author"] = [split_name(post.author or "")]
        if post.published_at is not None:
            item["issued"] = {"date-parts": _date_parts(post.published_at)}
        if post.captured_at is not None:
            item["accessed"] = {"date-parts": _date_parts(post.captured_at.astimezone(UTC))}
        item["URL"] = post.url
        container = _container(entry)
        if container:
            item["container-title"] = container
        if post.language:
            item["language"] = one_line(post.language)
        items.append(item)
    return items


def bibtex_escape(text: str) -> str:
    """Web text safe inside a braced BibTeX field: specials escaped, on one line."""
    return "".join(_BIBTEX_SPECIALS.get(char, char) for char in one_line(text))


def _bibtex_url(url: str) -> str:
    safe = safe_link(url)
    if safe is not None:
        return safe
    # Not http(s): still cited, with every character that could end the field or start a macro encoded.
    return "".join(f"%{ord(c):02X}" if c in "{}\\%" or c.isspace() else c for c in one_line(url))


def bibtex_entries(cited: Sequence[CitedPost]) -> str:
    """biblatex `@online` entries: author, title, date, url, urldate (when archived), organization (the blog)."""
    blocks = [f"% Exported by Threadbook {THREADBOOK_VERSION}"]
    for key, entry in zip(citation_keys(cited), cited, strict=True):
        post = entry.post
        fields: list[tuple[str, str]] = []
        if one_line(post.author or ""):
            name = split_name(post.author or "")
            if "literal" in name:
                fields.append(("author", "{" + bibtex_escape(name["literal"]) + "}"))
            else:
                family = " ".join(filter(None, (name.get("non-dropping-particle", ""), name["family"])))
                fields.append(("author", f"{bibtex_escape(family)}, {bibtex_escape(name['given'])}"))
        fields.append(("title", "{" + bibtex_escape(post_title(post)) + "}"))
        if post.published_at is not None:
            fields.append(("date", post.published_at.date().isoformat()))
        fields.append(("url", _bibtex_url(post.url)))
        if post.captured_at is not None:
            fields.append(("urldate", post.captured_at.astimezone(UTC).date().isoformat()))
        container = _container(entry)
        if container:
            fields.append(("organization", bibtex_escape(container)))
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
        blocks.append(f"@online{{{key},\n{body}\n}}")
    return "\n\n".join(blocks) + "\n"


def write_csl_json(cited: Sequence[CitedPost], *, out_path: Path) -> Path:
    """Write the CSL-JSON array at `out_path` (atomically) and return the path."""
    out_path = Path(out_path)
    with atomic_output(out_path) as tmp_path:
        with tmp_path.open("w", encoding="utf-8", newline="\n") as stream:
            json.dump(csl_items(cited), stream, ensure_ascii=False, indent=2)
            stream.write("\n")
    log.info("wrote %d CSL-JSON citations to %s", len(cited), out_path)
    return out_path


def write_bibtex(cited: Sequence[CitedPost], *, out_path: Path) -> Path:
    """Write the BibTeX entries at `out_path` (atomically) and return the path."""
    out_path = Path(out_path)
    with atomic_output(out_path) as tmp_path:
        tmp_path.write_text(bibtex_entries(cited), encoding="utf-8", newline="\n")
    log.info("wrote %d BibTeX entries to %s", len(cited), out_path)
    return out_path
