"""The WARC export job both front ends run: the raw captures behind a selection (posts, a series, an anthology, a
blog, or everything) and their images, written by `exporters/warc.py`. Importing a WARC goes through
`desktop/imports.py` like every other export file."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from exporters.warc import WarcCapture, WarcImage, WarcReport, write_warc
from storage import history
from storage.archive import Archive, open_archive
from storage.errors import NotFound

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class WarcSelection:
    """What to export; the parts add up. Nothing set means the whole archive."""

    post_ids: tuple[int, ...] = ()
    series: str | None = None
    anthology: str | None = None
    blog: str | None = None  # a blog's row id or URL: its home page, feeds and sitemaps come too

    @property
    def everything(self) -> bool:
        return not (self.post_ids or self.series or self.anthology or self.blog)


def export_warc(
    *,
    db_path: Path,
    out_path: Path,
    selection: WarcSelection = WarcSelection(),
    images: bool = True,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> WarcReport:
    """Write every stored fetch behind `selection` (oldest first) and, with `images`, the posts' images as a
    gzipped WARC at `out_path`. Raises `NotFound` for an unknown series, anthology, blog or post."""
    with open_archive(db_path) as archive:
        post_ids, blog_ids, title = _resolve(archive, selection)
        heads = {head.id: head for head in history.post_heads(archive, post_ids)}
        blog_urls = {head.blog_id: head.blog_url for head in heads.values()}
        blog_urls.update({b.id: b.url for b in archive.list_blogs() if b.id in blog_ids})
        total = len(post_ids)
        done: set[int] = set()

        def captures() -> Iterator[WarcCapture]:
            for stored in history.iter_captures(archive, post_ids=post_ids, blog_ids=blog_ids):
                if cancelled is not None and cancelled():
                    return
                head = heads.get(stored.post_id) if stored.post_id is not None else None
                if head is not None and head.id not in done and progress is not None:
                    done.add(head.id)
                    progress(len(done), total)
                yield WarcCapture(
                    capture=stored.capture,
                    capture_id=stored.id,
                    post_id=stored.post_id,
                    post_url=head.url if head is not None else None,
                    blog_url=blog_urls.get(stored.blog_id) if stored.blog_id is not None else None,
                )

        def image_records() -> Iterator[WarcImage]:
            if not images:
                return
            for stored in history.iter_post_images(archive, post_ids):
                urls = tuple(heads[i].url for i in stored.post_ids if i in heads)
                yield WarcImage(asset=stored.asset, fetched_at=stored.first_seen_at, post_urls=urls)

        return write_warc(
            captures(), images=image_records(), out_path=out_path, description=f"Threadbook captures: {title}"
        )


def _resolve(archive: Archive, selection: WarcSelection) -> tuple[list[int], list[int], str]:
    """(post ids, blog ids whose own fetches come too, a title for the warcinfo record)."""
    post_ids: list[int] = list(selection.post_ids)
    blog_ids: list[int] = []
    names: list[str] = []
    if selection.post_ids:
        known = {head.id for head in history.post_heads(archive, post_ids)}
        missing = [i for i in post_ids if i not in known]
        if missing:
            raise NotFound(f"No post with id {missing[0]} in the archive. Run `threadbook list` to see what is there.")
        names.append(f"{len(post_ids)} posts")
    if selection.series:
        name = archive.series_name(selection.series)
        post_ids.extend(p.id for p in archive.list_posts(series=name))
        names.append(f"series {name}")
    if selection.anthology:
        spec = archive.load_anthology_spec(selection.anthology)
        post_ids.extend(entry.post_id for entry in spec.entries)
        names.append(f"anthology {spec.title}")
    if selection.blog or selection.everything:
        blogs = archive.list_blogs()
        if selection.blog:
            wanted = selection.blog.strip().rstrip("/")
            blogs = [b for b in blogs if wanted in (str(b.id), b.url.rstrip("/"))]
            if not blogs:
                raise NotFound(f"No blog {selection.blog!r} in the archive. Run `threadbook list` to see them.")
        for blog in blogs:
            blog_ids.append(blog.id)
            post_ids.extend(history.blog_post_ids(archive, blog.id))
            names.append(blog.title or blog.url)
    return list(dict.fromkeys(post_ids)), blog_ids, ", ".join(names) or "nothing"
