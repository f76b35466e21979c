"""Which comment system a page embeds, and how to reach it, read from its scripts and containers (pure)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import lxml.html

from ingest.extract import parse_comment_count, parse_html
from ingest.urls import is_http_url

# User-facing names, by the short names records and details use.
LABELS: dict[str, str] = {
    "disqus": "Disqus",
    "isso": "Isso",
    "remark42": "Remark42",
    "commento": "Commento",
    "giscus": "giscus (GitHub Discussions)",
    "utterances": "utterances (GitHub issues)",
    "hyvor": "Hyvor Talk",
    "facebook": "Facebook comments",
    "cusdis": "Cusdis",
    "cactus": "Cactus Comments",
    "hashover": "HashOver",
    "graphcomment": "GraphComment",
    "coral": "Coral",
    "discourse": "Discourse",
    "intensedebate": "IntenseDebate",
}


@dataclass(frozen=True, slots=True)
class DetectedSystem:
    """A comment system found in a page: its name, what the page says about reaching it, and the count it states."""

    name: str  # a key of LABELS
    details: tuple[tuple[str, str], ...] = ()  # ("api", base URL), ("shortname", ...), ("repo", ...), ...
    expected: int | None = None  # the number of comments the page itself states, if it does

    @property
    def label(self) -> str:
        return LABELS.get(self.name, self.name)

    def detail(self, key: str) -> str | None:
        """The first detail named `key`, or None."""
        for name, value in self.details:
            if name == key:
                return value
        return None


@dataclass(frozen=True, slots=True)
class _Page:
    doc: lxml.html.HtmlElement
    url: str
    scripts: tuple[tuple[lxml.html.HtmlElement, str], ...]  # every <script src>, with the src made absolute
    inline_js: str  # the text of every inline script (not JSON data blocks)

    def script(self, pattern: re.Pattern[str]) -> tuple[lxml.html.HtmlElement, str] | None:
        for element, src in self.scripts:
            if pattern.search(src):
                return element, src
        return None

    def by_id(self, *ids: str) -> lxml.html.HtmlElement | None:
        for element_id in ids:
            found = self.doc.xpath("//*[@id=$id]", id=element_id)
            if found:
                element: lxml.html.HtmlElement = found[0]
                return element
        return None

    def absolute(self, href: str | None) -> str | None:
        if not href or not href.strip():
            return None
        try:
            url = urljoin(self.url, href.strip())
        except ValueError:
            return None
        return url if is_http_url(url) else None


_DATA_SCRIPT_TYPES = ("application/ld+json", "application/json", "text/template", "text/html", "text/x-template")


def _page(doc: lxml.html.HtmlElement, url: str) -> _Page:
    scripts: list[tuple[lxml.html.HtmlElement, str]] = []
    inline: list[str] = []
    for element in doc.iter("script"):
        src = (element.get("src") or "").strip()
        if src:
            try:
                scripts.append((element, urljoin(url, src)))
            except ValueError:
                continue
        elif (element.get("type") or "").strip().lower() not in _DATA_SCRIPT_TYPES:
            inline.append(element.text_content())
    # A script tag written by a loader (`s.src = '//x.disqus.com/embed.js'`) counts like a static one.
    for match in _JS_SRC.finditer("\n".join(inline)):
        try:
            scripts.append((doc, urljoin(url, match.group(2))))
        except ValueError:
            continue
    return _Page(doc, url, tuple(scripts), "\n".join(inline))


_JS_SRC = re.compile(r"""\.src\s*=\s*(['"])((?:https?:)?//[^'"\s]+?)\1""")


def _js_string(js: str, *names: str) -> str | None:
    """The string value assigned to any of `names` in inline JS (`var x = '..'`, `x: ".."`, `this.page.x = ".."`)."""
    for name in names:
        pattern = re.compile(
            r"""(?:^|[\s,{;.])["']?""" + re.escape(name) + r"""["']?\s*[:=]\s*(['"`])((?:\\.|(?!\1).)*)\1""", re.M
        )
        match = pattern.search(js)
        if match:
            value = match.group(2).replace("\\/", "/").replace('\\"', '"').replace("\\'", "'")
            if value.strip():
                return value.strip()
    return None


def _object_literal(js: str, name: str) -> str | None:
    """The text of the `{...}` object assigned to `name` (`var remark_config = {...}`), braces balanced."""
    match = re.search(re.escape(name) + r"\s*=\s*\{", js)
    if match is None:
        return None
    depth, start = 0, match.end() - 1
    for index in range(start, min(len(js), start + 20_000)):
        if js[index] == "{":
            depth += 1
        elif js[index] == "}":
            depth -= 1
            if depth == 0:
                return js[start : index + 1]
    return js[start : start + 20_000]


def _stated_count(elements: list[lxml.html.HtmlElement]) -> int | None:
    for element in elements:
        count = parse_comment_count(element.text_content())
        if count is not None:
            return count
    return None


def _pairs(**values: str | None) -> tuple[tuple[str, str], ...]:
    return tuple((key, value) for key, value in values.items() if value)


# --- the systems, each from its own markers ---------------------------------------------------------------------

_DISQUS_EMBED = re.compile(r"^https?://([a-z0-9-]+)\.disqus\.com/(?:embed|count)\.js", re.I)
_DISQUS_SCRIPT = re.compile(r"^https?://([a-z0-9-]+)\.disqus\.com/embed\.js", re.I)
_DISQUS_CONCAT = re.compile(r"""['"]\s*\+\s*(['"])([A-Za-z0-9-]+)\1\s*\+\s*['"]\.disqus\.com/embed\.js""")
_DISQUS_JS = re.compile(r"\bdisqus_(?:shortname|identifier|config|url)\b|\bdisqusShortname\b")


def _disqus(page: _Page) -> DetectedSystem | None:
    js = page.inline_js
    embed = page.script(_DISQUS_SCRIPT)
    thread = page.by_id("disqus_thread")
    if embed is None and thread is None and not _DISQUS_JS.search(js):
        return None
    shortname = _js_string(js, "disqus_shortname", "disqusShortname")
    if embed is not None:
        match = _DISQUS_SCRIPT.match(embed[1])
        shortname = match.group(1) if match else shortname
    concatenated = _DISQUS_CONCAT.search(js)  # Hugo: s.src = '//' + "name" + '.disqus.com/embed.js'
    if shortname is None and concatenated is not None:
        shortname = concatenated.group(2)
    if shortname is not None and not re.fullmatch(r"[A-Za-z0-9-]+", shortname):
        shortname = None  # `'//' + disqus_shortname + '.disqus.com'` leaves no literal behind
    identifier = _js_string(js, "this.page.identifier", "page.identifier", "disqus_identifier", "disqusIdentifier")
    link = page.absolute(_js_string(js, "this.page.url", "page.url", "disqus_url", "disqusUrl"))
    counters = page.doc.xpath(
        "//*[contains(concat(' ', normalize-space(@class), ' '), ' disqus-comment-count ')]"
        "[not(@data-disqus-identifier) or @data-disqus-identifier=$ident]"
        " | //a[substring(@href, string-length(@href) - 13) = '#disqus_thread']",
        ident=identifier or "",
    )
    own = [el for el in counters if el.tag != "a" or _same_page(page, el.get("href"))]
    return DetectedSystem(
        "disqus",
        _pairs(shortname=shortname, identifier=identifier, url=link or page.url),
        _stated_count(own),
    )


_ISSO_SCRIPT = re.compile(r"/js/(?:embed|count)\.(?:min|dev)\.js(?:[?#]|$)")


def _isso(page: _Page) -> DetectedSystem | None:
    configured = page.doc.xpath("//script[@data-isso]")
    thread = page.by_id("isso-thread")
    script = page.script(_ISSO_SCRIPT)
    if not configured and thread is None:
        return None
    base: str | None = None
    if configured:
        base = page.absolute(configured[0].get("data-isso"))
    if base is None and script is not None:
        base = script[1].split("/js/", 1)[0] + "/"
    if base is not None and not base.endswith("/"):
        base += "/"
    uri = thread.get("data-isso-id") if thread is not None else None
    counters = page.doc.xpath("//a[substring(@href, string-length(@href) - 11) = '#isso-thread']")
    return DetectedSystem(
        "isso",
        _pairs(
            api=base,
            uri=(uri or "").strip() or urlsplit(page.url).path or "/",
            title=thread.get("data-title") if thread is not None else None,
        ),
        _stated_count([el for el in counters if _same_page(page, el.get("href"))]),
    )


_REMARK_SCRIPT = re.compile(r"/web/(?:embed|counter|last-comments)\.(?:m?js)")


def _remark42(page: _Page) -> DetectedSystem | None:
    js = _object_literal(page.inline_js, "remark_config")
    config = js is not None
    container = page.by_id("remark42")
    if js is None and container is None:
        return None
    js = js or ""
    host = page.absolute(_js_string(js, "host")) if config else None
    if host is None:
        script = page.script(_REMARK_SCRIPT)
        host = script[1].split("/web/", 1)[0] if script is not None else None
    site = (_js_string(js, "site_id") if config else None) or "remark"
    url = (page.absolute(_js_string(js, "url")) if config else None) or _origin_and_path(page.url)
    counters = page.doc.xpath("//*[contains(concat(' ', normalize-space(@class), ' '), ' remark42__counter ')]")
    return DetectedSystem(
        "remark42", _pairs(api=host.rstrip("/") if host else None, site=site, url=url), _stated_count(counters)
    )


_COMMENTO_SCRIPT = re.compile(r"/js/commento\.js(?:[?#]|$)")


def _commento(page: _Page) -> DetectedSystem | None:
    script = page.script(_COMMENTO_SCRIPT)
    container = page.by_id("commento")
    if script is None and container is None:
        return None
    element, src = script if script is not None else (None, None)
    origin: str | None = None
    if src is not None:
        parts = urlsplit(src)
        host = parts.hostname or ""
        # The hosted service serves its script from a CDN and its API from commento.io.
        origin = "https://commento.io" if host == "cdn.commento.io" else f"{parts.scheme}://{parts.netloc}"
    page_id = element.get("data-page-id") if element is not None and element.tag == "script" else None
    parts = urlsplit(page.url)
    return DetectedSystem(
        "commento",
        _pairs(
            api=origin,
            domain=parts.netloc,
            path=(page_id or "").strip() or parts.path or "/",
            root=(element.get("data-id-root") if element is not None and element.tag == "script" else None),
        ),
    )


_GISCUS_SCRIPT = re.compile(r"^https?://[^/]+/client\.js(?:[?#]|$)")


def _giscus(page: _Page) -> DetectedSystem | None:
    element: lxml.html.HtmlElement | None = None
    prefix = "data-"
    widget = page.doc.xpath("//giscus-widget")
    if widget:
        element, prefix = widget[0], ""
    for candidate, src in page.scripts:
        if candidate.tag == "script" and _GISCUS_SCRIPT.search(src) and candidate.get("data-repo"):
            if "giscus" in src or candidate.get("data-mapping") or candidate.get("data-repo-id"):
                element, prefix = candidate, "data-"
                break
    if element is None:
        return None

    def attr(name: str) -> str | None:
        value = element.get(prefix + name) if prefix else element.get(name.replace("-", ""))
        return value.strip() if value and value.strip() else None

    return DetectedSystem(
        "giscus",
        _pairs(
            repo=attr("repo"),
            repo_id=attr("repo-id"),
            category=attr("category"),
            category_id=attr("category-id"),
            mapping=attr("mapping") or "pathname",
            term=attr("term") or _mapping_term(page, attr("mapping") or "pathname"),
            strict=attr("strict"),
        ),
    )


_UTTERANCES_SCRIPT = re.compile(r"^https?://utteranc\.es/client\.js", re.I)


def _utterances(page: _Page) -> DetectedSystem | None:
    found = page.script(_UTTERANCES_SCRIPT)
    if found is None:
        return None
    element = found[0]
    number = (element.get("issue-number") or "").strip()
    mapping = (element.get("issue-term") or "pathname").strip()
    known = {"pathname", "url", "title", "og:title"}
    return DetectedSystem(
        "utterances",
        _pairs(
            repo=(element.get("repo") or "").strip(),
            mapping="number" if number else (mapping if mapping in known else "specific"),
            term=number or (_mapping_term(page, mapping) if mapping in known else mapping),
            label=(element.get("label") or "").strip(),
        ),
    )


def _mapping_term(page: _Page, mapping: str) -> str | None:
    """The discussion/issue title giscus and utterances look for, as their client scripts compute it."""
    if mapping == "url":
        return page.url.split("#", 1)[0]
    if mapping == "title":
        titles = page.doc.xpath("//title")
        return " ".join(titles[0].text_content().split()) if titles else None
    if mapping == "og:title":
        found = page.doc.xpath("//meta[@property='og:title']/@content")
        return str(found[0]).strip() if found else None
    if mapping == "pathname":
        path = urlsplit(page.url).path
        return "index" if len(path) < 2 else re.sub(r"\.\w+$", "", path[1:])
    return None


def _name_only(
    name: str, scripts: re.Pattern[str] | None = None, xpath: str | None = None, js: re.Pattern[str] | None = None
) -> Callable[[_Page], DetectedSystem | None]:
    def detect(page: _Page) -> DetectedSystem | None:
        if (
            (scripts is not None and page.script(scripts) is not None)
            or (xpath is not None and page.doc.xpath(xpath))
            or (js is not None and js.search(page.inline_js))
        ):
            return DetectedSystem(name)
        return None

    return detect


def _same_page(page: _Page, href: str | None) -> bool:
    url = page.absolute(href)
    return url is not None and url.split("#", 1)[0].rstrip("/") == page.url.split("#", 1)[0].rstrip("/")


def _origin_and_path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


# Asked in order: the systems with a readable interface first, then the ones known by name only.
DETECTORS: tuple[Callable[[_Page], DetectedSystem | None], ...] = (
    _giscus,
    _utterances,
    _isso,
    _remark42,
    _commento,
    _disqus,
    _name_only("hyvor", re.compile(r"talk\.hyvor\.com/"), "//*[@id='hyvor-talk-view'] | //hyvor-talk-comments", None),
    _name_only("facebook", None, "//*[contains(concat(' ', normalize-space(@class), ' '), ' fb-comments ')]"),
    _name_only("cusdis", re.compile(r"cusdis\.(?:es|umd)\.js|cusdis\.com/js/"), "//*[@id='cusdis_thread']"),
    _name_only("cactus", re.compile(r"cactus\.chat/"), None, re.compile(r"\binitComments\s*\(")),
    _name_only("hashover", re.compile(r"/hashover(?:\.js|/comments\.php|/loader\.js)"), "//*[@id='hashover']"),
    _name_only("graphcomment", re.compile(r"graphcomment\.com/"), "//*[@id='graphcomment']"),
    _name_only("coral", re.compile(r"/assets/js/embed\.js"), "//*[@id='coral_thread']", re.compile(r"Coral\.create")),
    _name_only("discourse", None, "//*[@id='discourse-comments']", re.compile(r"\bDiscourseEmbed\s*=")),
    _name_only("intensedebate", re.compile(r"intensedebate\.com/js/"), None, re.compile(r"\bidcomments_acct\b")),
)


def detect_comment_system(html: str | bytes, url: str) -> DetectedSystem | None:
    """The comment system the page at `url` embeds, or None (a page that merely mentions one in its text is None)."""
    doc = parse_html(html)
    if doc is None:
        return None
    page = _page(doc, url)
    for detector in DETECTORS:
        found = detector(page)
        if found is not None:
            return found
    return None
