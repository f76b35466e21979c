"""crawl_post with comment systems: the notice for an unread thread, a thread read through its API, and blogs that
serve their own comments staying exactly as they were."""

from __future__ import annotations

from pathlib import Path

import pytest
from comment_system_servers import ApiAnswer, ApiRequest, ApiServer
from servers import Route, RouteServer

from ingest.comment_systems import ThreadOptions
from ingest.comment_systems.api import ReadContext
from ingest.comment_systems.detect import DetectedSystem
from ingest.comment_systems.dispatch import read_comment_system, unread_note
from ingest.crawl import crawl_post
from ingest.fetch import Fetcher, FetchSettings

FIXTURES = Path(__file__).parents[2] / "fixtures"
POST = "/2024/05/sourdough/"


def fetcher() -> Fetcher:
    return Fetcher(FetchSettings(delay=0.0, retries=0, timeout=(2.0, 5.0)))


def test_the_notice_names_the_system_the_count_and_what_to_do() -> None:
    disqus = DetectedSystem("disqus", (("shortname", "crumbjournal"),), expected=143)
    assert unread_note(
        disqus, "add a Disqus API key in Settings (or --disqus-key) or import the Disqus export (threadbook import)"
    ) == (
        "This post uses Disqus; 143 comments not captured: add a Disqus API key in Settings (or --disqus-key) "
        "or import the Disqus export (threadbook import)."
    )
    with fetcher() as f:
        ctx = ReadContext("https://crumb.example/p/", f)
        assert read_comment_system(disqus, ctx).system.note == (
            "This post uses Disqus; 143 comments not captured: add a Disqus API key in Settings (or --disqus-key) "
            "or import the Disqus export (threadbook import)."
        )
        assert read_comment_system(DetectedSystem("giscus", (("repo", "a/b"),)), ctx).system.note == (
            "This post uses giscus (GitHub Discussions); its comments were not captured: "
            "add a GitHub token in Settings (or --github-token)."
        )
        assert read_comment_system(DetectedSystem("hyvor", expected=1), ctx).system.note == (
            "This post uses Hyvor Talk; 1 comment not captured: Threadbook can't read Hyvor Talk through an "
            "interface; turn on rendering in Settings (or --render) to read them from a rendering of the page."
        )


def test_disqus_without_a_key_is_recorded_with_its_count_and_the_thread_is_not_complete() -> None:
    page = (FIXTURES / "comment_systems" / "disqus_universal.html").read_text()
    with RouteServer({POST: Route(body=page)}) as blog, fetcher() as f:
        crawled = crawl_post(blog.url(POST), f)
        requests = blog.paths()
    post = crawled.post
    assert post.comments == ()
    assert post.comment_system is not None
    assert (post.comment_system.name, post.comment_system.origin, post.comment_system.expected) == (
        "disqus",
        "none",
        143,
    )
    assert post.comment_system.note.startswith("This post uses Disqus; 143 comments not captured: add a Disqus API key")
    assert dict(post.comment_system.details)["shortname"] == "crumbjournal"
    assert post.comment_system.detected_at == post.captured_at
    assert post.comment_count_expected == 143
    assert not crawled.thread_complete  # unread is not empty: archived comments must not be marked removed
    assert [p for p in requests if p != "/robots.txt"] == [POST]  # no key: Disqus is never asked


def remark(request: ApiRequest) -> ApiAnswer:
    comment = {
        "id": "r1",
        "pid": "",
        "text": "<p>From Remark42</p>",
        "user": {"name": "Ola"},
        "time": "2024-05-05T07:00:00Z",
    }
    return ApiAnswer(payload={"comments": [{"comment": comment, "replies": []}], "info": {"count": 1}})


def test_a_remark42_thread_is_read_through_its_api_during_the_crawl() -> None:
    with ApiServer(remark) as api:
        page = (
            (FIXTURES / "comment_systems" / "remark42.html")
            .read_text()
            .replace("https://remark.crumb.example", api.base)
            .replace(">7<", ">1<")
        )
        with RouteServer({POST: Route(body=page)}) as blog, fetcher() as f:
            crawled = crawl_post(blog.url(POST), f)
        (request,) = api.api_requests()
    post = crawled.post
    assert [(c.source_id, c.author, c.body_md) for c in post.comments] == [("remark42:r1", "Ola", "From Remark42")]
    assert post.comment_system is not None and (post.comment_system.origin, post.comment_system.note) == ("api", "")
    assert crawled.thread_complete
    assert request.query["site"] == "crumb" and request.query["url"] == "https://crumb.example/2024/05/sourdough/"
    assert any(c.url.startswith(api.base + "/api/v1/find?") for c in post.captures)


def test_a_public_blog_cannot_point_the_reader_into_the_users_network() -> None:
    page = (FIXTURES / "comment_systems" / "isso_basic.html").read_text()
    found = DetectedSystem("isso", (("api", "http://192.168.77.1/isso/"), ("uri", "/p/")))
    with fetcher() as f:
        ctx = ReadContext("https://crumb.example/p/", f, public_only=True, trusted_host="crumb.example")
        result = read_comment_system(found, ctx)
    assert result.thread is None and "private or local network" in result.system.note
    assert page  # the fixture exists; the address above stands in for what a hostile page could name


@pytest.mark.parametrize(
    "fixture", ["wp_old_theme_post.html", "wp_block_theme_post.html", "generic_schema_comments.html"]
)
def test_blogs_serving_their_own_comments_have_no_comment_system(fixture: str) -> None:
    page = (FIXTURES / "pages" / fixture).read_text()
    with RouteServer({POST: Route(body=page)}) as blog, fetcher() as f:
        crawled = crawl_post(blog.url(POST), f, fetch_images=False, thread_options=ThreadOptions(render=True))
    assert crawled.post.comments and crawled.post.comment_system is None


def test_an_api_read_with_fewer_comments_than_the_page_states_says_so() -> None:
    def empty(request: ApiRequest) -> ApiAnswer:
        return ApiAnswer(payload={"comments": [], "info": {"count": 0}})

    with ApiServer(empty) as api, fetcher() as f:
        found = DetectedSystem("remark42", (("api", api.base), ("site", "crumb")), expected=7)
        result = read_comment_system(found, ReadContext("http://127.0.0.1:1/p/", f))
    assert result.system.origin == "api" and result.thread is not None and result.thread.comments == ()
    assert result.system.note == (
        "The page states 7 comments, but none was read through Remark42; its settings may point elsewhere, "
        "or comments may be held for moderation."
    )
