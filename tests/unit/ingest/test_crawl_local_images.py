"""A blog the user runs locally keeps its images even when they come from another local name (localhost)."""

from __future__ import annotations

import io

from PIL import Image
from servers import Route, RouteServer

from ingest.crawl import crawl_post
from ingest.fetch import Fetcher, FetchSettings


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "teal").save(out, format="PNG")
    return out.getvalue()


def test_a_local_blog_keeps_images_served_under_another_local_name() -> None:
    png = _png()
    with RouteServer() as server:
        image_url = f"http://localhost:{server.port}/uploads/press.png"  # the blog itself is at 127.0.0.1
        server.routes.update(
            {
                "/robots.txt": Route(status=404),
                "/uploads/press.png": Route(body=png, content_type="image/png"),
                "/post/": Route(
                    body=(
                        "<!doctype html><html><head><title>A post</title></head><body><article class='post'>"
                        "<h1 class='entry-title'>A post</h1><div class='entry-content'><p>Our press, drawn from"
                        f" the side, with its rollers.</p><img src='{image_url}' alt='The press'></div></article>"
                        "</body></html>"
                    )
                ),
            }
        )
        with Fetcher(FetchSettings(delay=0)) as fetcher:
            crawled = crawl_post(server.base + "/post/", fetcher)
    assert [(a.source_url, a.data) for a in crawled.post.images] == [(image_url, png)]
    assert not crawled.problems
