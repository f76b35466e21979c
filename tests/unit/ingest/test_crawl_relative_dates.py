"""A comment dated "3 days ago" keeps its date when a re-run reuses the page body after a 304."""

from __future__ import annotations

from datetime import timedelta

from servers import Route, RouteServer, SeenRequest

from ingest.crawl import crawl_post
from ingest.fetch import Fetcher, FetchSettings
from storage.records import PreviousCapture

PAGE = """<!doctype html><html lang="en"><head><title>A post</title></head><body>
<article class="post"><h1 class="entry-title">A post</h1>
<div class="entry-content"><p>Some text of the post, long enough to be taken for its body by the extractor.</p></div>
</article>
<div id="comments"><h2>1 comment</h2><ol class="comment-list"><li id="comment-5" class="comment">
<div class="comment-author"><cite class="fn">Ann Reader</cite></div>
<div class="comment-meta"><span class="comment-date">3 days ago</span></div>
<div class="comment-content"><p>Lovely post.</p></div></li></ol></div></body></html>"""


def _answer(request: SeenRequest) -> Route:
    if request.headers.get("if-none-match") == '"v1"':
        return Route(status=304, headers={"ETag": '"v1"'})
    return Route(body=PAGE, headers={"ETag": '"v1"'})


def test_relative_comment_date_counts_from_when_the_body_was_fetched() -> None:
    with RouteServer({"/robots.txt": Route(status=404), "/post/": _answer}) as server:
        fetcher = Fetcher(FetchSettings(delay=0))
        url = server.base + "/post/"
        first = crawl_post(url, fetcher, fetch_images=False)
        [comment] = first.post.comments
        page = first.post.captures[0]
        assert comment.published_at == page.fetched_at - timedelta(days=3)

        # A re-run ten days later: the server answers 304 and the old body is read again.
        earlier = page.fetched_at - timedelta(days=10)
        remembered = PreviousCapture(url, page.etag, page.last_modified, page.content_sha256, page.body, earlier)
        second = crawl_post(url, fetcher, previous=lambda u: remembered if u == url else None, fetch_images=False)
        fetcher.close()
    assert second.unchanged and second.post.captures[0].status == 304
    assert second.post.comments[0].published_at == earlier - timedelta(days=3)
