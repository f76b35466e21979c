"""Right-to-left text for reportlab: Arabic letters shaped into their joined forms, RTL runs put in visual order.

reportlab 5 shapes and reorders only with `rlbidi` and `uharfbuzz`, neither of which Debian or a plain pip
install here provides, so this module does the part a book needs with the standard library alone:

- Arabic shaping: each letter takes its isolated, initial, medial or final presentation form (found by
  Unicode name, e.g. "ARABIC LETTER BEH INITIAL FORM"), and lam + alef become their ligature. DejaVu Sans
  has every presentation form.
- Order: a run of right-to-left words is reversed word by word, each word reversed as grapheme clusters
  (marks stay on their letter, digits stay left to right). A paragraph whose first strong character is
  right-to-left keeps its words in logical order for line breaking; `RtlParagraph` reverses each line's
  words when it draws, and the paragraph is right-aligned.

Not handled: the full Unicode bidi algorithm (nested embeddings, mirrored brackets); an RTL run that a line
break cuts inside an otherwise left-to-right paragraph shows its halves on the wrong lines.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any

from reportlab.platypus import Paragraph

_RTL_CLASSES = frozenset(("R", "AL"))
_LTR_CLASSES = frozenset(("L",))
_WORD = re.compile(r"\S+|\s+")
_ZWJ = "\u200d"


def is_rtl_char(char: str) -> bool:
    """True for characters of right-to-left scripts (Hebrew, Arabic, Syriac, Thaana, N'Ko...)."""
    return unicodedata.bidirectional(char) in _RTL_CLASSES


# Blocks of the right-to-left scripts (Hebrew to NKo and beyond, presentation forms, historic RTL planes).
_RTL_BLOCKS = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff\U00010800-\U00010fff\U0001e800-\U0001efff]")


def has_rtl(text: str) -> bool:
    """Whether `text` has right-to-left letters (a fast block check first, then the bidi class)."""
    if not _RTL_BLOCKS.search(text):
        return False
    return any(unicodedata.bidirectional(c) in _RTL_CLASSES for c in text)


def base_direction(text: str) -> str:
    """'rtl' if the first strong character of `text` is right-to-left, else 'ltr'."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in _RTL_CLASSES:
            return "rtl"
        if kind in _LTR_CLASSES:
            return "ltr"
    return "ltr"


@functools.cache
def _forms() -> dict[str, dict[str, str]]:
    """Arabic letter -> its presentation forms by position ('isolated', 'final', 'initial', 'medial')."""
    table: dict[str, dict[str, str]] = {}
    for code in range(0x0621, 0x06D4):
        letter = chr(code)
        name = unicodedata.name(letter, "")
        if not name.startswith("ARABIC LETTER"):
            continue
        forms = {}
        for position in ("isolated", "final", "initial", "medial"):
            try:
                forms[position] = unicodedata.lookup(f"{name} {position.upper()} FORM")
            except KeyError:
                continue
        if forms:
            table[letter] = forms
    return table


_LAM_ALEF = {  # alef variant -> (isolated, final) lam-alef ligature
    "\u0622": ("\ufef5", "\ufef6"),
    "\u0623": ("\ufef7", "\ufef8"),
    "\u0625": ("\ufef9", "\ufefa"),
    "\u0627": ("\ufefb", "\ufefc"),
}
_TATWEEL = "\u0640"


def _joins_left(char: str) -> bool:
    """Whether `char` connects to the letter after it (dual-joining letters and tatweel)."""
    forms = _forms().get(char)
    return char == _TATWEEL or char == _ZWJ or bool(forms and "medial" in forms)


def _joins_right(char: str) -> bool:
    """Whether `char` connects to the letter before it."""
    forms = _forms().get(char)
    return char == _TATWEEL or char == _ZWJ or bool(forms and ("final" in forms or "medial" in forms))


def shape_arabic(text: str) -> str:
    """`text` with Arabic letters replaced by their contextual presentation forms (logical order kept)."""
    forms = _forms()
    if not any(c in forms for c in text):
        return text
    chars = list(text)
    out: list[str] = []
    i = 0
    while i < len(chars):
        char = chars[i]
        if char not in forms:
            out.append(char)
            i += 1
            continue
        prev = _neighbour(chars, i, -1)
        joined_before = prev is not None and _joins_left(prev) and _joins_right(char)
        nxt_index = _neighbour_index(chars, i, 1)
        nxt = chars[nxt_index] if nxt_index is not None else None
        if char == "\u0644" and nxt in _LAM_ALEF and nxt_index is not None:
            isolated, final = _LAM_ALEF[nxt]
            out.append(final if joined_before else isolated)
            out.extend(chars[i + 1 : nxt_index])  # marks between lam and alef
            i = nxt_index + 1
            continue
        joined_after = nxt is not None and _joins_left(char) and _joins_right(nxt)
        letter_forms = forms[char]
        if joined_before and joined_after:
            position = "medial"
        elif joined_before:
            position = "final"
        elif joined_after:
            position = "initial"
        else:
            position = "isolated"
        out.append(letter_forms.get(position) or letter_forms.get("isolated") or char)
        i += 1
    return "".join(out)


def _neighbour_index(chars: list[str], index: int, step: int) -> int | None:
    """Index of the nearest character in direction `step` that is not a combining mark."""
    j = index + step
    while 0 <= j < len(chars):
        if unicodedata.category(chars[j]) != "Mn":
            return j
        j += step
    return None


def _neighbour(chars: list[str], index: int, step: int) -> str | None:
    j = _neighbour_index(chars, index, step)
    return chars[j] if j is not None else None


_CLUSTER = re.compile(
    r"\d+(?:[.,:]\d+)*|.[\u0300-\u036f\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]*", re.S
)


def reverse_word(word: str) -> str:
    """A right-to-left word in visual order: clusters reversed, numbers kept left to right."""
    return "".join(reversed(_CLUSTER.findall(word)))


def _mirror(word: str) -> str:
    return word.translate(_MIRRORS)


_MIRRORS = str.maketrans("()[]{}<>«»", ")(][}{><»«")


def visual_words(text: str, *, rtl_base: bool) -> str:
    """`text` prepared for left-to-right drawing.

    Every word with right-to-left letters is shaped and reversed. In a left-to-right paragraph, each run
    of such words (with the spaces and neutral words between them) also has its word order reversed; in
    a right-to-left paragraph the word order stays logical (`RtlParagraph` reverses it line by line).
    """
    if not has_rtl(text):
        return text
    tokens = _WORD.findall(shape_arabic(text))
    if rtl_base:
        return "".join(reverse_word(_mirror(tok)) if has_rtl(tok) else tok for tok in tokens)
    words = [_reverse_keeping_ends(tok) if has_rtl(tok) else tok for tok in tokens]
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        trailing: list[str] = []
        while run and (run[-1].isspace() or not _is_strong_rtl(run[-1])):
            trailing.insert(0, run.pop())
        out.extend(reversed(run))
        out.extend(trailing)
        run.clear()

    for original, word in zip(tokens, words, strict=True):
        if has_rtl(original):
            run.append(word)
        elif run and (original.isspace() or not _is_strong_ltr(original)):
            run.append(word)
        else:
            flush()
            out.append(word)
    flush()
    return "".join(out)


_ENDS = re.compile(r"^(\W*)(.*?)(\W*)$", re.S)


def _reverse_keeping_ends(token: str) -> str:
    """An RTL word inside left-to-right text: punctuation before and after it stays where it is."""
    match = _ENDS.match(token)
    if match is None or not match[2]:
        return reverse_word(_mirror(token))
    return match[1] + reverse_word(_mirror(match[2])) + match[3]


def _is_strong_rtl(word: str) -> bool:
    return has_rtl(word)


def _is_strong_ltr(word: str) -> bool:
    return any(unicodedata.bidirectional(c) == "L" for c in word)


class RtlParagraph(Paragraph):  # type: ignore[misc]  # reportlab has no type hints
    """A right-to-left paragraph: lines are broken in logical order and drawn with their words reversed.

    Each word's letters are already in visual order (`visual_words(..., rtl_base=True)`); runs of
    left-to-right words inside a line keep their own order.
    """

    def draw(self) -> None:
        bl_para = getattr(self, "blPara", None)
        if bl_para is None:
            super().draw()
            return
        saved = bl_para.lines
        bl_para.lines = [_reverse_line(line, bl_para.kind) for line in saved]
        try:
            super().draw()
        finally:
            bl_para.lines = saved


def _reverse_words(words: list[str]) -> list[str]:
    """Words of one line in reverse order, except that runs of left-to-right words keep their order."""
    out: list[str] = []
    ltr_run: list[str] = []
    for word in reversed(words):
        if _is_strong_ltr(word) and not has_rtl(word):
            ltr_run.append(word)
            continue
        out.extend(reversed(ltr_run))
        ltr_run.clear()
        out.append(word)
    out.extend(reversed(ltr_run))
    return out


def _reverse_line(line: Any, kind: int) -> Any:
    if kind == 0:  # (extra space, [word, ...])
        extra, line_words = line
        return (extra, _reverse_words(list(line_words)))
    # kind 1: an ABag whose `words` are fragments (one per font run), each holding one or more words. Cut them
    # into words of (fragment, text) pieces, reverse the words, and glue pieces of the same fragment again.
    words: list[list[tuple[Any, str]]] = [[]]
    for frag in line.words:
        text = getattr(frag, "text", "")
        if not isinstance(text, str):  # an inline image or similar: a word of its own
            words.append([(frag, "")])
            words.append([])
            continue
        for token in _WORD.findall(text):
            if token.isspace():
                words.append([])
            else:
                words[-1].append((frag, token))
    words = [word for word in words if word]
    order = _reverse_words(["".join(text for _, text in word) for word in words])
    by_text: dict[str, list[list[tuple[Any, str]]]] = {}
    for word in words:
        by_text.setdefault("".join(text for _, text in word), []).append(word)
    pieces: list[tuple[Any, str]] = []
    for index, text in enumerate(order):
        if index:
            pieces.append((pieces[-1][0], " "))
        pieces.extend(by_text[text].pop())
    frags: list[Any] = []
    for frag, text in pieces:
        if frags and frags[-1]._source is frag:
            frags[-1].text += text
        else:
            piece = frag.clone()
            piece.text = text if isinstance(getattr(frag, "text", ""), str) else frag.text
            piece._source = frag
            frags.append(piece)
    clone = line.clone()
    clone.words = frags
    return clone
