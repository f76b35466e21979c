"""The Fetcher's web-API additions used by comment-system readers: POST bodies, extra headers, robots opt-out."""

from __future__ import annotations

import pytest
from comment_system_servers import ApiAnswer, ApiRequest, ApiServer

from ingest.errors import FetchError
from ingest.fetch import Fetcher, FetchSettings


def quick() -> Fetcher:
    return Fetcher(FetchSettings(delay=0.0, retries=0, backoff=0.0, timeout=(2.0, 2.0)))


def test_post_sends_the_body_and_extra_headers_and_returns_the_json_capture() -> None:
    def handler(request: ApiRequest) -> ApiAnswer:
        return ApiAnswer(
            payload={"method": request.method, "got": request.json(), "auth": request.headers.get("authorization")}
        )

    with ApiServer(handler) as server, quick() as fetcher:
        capture = fetcher.fetch(
            server.base + "/api/comment/list",
            method="POST",
            data=b'{"domain": "blog.example", "path": "/a/"}',
            headers={"Content-Type": "application/json", "Authorization": "Bearer t0ken"},
            accept="application/json",
        )
    assert capture.status == 200 and capture.media_type == "application/json"
    assert (
        capture.body == b'{"method": "POST", "got": {"domain": "blog.example", "path": "/a/"}, "auth": "Bearer t0ken"}'
    )


def test_authorization_is_dropped_when_a_redirect_leaves_the_origin() -> None:
    with ApiServer(lambda r: ApiAnswer(payload={"auth": r.headers.get("authorization")})) as other:
        target = other.base + "/landing"

        def redirect(request: ApiRequest) -> ApiAnswer:
            if request.path == "/same":
                return ApiAnswer(payload={"auth": request.headers.get("authorization")})
            if request.path == "/hop":
                return ApiAnswer(status=302, headers={"Location": "/same"})
            return ApiAnswer(status=302, headers={"Location": target})

        with ApiServer(redirect) as server, quick() as fetcher:
            same = fetcher.fetch(server.base + "/hop", headers={"Authorization": "Bearer secret"})
            away = fetcher.fetch(server.base + "/away", headers={"Authorization": "Bearer secret"})
    assert same.body == b'{"auth": "Bearer secret"}'
    assert away.body == b'{"auth": null}'


def test_post_redirected_with_303_becomes_a_get() -> None:
    def handler(request: ApiRequest) -> ApiAnswer:
        if request.path == "/post":
            return ApiAnswer(status=303, headers={"Location": "/result"})
        return ApiAnswer(payload={"method": request.method, "body": request.body.decode()})

    with ApiServer(handler) as server, quick() as fetcher:
        capture = fetcher.fetch(server.base + "/post", method="POST", data=b"{}")
    assert capture.body == b'{"method": "GET", "body": ""}'


def test_check_robots_false_skips_robots_txt_and_errors_keep_their_status() -> None:
    with ApiServer(lambda r: ApiAnswer(status=401, payload={"message": "Bad credentials"})) as server, quick() as f:
        with pytest.raises(FetchError) as caught:
            f.fetch(server.base + "/repos/o/r/issues", check_robots=False)
        assert [r.path for r in server.requests] == ["/repos/o/r/issues"]
    assert caught.value.status == 401
    assert "refused access (401)" in str(caught.value)
