"""An anthology as a Markdown bundle: one `.md` file per post with YAML front matter and its comments as nested
blockquotes, the archived images beside them in `images/`, and an `index.md` in anthology order. A zip (one top
folder inside) or a plain folder; readable by Obsidian, Hugo and Pandoc.

File names are ours: the item's number and a slug of its title (ASCII letters, digits, dashes), never a path
from the web. The Markdown is made inert for other renderers by `exporters.markdown_safe`.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from exporters.common import (
    CommentNode,
    ImageIndex,
    PostLinks,
    book_language,
    book_title,
    comment_header,
    comment_tree,
    comments_title,
    made_at,
    missing_thread_note,
    one_line,
    post_title,
    safe_link,
    sections,
    slugify,
)
from exporters.errors import ExportWriteFailed
from exporters.front_matter import FrontValue, front_matter
from exporters.markdown_safe import make_inert
from exporters.output import atomic_output
from storage.records import THREADBOOK_VERSION, Anthology, AnthologyItem, anthology_items

log = logging.getLogger(__name__)

FORMAT = "markdown"
SUFFIX = ".zip"
LABEL = "Markdown bundle (zip: one file per post, images)"

Inert = Callable[[str], str]  # stored Markdown -> the bundle's inert Markdown (images and post links pointed at files)
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~&])")


@dataclass(frozen=True, slots=True)
class MarkdownOptions:
    """What the user can choose about the bundle."""

    include_comments: bool = True


@dataclass(frozen=True, slots=True)
class BundleFile:
    path: str  # relative, with forward slashes
    data: bytes


def md_text(text: str) -> str:
    """Web text (a name, a title) as literal Markdown text on one line: every Markdown character escaped."""
    return _MD_SPECIAL.sub(r"\\\1", one_line(text))


def write_markdown_bundle(anthology: Anthology, *, out_path: Path, options: MarkdownOptions | None = None) -> Path:
    """Write the bundle and return its path: a zip when `out_path` ends in `.zip`, else a folder.

    A zip appears only when complete (written beside it, then renamed); it holds one folder named after the file.
    A folder is written beside its target and renamed into place; an existing folder that isn't empty is refused.
    Raises `ExportWriteFailed`.
    """
    options = options if options is not None else MarkdownOptions()
    out_path = Path(out_path)
    files = bundle_files(anthology, options=options)
    if out_path.suffix.lower() == ".zip":
        root = slugify(out_path.stem, fallback="anthology")
        stamp = made_at(anthology)
        date_time = (max(stamp.year, 1980), stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
        with atomic_output(out_path) as tmp_path, zipfile.ZipFile(tmp_path, "w", zipfile.ZIP_DEFLATED) as archive:
            for item in files:
                info = zipfile.ZipInfo(f"{root}/{item.path}", date_time=date_time)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, item.data)
    else:
        _write_folder(out_path, files)
    log.info("wrote Markdown bundle %s: %d files", out_path, len(files))
    return out_path


def _write_folder(out_path: Path, files: list[BundleFile]) -> None:
    if out_path.exists() and (not out_path.is_dir() or any(out_path.iterdir())):
        raise ExportWriteFailed(
            f"{out_path} already exists and isn't an empty folder. Choose a new folder name (or a name ending in "
            ".zip), or remove the old one first."
        )
    tmp = out_path.with_name(f".{out_path.name}.{secrets.token_hex(6)}.part")
    try:
        for item in files:
            target = tmp.joinpath(*item.path.split("/"))
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(item.data)
        os.replace(tmp, out_path)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise ExportWriteFailed(
            f"Couldn't write {out_path}: {exc.strerror or exc}. Check that the folder exists, that you may write "
            "to it and that the disk has room, then export again."
        ) from exc


def bundle_files(anthology: Anthology, *, options: MarkdownOptions | None = None) -> list[BundleFile]:
    """Every file of the bundle (index.md first, then the posts in order, then the images), in memory."""
    options = options if options is not None else MarkdownOptions()
    items = anthology_items(anthology)
    index = ImageIndex(item.post for item in items)
    used: dict[str, bytes] = {}

    def image_path(url: str) -> str | None:
        image = index.find(url)
        if image is None:
            return None
        used[image.file_name] = image.data
        return f"images/{image.file_name}"

    width = max(3, len(str(len(items))))
    names = [f"{number + 1:0{width}d}-{slugify(post_title(item.post))}.md" for number, item in enumerate(items)]
    posts_by_url = PostLinks({item.post.url: name for item, name in zip(items, names, strict=True)})

    def inert(markdown: str) -> str:
        return make_inert(markdown, image_path=image_path, link_path=posts_by_url.find)

    posts = [
        BundleFile(name, _post_file(item, number, anthology, inert, options).encode("utf-8"))
        for number, (name, item) in enumerate(zip(names, items, strict=True))
    ]
    index_file = BundleFile("index.md", _index_file(anthology, names, inert).encode("utf-8"))
    images = [BundleFile(f"images/{name}", data) for name, data in sorted(used.items())]
    return [index_file, *posts, *images]


def _post_file(item: AnthologyItem, number: int, anthology: Anthology, inert: Inert, options: MarkdownOptions) -> str:
    post = item.post
    series = post.series
    fields: list[tuple[str, FrontValue]] = [
        ("title", post_title(post)),
        ("author", one_line(post.author or "") or None),
        ("date", post.published_at),
        ("updated", post.updated_at),
        ("source_url", safe_link(post.url) or post.url),  # a valid URI: quotes and angle brackets encoded
        ("captured_at", post.captured_at),
        ("tags", [one_line(t) for t in post.tags if one_line(t)]),
        ("categories", [one_line(c) for c in post.categories if one_line(c)]),
        ("series", one_line(series.name) if series and one_line(series.name) else None),
        ("series_part", series.number if series else None),
        ("language", one_line(post.language or "") or None),
        ("anthology", book_title(anthology)),
        ("position", number + 1),
        ("section", one_line(item.section or "") or None),
        ("comments", len(post.comments)),
    ]
    parts = [front_matter(fields)]
    if item.note_md.strip():
        note = inert(item.note_md.strip())
        parts.append(_quote(f"**Editor\u2019s note:** {note}", 1))
    if post.protected:
        parts.append("*This post is password-protected; its text was not archived.*")
    body = inert(post.body_md.strip())
    if body:
        parts.append(body)
    if options.include_comments:
        thread = _comments(item, inert)
        if thread:
            parts.append(thread)
    return "\n\n".join(part.rstrip("\n") for part in parts) + "\n"


def _comments(item: AnthologyItem, inert: Inert) -> str:
    post = item.post
    missing = missing_thread_note(post)
    if not post.comments and not missing:
        return ""
    title = comments_title(len(post.comments)) if post.comments else "Comments (not captured)"
    blocks = [f"## {title}"]
    if missing:
        blocks.append(f"*{md_text(missing)}*")
    expected = post.comment_count_expected
    if post.comments and expected is not None and expected != len(post.comments):
        blocks.append(f"*The site counted {expected} comments; {len(post.comments)} could be archived.*")
    blocks.extend(_comment_block(node, inert) for node in comment_tree(post.comments))
    return "\n\n".join(blocks)


def _comment_block(node: CommentNode, inert: Inert) -> str:
    """A comment and its replies as a blockquote, replies nested one level deeper inside it."""
    comment = node.comment
    author, *rest = comment_header(comment)
    link = safe_link(comment.author_url)
    name = f"**[{md_text(author)}](<{link}>)**" if link and link.startswith("http") else f"**{md_text(author)}**"
    header = [name]
    if node.replying_to is not None:
        header.append(f"replying to {md_text(node.replying_to)}")
    header.extend(md_text(part) for part in rest)
    body = inert(comment.body_md.strip()) or "*(no text)*"
    inner = [" \u00b7 ".join(header), body]
    inner.extend(_comment_block(reply, inert) for reply in node.replies)
    return _quote("\n\n".join(inner), 1)


def _quote(text: str, levels: int) -> str:
    prefix = "> " * levels
    return "\n".join((prefix + line).rstrip() if line.strip() else prefix.rstrip() for line in text.split("\n"))


def _index_file(anthology: Anthology, names: list[str], inert: Inert) -> str:
    items = anthology_items(anthology)
    fields: list[tuple[str, FrontValue]] = [
        ("title", book_title(anthology)),
        ("subtitle", one_line(anthology.subtitle) or None),
        ("editor", one_line(anthology.editor) or None),
        ("date", made_at(anthology)),
        ("language", book_language(anthology)),
        ("posts", len(items)),
        ("generator", f"Threadbook {THREADBOOK_VERSION}"),
    ]
    parts = [front_matter(fields), f"# {md_text(book_title(anthology))}"]
    if one_line(anthology.subtitle):
        parts.append(f"*{md_text(anthology.subtitle)}*")
    if one_line(anthology.editor):
        parts.append(f"Edited by {md_text(anthology.editor)}")
    if anthology.introduction_md.strip():
        parts.append(inert(anthology.introduction_md.strip()))
    parts.append("## Contents")
    for section in sections(anthology):
        lines = []
        if section.title is not None:
            parts.append(f"### {md_text(section.title)}")
        for position, item in section.items:
            author = one_line(item.post.author or "")
            by = f" \u2014 {md_text(author)}" if author else ""
            lines.append(f"{position + 1}. [{md_text(post_title(item.post))}](<{names[position]}>){by}")
        parts.append("\n".join(lines))
    return "\n\n".join(part.rstrip("\n") for part in parts) + "\n"
