"""Fonts for the PDF: register the bundled families once, and mark up text with per-run font fallback.

The book is set in Noto Serif (text) and Noto Sans (headings, bylines), both under the SIL Open Font
License, with DejaVu Sans Mono for code; all are bundled in `resources/fonts/` and embedded as subsets.

reportlab never falls back to another font by itself: a character the current font lacks is drawn as
an empty box. So every piece of web text goes through `markup_text`, which escapes it for reportlab's
paragraph markup and wraps runs the family lacks in `<font name=...>`: the bundled DejaVu Sans for
Arabic, Hebrew, arrows, symbols and (monochrome) emoji, a system CJK font for Chinese, Japanese and
Korean, then any system font fontconfig knows for the character. Characters no font has are collected
in `MISSING_CHARS` for a warning.
"""

from __future__ import annotations

import functools
import logging
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from exporters.errors import FontMissing
from exporters.pdf.bidi import visual_words

log = logging.getLogger(__name__)

# exporters may not import the resources package (layer rule), so find the folder from here.
FONTS_DIR = Path(__file__).resolve().parents[2] / "resources" / "fonts"

FamilyName = Literal["serif", "sans", "mono"]
_BundledName = Literal["serif", "sans", "mono", "fallback"]

CJK_INSTALL_HINT = "sudo apt-get install fonts-wqy-microhei"

# Known TrueType-outline CJK fonts (path, index in the collection), best first. Noto Sans CJK is CFF
# (PostScript outlines) on Debian and reportlab can't embed it, so it is only tried via fc-list.
CJK_CANDIDATES: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/wqy-microhei/wqy-microhei.ttc", 0),  # Fedora
    ("/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    ("/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc", 0),
)


class MeasuredTTFont(TTFont):  # type: ignore[misc]  # reportlab has no type hints
    """A TTFont that remembers the widths of the strings it measured.

    reportlab here is the pure-Python wheel: a width is a Python sum over the characters, and line breaking
    measures every word again and again. Words repeat a lot in running text, so a cache saves ~10 % of a build.
    """

    _cache_limit = 200_000

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self._widths: dict[str, float] = {}

    def stringWidth(self, text: str, size: float, encoding: str = "utf8") -> float:  # noqa: N802 (reportlab API)
        widths = self._widths
        per_point = widths.get(text)
        if per_point is None:
            if len(widths) > self._cache_limit:
                widths.clear()
            per_point = float(super().stringWidth(text, 1.0, encoding))
            if isinstance(text, str):
                widths[text] = per_point
        return per_point * size


@dataclass(frozen=True, slots=True)
class Family:
    """A registered family: the reportlab names of its four faces and the characters it covers."""

    regular: str
    bold: str
    italic: str
    bold_italic: str
    covers: frozenset[int]

    def face(self, *, bold: bool, italic: bool) -> str:
        """The registered font name for this weight and slant."""
        if bold and italic:
            return self.bold_italic
        if bold:
            return self.bold
        if italic:
            return self.italic
        return self.regular


# Each family's four faces in the order regular, bold, italic, bold italic. "fallback" is not a style's
# family: it draws what the others lack (DejaVu Sans has Arabic, Hebrew, many symbols and emoji; Noto doesn't).
_BUNDLED: dict[_BundledName, tuple[str, tuple[str, str, str, str]]] = {
    "serif": (
        "TBSerif",
        ("NotoSerif-Regular.ttf", "NotoSerif-Bold.ttf", "NotoSerif-Italic.ttf", "NotoSerif-BoldItalic.ttf"),
    ),
    "sans": (
        "TBSans",
        ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf", "NotoSans-Italic.ttf", "NotoSans-BoldItalic.ttf"),
    ),
    "mono": (
        "TBMono",
        (
            "DejaVuSansMono.ttf",
            "DejaVuSansMono-Bold.ttf",
            "DejaVuSansMono-Oblique.ttf",
            "DejaVuSansMono-BoldOblique.ttf",
        ),
    ),
    "fallback": (
        "TBFallback",
        ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf", "DejaVuSans-BoldOblique.ttf"),
    ),
}

CJK_FONT_NAME = "TBCJK"


def _register_family(base: str, faces: Iterable[tuple[str, TTFont]]) -> Family:
    names: list[str] = []
    covers: frozenset[int] = frozenset()
    for name, font in faces:
        pdfmetrics.registerFont(font)
        names.append(name)
        if not covers:
            covers = frozenset(font.face.charToGlyph)
    regular, bold, italic, bold_italic = names
    # Lets <b>/<i> in a paragraph whose style uses one of these faces find its siblings. It does NOT
    # apply inside <font name=...>: there reportlab uses the named face as is, so callers name the face.
    pdfmetrics.registerFontFamily(base, normal=regular, bold=bold, italic=italic, boldItalic=bold_italic)
    return Family(regular, bold, italic, bold_italic, covers)


_NON_BMP_TARGET = re.compile(r"^(<[0-9A-F]+>) <([0-9A-F]{5,6})>$", re.MULTILINE)
_reportlab_to_unicode_cmap = ttfonts.makeToUnicodeCMap


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """reportlab's ToUnicode CMap with characters beyond U+FFFF written as UTF-16 surrogate pairs.

    WORKAROUND: reportlab 5.1 writes such a character as `<1F600>` (an odd-length hex string), so
    PDF readers can't map the glyph back to text and pypdf warns "Odd-length string" (PLATFORM-NOTES §5).
    The PDF reference wants UTF-16BE there: `<D83DDE00>`.
    """

    def pair(match: re.Match[str]) -> str:
        utf16 = chr(int(match[2], 16)).encode("utf-16-be").hex().upper()
        return f"{match[1]} <{utf16}>"

    return _NON_BMP_TARGET.sub(pair, _reportlab_to_unicode_cmap(fontname, subset))


@functools.cache
def register_fonts() -> dict[_BundledName, Family]:
    """Register the bundled serif, sans, mono and fallback families with reportlab (once per process)."""
    ttfonts.makeToUnicodeCMap = _to_unicode_cmap
    # reportlab here is the pure-Python wheel: ASCII85-encoding every stream in Python cost ~10 % of an export,
    # and the files come out 19 % smaller without it (PLATFORM-NOTES §8). Binary streams are valid PDF.
    rl_config.useA85 = 0
    families: dict[_BundledName, Family] = {}
    for key, (base, files) in _BUNDLED.items():
        suffixes = ("", "-Bold", "-Italic", "-BoldItalic")
        faces = [
            (base + suffix, MeasuredTTFont(base + suffix, str(FONTS_DIR / file)))
            for suffix, file in zip(suffixes, files, strict=True)
        ]
        families[key] = _register_family(base, faces)
    return families


def family(name: FamilyName) -> Family:
    """A bundled family, registering the fonts first if needed."""
    return register_fonts()[name]


def fallback_family() -> Family:
    """The bundled DejaVu Sans, which draws what the style's family lacks (Arabic, Hebrew, symbols, emoji)."""
    return register_fonts()["fallback"]


def _fc_list_cjk_files() -> list[str]:
    """Font files fontconfig says cover Chinese, or [] when fontconfig isn't there."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return []
    try:
        result = subprocess.run([fc_list, ":lang=zh", "file"], capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        log.info("fc-list failed", exc_info=True)
        return []
    files = [line.split(":", 1)[0].strip() for line in result.stdout.splitlines()]
    return sorted(f for f in files if f.lower().endswith((".ttf", ".ttc", ".otf")))


def locate_cjk_font() -> tuple[str, int] | None:
    """The first CJK font with TrueType outlines reportlab can embed, as (path, subfont index), or None."""
    candidates = list(CJK_CANDIDATES) + [(path, 0) for path in _fc_list_cjk_files()]
    for path, index in candidates:
        if not Path(path).is_file():
            continue
        try:
            TTFont("TBCJK-probe", path, subfontIndex=index)
        except (TTFError, OSError) as exc:  # CFF outlines, damaged files
            log.info("can't use %s for CJK text: %s", path, exc)
            continue
        return path, index
    return None


@functools.cache
def cjk_family() -> Family:
    """The CJK fallback family (one face serves all four), registered on first use.

    Raises `FontMissing` naming the package to install when the system has no usable CJK font.
    """
    found = locate_cjk_font()
    if found is None:
        raise FontMissing(
            "This anthology contains Chinese, Japanese or Korean text, but no font for it was found on "
            f"this computer. Install one (on Debian or Ubuntu: {CJK_INSTALL_HINT}) and export again."
        )
    path, index = found
    font = TTFont(CJK_FONT_NAME, path, subfontIndex=index)
    log.info("CJK text uses %s (subfont %d)", path, index)
    return _register_family(CJK_FONT_NAME, [(CJK_FONT_NAME, font)] + [(CJK_FONT_NAME, font)] * 3)


MISSING_CHARS: set[str] = set()  # characters this process met that no font could draw (printed as boxes)
MISSING_HINT = (
    "Install a font that has them (on Debian or Ubuntu: sudo apt-get install fonts-noto-core for most scripts, "
    "fonts-symbola for emoji and symbols) and export again."
)
_system_families: dict[str, Family] = {}


@functools.cache
def system_family_for(code: int) -> Family | None:
    """A system font (fontconfig) with TrueType outlines that has `code`, registered once; None if there is none."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        result = subprocess.run(
            [fc_list, f":charset={code:x}", "file"], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        log.info("fc-list failed", exc_info=True)
        return None
    for line in sorted(result.stdout.splitlines()):
        path = line.split(":", 1)[0].strip()
        if not path.lower().endswith((".ttf", ".ttc")):
            continue
        if path in _system_families:
            if code in _system_families[path].covers:
                return _system_families[path]
            continue
        name = f"TBSys{len(_system_families)}"
        try:
            font = TTFont(name, path, subfontIndex=0)
        except (TTFError, OSError) as exc:  # CFF outlines, damaged files
            log.info("can't use %s as a fallback font: %s", path, exc)
            continue
        found = _register_family(name, [(name, font)] * 4)
        _system_families[path] = found
        log.info("U+%04X is set in %s", code, path)
        if code in found.covers:
            return found
    return None


def cjk_in_use() -> bool:
    """Whether this process has set any text in the CJK fallback font."""
    return cjk_family.cache_info().currsize > 0


_CJK_RANGES = (
    (0x1100, 0x11FF),  # Hangul Jamo
    (0x2E80, 0x2FDF),  # CJK and Kangxi radicals
    (0x2FF0, 0x30FF),  # ideographic description, CJK symbols and punctuation, kana
    (0x3100, 0x31FF),  # Bopomofo, Hangul compatibility Jamo, Kanbun, CJK strokes
    (0x3200, 0x4DBF),  # enclosed CJK, compatibility, extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xA960, 0xA97F),  # Hangul Jamo extended A
    (0xAC00, 0xD7FF),  # Hangul syllables, Jamo extended B
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFF00, 0xFFEF),  # half-width and full-width forms
    (0x20000, 0x3FFFF),  # extensions B and later
)


def is_cjk(code: int) -> bool:
    """True for code points of the CJK scripts (they need a CJK font)."""
    return any(low <= code <= high for low, high in _CJK_RANGES)


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # category Cc less tab and newline


def _is_droppable(char: str) -> bool:
    """Control characters are invalid in PDF text and in reportlab markup."""
    return unicodedata.category(char) == "Cc" and char not in "\t\n"


def _attaches(char: str) -> bool:
    """Spaces, combining marks and format characters stay in the run they follow."""
    return char.isspace() or unicodedata.category(char) in ("Mn", "Me", "Cf")


def font_runs(text: str, family_name: FamilyName = "serif") -> list[tuple[Family, str]]:
    """`text` cut into runs, each with the family that draws it: the family, then DejaVu Sans, CJK, system fonts.

    A character no font has stays with the family (it prints as a box; see `missing_glyphs`). Control
    characters are dropped. Raises `FontMissing` if CJK text appears and no CJK font exists.
    """
    primary = family(family_name)
    if primary.covers.issuperset(map(ord, text)) and not _CONTROL.search(text):
        return [(primary, text)] if text else []  # the common case, at C speed
    chain: list[Family] = [primary, fallback_family()]

    runs: list[tuple[Family, list[str]]] = []
    for char in text:
        if _is_droppable(char):
            continue
        code = ord(char)
        if runs and _attaches(char) and code in runs[-1][0].covers:
            runs[-1][1].append(char)
            continue
        chosen = next((fam for fam in chain if code in fam.covers), None)
        if chosen is None and is_cjk(code):
            cjk = cjk_family()
            chosen = cjk if code in cjk.covers else None
        if chosen is None and not _attaches(char):
            chosen = system_family_for(code)
            if chosen is None:
                MISSING_CHARS.add(char)
        if chosen is None:
            chosen = primary
        if runs and runs[-1][0] is chosen:
            runs[-1][1].append(char)
        else:
            runs.append((chosen, [char]))
    return [(fam, "".join(chars)) for fam, chars in runs]


def missing_glyphs(text: str, family_name: FamilyName = "serif") -> set[str]:
    """The characters of `text` that no font in the fallback chain can draw (they would print as boxes).

    Spaces, format characters (joiners, variation selectors) and control characters are not counted.
    """
    missing = set()
    for fam, run in font_runs(text, family_name):
        for char in run:
            if char.isspace() or unicodedata.category(char) in ("Cf", "Cc", "Mn"):
                continue
            if ord(char) not in fam.covers:
                missing.add(char)
    return missing


def markup_text(
    text: str,
    *,
    family_name: FamilyName = "serif",
    bold: bool = False,
    italic: bool = False,
    rtl_base: bool = False,
) -> str:
    """`text` escaped for reportlab paragraph markup, with runs the family lacks wrapped in a fallback font.

    The result contains no markup from `text` itself: `<`, `>` and `&` are escaped. Runs go to the
    family's own font first, then DejaVu Sans, then the CJK font, then system fonts (`font_runs`). Right-to-left words
    are shaped and put in visual order (`bidi.visual_words`; `rtl_base` for a right-to-left paragraph).
    Raises `FontMissing` if CJK text appears and no CJK font exists.
    """
    primary = family(family_name)
    runs = font_runs(visual_words(text, rtl_base=rtl_base), family_name)

    parts: list[str] = []
    for fam, chars in runs:
        escaped = escape(chars)
        if fam is primary:
            parts.append(escaped)
        else:
            parts.append(f'<font name="{fam.face(bold=bold, italic=italic)}">{escaped}</font>')
    return "".join(parts)
