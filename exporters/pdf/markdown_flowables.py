"""Stored Markdown to reportlab flowables: markdown-it-py parses it into a tree, one handler per node kind.

Everything from the web is text here: raw HTML in the Markdown is not interpreted (markdown-it runs with
html=False, so it arrives as text), every text node is escaped by `fonts.markup_text`, only http(s) and
mailto links become clickable, and images come only from the post's archived assets: nothing is fetched
and no local file is ever read.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import (
    Flowable,
    HRFlowable,
    Indenter,
    KeepTogether,
    ListFlowable,
    ListItem,
    Paragraph,
    Table,
    TableStyle,
)

from exporters.pdf.bidi import RtlParagraph, base_direction
from exporters.pdf.flowables import FittedImage, image_size, with_rule
from exporters.pdf.fonts import FamilyName, family, markup_text
from exporters.pdf.footnotes import Note, Noted, ReclaimSpace, deep_marks
from exporters.pdf.options import LinkStyle
from exporters.pdf.styles import LINK, MUTED, RULE, TABLE_HEAD_BACKGROUND, TextStyles
from storage.records import Asset

log = logging.getLogger(__name__)

LINK_SCHEMES = ("http", "https", "mailto")
BULLETS = ("\u2022", "\u25e6", "\u25aa")  # • ◦ ▪ by nesting depth
_TAG = re.compile(r"(<[^>]*>)")


def _make_parser() -> MarkdownIt:
    # html=False: raw HTML becomes literal text (escaped later), never markup.
    return MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


_PARSER = _make_parser()


@dataclass(frozen=True, slots=True)
class InlineState:
    """Where an inline node sits: the font family and weight it inherits, and images put aside for later."""

    family_name: FamilyName
    bold: bool = False
    italic: bool = False
    deferred_images: list[SyntaxTreeNode] = field(default_factory=list)
    rtl: bool = False  # inside a right-to-left paragraph


@dataclass(slots=True)
class NoteBook:
    """The link notes of one post: numbered from 1 in reading order, across its body and its comments."""

    notes: list[Note] = field(default_factory=list)

    def add(self, markup: str) -> Note:
        note = Note(len(self.notes) + 1, markup)
        self.notes.append(note)
        return note


@dataclass(frozen=True, slots=True)
class BlockState:
    """Where a block node sits: which styles apply, inside how many quotes and lists."""

    styles: TextStyles
    quote_depth: int = 0
    list_depth: int = 0


class MarkdownRenderer:
    """Renders Markdown text into flowables with one set of images and limits.

    `images` are the post's assets (matched by source URL); `max_image_height` is the tallest an
    image may be drawn (the frame height, less some room), in points.
    """

    def __init__(
        self,
        *,
        images: Sequence[Asset] = (),
        max_image_height: float,
        links: LinkStyle = "inline",
        notebook: NoteBook | None = None,
        note_style: ParagraphStyle | None = None,
    ) -> None:
        self.links: LinkStyle = links if note_style is not None or links != "footnotes" else "inline"
        self.notebook = notebook if notebook is not None else NoteBook()
        self._note_style = note_style
        self.warnings: list[str] = []  # user-readable problems (images we could not show)
        self._images: dict[str, Asset] = {}
        for asset in images:
            if asset.data:
                self._images.setdefault(asset.source_url, asset)
                self._images.setdefault(_PARSER.normalizeLink(asset.source_url), asset)
        self._max_image_height = max_image_height
        self._blocks: dict[str, Callable[[SyntaxTreeNode, BlockState], list[Flowable]]] = {
            "paragraph": self._paragraph,
            "heading": self._heading,
            "bullet_list": self._list,
            "ordered_list": self._list,
            "blockquote": self._blockquote,
            "fence": self._code_block,
            "code_block": self._code_block,
            "hr": self._rule,
            "table": self._table,
            "html_block": self._literal_block,
        }
        self._inlines: dict[str, Callable[[SyntaxTreeNode, InlineState], str]] = {
            "text": self._text,
            "softbreak": self._softbreak,
            "hardbreak": self._hardbreak,
            "strong": self._strong,
            "em": self._em,
            "s": self._strike,
            "code_inline": self._code_inline,
            "link": self._link,
            "image": self._defer_image,
            "html_inline": self._text,
        }

    def render(self, markdown: str, styles: TextStyles) -> list[Flowable]:
        """Flowables for `markdown` set in `styles`.

        With footnotes, each top-level block whose links made notes carries them (`footnotes.Noted`).
        """
        tree = SyntaxTreeNode(_PARSER.parse(markdown))
        state = BlockState(styles)
        if self.links != "footnotes":
            return self._children(tree, state)
        out: list[Flowable] = []
        for child in tree.children:
            before = len(self.notebook.notes)
            flowables = self._block(child, state)
            made = self.notebook.notes[before:]
            out.extend(self._attach_notes(flowables, made) if made else flowables)
        return out

    def _attach_notes(self, flowables: list[Flowable], notes: list[Note]) -> list[Flowable]:
        """Each note goes with the paragraph holding its mark; the rest with the block's first flowable."""
        assert self._note_style is not None
        left = list(notes)
        owned: dict[int, tuple[Note, ...]] = {}
        for index, flowable in enumerate(flowables):
            marks = deep_marks(flowable)
            mine = tuple(n for n in left if n.number in marks)
            if mine:
                owned[index] = mine
                left = [n for n in left if n not in mine]
        if left:
            first = next((i for i, f in enumerate(flowables) if not isinstance(f, Indenter)), 0)
            owned[first] = owned.get(first, ()) + tuple(left)
        out: list[Flowable] = []
        for index, flowable in enumerate(flowables):
            if index in owned:
                out.append(Noted(flowable, owned[index], style=self._note_style))
                out.append(ReclaimSpace())
            else:
                out.append(flowable)
        return out

    # -- blocks ---------------------------------------------------------------------------------

    def _children(self, node: SyntaxTreeNode, state: BlockState) -> list[Flowable]:
        out: list[Flowable] = []
        for child in node.children:
            out.extend(self._block(child, state))
        return out

    def _block(self, node: SyntaxTreeNode, state: BlockState) -> list[Flowable]:
        handler = self._blocks.get(node.type)
        if handler is not None:
            return handler(node, state)
        if node.children:
            return self._children(node, state)
        log.debug("no handler for Markdown block %r; shown as text", node.type)
        return self._literal_block(node, state)

    def _text_style(self, state: BlockState) -> ParagraphStyle:
        if state.quote_depth:
            return state.styles.quote
        return state.styles.list_item if state.list_depth else state.styles.body

    def _paragraph(self, node: SyntaxTreeNode, state: BlockState) -> list[Flowable]:
        """Text runs become paragraphs; images on their own (or linked) split the paragraph in place."""
        style = self._text_style(state)
        plain = _plain_text(node)
        rtl = base_direction(plain) == "rtl"
        paragraph_class: type[Paragraph] = Paragraph
        if rtl:
            style = _rtl_style(style)
            paragraph_class = RtlParagraph
        elif _mostly_han_or_kana(plain):
            style = _cjk_style(style)
        out: list[Flowable] = []
        inline_state = InlineState("serif", rtl=rtl)
        pending: list[str] = []

        def flush() -> None:
            markup = "".join(pending).strip()
            pending.clear()
            if markup and not _only_breaks(markup):
                out.append(paragraph_class(markup, style))

        for inline in node.children:
            for child in inline.children:
                images = _standalone_images(child)
                if images:
                    flush()
                    for image in images:
                        out.extend(self._image(image, state))
                else:
                    pending.append(self._inline(child, inline_state))
        flush()
        # Images nested in emphasis or link text can't split the paragraph without breaking its markup.
        for image in inline_state.deferred_images:
            out.extend(self._image(image, state))
        return out

    def _heading(self, node: SyntaxTreeNode, state: BlockState) -> list[Flowable]:
        level = int(node.tag[1]) if node.tag[1:].isdigit() else 1
        style = state.styles.headings[min(level, len(state.styles.headings)) - 1]
        inline_state = InlineState("sans", bold=True)
        markup = self._inlines_of(node, inline_state)
        out: list[Flowable] = [Paragraph(markup, style)] if markup.strip() else []
        for image in inline_state.deferred_images:
            out.extend(self._image(image, state))
        return out

    def _list(self, node: SyntaxTreeNode, state: BlockState) -> list[Flowable]:
        inner = replace(state, list_depth=state.list_depth + 1)
        items = [ListItem(self._children(item, inner) or [Paragraph("", state.styles.body)]) for item in node.children]
        body = state.styles.body
        common = {
            "leftIndent": state.styles.list_indent,
            "bulletFontName": family("serif").regular,
            "bulletFontSize": body.fontSize,
            "bulletColor": body.textColor,
            "spaceAfter": body.spaceAfter,
        }
        if node.type == "ordered_list":
            start = node.attrs.get("start", 1)
            return [
                ListFlowable(
                    items,
                    bulletType="1",
                    start=int(start) if isinstance(start, int | str) and str(start).isdigit() else 1,
                    bulletFormat="%s.",
                    **common,
                )
            ]
        bullet = BULLETS[min(state.list_depth, len(BULLETS) - 1)]
        return [ListFlowable(items, bulletType="bullet", start=bullet, **common)]

    def _blockquote(self, node: SyntaxTreeNode, state: BlockState) -> list[Flowable]:
        """Indented, with a thin rule down the left side of each of its paragraphs."""
        indent = state.styles.quote_indent
        inner = replace(state, quote_depth=state.quote_depth + 1)
        children = [with_rule(child, offset=indent * 0.55) for child in self._children(node, inner)]
        return [Indenter(left=indent), *children, Indenter(left=-indent)]

    def _code_block(self, node: SyntaxTreeNode, state: BlockState) -> list[Flowable]:
        """Monospace, wrapped: leading and repeated spaces are kept, long lines break instead of running off."""
        lines = node.content.expandtabs(4).rstrip("\n").split("\n")
        markup = "<br/>".join(_keep_spaces(markup_text(line, family_name="mono")) for line in lines)
        return [Paragraph(markup or "&nbsp;", state.styles.code)]

    def _rule(self, node: SyntaxTreeNode, state: BlockState) -> list[Flowable]:
        size = state.styles.body.fontSize
        return [HRFlowable(width="40%", thickness=0.6, color=RULE, spaceBefore=size, spaceAfter=size, hAlign="CENTER")]

    def _table(self, node: SyntaxTreeNode, state: BlockState) -> list[Flowable]:
        """A grid filling the frame's width, header row repeated on each page.

        Columns get widths in proportion to their longest cell text (capped, with a floor), so a column of
        numbers stays narrow and a column of sentences gets the room.
        """
        rows: list[list[Flowable]] = []
        header_rows = 0
        for section in node.children:
            for row in section.children:
                cells = []
                for cell in row.children:
                    head = cell.type == "th" or section.type == "thead"
                    style = _aligned(state.styles.table_head if head else state.styles.table_cell, cell)
                    cell_state = InlineState("serif", bold=head)
                    markup = self._inlines_of(cell, cell_state)
                    # An image can't sit in a cell's text; name it instead.
                    markup += "".join(
                        f" <i>[image: {markup_text(_plain_text(image) or 'no description', italic=True)}]</i>"
                        for image in cell_state.deferred_images
                    )
                    cells.append(Paragraph(markup, style))
                rows.append(cells)
                if section.type == "thead":
                    header_rows += 1
        columns = max((len(row) for row in rows), default=0)
        if not columns:
            return []
        empty = state.styles.table_cell
        data = [row + [Paragraph("", empty)] * (columns - len(row)) for row in rows]
        longest = [
            min(40, max(4, *(len(row[c].getPlainText()) for row in data if c < len(row)))) for c in range(columns)
        ]
        shares = [length / sum(longest) for length in longest]
        commands: list[tuple[object, ...]] = [
            ("FONT", (0, 0), (-1, -1), family("serif").regular),  # not the default Helvetica
            ("GRID", (0, 0), (-1, -1), 0.4, RULE),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ]
        if header_rows:
            commands.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), TABLE_HEAD_BACKGROUND))
        table = Table(
            data,
            colWidths=[f"{100 * share:.4f}%" for share in shares],
            repeatRows=header_rows,
            splitInRow=1,  # a cell taller than a page splits instead of failing the whole export
            style=TableStyle(commands),
            hAlign="LEFT",
            spaceBefore=state.styles.body.fontSize * 0.4,
            spaceAfter=state.styles.body.fontSize * 0.9,
        )
        return [table]

    def _literal_block(self, node: SyntaxTreeNode, state: BlockState) -> list[Flowable]:
        text = node.content.strip()
        return [Paragraph(markup_text(text), self._text_style(state))] if text else []

    def _image(self, node: SyntaxTreeNode, state: BlockState) -> list[Flowable]:
        """The archived image scaled to fit with its caption, or a framed placeholder (never fetched).

        The caption is the image's title, else its alt text. A placeholder adds a line to `warnings`.
        """
        src = str(node.attrs.get("src", ""))
        alt = _plain_text(node).strip()
        title = str(node.attrs.get("title") or "").strip()
        asset = self._images.get(src)
        missing_style = state.styles.missing_image
        described = markup_text(alt or src, family_name="sans")
        if asset is None:
            self.warnings.append(f"An image was not archived, so the book shows a placeholder: {src}")
            return [Paragraph(f"Image not archived<br/>{described}", missing_style)]
        size = image_size(asset.data)
        if size is None:
            self.warnings.append(f"An archived image could not be read, so the book shows a placeholder: {src}")
            return [Paragraph(f"Image could not be read<br/>{described}", missing_style)]
        width, height = size
        image = FittedImage(asset.data, width=width, height=height, max_height=self._max_image_height)
        caption = title or alt
        if not caption:
            return [image]
        image.spaceAfter = 3
        return [KeepTogether([image, Paragraph(markup_text(caption, italic=True), state.styles.caption)])]

    # -- inlines --------------------------------------------------------------------------------

    def _inlines_of(self, node: SyntaxTreeNode, state: InlineState) -> str:
        """Markup of every inline below `node` (through its `inline` child)."""
        parts: list[str] = []
        for child in node.children:
            if child.type == "inline":
                parts.extend(self._inline(grandchild, state) for grandchild in child.children)
            else:
                parts.append(self._inline(child, state))
        return "".join(parts).strip()

    def _inline(self, node: SyntaxTreeNode, state: InlineState) -> str:
        handler = self._inlines.get(node.type)
        if handler is not None:
            return handler(node, state)
        if node.children:
            return "".join(self._inline(child, state) for child in node.children)
        return self._text(node, state)

    def _inner(self, node: SyntaxTreeNode, state: InlineState) -> str:
        return "".join(self._inline(child, state) for child in node.children)

    def _text(self, node: SyntaxTreeNode, state: InlineState) -> str:
        return markup_text(
            node.content, family_name=state.family_name, bold=state.bold, italic=state.italic, rtl_base=state.rtl
        )

    def _softbreak(self, node: SyntaxTreeNode, state: InlineState) -> str:
        return " "

    def _hardbreak(self, node: SyntaxTreeNode, state: InlineState) -> str:
        return "<br/>"

    def _strong(self, node: SyntaxTreeNode, state: InlineState) -> str:
        return f"<b>{self._inner(node, replace(state, bold=True))}</b>"

    def _em(self, node: SyntaxTreeNode, state: InlineState) -> str:
        return f"<i>{self._inner(node, replace(state, italic=True))}</i>"

    def _strike(self, node: SyntaxTreeNode, state: InlineState) -> str:
        return f"<strike>{self._inner(node, state)}</strike>"

    def _code_inline(self, node: SyntaxTreeNode, state: InlineState) -> str:
        face = family("mono").face(bold=state.bold, italic=state.italic)
        text = markup_text(node.content, family_name="mono", bold=state.bold, italic=state.italic)
        return f'<font name="{face}">{_keep_spaces(text)}</font>'

    def _link(self, node: SyntaxTreeNode, state: InlineState) -> str:
        """Link text with its address: a note mark after the text (footnotes, endnotes) or the address inline.

        The text is not repeated as a note when it is the address itself (autolinks).
        """
        href = str(node.attrs.get("href", ""))
        text = self._inner(node, state)
        if urlsplit(href).scheme.lower() not in LINK_SCHEMES:
            return text  # relative, in-page or odd schemes: the words only
        attr = escape(href, {'"': "&quot;"})
        shown = _plain_text(node).strip()
        address = href.removeprefix("mailto:")
        linked = f'<a href="{attr}" color="{LINK.hexval()}">{text or markup_text(address)}</a>'
        if not shown or shown in (href, address):
            return linked
        note_text = markup_text(address, family_name="sans")
        if self.links == "inline":
            face = family("sans").regular
            return f'{linked}<font name="{face}" size="-2" color="{MUTED.hexval()}"> ({note_text})</font>'
        note = self.notebook.add(f'<a href="{attr}">{note_text}</a>')
        # A hair space before the mark keeps "word" and its mark apart for search and text extraction.
        return f"{linked}<super>\u200a{note.number}</super>"

    def _defer_image(self, node: SyntaxTreeNode, state: InlineState) -> str:
        state.deferred_images.append(node)
        return ""


_HAN_KANA = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def _mostly_han_or_kana(text: str) -> bool:
    """Chinese or Japanese text: written without spaces, so lines may break between any two characters."""
    han = len(_HAN_KANA.findall(text))
    return han > 0 and han * 2 >= sum(1 for c in text if c.isalpha())


def _cjk_style(style: ParagraphStyle) -> ParagraphStyle:
    # reportlab's CJK wrapping breaks between characters (and keeps closing punctuation off line starts).
    return ParagraphStyle(f"{style.name}-cjk", parent=style, wordWrap="CJK", hyphenationLang="")


def _rtl_style(style: ParagraphStyle) -> ParagraphStyle:
    return ParagraphStyle(f"{style.name}-rtl", parent=style, alignment=TA_RIGHT, hyphenationLang="")


def _standalone_images(node: SyntaxTreeNode) -> list[SyntaxTreeNode]:
    """The images a top-level inline node stands for: an image, or a link around nothing but images."""
    if node.type == "image":
        return [node]
    if node.type == "link" and node.children and all(child.type == "image" for child in node.children):
        return list(node.children)
    return []


def _plain_text(node: SyntaxTreeNode) -> str:
    if node.type in ("text", "code_inline", "html_inline"):
        return node.content
    if node.type in ("softbreak", "hardbreak"):
        return " "
    return "".join(_plain_text(child) for child in node.children)


def _only_breaks(markup: str) -> bool:
    return not markup.replace("<br/>", "").strip()


def _keep_spaces(markup: str) -> str:
    """Keep indentation and runs of spaces in text (not inside tags) as no-break spaces."""
    out = []
    previous_space = True  # a space at the start is indentation: keep it
    for part in _TAG.split(markup):
        if part.startswith("<"):
            out.append(part)
            continue
        for char in part:
            if char == " ":
                out.append("&nbsp;" if previous_space else " ")
                previous_space = True
            else:
                out.append(char)
                previous_space = False
    return "".join(out)


def _aligned(style: ParagraphStyle, cell: SyntaxTreeNode) -> ParagraphStyle:
    align = str(cell.attrs.get("style", ""))
    if "text-align:center" in align:
        return ParagraphStyle(f"{style.name}-center", parent=style, alignment=TA_CENTER)
    if "text-align:right" in align:
        return ParagraphStyle(f"{style.name}-right", parent=style, alignment=TA_RIGHT)
    return style


def render_markdown(
    markdown: str, *, styles: TextStyles, images: Sequence[Asset] = (), max_image_height: float
) -> list[Flowable]:
    """Flowables for one piece of stored Markdown (a post body, a comment, an introduction), links inline."""
    return MarkdownRenderer(images=images, max_image_height=max_image_height).render(markdown, styles)
