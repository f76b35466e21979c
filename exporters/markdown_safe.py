"""Stored Markdown made inert for other people's renderers (Obsidian, Hugo, Pandoc), with images pointed at files.

Our own exporters never let raw HTML in a post become markup, but a Markdown file handed to another tool is
rendered by its rules, and Pandoc passes raw HTML through. So outside code blocks and code spans:
- every `<` that would open an HTML tag, comment or declaration becomes `&lt;` (it still reads as `<`), except
  http(s) and mailto autolinks;
- a link or image destination with any scheme but http, https or mailto (javascript:, data:, file:, vbscript:)
  becomes `#`, in inline links and in reference definitions;
- an image whose address is archived points at its file in the bundle (`images/...`); others keep their address.
Code blocks and code spans are left exactly as they are: renderers show them as text anyway.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from markdown_it import MarkdownIt

from exporters.common import LINK_SCHEMES, clean_text

ImagePath = Callable[[str], str | None]  # an image URL -> its path in the bundle, or None when not archived
LinkPath = Callable[[str], str | None]  # a link's URL -> the bundle's file for that post, or None for other links

_BLOCKS = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")
_AUTOLINK = re.compile(r"<(?:https?|mailto):[^\s<>]*>", re.IGNORECASE)
_REFERENCE = re.compile(r"^(?P<lead>(?:[ \t]*>)*[ \t]{0,3}\[[^\]\n]+\]:[ \t]*)(?P<dest><[^>\n]*>|\S+)", re.MULTILINE)
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_TICKS = re.compile(r"(?<!\\)`+")
_BRACKETED = re.compile(r"<[^<>\n]*>")
_INDENTED = re.compile(r"^(?: {4}|\t)", re.MULTILINE)


def make_inert(markdown: str, *, image_path: ImagePath, link_path: LinkPath | None = None) -> str:
    """`markdown` with raw HTML escaped, unsafe link schemes removed, archived images pointed at files and links
    to the bundle's own posts pointed at their files."""
    text = clean_text(markdown).replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    protected = [False] * len(lines)
    # Only a text with a fence or an indented line can hold a code block: most comments skip the block parse.
    maybe_code = "```" in text or "~~~" in text or _INDENTED.search(text) is not None
    for token in _BLOCKS.parse(text) if maybe_code else ():
        if token.type in ("fence", "code_block") and token.map:
            start, end = token.map
            for number in range(start, min(end, len(lines))):
                protected[number] = True
    out: list[str] = []
    chunk: list[str] = []
    for line, keep in zip(lines, protected, strict=True):
        if keep:
            if chunk:
                out.append(_inline_safe("\n".join(chunk), image_path, link_path))
                chunk = []
            out.append(line)
        else:
            chunk.append(line)
    if chunk:
        out.append(_inline_safe("\n".join(chunk), image_path, link_path))
    return "\n".join(out)


def _inline_safe(text: str, image_path: ImagePath, link_path: LinkPath | None) -> str:
    """Text outside code blocks: code spans kept, everything else made safe."""
    pieces: list[str] = []
    position = 0
    for start, end in _code_spans(text):
        pieces.append(_outside_code(text[position:start], image_path, link_path))
        pieces.append(text[start:end])
        position = end
    pieces.append(_outside_code(text[position:], image_path, link_path))
    return "".join(pieces)


def _code_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each code span: a run of N backticks up to the next run of exactly N."""
    spans: list[tuple[int, int]] = []
    index = 0
    while True:
        match = _TICKS.search(text, index)
        if match is None:
            return spans
        ticks = match.group(0)
        closer = re.compile(rf"(?<!`){re.escape(ticks)}(?!`)").search(text, match.end())
        if closer is None:
            index = match.end()
            continue
        spans.append((match.start(), closer.end()))
        index = closer.end()


def _outside_code(text: str, image_path: ImagePath, link_path: LinkPath | None) -> str:
    text = _escape_tags(text)
    text = _REFERENCE.sub(lambda m: m.group("lead") + _checked_destination(m.group("dest"), None, link_path), text)
    return _rewrite_destinations(text, image_path, link_path)


def _escape_tags(text: str) -> str:
    out = []
    position = 0
    for match in _TAG_START.finditer(text):
        start = match.start()
        if start < position:
            continue
        autolink = _AUTOLINK.match(text, start)
        if autolink is None and text[:start].rstrip(" \t").endswith(("](", "]:")):
            autolink = _BRACKETED.match(text, start)  # a <destination>, checked on its own
        if autolink:
            out.append(text[position : autolink.end()])
            position = autolink.end()
            continue
        out.append(text[position:start] + "&lt;")
        position = start + 1
    out.append(text[position:])
    return "".join(out)


def _rewrite_destinations(text: str, image_path: ImagePath, link_path: LinkPath | None) -> str:
    """Each `](destination` of an inline link or image, checked; images pointed at their files."""
    out = []
    position = 0
    while True:
        found = text.find("](", position)
        if found < 0:
            out.append(text[position:])
            return "".join(out)
        start = found + 2
        while start < len(text) and text[start] in " \t":
            start += 1
        end = _destination_end(text, start)
        opening = _image_opening(text, found)
        if opening is not None:
            checked = _checked_destination(text[start:end], image_path, None)
        else:
            checked = _checked_destination(text[start:end], None, link_path)
        if checked == "#" and opening is not None and opening > position:
            # An image from a forbidden address (file:, data:) becomes a plain link to nowhere: no image request.
            out.append(text[position : opening - 1] + text[opening:start])
        else:
            out.append(text[position:start])
        out.append(checked)
        position = end


def _destination_end(text: str, start: int) -> int:
    if start < len(text) and text[start] == "<":
        close = text.find(">", start)
        newline = text.find("\n", start)
        if close >= 0 and (newline < 0 or close < newline):
            return close + 1
        return start
    depth = 0
    index = start
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            index += 2
            continue
        if char.isspace() or ord(char) < 0x20:
            break
        if char == "(":
            depth += 1
        elif char == ")":
            if depth == 0:
                break
            depth -= 1
        index += 1
    return index


def _image_opening(text: str, bracket: int) -> int | None:
    """The index of the `[` of `![` when the `]` at `bracket` closes an image (nested brackets counted, escapes
    skipped), else None."""
    depth = 0
    index = bracket
    while index >= 0:
        char = text[index]
        escaped = index > 0 and text[index - 1] == "\\"
        if not escaped:
            if char == "]":
                depth += 1
            elif char == "[":
                depth -= 1
                if depth == 0:
                    return index if index > 0 and text[index - 1] == "!" else None
        index -= 1
    return None


def _checked_destination(destination: str, image_path: ImagePath | None, link_path: LinkPath | None) -> str:
    if not destination:
        return destination
    bare = destination[1:-1] if destination.startswith("<") and destination.endswith(">") else destination
    scheme = _SCHEME.match(bare)
    if scheme is not None and scheme.group(1).lower() not in LINK_SCHEMES:
        return "#"
    resolve = image_path or link_path
    if resolve is not None:
        local = resolve(bare.replace("\\", ""))
        if local is not None:
            return local
    return destination
