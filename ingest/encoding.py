"""Turn fetched HTML bytes into text: the header's charset, then the page's own <meta>, then UTF-8."""

from __future__ import annotations

import codecs
import re

_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:+-]+)""", re.IGNORECASE)
# The HTML standard's prescan looks at the first 1024 bytes; pages with long <head>s put it later, so look further.
_PRESCAN_BYTES = 4096
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:+-]+)""", re.IGNORECASE)
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
# Per the WHATWG Encoding standard, these labels mean windows-1252 in a browser.
_ALIASES = {"iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "us-ascii": "cp1252", "ascii": "cp1252"}


def charset_from_content_type(content_type: str | None) -> str | None:
    """The charset parameter of a Content-Type header, if it names a codec Python knows."""
    if not content_type:
        return None
    match = _HEADER_CHARSET.search(content_type)
    return _known_codec(match.group(1)) if match else None


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """Decode an HTML body: a BOM, the header charset, then `<meta charset>`, then UTF-8 with replacement."""
    for bom, bom_codec in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(bom_codec, errors="replace")
    codec = charset_from_content_type(content_type)
    if codec is None:
        match = _META_CHARSET.search(body[:_PRESCAN_BYTES])
        if match:
            codec = _known_codec(match.group(1).decode("ascii", errors="replace"))
    if codec is None or codec.startswith("utf-16"):  # a UTF-16 label without a BOM is a lie in an ASCII-readable page
        codec = "utf-8"
    if codec != "utf-8" and _is_utf8(body):
        # Mislabelled: legacy-encoded text almost never forms valid multi-byte UTF-8 by chance, so a page
        # labelled latin-1 whose non-ASCII bytes are all valid UTF-8 is UTF-8 (the common server misconfiguration).
        codec = "utf-8"
    if codec == "utf-8":
        text = body.decode("utf-8", errors="replace")
        if _mostly_invalid_utf8(body, text):  # labelled UTF-8 but written in a legacy 8-bit encoding
            return body.decode("cp1252", errors="replace")
        return text
    return body.decode(codec, errors="replace")


def _is_utf8(body: bytes) -> bool:
    """Non-ASCII and strictly valid UTF-8."""
    if body.isascii():
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _mostly_invalid_utf8(body: bytes, text: str) -> bool:
    """Most non-ASCII bytes failed to decode: the page isn't UTF-8 (one stray byte in a UTF-8 page doesn't count)."""
    bad = text.count("\ufffd") - body.decode("utf-8", errors="ignore").count("\ufffd")
    if bad < 2:  # one stray byte proves nothing
        return False
    non_ascii = sum(1 for byte in body if byte > 127)
    return bad * 2 > non_ascii


def _known_codec(label: str) -> str | None:
    label = label.strip().lower()
    label = _ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None
