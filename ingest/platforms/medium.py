"""Medium (medium.com and its custom domains): the story is server-rendered; responses are not in the HTML."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlsplit

import lxml.html

from ingest.platforms import generic
from ingest.platforms.base import Selectors, cls
from ingest.xpath import matches

NAME = "medium"

_DETECT_XPATH = (
    "boolean(//meta[@property='al:android:app_name' and @content='Medium']"
    " | //meta[@property='og:site_name' and @content='Medium']"
    " | //meta[@name='twitter:app:name:iphone' and @content='Medium']"
    " | //script[contains(@src, 'cdn-client.medium.com')] | //link[contains(@href, 'cdn-client.medium.com')]"
    " | //link[@rel='author' and contains(@href, 'medium.com/@')])"
)

SELECTORS: Selectors = replace(
    generic.SELECTORS,
    title=(
        "//h1[@data-testid='storyTitle']",
        "//h1[" + cls("pw-post-title") + "]",
        "//article//h1",
        "//meta[@property='og:title']/@content",
        "//title",
    ),
    title_suffix_separators=(" | by ", " | ", " - "),
    body=(
        "//article//section[.//p[" + cls("pw-post-body-paragraph") + "]]",
        "//article//section",
        "//article",
    ),
    body_strip=(
        ".//h1[@data-testid='storyTitle' or " + cls("pw-post-title") + "]",
        ".//*[@data-testid='storySubtitle' or " + cls("pw-subtitle-paragraph") + "]",
        ".//*[" + cls("pw-multi-vote-count") + " or @data-testid='headerClapButton' or @aria-label='responses']",
        ".//*[" + cls("speechify-ignore") + "]",
        ".//footer | .//aside",
    ),
    author=(
        "//meta[@name='author']/@content",
        "//*[@data-testid='authorName']",
        "//a[@rel='author']",
    ),
    published=(
        "//meta[@property='article:published_time']/@content",
        "//*[@data-testid='storyPublishDate']",
        "//article//time/@datetime",
    ),
    categories=(),
    tags=("//a[contains(@href, '/tag/')]",),
    is_post=("//meta[@property='og:type' and @content='article']", "//h1[@data-testid='storyTitle']"),
    comment_count=("//button[@aria-label='responses']",),
    comment_items=(),  # responses load by script (GraphQL); none in the saved page
    comment_nav_links=(),
    comment_page_current=(),
)


def detect(doc: lxml.html.HtmlElement, url: str) -> bool:
    """True for Medium stories (medium.com, its app metadata, its CDN)."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        host = ""
    return host == "medium.com" or host.endswith(".medium.com") or matches(doc, _DETECT_XPATH)
