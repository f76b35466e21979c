"""YAML front matter for Markdown files, written by hand so every string is quoted and escaped the same way.

Every string is a double-quoted scalar: a title with a colon, a quote, a leading dash or a newline can't change
the document's structure, and characters YAML forbids in a stream (C0/C1 controls, surrogates, U+FFFE/U+FFFF)
are written as escapes. Dates are our own ISO 8601 timestamps, left unquoted so Hugo, Obsidian and Pandoc read
them as dates. No PyYAML at run time: the output is small and fully determined here.

Pandoc reads every metadata string as Markdown (a title of `<script>...` would reach its HTML as a script), so a
`<` that would open an HTML tag is written as `\\<`: Pandoc shows `<`; Hugo and Obsidian show the backslash too, but
only titles that contain tag-like text are touched.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

FrontValue = str | int | bool | datetime | Sequence[str] | None

_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r", "\x00": "\\0"}


def _printable(code: int) -> bool:
    """YAML 1.1/1.2's c-printable, less the line breaks (NEL U+0085 too) and tab, written as escapes to keep one
    line and to keep parsers from folding them."""
    return (
        0x20 <= code <= 0x7E or 0xA0 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF
    ) and code not in (0x2028, 0x2029, 0xFEFF)


def quote(text: str) -> str:
    """`text` as a double-quoted YAML scalar on one line."""
    out = ['"']
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
            continue
        code = ord(char)
        if _printable(code):
            out.append(char)
        elif code <= 0xFF:
            out.append(f"\\x{code:02x}")
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    out.append('"')
    return "".join(out)


def inert(text: str) -> str:
    """`text` with each `<` that would open an HTML tag backslash-escaped for Markdown readers of metadata."""
    return _TAG_START.sub(r"\\<", text)


def front_matter(fields: Sequence[tuple[str, FrontValue]]) -> str:
    """A `---` delimited YAML block of `fields` in order; keys are ours (plain words), values any `FrontValue`.

    None is written as `null`; lists as block sequences (`[]` when empty); strings pass through `inert`.
    """
    lines = ["---"]
    for key, value in fields:
        if value is None:
            lines.append(f"{key}: null")
        elif isinstance(value, bool):
            lines.append(f"{key}: {'true' if value else 'false'}")
        elif isinstance(value, int):
            lines.append(f"{key}: {value}")
        elif isinstance(value, datetime):
            lines.append(f"{key}: {value.isoformat()}")
        elif isinstance(value, str):
            lines.append(f"{key}: {quote(inert(value))}")
        elif not value:
            lines.append(f"{key}: []")
        else:
            lines.append(f"{key}:")
            lines.extend(f"  - {quote(inert(entry))}" for entry in value)
    lines.append("---")
    return "\n".join(lines) + "\n"
