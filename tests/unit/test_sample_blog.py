"""The bundled sample blog matches its ground truth, has the features the crawler is tested on, and is regenerable."""

from __future__ import annotations

import importlib.util
import io
import json
import re
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from lxml import etree, html
from PIL import Image

from resources import RESOURCES_DIR, SAMPLE_BLOG_DIR

REPO_ROOT = Path(__file__).resolve().parents[2]
TRUTH_PATH = RESOURCES_DIR / "sample_blog.truth.json"
ORIGIN = "http://sample-blog.test"
BIG_POST = "/2024/03/05/tell-us-about-your-first-press/"


_COMPOUND = re.compile(r"([a-zA-Z0-9*]*)((?:[#.][\w-]+|\[[^\]]+\])*)")


def _compound_xpath(compound: str) -> str:
    match = _COMPOUND.fullmatch(compound)
    assert match, f"unsupported selector part {compound!r}"
    tag, rest = match.group(1) or "*", match.group(2)
    tests = []
    for token in re.findall(r"[#.][\w-]+|\[[^\]]+\]", rest):
        if token[0] == "#":
            tests.append(f"@id='{token[1:]}'")
        elif token[0] == ".":
            tests.append(f"contains(concat(' ', normalize-space(@class), ' '), ' {token[1:]} ')")
        else:
            name, _, value = token[1:-1].partition("=")
            tests.append(f"@{name}='{value.strip(chr(34) + chr(39))}'" if value else f"@{name}")
    return tag + "".join(f"[{test}]" for test in tests)


def css(element: Any, selector: str) -> list[Any]:
    """A small CSS subset (tag, #id, .class, [attr=value], descendant, ``>``, ``,``) as XPath.

    lxml's own cssselect() needs the cssselect package, which is not one of our dependencies.
    """
    paths = []
    for group in selector.split(","):
        tokens = re.findall(r">|(?:[^\s>\[]|\[[^\]]*\])+", group)
        xpath, axis = ".", "//"
        for token in tokens:
            if token == ">":
                axis = "/"
                continue
            xpath += axis + _compound_xpath(token)
            axis = "//"
        paths.append(xpath)
    return list(element.xpath(" | ".join(paths)))


def _load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_sample_blog", REPO_ROOT / "tools" / "make_sample_blog.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("make_sample_blog", module)
    spec.loader.exec_module(module)
    return module


generator = _load_generator()


@pytest.fixture(scope="module")
def truth() -> dict[str, Any]:
    return json.loads(TRUTH_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def posts(truth: dict[str, Any]) -> list[dict[str, Any]]:
    return truth["posts"]


def site_file(url_path: str) -> Path:
    relative = url_path.strip("/")
    path = SAMPLE_BLOG_DIR / relative
    if url_path.endswith("/") or path.is_dir():
        return path / "index.xml" if (path / "index.xml").is_file() else path / "index.html"
    return path


def parse(url_path: str) -> html.HtmlElement:
    return html.fromstring(site_file(url_path).read_bytes())


def norm(text: str) -> str:
    return " ".join(text.split())


def comment_page_paths(post: dict[str, Any]) -> list[str]:
    pages = post["comment_pages"]
    if pages <= 1:
        return [post["path"]]
    return [f"{post['path']}comment-page-{number}/" for number in range(1, pages + 1)]


def comment_items(doc: html.HtmlElement) -> list[html.HtmlElement]:
    return css(doc, "ol.comment-list li.comment, ol.comment-list li.pingback, ol.comment-list li.trackback")


# -- regeneration ---------------------------------------------------------------------------------------


def test_regeneration_is_byte_identical_to_the_committed_site(tmp_path: Path, truth: dict[str, Any]) -> None:
    out = tmp_path / "sample_blog"
    rebuilt = generator.build_site(out)
    assert generator.truth_json(rebuilt) == TRUTH_PATH.read_text(encoding="utf-8"), "truth differs: rerun the generator"
    committed = sorted(p.relative_to(SAMPLE_BLOG_DIR).as_posix() for p in SAMPLE_BLOG_DIR.rglob("*") if p.is_file())
    fresh = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert fresh == committed
    different = [name for name in fresh if (out / name).read_bytes() != (SAMPLE_BLOG_DIR / name).read_bytes()]
    assert different == [], "edited by hand or generator changed without regenerating: python tools/make_sample_blog.py"


def test_generator_refuses_to_wipe_an_unrelated_folder(tmp_path: Path) -> None:
    (tmp_path / "precious.txt").write_text("keep me")
    with pytest.raises(ValueError, match="not overwriting"):
        generator.build_site(tmp_path)
    assert (tmp_path / "precious.txt").read_text() == "keep me"


def test_extra_comment_appears_and_existing_ids_stay(tmp_path: Path, posts: list[dict[str, Any]]) -> None:
    big = next(post for post in posts if post["path"] == BIG_POST)
    parent = big["comments"][0]
    extra = {
        "post": BIG_POST,
        "id": "500",
        "parent": parent["id"],
        "author": "Late Reader",
        "published_at": "2024-11-20T09:00:00+00:00",
        "text": "Found this thread late. Mine was an Adana too.",
    }
    new_truth = generator.build_site(tmp_path / "blog", extra_comments=[extra])
    new_big = next(post for post in new_truth["posts"] if post["path"] == BIG_POST)
    assert new_big["comment_count_expected"] == big["comment_count_expected"] + 1
    old_ids = [comment["id"] for comment in big["comments"]]
    new_ids = [comment["id"] for comment in new_big["comments"]]
    assert [i for i in new_ids if i != "500"] == old_ids
    added = next(comment for comment in new_big["comments"] if comment["id"] == "500")
    assert (added["parent"], added["depth"], added["text"]) == (parent["id"], 1, extra["text"])
    page1 = html.fromstring((tmp_path / "blog" / BIG_POST.strip("/") / "comment-page-1" / "index.html").read_bytes())
    li = page1.get_element_by_id("comment-500")
    assert li.getparent().getparent().get("id") == f"comment-{parent['id']}"
    assert "depth-2" in li.get("class").split()
    title = css(page1, "h2.comments-title")[0].text_content()
    assert title.startswith(f"{big['comment_count_expected'] + 1} thoughts")


# -- the truth's own promises -------------------------------------------------------------------------


def test_truth_has_the_features_the_crawler_is_tested_on(truth: dict[str, Any], posts: list[dict[str, Any]]) -> None:
    assert truth["origin_placeholder"] == ORIGIN
    assert truth["blog"]["platform"] == "wordpress"
    assert len(posts) >= 12
    assert [post["published_at"] for post in posts] == sorted(post["published_at"] for post in posts)
    assert len({post["author"] for post in posts}) >= 3
    series = sorted(post["series"]["number"] for post in posts if post["series"])
    assert series == list(range(1, len(series) + 1)) and len(series) >= 6
    assert max(comment["depth"] for post in posts for comment in post["comments"]) >= 4
    assert sum(1 for post in posts if any(c["depth"] >= 4 for c in post["comments"])) >= 3
    big = [post for post in posts if len(post["comments"]) >= 30 and post["comment_pages"] >= 3]
    assert big, "no post with >= 30 comments over >= 3 pages"
    kinds = Counter(comment["kind"] for post in posts for comment in post["comments"])
    assert kinds["pingback"] >= 1 and kinds["trackback"] >= 1
    assert any(post["protected"] for post in posts)
    offsets = {post["published_at"][-6:] for post in posts}
    assert offsets == {"+00:00", "+01:00"}
    types = {image["media_type"] for post in posts for image in post["images"]}
    assert {"image/png", "image/jpeg"} <= types
    drafts = next(item for item in truth["not_posts"] if item["path"] == "/drafts/")
    assert drafts["robots_disallowed"] is True


def test_comment_truth_is_in_display_order(posts: list[dict[str, Any]]) -> None:
    for post in posts:
        seen: dict[str, dict[str, Any]] = {}
        siblings: Counter[str | None] = Counter()
        for comment in post["comments"]:
            parent = comment["parent"]
            if parent is None:
                assert comment["depth"] == 0
            else:
                assert parent in seen, f"{comment['id']} shown before its parent"
                assert comment["depth"] == seen[parent]["depth"] + 1
            assert comment["position"] == siblings[parent]
            siblings[parent] += 1
            seen[comment["id"]] = comment
        top = [c["published_at"] for c in post["comments"] if c["parent"] is None and c["published_at"]]
        assert top == sorted(top)
        if post["comment_count_expected"] is not None:
            assert post["comment_count_expected"] == len(post["comments"])


# -- pages against the truth ----------------------------------------------------------------------------


def test_every_post_page_shows_its_metadata(posts: list[dict[str, Any]]) -> None:
    for post in posts:
        doc = parse(post["path"])
        article = doc.get_element_by_id(f"post-{post['source_id']}")
        assert "post" in article.get("class").split()
        body_classes = doc.body.get("class").split()
        assert {"single", "single-post", f"postid-{post['source_id']}"} <= set(body_classes)
        heading = css(article, "h1.entry-title")[0].text_content()
        assert heading == (f"Protected: {post['title']}" if post["protected"] else post["title"])
        assert css(article, ".entry-meta .author.vcard a.url.fn.n")[0].text_content() == post["author"]
        assert css(article, "time.entry-date.published")[0].get("datetime") == post["published_at"]
        assert css(article, "time.updated")[0].get("datetime") == post["updated_at"]
        assert [a.text_content() for a in css(article, 'a[rel="category tag"]')] == post["categories"]
        assert [a.text_content() for a in css(article, 'a[rel="tag"]')] == post["tags"]
        assert css(doc, 'link[rel="canonical"]')[0].get("href") == ORIGIN + post["path"]
        assert css(doc, 'meta[name="generator"]')[0].get("content").startswith("WordPress 6.")
        assert doc.get("lang") == "en-GB"
        if post["protected"]:
            assert "post-password-required" in body_classes
            assert css(article, "form.post-password-form")
            assert not css(doc, "#comments")
        else:
            assert not css(article, "form.post-password-form")


def test_every_truth_comment_is_on_its_page_with_its_thread_markup(posts: list[dict[str, Any]]) -> None:
    checked = 0
    for post in posts:
        if post["protected"]:
            continue
        shown: list[html.HtmlElement] = []
        for page_path in comment_page_paths(post):
            doc = parse(page_path)
            assert css(doc, 'link[rel="canonical"]')[0].get("href") == ORIGIN + post["path"]
            shown += comment_items(doc)
        assert [li.get("id") for li in shown] == [f"comment-{comment['id']}" for comment in post["comments"]]
        top_position = 0
        for li, comment in zip(shown, post["comments"], strict=True):
            classes = li.get("class").split()
            assert comment["kind"] in classes and f"depth-{comment['depth'] + 1}" in classes
            parent_li = li.getparent().getparent()
            if comment["parent"] is None:
                assert li.getparent().get("class") == "comment-list"
                assert comment["position"] == top_position
                top_position += 1
            else:
                assert li.getparent().get("class") == "children"
                assert parent_li.get("id") == f"comment-{comment['parent']}"
                assert [item for item in li.getparent() if item.tag == "li"].index(li) == comment["position"]
            own = li[0]  # the comment's own body; nested replies follow it in ol.children
            if comment["kind"] == "comment":
                assert (own.tag, own.get("id"), own.get("class")) == (
                    "article",
                    f"div-comment-{comment['id']}",
                    "comment-body",
                )
                assert norm(css(own, ".comment-content")[0].text_content()) == comment["text"]
                assert css(own, "b.fn")[0].text_content() == comment["author"]
                urls = css(own, "b.fn a.url")
                assert (urls[0].get("href") if urls else None) == comment["author_url"]
                assert css(own, ".comment-metadata time")[0].get("datetime") == comment["published_at"]
                assert css(own, ".comment-metadata a")[0].get("href").endswith(f"#comment-{comment['id']}")
            else:
                assert own.get("class") == "comment-body"
                assert norm(own.text_content()) == comment["text"]
                assert css(own, "a")[0].get("href") == comment["author_url"]
            checked += 1
        title = css(parse(post["path"]), "h2.comments-title")
        if post["comment_count_expected"] is None:
            assert not title
        else:
            count = post["comment_count_expected"]
            expected = "One thought" if count == 1 else f"{count} thoughts"
            assert title[0].text_content() == f"{expected} on “{post['title']}”"
    assert checked == sum(len(post["comments"]) for post in posts)


def test_comment_pages_behave_like_newest_first_wordpress(posts: list[dict[str, Any]]) -> None:
    big = next(post for post in posts if post["path"] == BIG_POST)
    pages = big["comment_pages"]
    assert pages >= 3
    default = parse(BIG_POST)
    last = parse(f"{BIG_POST}comment-page-{pages}/")
    assert [li.get("id") for li in comment_items(default)] == [li.get("id") for li in comment_items(last)]
    older = css(default, "nav.comment-navigation .nav-previous a")[0]
    assert older.text_content() == "Older comments"
    assert older.get("href") == f"{ORIGIN}{BIG_POST}comment-page-{pages - 1}/#comments"
    assert not css(default, "nav.comment-navigation .nav-next a")
    first = parse(f"{BIG_POST}comment-page-1/")
    newer = css(first, "nav.comment-navigation .nav-next a")[0]
    assert newer.text_content() == "Newer comments"
    assert newer.get("href") == f"{ORIGIN}{BIG_POST}comment-page-2/#comments"
    numbers = [a.get("href") for a in css(first, ".navigation.comments-pagination a.page-numbers")]
    assert f"{ORIGIN}{BIG_POST}comment-page-{pages}/#comments" in numbers
    for doc in (first, default):  # ten top-level threads per page at most, replies on their thread's page
        assert 0 < len(css(doc, "ol.comment-list > li")) <= 10


def test_threads_nest_five_levels_in_wordpress_terms() -> None:
    doc = parse("/2024/01/23/why-we-still-set-type-by-hand/")
    deepest = css(doc, "li.depth-5")
    assert deepest
    chain = [el for el in deepest[0].iterancestors("li")]
    assert [li.get("class").split()[-1] for li in chain][:1] == ["parent"]
    assert len(chain) == 4
    assert not css(deepest[0], ".reply")  # no reply link at the maximum depth


def test_comment_html_has_rich_markup() -> None:
    found = Counter[str]()
    for path in SAMPLE_BLOG_DIR.rglob("index.html"):
        doc = html.fromstring(path.read_bytes())
        for content in css(doc, ".comment-content"):
            for tag in ("a", "em", "strong", "blockquote", "code", "pre"):
                found[tag] += len(css(content, tag))
    assert all(found[tag] > 0 for tag in ("a", "em", "strong", "blockquote", "code", "pre")), found


def test_multilingual_post(posts: list[dict[str, Any]]) -> None:
    post = next(post for post in posts if "😀" in post["title"])
    needles = ["é", "ß", "ø", "Ελληνικά", "Кириллица", "中文", "日本語", "😀"]
    body = css(parse(post["path"]), ".entry-content")[0].text_content()
    assert all(needle in body for needle in needles)
    comment_text = " ".join(comment["text"] for comment in post["comments"])
    assert "咖啡" in comment_text and "😀" in comment_text and "красиво" in comment_text


def test_series_parts_link_to_the_series_and_the_next_part(posts: list[dict[str, Any]]) -> None:
    parts = sorted((post for post in posts if post["series"]), key=lambda post: post["series"]["number"])
    ordinals = {1: "1st", 2: "2nd", 3: "3rd"}
    for index, post in enumerate(parts):
        number = post["series"]["number"]
        assert post["series"]["name"] == "Guest Week" and post["title"].startswith(f"Guest Week #{number}: ")
        assert "Guest Week" in post["categories"]
        content = css(parse(post["path"]), ".entry-content")[0]
        text = norm(content.text_content())
        assert f"This is the {ordinals.get(number, f'{number}th')} post in the Guest Week series." in text
        hrefs = [a.get("href") for a in css(content, "a")]
        assert f"{ORIGIN}/category/guest-week/" in hrefs
        assert "Next week:" in text
        if index + 1 < len(parts):
            assert ORIGIN + parts[index + 1]["path"] in hrefs


# -- images ---------------------------------------------------------------------------------------------


def test_images_exist_are_valid_and_small(posts: list[dict[str, Any]]) -> None:
    formats = {"image/png": "PNG", "image/jpeg": "JPEG"}
    for post in posts:
        doc = parse(post["path"])
        for image in post["images"]:
            path = site_file(image["path"])
            data = path.read_bytes()
            assert len(data) < 60_000
            with Image.open(io.BytesIO(data)) as opened:
                assert opened.format == formats[image["media_type"]]
                opened.verify()
            url = ORIGIN + image["path"]
            imgs = [
                img for img in css(doc, "figure.wp-block-image img") if url in (img.get("src"), img.get("data-src"))
            ]
            assert imgs and imgs[0].get("alt") == image["alt"] and imgs[0].get("width") and imgs[0].get("height")
    for path in SAMPLE_BLOG_DIR.rglob("*"):
        if path.suffix in (".png", ".jpg"):
            assert path.stat().st_size < 60_000


def test_lazy_loaded_image_uses_plugin_markup() -> None:
    doc = parse("/2024/04/09/wood-type-from-the-brennan-collection/")
    lazy = css(doc, "img.lazyload")[0]
    assert lazy.get("src").startswith("data:image/gif;base64,R0lGOD")
    assert lazy.get("data-src").startswith(f"{ORIGIN}/wp-content/uploads/2024/")
    assert len(lazy.get("data-srcset").split(",")) == 2
    for candidate in lazy.get("data-srcset").split(","):
        assert site_file(candidate.split()[0].removeprefix(ORIGIN)).is_file()
    noscript = css(doc, "figure noscript")[0]
    inner = html.fromstring(noscript.text_content()) if len(noscript) == 0 else noscript[0]
    assert inner.get("src") == lazy.get("data-src")


# -- feeds, sitemaps, robots, listings -----------------------------------------------------------------


def test_feed_pages_list_every_post_once(posts: list[dict[str, Any]]) -> None:
    links: list[str] = []
    first = etree.parse(str(SAMPLE_BLOG_DIR / "feed" / "index.xml"))
    second = etree.parse(str(SAMPLE_BLOG_DIR / "feed" / "index@paged=2.xml"))
    atom = "{http://www.w3.org/2005/Atom}link"
    assert any(el.get("rel") == "next" and el.get("href") == f"{ORIGIN}/feed/?paged=2" for el in first.iter(atom))
    assert any(el.get("rel") == "previous" for el in second.iter(atom))
    for tree in (first, second):
        items = tree.findall("./channel/item")
        assert len(items) <= 10
        for item in items:
            assert item.find("{http://purl.org/rss/1.0/modules/content/}encoded") is not None
            assert item.find("{http://purl.org/dc/elements/1.1/}creator").text
            assert item.find("{http://purl.org/rss/1.0/modules/slash/}comments") is not None
            assert item.find("{http://wellformedweb.org/CommentAPI/}commentRss") is not None
            assert item.findtext("pubDate").endswith(" +0000")
        links += [item.findtext("link") for item in items]
    assert sorted(links) == sorted(ORIGIN + post["path"] for post in posts)


def test_sitemap_lists_every_post_and_the_drafts_page(posts: list[dict[str, Any]]) -> None:
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    index = etree.parse(str(SAMPLE_BLOG_DIR / "wp-sitemap.xml"))
    maps = [loc.text.removeprefix(ORIGIN + "/") for loc in index.findall(".//s:loc", ns)]
    assert "wp-sitemap-posts-post-1.xml" in maps and "wp-sitemap-taxonomies-category-1.xml" in maps
    locs = []
    for name in maps:
        locs += [loc.text for loc in etree.parse(str(SAMPLE_BLOG_DIR / name)).findall(".//s:loc", ns)]
        for loc in locs:
            assert site_file(loc.removeprefix(ORIGIN)).is_file(), loc
    assert {ORIGIN + post["path"] for post in posts} <= set(locs)
    assert f"{ORIGIN}/drafts/" in locs


def test_robots_disallows_drafts_which_are_still_linked() -> None:
    robots = (SAMPLE_BLOG_DIR / "robots.txt").read_text()
    lines = robots.splitlines()
    assert "Disallow: /drafts/" in lines and "Disallow: /wp-admin/" in lines
    assert f"Sitemap: {ORIGIN}/wp-sitemap.xml" in lines
    home = parse("/")
    assert any(a.get("href") == f"{ORIGIN}/drafts/" for a in css(home, "#secondary a"))


def test_home_and_category_listings_paginate_newest_first(posts: list[dict[str, Any]]) -> None:
    seen: list[str] = []
    url = "/"
    while url:
        doc = parse(url)
        entries = css(doc, "main article.post h2.entry-title > a[rel=bookmark]")
        assert 0 < len(entries) <= 5
        seen += [a.get("href").removeprefix(ORIGIN) for a in entries]
        nxt = css(doc, "nav.pagination .nav-links a.next.page-numbers")
        url = nxt[0].get("href").removeprefix(ORIGIN) if nxt else ""
    assert seen == [post["path"] for post in reversed(posts)]
    guest = parse("/category/guest-week/page/2/")
    assert css(guest, "main article.post")
    assert "category-guest-week" in guest.body.get("class")


def test_about_and_404_pages() -> None:
    about = parse("/about/")
    assert "page" in about.body.get("class").split() and css(about, "article.page")
    assert not css(about, "article.post")
    missing = html.fromstring((SAMPLE_BLOG_DIR / "404.html").read_bytes())
    assert "error404" in missing.body.get("class")


def test_every_internal_link_resolves() -> None:
    broken = set()
    for path in SAMPLE_BLOG_DIR.rglob("*.html"):
        doc = html.fromstring(path.read_bytes())
        for attribute in ("href", "src", "data-src"):
            for element in doc.xpath(f"//*[@{attribute}]"):
                value = element.get(attribute).split("#")[0].split("?")[0]
                if value.startswith(ORIGIN) and not value.endswith((".php", "/wp-login.php")):
                    if not site_file(value.removeprefix(ORIGIN) or "/").exists():
                        broken.add(value)
    assert broken == set()


def test_only_the_placeholder_origin_is_used() -> None:
    for path in SAMPLE_BLOG_DIR.rglob("*"):
        if path.suffix in (".html", ".xml", ".txt"):
            text = path.read_text(encoding="utf-8")
            assert "127.0.0.1" not in text and "localhost" not in text
            assert "sample-blog.test" not in text.replace(ORIGIN, "")
