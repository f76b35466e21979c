"""Tell whether a post belongs to a series, and which number it is, from its title, body and taxonomy.

Pure text rules, no guessing: a series needs a name (a body phrase "in the X series", else the title text before a
number marker, else a category or tag that says "series"). A number marker alone ("Part 4") with no name gives None.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import unquote, urljoin, urlsplit

import lxml.html
from lxml import etree

from ingest.urls import is_http_url, normalize_url
from storage.records import SeriesGap, SeriesPart, SeriesRef

_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15,
    "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20, "final": 0, "last": 0,
}  # fmt: skip
_CARDINALS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20,
}  # fmt: skip
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
_KANJI = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_KANJI_DIGITS = "一二三四五六七八九十百"
# Ordinal words in German, French, Spanish/Italian/Portuguese (feminine and masculine), for body lines.
_MORE_ORDINALS = {
    "ersten": 1, "erste": 1, "zweiten": 2, "zweite": 2, "dritten": 3, "dritte": 3, "vierten": 4, "vierte": 4,
    "fünften": 5, "fünfte": 5, "sechsten": 6, "sechste": 6, "siebten": 7, "siebte": 7, "achten": 8, "achte": 8,
    "neunten": 9, "neunte": 9, "zehnten": 10, "zehnte": 10, "letzten": 0, "letzte": 0,
    "première": 1, "premier": 1, "deuxième": 2, "seconde": 2, "second": 2, "troisième": 3, "quatrième": 4,
    "cinquième": 5, "sixième": 6, "septième": 7, "huitième": 8, "neuvième": 9, "dixième": 10, "dernière": 0,
    "primera": 1, "primero": 1, "prima": 1, "primo": 1, "segunda": 2, "segundo": 2, "seconda": 2, "secondo": 2,
    "tercera": 3, "tercero": 3, "terza": 3, "terzo": 3, "cuarta": 4, "cuarto": 4, "quarta": 4, "quarto": 4,
    "quinta": 5, "quinto": 5, "sexta": 6, "sexto": 6, "sesta": 6, "sesto": 6, "séptima": 7, "séptimo": 7,
    "settima": 7, "octava": 8, "octavo": 8, "ottava": 8, "novena": 9, "noveno": 9, "nona": 9, "décima": 10,
    "décimo": 10, "decima": 10, "última": 0, "ultima": 0,
}  # fmt: skip
_END = r"(?=\s*(?:$|[:–—|,(\[]|-\s|\.\s*$))"  # what may follow a number marker in a title
_CARDINAL_WORDS = "|".join(_CARDINALS)
_ORDINAL_WORDS = "|".join(_ORDINALS)

# Title markers, most specific first. Group "n" holds the number.
_TITLE_MARKERS = (
    re.compile(r"[(\[]\s*(?P<n>\d{1,4})\s*(?:/|of)\s*\d{1,4}\s*[)\]]", re.I),
    re.compile(
        r"\b(?:part|pt\.?|episode|ep\.|chapter|installment|instalment|lesson|volume|vol\.)\s*"
        rf"(?P<n>\d{{1,4}}|[IVXLC]{{1,7}}|{_CARDINAL_WORDS})\b" + _END,
        re.I,
    ),
    re.compile(r"(?:^|\s)(?:#|No\.\s*|№\s*)(?P<n>\d{1,4})" + _END, re.I),
    # German, French, Spanish, Italian, Portuguese, Dutch, Scandinavian: "Teil 2", "Partie 3", "Parte IV", "Deel 5".
    re.compile(
        r"\b(?:teil|folge|kapitel|partie|épisode|episode|chapitre|volet|parte|capítulo|capitolo|entrega|puntata|"
        r"deel|aflevering)\s*"
        r"(?P<n>\d{1,4}|[IVXLC]{1,7})\b" + _END,
        re.I,
    ),
    # Japanese and Chinese: "第3回", "第十二話", "（その3）".
    re.compile(rf"第\s*(?P<n>\d{{1,4}}|[{_KANJI_DIGITS}]{{1,4}})\s*(?:回|話|话|部|弾|篇|章|集|期|號|号)"),
    re.compile(r"[（(]?その\s*(?P<n>\d{1,4})[）)]?"),
)
_BODY_NUMBER = (
    re.compile(
        r"\b(?:the\s+)?(?P<n>\d{1,4})(?:st|nd|rd|th)\s+(?:post|part|entry|installment|instalment|episode|article)"
        r"\s+(?:in|of)\b",
        re.I,
    ),
    re.compile(
        rf"\b(?:the\s+)?(?P<n>{_ORDINAL_WORDS})\s+(?:post|part|entry|installment|instalment|episode|article)"
        r"\s+(?:in|of)\b",
        re.I,
    ),
    re.compile(rf"\bpart\s+(?P<n>\d{{1,4}}|{_CARDINAL_WORDS})\s+of\b", re.I),
    # German: "der 3. Teil", "der dritte Teil", "Teil 3 der Serie"
    re.compile(r"\b(?P<n>\d{1,4})\.\s+(?:teil|folge|beitrag|artikel|ausgabe)\b", re.I),
    re.compile(r"\b(?:teil|folge)\s+(?P<n>\d{1,4})\s+(?:der|unserer|meiner|dieser)\b", re.I),
    # French: "la 3e partie", "le 28e billet", "la troisième partie"
    re.compile(r"\b(?P<n>\d{1,4})(?:e|ème|eme|er|re)\s+(?:partie|épisode|article|billet|volet|chapitre)\b", re.I),
    # Spanish, Italian, Portuguese: "la tercera parte", "la 3ª entrega", "parte 3 de la serie"
    re.compile(r"\b(?P<n>\d{1,4})[ªºa°]?\s+(?:parte|entrega|puntata|episodio)\s+(?:de|della|del|da)\b", re.I),
    re.compile(r"\b(?:parte|entrega|puntata)\s+(?P<n>\d{1,4})\s+(?:de|della|del|da)\b", re.I),
    re.compile(
        rf"\b(?P<n>{'|'.join(_MORE_ORDINALS)})\s+(?:teil|folge|beitrag|partie|épisode|article|billet|volet|"
        r"parte|entrega|puntata|episodio|articolo|artículo)\b",
        re.I,
    ),
    # Japanese: "シリーズの第3回"
    re.compile(rf"第\s*(?P<n>\d{{1,4}}|[{_KANJI_DIGITS}]{{1,4}})\s*(?:回|話|弾|部)"),
)
_BODY_NAME = re.compile(
    r"\b(?:in|of)\s+(?:the|my|our|this|a)\s+[\"“'‘]?(?P<name>[^\s\"“”'‘’.!?][^.!?\"“”\n]{0,70}?)[\"”'’]?\s+series\b",
    re.I,
)
# The series' name after the word for "series": German "der Serie „X“", French "de la série « X »", Spanish and
# Italian "de la serie X", Japanese "「X」シリーズ". The name ends at a closing quote or a sentence mark.
_BODY_NAME_AFTER = (
    re.compile(
        r"\b(?:der|unserer|meiner|dieser|de\s+la|de\s+notre|de\s+ma|de\s+cette|de\s+nuestra|de\s+mi|"
        r"della|de\s+esta|da)\s+(?:serie|série|reihe|rubrik|saga)\s+"
        r"[«„\"“'‘]?\s*(?P<name>[^\s«»„“”\"'‘’.!?,;:][^«»„“”\"'‘’.!?,;:\n]{0,70}?)\s*(?:[»“”\"'’]|[.!?,;:]|$)",
        re.I,
    ),
    re.compile(r"[「『](?P<name>[^」』\n]{1,70})[」』]\s*(?:シリーズ|連載|系列)"),
)
_SERIES_WORD = re.compile(r"^\s*(?:series\s*[:\-–]\s*)?(?P<name>.+?)(?:\s+series)?\s*$", re.I)
_TRIM = " \t:–—-|,;([#"


def detect_series(title: str, body_text: str, categories: Sequence[str], tags: Sequence[str]) -> SeriesRef | None:
    """The series a post belongs to (name and number if stated), or None when nothing says it is in one."""
    title = " ".join(title.split())
    body_head = " ".join(body_text.split())[:3000]  # series notes sit at the top (or bottom) of a post
    body_tail = " ".join(body_text.split())[-1000:]
    number, prefix = _title_number(title)
    body_number, body_name = _body_series(body_head)
    if body_name is None:
        body_number_tail, body_name = _body_series(body_tail)
        body_number = body_number if body_number is not None else body_number_tail
    if number is None:
        number = body_number
    taxonomy_name = _taxonomy_series(categories, tags, prefix)
    name = body_name or prefix or taxonomy_name
    if not name:
        return None
    return SeriesRef(name=name, number=number)


def _title_number(title: str) -> tuple[int | None, str | None]:
    for pattern in _TITLE_MARKERS:
        match = pattern.search(title)
        if match is None:
            continue
        number = _to_number(match.group("n"))
        if number is None:
            continue
        prefix = title[: match.start()].strip(_TRIM).strip()
        if not prefix:
            rest = title[match.end() :].strip(_TRIM + ")]").strip()
            prefix = rest if pattern is _TITLE_MARKERS[0] and rest else ""
        return number, prefix or None
    return None, None


def _body_series(text: str) -> tuple[int | None, str | None]:
    number: int | None = None
    for pattern in _BODY_NUMBER:
        match = pattern.search(text)
        if match:
            number = _to_number(match.group("n"))
            if number == 0:  # "the final part of": a member, number unknown
                number = None
            break
    name_match = _BODY_NAME.search(text)
    if name_match is None:
        name_match = next((m for m in (p.search(text) for p in _BODY_NAME_AFTER) if m), None)
    name = name_match.group("name").strip(_TRIM).strip() if name_match else None
    return number, name or None


def _taxonomy_series(categories: Sequence[str], tags: Sequence[str], prefix: str | None) -> str | None:
    names = [" ".join(name.split()) for name in (*categories, *tags) if name.strip()]
    if prefix:
        for name in names:
            if name.casefold() == prefix.casefold():
                return name
    for name in names:
        if re.search(r"\bseries\b", name, re.I):
            match = _SERIES_WORD.match(name)
            cleaned = match.group("name").strip() if match else name
            return cleaned or name
    return None


def _to_number(token: str) -> int | None:
    token = token.strip().rstrip(".")
    if token.isdigit():
        return int(token)
    lowered = token.lower()
    if lowered in _CARDINALS:
        return _CARDINALS[lowered]
    if lowered in _ORDINALS:
        return _ORDINALS[lowered]
    if lowered in _MORE_ORDINALS:
        return _MORE_ORDINALS[lowered]
    if token and all(char in _KANJI_DIGITS for char in token):
        return _kanji_number(token)
    if token.isupper():
        return _roman(token)
    return None


def _kanji_number(token: str) -> int | None:
    """Kanji numerals up to 999: "三" 3, "十二" 12, "二十" 20, "百五" 105."""
    total, current = 0, 0
    for char in token:
        if char in _KANJI:
            current = _KANJI[char]
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        elif char == "百":
            total += (current or 1) * 100
            current = 0
    total += current
    return total or None


def _roman(token: str) -> int | None:
    total = 0
    for index, char in enumerate(token):
        value = _ROMAN.get(char)
        if value is None:
            return None
        following = _ROMAN.get(token[index + 1], 0) if index + 1 < len(token) else 0
        total += -value if value < following else value
    # Only canonical numerals ("IV", not "IIII" or "VX"): re-encode and compare.
    return total if total > 0 and _to_roman(total) == token else None


def _to_roman(number: int) -> str:
    out = ""
    for value, numeral in ((100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV")):
        while number >= value:
            out += numeral
            number -= value
    return out + "I" * number


# -- links between the parts of a series, and the gaps they reveal

# Words around a link that make it point to the next part, the previous part, or the page listing every part.
_NEXT_WORDS = re.compile(
    r"\b(?:next\s+(?:week|time|part|post|episode|installment|instalment|month|in\s+(?:the|this)\s+series)|"
    r"coming\s+up\s+next|continued\s+in|continues\s+in|to\s+be\s+continued|"
    r"nächste\s+woche|nächster\s+teil|nächste\s+folge|fortsetzung|"
    r"la\s+semaine\s+prochaine|partie\s+suivante|épisode\s+suivant|à\s+suivre|"
    r"la\s+próxima\s+semana|próxima\s+entrega|siguiente\s+parte|la\s+prossima\s+settimana|prossima\s+puntata)\b|"
    r"次回|次の回|^\s*next\s*:",
    re.I,
)
_PREVIOUS_WORDS = re.compile(
    r"\b(?:previous(?:ly)?\s*(?:part|post|week|episode|installment|instalment|in\s+(?:the|this)\s+series)?|"
    r"last\s+week|earlier\s+parts?|part\s+one|catch\s+up|"
    r"vorheriger\s+teil|letzte\s+woche|partie\s+précédente|la\s+semaine\s+dernière|"
    r"parte\s+anterior|la\s+semana\s+pasada|puntata\s+precedente)\b|前回",
    re.I,
)
_INDEX_WORDS = re.compile(
    r"\b(?:read\s+the\s+others|the\s+others\s+here|all\s+(?:the\s+)?(?:parts|posts|episodes|entries)|"
    r"(?:whole|entire|full)\s+series|series\s+(?:index|page|archive)|every\s+part|"
    r"alle\s+teile|alle\s+folgen|toute\s+la\s+série|tous\s+les\s+épisodes|todas\s+las\s+entregas|"
    r"toda\s+la\s+serie|tutte\s+le\s+puntate)\b|シリーズ一覧|バックナンバー",
    re.I,
)
_INDEX_PATH = re.compile(r"/(?:category|categories|tag|tags|series|serie|reihe|label|labels|topics?|kategorie)/", re.I)
_MD_LINK = re.compile(r"\[(?P<text>[^\]\n]*)\]\((?P<url>[^)\s]+)(?:\s+\"[^\"]*\")?\)")
_CONTEXT = 80  # characters before a link that still describe it ("Next week: <a>...</a>")


@dataclass(frozen=True, slots=True)
class SeriesLinks:
    """Where one part of a series points: the next and previous parts, and the page listing them all."""

    next_urls: tuple[str, ...] = ()
    previous_urls: tuple[str, ...] = ()
    index_urls: tuple[str, ...] = ()


def _slug(text: str) -> str:
    return re.sub(r"[^\w]+", "-", text.casefold()).strip("-")


def _classify(text: str, context: str, url: str, series_name: str | None) -> tuple[bool, bool, bool]:
    """(next, previous, index) for one link with its text and the words before it on its line."""
    around = f"{context} {text}"
    path = unquote(urlsplit(url).path)
    index_path = bool(_INDEX_PATH.search(path))
    named_index = index_path and series_name is not None and _slug(series_name) in _slug(path)
    index = named_index or (bool(_INDEX_WORDS.search(around)) and index_path) or bool(_INDEX_WORDS.search(text))
    if index:
        return False, False, True
    return bool(_NEXT_WORDS.search(around)), bool(_PREVIOUS_WORDS.search(around)), False


def _links(pairs: Sequence[tuple[str, str, str]], base_url: str, series_name: str | None) -> SeriesLinks:
    found: dict[str, list[str]] = {"next": [], "previous": [], "index": []}
    for text, context, href in pairs:
        url = urljoin(base_url, href.strip())
        if not is_http_url(url):
            continue
        url = normalize_url(url)
        if url == normalize_url(base_url):
            continue
        is_next, is_previous, is_index = _classify(text, context, url, series_name)
        for key, flag in (("next", is_next), ("previous", is_previous), ("index", is_index)):
            if flag and url not in found[key]:
                found[key].append(url)
    return SeriesLinks(tuple(found["next"]), tuple(found["previous"]), tuple(found["index"]))


def series_links_in_markdown(body_md: str, base_url: str, *, series_name: str | None = None) -> SeriesLinks:
    """The next/previous/index links in a post's Markdown text (as archived), judged by the words around them."""
    pairs = []
    for match in _MD_LINK.finditer(body_md):
        line_start = body_md.rfind("\n", 0, match.start()) + 1
        context = body_md[max(line_start, match.start() - _CONTEXT) : match.start()]
        pairs.append((match.group("text"), context, match.group("url")))
    return _links(pairs, base_url, series_name)


def series_links_in_html(html: str, url: str, *, series_name: str | None = None) -> SeriesLinks:
    """The next/previous/index links of a post page: links in its text judged by their words, and the page's
    `rel="next"`/`rel="prev"` links (which on most blogs follow the date order, so callers must check that the
    target is a part of the series before trusting one)."""
    try:
        doc = lxml.html.document_fromstring(html or "<html></html>")
    except (etree.ParserError, ValueError):
        return SeriesLinks()
    pairs: list[tuple[str, str, str]] = []
    for anchor in doc.iter("a"):
        href = anchor.get("href")
        if not href:
            continue
        text = " ".join(anchor.text_content().split())
        parent = anchor.getparent()
        context = ""
        if parent is not None:
            before = (parent.text or "") + "".join(
                (" ".join(sib.itertext()) + (sib.tail or ""))
                for sib in parent
                if sib is not anchor and _before(sib, anchor)
            )
            context = " ".join(before.split())[-_CONTEXT:]
        pairs.append((text, context, href))
    links = _links(pairs, url, series_name)
    rel_next, rel_previous = [], []
    for element in doc.xpath("//link[@rel][@href] | //a[@rel][@href]"):
        rels = set(str(element.get("rel", "")).lower().split())
        target = urljoin(url, str(element.get("href")).strip())
        if not is_http_url(target):
            continue
        if "next" in rels:
            rel_next.append(normalize_url(target))
        if "prev" in rels or "previous" in rels:
            rel_previous.append(normalize_url(target))
    return SeriesLinks(
        next_urls=tuple(dict.fromkeys([*links.next_urls, *rel_next])),
        previous_urls=tuple(dict.fromkeys([*links.previous_urls, *rel_previous])),
        index_urls=links.index_urls,
    )


def _before(sibling: lxml.html.HtmlElement, anchor: lxml.html.HtmlElement) -> bool:
    parent = anchor.getparent()
    assert parent is not None
    return bool(parent.index(sibling) < parent.index(anchor))


def find_gaps(
    parts: Sequence[SeriesPart], next_links: Mapping[int, Sequence[str]], archived_urls: Collection[str]
) -> tuple[SeriesGap, ...]:
    """The parts a series lacks: numbers missing from 1 to the highest part ("part 4 missing"), and parts a "Next
    week: ..." link announces that aren't archived ("part 7 announced but not published"), in number order.

    `next_links` maps a part's post id to its next-part links; `archived_urls` are the series' archived parts."""
    archived = {normalize_url(u) for u in archived_urls} | {normalize_url(p.url) for p in parts}
    numbers = {p.number for p in parts if p.number is not None}
    announced: dict[int | None, str] = {}
    for part in parts:
        for link in next_links.get(part.post_id, ()):
            if normalize_url(link) in archived:
                continue
            number = part.number + 1 if part.number is not None and part.number + 1 not in numbers else None
            announced.setdefault(number, link)
    gaps: list[SeriesGap] = []
    top = max([*numbers, *(n for n in announced if n is not None)], default=0)
    for number in range(1, top + 1):
        if number in numbers:
            continue
        if number in announced:
            url = announced[number]
            gaps.append(SeriesGap(number, "announced", url, f"part {number} announced but not published ({url})"))
        else:
            gaps.append(SeriesGap(number, "missing", None, f"part {number} missing"))
    if None in announced:
        url = announced[None]
        gaps.append(SeriesGap(None, "announced", url, f"a part announced but not archived ({url})"))
    return tuple(gaps)
