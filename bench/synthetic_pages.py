"""The synthetic blog's answers: WordPress-like HTML, feeds, sitemaps, REST JSON and images, made per request."""

# ruff: noqa: E501 - mostly HTML and XML templates, which read better unwrapped

from __future__ import annotations

import html
import json
import math
import re
import struct
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import parse_qsl

from bench.synthetic_blog import AUTHORS, CATEGORIES, MAX_DEPTH, SyntheticBlog, SyntheticComment, SyntheticPost

WP_VERSION = "6.4.2"
SITEMAP_SIZE = 2_000  # URLs per core post sitemap, as WordPress
REST_MAX_PER_PAGE = 100
_POST_PATH = re.compile(r"^(/\d{4}/\d{2}/\d{2}/[^/]+/)(?:comment-page-(\d+)/|(feed)/)?$")
_ARCHIVE_PATH = re.compile(r"^/(category|tag|author)/([^/]+)/(?:page/(\d+)/)?$")
_HOME_PAGE_PATH = re.compile(r"^/page/(\d+)/$")
_IMAGE_PATH = re.compile(r"^/wp-content/uploads/\d{4}/\d{2}/synthetic-(\d+)\.png$")
_POST_SITEMAP = re.compile(r"^/wp-sitemap-posts-post-(\d+)\.xml$")
_AUTHOR_NAMES = dict(AUTHORS)
_EMPTY_GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    content_type: str
    body: bytes
    last_modified: datetime | None = None
    headers: dict[str, str] = field(default_factory=dict)


def respond(blog: SyntheticBlog, origin: str, path: str, query: str) -> Answer:
    """The answer to GET `path?query` on the host at `origin` (e.g. "http://127.0.0.1:8001")."""
    params = dict(parse_qsl(query, keep_blank_values=True))
    site = _Site(blog, origin)
    if path.startswith("/wp-json"):
        return site.rest(path, params) if blog.rest_api else site.not_found()
    if path == "/" and "p" in params:
        post = blog.post_by_id(int(params["p"])) if params["p"].isdigit() else None
        return site.redirect(origin + post.path) if post else site.not_found()
    if path == "/":
        return site.listing(blog.posts[::-1], params, base="/", kind="home")
    if match := _HOME_PAGE_PATH.match(path):
        return site.listing(blog.posts[::-1], {"paged": match.group(1)}, base="/", kind="home")
    if match := _POST_PATH.match(path):
        post = blog.post_by_path(match.group(1))
        if post is None:
            return site.not_found()
        if match.group(3):
            return site.post_comment_feed(post)
        return site.post_page(post, int(match.group(2)) if match.group(2) else None)
    if match := _ARCHIVE_PATH.match(path):
        return site.archive(match.group(1), match.group(2), match.group(3))
    if path in ("/feed/", "/comments/feed/"):
        page = int(params.get("paged", "1")) if params.get("paged", "1").isdigit() else 1
        return site.posts_feed(page) if path == "/feed/" else site.comments_feed(page)
    if path == "/robots.txt":
        text = (
            "User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n\n"
            f"Sitemap: {origin}/wp-sitemap.xml\n"
        )
        return Answer(200, "text/plain; charset=UTF-8", text.encode(), site.started)
    if path.startswith("/wp-sitemap"):
        return site.sitemap(path)
    if match := _IMAGE_PATH.match(path):
        number = int(match.group(1))
        if number >= blog.image_total:
            return site.not_found()
        return Answer(200, "image/png", _png(number), site.started)
    if path == "/wp-content/uploads/avatars/mystery-56.png":
        return Answer(200, "image/gif", _EMPTY_GIF, site.started)
    if path == "/wp-content/themes/synthetic/style.css":
        return Answer(200, "text/css; charset=UTF-8", b"body { font: 16px/1.6 Georgia, serif; }\n", site.started)
    if path == "/about/":
        return site.about()
    if not path.endswith("/") and "." not in path.rsplit("/", 1)[-1]:
        return site.redirect(origin + path + "/" + (f"?{query}" if query else ""))
    return site.not_found()


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def iso(moment: datetime) -> str:
    return moment.isoformat()


def rfc822(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")


class _Site:
    """One request's view of the blog at one origin."""

    def __init__(self, blog: SyntheticBlog, origin: str) -> None:
        self.blog, self.origin = blog, origin
        self.started = blog.posts[0].published_at

    # -- frame --------------------------------------------------------------------------------------------

    def page(
        self,
        *,
        title: str,
        body_class: str,
        main: str,
        head: str = "",
        status: int = 200,
        modified: datetime | None = None,
    ) -> Answer:
        o, blog = self.origin, self.blog
        rest = f'<link rel="https://api.w.org/" href="{o}/wp-json/" />\n' if blog.rest_api else ""
        recent = "".join(f'<li><a href="{o}{p.path}">{esc(p.title)}</a></li>' for p in blog.posts[-5:][::-1])
        categories = "".join(
            f'<li class="cat-item"><a href="{o}/category/{c.lower()}/">{esc(c)}</a></li>' for c in CATEGORIES
        )
        text = f"""<!DOCTYPE html>
<html lang="en-GB" class="no-js">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="alternate" type="application/rss+xml" title="{esc(blog.title)} &raquo; Feed" href="{o}/feed/" />
<link rel="alternate" type="application/rss+xml" title="{esc(blog.title)} &raquo; Comments Feed" href="{o}/comments/feed/" />
<link rel='stylesheet' id='synthetic-style-css' href='{o}/wp-content/themes/synthetic/style.css?ver={WP_VERSION}' media='all' />
{rest}<meta name="generator" content="WordPress {WP_VERSION}" />
{head}</head>
<body class="{body_class}">
<div id="page" class="site"><div class="site-inner">
<header id="masthead" class="site-header"><div class="site-branding">
<p class="site-title"><a href="{o}/" rel="home">{esc(blog.title)}</a></p>
<p class="site-description">A blog made up for benchmarks</p></div>
<nav id="site-navigation" class="main-navigation" aria-label="Primary Menu"><ul class="primary-menu">
<li class="menu-item"><a href="{o}/">Home</a></li><li class="menu-item"><a href="{o}/about/">About</a></li></ul></nav>
</header>
<div id="content" class="site-content">
<div id="primary" class="content-area"><main id="main" class="site-main">
{main}
</main></div>
<aside id="secondary" class="sidebar widget-area">
<section id="recent-posts-2" class="widget widget_recent_entries"><h2 class="widget-title">Recent Posts</h2>
<nav aria-label="Recent Posts"><ul>{recent}</ul></nav></section>
<section id="categories-2" class="widget widget_categories"><h2 class="widget-title">Categories</h2>
<nav aria-label="Categories"><ul>{categories}</ul></nav></section>
</aside>
</div>
<footer id="colophon" class="site-footer"><div class="site-info">
<a href="https://wordpress.org/" class="imprint">Proudly powered by WordPress</a></div></footer>
</div></div>
</body>
</html>
"""
        headers = {"Link": f'<{o}/wp-json/>; rel="https://api.w.org/"'} if blog.rest_api else {}
        return Answer(status, "text/html; charset=UTF-8", text.encode(), modified or self.started, headers)

    def not_found(self) -> Answer:
        main = '<section class="error-404 not-found"><h1 class="page-title">Oops! That page can&rsquo;t be found.</h1></section>'
        answer = self.page(
            title=f"Page not found &#8211; {esc(self.blog.title)}", body_class="error404", main=main, status=404
        )
        return Answer(404, answer.content_type, answer.body)

    def redirect(self, location: str) -> Answer:
        return Answer(301, "text/html; charset=UTF-8", b"", None, {"Location": location})

    # -- posts --------------------------------------------------------------------------------------------

    def url(self, post: SyntheticPost) -> str:
        return self.origin + post.path

    def comment_page_url(self, post: SyntheticPost, number: int, pages: int) -> str:
        """What WordPress links to: the post URL itself for the newest (last) page."""
        return self.url(post) if number == pages else f"{self.url(post)}comment-page-{number}/"

    def body(self, post: SyntheticPost) -> str:
        rng_words = post.title.lower().replace(",", "").split()
        paragraphs = [
            f"<p>{esc(post.title)} began as a note in the workshop book. "
            + " ".join(f"The {w} matters more than it looks." for w in rng_words)
            + "</p>",
            f'<p>Read the <a href="{self.origin}/about/">about page</a> for who we are, or the '
            f'<a href="https://example.org/letterpress/{post.index}">history notes</a> elsewhere.</p>',
        ]
        for number in post.images:
            src = f"{self.origin}/wp-content/uploads/{post.published_at:%Y/%m}/synthetic-{number}.png"
            paragraphs.append(
                f'<figure class="wp-block-image size-large"><img decoding="async" width="96" height="64" src="{src}"'
                f' alt="Figure {number}" class="wp-image-{5000 + number}"/><figcaption>Figure {number} of the '
                f"synthetic press.</figcaption></figure>"
            )
        paragraphs.append(
            "<p>" + " ".join(f"Paragraph {post.index} goes on about {w} and its {w}s." for w in rng_words * 3) + "</p>"
        )
        return "\n".join(paragraphs)

    def post_page(self, post: SyntheticPost, number: int | None) -> Answer:
        blog, o = self.blog, self.origin
        pages = blog.comment_page_count(post)
        if number is not None and not 1 <= number <= pages:
            return self.not_found()
        current = pages if number is None else number
        page_url = self.url(post) if number is None else f"{self.url(post)}comment-page-{number}/"
        shown = blog.comment_pages(post)[current - 1] if post.comment_count else []
        author = _AUTHOR_NAMES[post.author]
        tags = ", ".join(f'<a href="{o}/tag/{t}/" rel="tag">{esc(t)}</a>' for t in post.tags)
        article = f"""<article id="post-{post.id}" class="post-{post.id} post type-post status-publish format-standard hentry category-{post.category.lower()}">
<header class="entry-header"><h1 class="entry-title">{esc(post.title)}</h1>
<div class="entry-meta"><span class="byline"><span class="author vcard"><a class="url fn n" href="{o}/author/{post.author}/">{esc(author)}</a></span></span>
<span class="posted-on"><a href="{self.url(post)}" rel="bookmark"><time class="entry-date published" datetime="{iso(post.published_at)}">{post.published_at:%d %B %Y}</time><time class="updated" datetime="{iso(post.modified_at)}">{post.modified_at:%d %B %Y}</time></a></span></div>
</header>
<div class="entry-content">
{self.body(post)}
</div>
<footer class="entry-footer"><span class="cat-links"><a href="{o}/category/{post.category.lower()}/" rel="category tag">{esc(post.category)}</a></span>
<span class="tags-links">{tags}</span></footer>
</article>"""
        comments = self.comments_area(post, shown, current, pages, page_url)
        nav = self.post_navigation(post)
        head = (
            f'<link rel="alternate" type="application/rss+xml" title="{esc(blog.title)} &raquo; {esc(post.title)} '
            f'Comments Feed" href="{self.url(post)}feed/" />\n'
            f"<link rel=\"canonical\" href=\"{page_url}\" />\n<link rel='shortlink' href='{o}/?p={post.id}' />\n"
            f'<meta property="og:type" content="article" />\n<meta property="og:title" content="{esc(post.title)}" />\n'
            f'<meta property="article:published_time" content="{iso(post.published_at)}" />\n'
            f'<meta property="article:modified_time" content="{iso(post.modified_at)}" />\n'
            f'<meta name="author" content="{esc(author)}" />\n'
        )
        last = max([post.modified_at] + [c.published_at for c in blog.comments_of(post)[-1:]])
        return self.page(
            title=f"{esc(post.title)} &#8211; {esc(blog.title)}",
            body_class=f"post-template-default single single-post postid-{post.id} single-format-standard",
            main=article + "\n" + comments + "\n" + nav,
            head=head,
            modified=last,
        )

    def comments_area(
        self, post: SyntheticPost, shown: list[SyntheticComment], current: int, pages: int, page_url: str
    ) -> str:
        parts = ['<div id="comments" class="comments-area">']
        count = post.comment_count
        if count:
            label = "One thought" if count == 1 else f"{count} thoughts"
            parts.append(f'<h2 class="comments-title">{label} on &ldquo;{esc(post.title)}&rdquo;</h2>')
            if pages > 1:
                parts.append(self.comment_navigation(post, current, pages))
            parts.append('<ol class="comment-list">\n' + self.comment_tree(post, shown, page_url) + "\n</ol>")
            if pages > 1:
                parts.append(self.comments_pagination(post, current, pages))
        parts.append(
            f'<div id="respond" class="comment-respond"><h3 id="reply-title" class="comment-reply-title">Leave a Reply</h3>'
            f'<form action="{self.origin}/wp-comments-post.php" method="post" id="commentform" class="comment-form">'
            f'<textarea id="comment" name="comment"></textarea><input type="hidden" name="comment_post_ID" '
            f'value="{post.id}" /></form></div>'
        )
        parts.append("</div>")
        return "\n".join(parts)

    def comment_tree(self, post: SyntheticPost, shown: list[SyntheticComment], page_url: str) -> str:
        out: list[str] = []
        open_depths: list[int] = []
        for index, comment in enumerate(shown):
            while open_depths and open_depths[-1] >= comment.depth:
                depth = open_depths.pop()
                out.append("</li>" if depth == comment.depth else "</li></ol>")
            following = shown[index + 1] if index + 1 < len(shown) else None
            has_children = following is not None and following.depth > comment.depth
            out.append(self.comment_item(post, comment, page_url, has_children))
            if has_children:
                out.append('<ol class="children">')
            open_depths.append(comment.depth)
        while open_depths:
            depth = open_depths.pop()
            out.append("</li>" if depth == 0 else "</li></ol>")
        return "\n".join(out)

    def comment_item(self, post: SyntheticPost, comment: SyntheticComment, page_url: str, parent: bool) -> str:
        name = esc(comment.author)
        who = (
            f'<a href="{esc(comment.author_url)}" class="url" rel="ugc external nofollow">{name}</a>'
            if comment.author_url
            else name
        )
        reply = ""
        if comment.depth + 1 < MAX_DEPTH:
            reply = (
                f'<div class="reply"><a rel="nofollow" class="comment-reply-link" href="{page_url}?replytocom='
                f'{comment.id}#respond" data-commentid="{comment.id}" data-postid="{post.id}" '
                f'aria-label="Reply to {name}">Reply</a></div>'
            )
        body = "\n".join(f"<p>{esc(p)}</p>" for p in comment.paragraphs)
        classes = f"comment depth-{comment.depth + 1}" + (" parent" if parent else "")
        return f"""<li id="comment-{comment.id}" class="{classes}">
<article id="div-comment-{comment.id}" class="comment-body">
<footer class="comment-meta"><div class="comment-author vcard"><img alt="" src="{self.origin}/wp-content/uploads/avatars/mystery-56.png" class="avatar avatar-56 photo" height="56" width="56" loading="lazy"/>
<b class="fn">{who}</b> <span class="says">says:</span></div>
<div class="comment-metadata"><a href="{page_url}#comment-{comment.id}"><time datetime="{iso(comment.published_at)}">{comment.published_at:%d %B %Y at %H:%M}</time></a></div>
</footer>
<div class="comment-content">
{body}
</div>
{reply}</article>"""

    def comment_navigation(self, post: SyntheticPost, current: int, pages: int) -> str:
        older = (
            f'<div class="nav-previous"><a href="{self.comment_page_url(post, current - 1, pages)}#comments">'
            "Older comments</a></div>"
            if current > 1
            else ""
        )
        newer = (
            f'<div class="nav-next"><a href="{self.comment_page_url(post, current + 1, pages)}#comments">'
            "Newer comments</a></div>"
            if current < pages
            else ""
        )
        return f'<nav class="navigation comment-navigation" aria-label="Comments"><div class="nav-links">{older}{newer}</div></nav>'

    def comments_pagination(self, post: SyntheticPost, current: int, pages: int) -> str:
        links = []
        for number in _shown_numbers(current, pages):
            if number is None:
                links.append('<span class="page-numbers dots">&hellip;</span>')
            elif number == current:
                links.append(f'<span aria-current="page" class="page-numbers current">{number}</span>')
            else:
                links.append(
                    f'<a class="page-numbers" href="{self.url(post)}comment-page-{number}/#comments">{number}</a>'
                )
        return (
            '<nav class="navigation comments-pagination" aria-label="Comments"><div class="nav-links">'
            + " ".join(links)
            + "</div></nav>"
        )

    def post_navigation(self, post: SyntheticPost) -> str:
        parts = []
        posts = self.blog.posts
        if post.index > 0:
            before = posts[post.index - 1]
            parts.append(
                f'<div class="nav-previous"><a href="{self.url(before)}" rel="prev">{esc(before.title)}</a></div>'
            )
        if post.index + 1 < len(posts):
            after = posts[post.index + 1]
            parts.append(f'<div class="nav-next"><a href="{self.url(after)}" rel="next">{esc(after.title)}</a></div>')
        return f'<nav class="navigation post-navigation" aria-label="Posts"><div class="nav-links">{"".join(parts)}</div></nav>'

    # -- listings -----------------------------------------------------------------------------------------

    def listing(
        self,
        posts: tuple[SyntheticPost, ...] | list[SyntheticPost],
        params: dict[str, str],
        *,
        base: str,
        kind: str,
        name: str = "",
    ) -> Answer:
        size = self.blog.posts_per_page
        pages = max(1, math.ceil(len(posts) / size))
        number = int(params.get("paged", "1")) if params.get("paged", "1").isdigit() else 1
        if not 1 <= number <= pages:
            return self.not_found()
        chunk = posts[(number - 1) * size : number * size]
        o = self.origin
        articles = []
        for post in chunk:
            count = post.comment_count
            link = (
                f'<a href="{self.url(post)}#comments">{count} Comment{"" if count == 1 else "s"}</a>'
                if count
                else f'<a href="{self.url(post)}#respond">Leave a comment</a>'
            )
            articles.append(
                f'<article id="post-{post.id}" class="post-{post.id} post type-post status-publish hentry">'
                f'<header class="entry-header"><h2 class="entry-title"><a href="{self.url(post)}" rel="bookmark">'
                f"{esc(post.title)}</a></h2>"
                f'<div class="entry-meta"><time class="entry-date published" datetime="{iso(post.published_at)}">'
                f"{post.published_at:%d %B %Y}</time></div></header>"
                f'<div class="entry-summary"><p>{esc(post.title)} began as a note in the workshop book. [&hellip;]</p>'
                f'</div><footer class="entry-footer"><span class="comments-link">{link}</span></footer></article>'
            )

        def page_url(n: int) -> str:
            return f"{o}{base}" if n == 1 else f"{o}{base}page/{n}/"

        links = []
        if number > 1:
            links.append(f'<a class="prev page-numbers" href="{page_url(number - 1)}">Previous page</a>')
        for n in _shown_numbers(number, pages):
            if n is None:
                links.append('<span class="page-numbers dots">&hellip;</span>')
            elif n == number:
                links.append(f'<span aria-current="page" class="page-numbers current">{n}</span>')
            else:
                links.append(f'<a class="page-numbers" href="{page_url(n)}">{n}</a>')
        if number < pages:
            links.append(f'<a class="next page-numbers" href="{page_url(number + 1)}">Next page</a>')
        nav = (
            '<nav class="navigation pagination" aria-label="Posts"><div class="nav-links">'
            + "".join(links)
            + "</div></nav>"
            if pages > 1
            else ""
        )
        header = f'<header class="page-header"><h1 class="page-title">{esc(name)}</h1></header>' if name else ""
        classes = ("home blog" if kind == "home" else f"archive {kind}") + (
            f" paged paged-{number}" if number > 1 else ""
        )
        title = esc(name or self.blog.title) + (f" &#8211; Page {number}" if number > 1 else "")
        newest = max((p.modified_at for p in chunk), default=self.started)
        canonical = f'<link rel="canonical" href="{page_url(number)}" />\n'
        return self.page(
            title=title,
            body_class=classes,
            main=header + "\n".join(articles) + nav,
            head=canonical,
            modified=max(newest, self.blog.posts[-1].published_at),
        )

    def archive(self, kind: str, slug: str, paged: str | None) -> Answer:
        posts = self.blog.posts[::-1]
        if kind == "category":
            chosen = [p for p in posts if p.category.lower() == slug]
        elif kind == "tag":
            chosen = [p for p in posts if slug in p.tags]
        else:
            chosen = [p for p in posts if p.author == slug]
        if not chosen:
            return self.not_found()
        return self.listing(
            chosen, {"paged": paged or "1"}, base=f"/{kind}/{slug}/", kind=kind, name=f"{kind.title()}: {slug}"
        )

    def about(self) -> Answer:
        main = (
            '<article id="post-2" class="post-2 page type-page status-publish hentry"><header class="entry-header">'
            '<h1 class="entry-title">About</h1></header><div class="entry-content"><p>A blog made up for benchmarks.'
            "</p></div></article>"
        )
        return self.page(title="About", body_class="page-template-default page page-id-2", main=main)

    # -- feeds --------------------------------------------------------------------------------------------

    def rss(self, title: str, self_url: str, items: list[str], page: int, pages: int, built: datetime) -> Answer:
        nav = ""
        if page > 1:
            previous = self_url + (f"?paged={page - 1}" if page > 2 else "")
            nav += f'\t<atom:link href="{previous}" rel="previous" type="application/rss+xml" />\n'
        if page < pages:
            nav += f'\t<atom:link href="{self_url}?paged={page + 1}" rel="next" type="application/rss+xml" />\n'
        text = f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"
\txmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wfw="http://wellformedweb.org/CommentAPI/"
\txmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom"
\txmlns:slash="http://purl.org/rss/1.0/modules/slash/">
<channel>
\t<title>{esc(title)}</title>
\t<atom:link href="{self_url}{f"?paged={page}" if page > 1 else ""}" rel="self" type="application/rss+xml" />
{nav}\t<link>{self.origin}</link>
\t<description>A blog made up for benchmarks</description>
\t<lastBuildDate>{rfc822(built)}</lastBuildDate>
\t<language>en-GB</language>
\t<generator>https://wordpress.org/?v={WP_VERSION}</generator>
{"".join(items)}</channel>
</rss>
"""
        return Answer(200, "application/rss+xml; charset=UTF-8", text.encode(), built)

    def posts_feed(self, page: int) -> Answer:
        posts = self.blog.posts[::-1]
        size = self.blog.feed_items
        pages = max(1, math.ceil(len(posts) / size))
        if not 1 <= page <= pages:
            return self.not_found()
        items = []
        for post in posts[(page - 1) * size : page * size]:
            items.append(f"""\t<item>
\t\t<title>{esc(post.title)}</title>
\t\t<link>{self.url(post)}</link>
\t\t<comments>{self.url(post)}#comments</comments>
\t\t<dc:creator><![CDATA[{_AUTHOR_NAMES[post.author]}]]></dc:creator>
\t\t<pubDate>{rfc822(post.published_at)}</pubDate>
\t\t<category><![CDATA[{post.category}]]></category>
\t\t<guid isPermaLink="false">{self.origin}/?p={post.id}</guid>
\t\t<description><![CDATA[{esc(post.title)} began as a note in the workshop book.]]></description>
\t\t<content:encoded><![CDATA[{self.body(post)}]]></content:encoded>
\t\t<wfw:commentRss>{self.url(post)}feed/</wfw:commentRss>
\t\t<slash:comments>{post.comment_count}</slash:comments>
\t</item>
""")
        built = max(p.modified_at for p in self.blog.posts[-size:])
        return self.rss(self.blog.title, f"{self.origin}/feed/", items, page, pages, built)

    def comment_item_xml(self, post: SyntheticPost, comment: SyntheticComment) -> str:
        pages = self.blog.comment_page_count(post)
        link = self.comment_page_url(post, self.blog.page_of(post, comment.id), pages) + f"#comment-{comment.id}"
        text = "\n".join(f"<p>{esc(p)}</p>" for p in comment.paragraphs)
        return f"""\t<item>
\t\t<title>Comment on {esc(post.title)} by {esc(comment.author)}</title>
\t\t<link>{link}</link>
\t\t<dc:creator><![CDATA[{comment.author}]]></dc:creator>
\t\t<pubDate>{rfc822(comment.published_at)}</pubDate>
\t\t<guid isPermaLink="false">{self.url(post)}#comment-{comment.id}</guid>
\t\t<description><![CDATA[{" ".join(comment.paragraphs)[:200]}]]></description>
\t\t<content:encoded><![CDATA[{text}]]></content:encoded>
\t</item>
"""

    def comments_feed(self, page: int) -> Answer:
        rows = self.blog.latest_comments
        size = self.blog.feed_items
        pages = max(1, math.ceil(len(rows) / size))
        if not 1 <= page <= pages:
            return self.not_found()
        items = []
        for _, index, k in rows[(page - 1) * size : page * size]:
            post = self.blog.posts[index]
            items.append(self.comment_item_xml(post, self.blog.comments_of(post)[k]))
        built = self.blog.last_activity
        return self.rss(f"Comments for {self.blog.title}", f"{self.origin}/comments/feed/", items, page, pages, built)

    def post_comment_feed(self, post: SyntheticPost) -> Answer:
        comments = self.blog.comments_of(post)[::-1][: self.blog.feed_items]
        items = [self.comment_item_xml(post, c) for c in comments]
        built = comments[0].published_at if comments else post.modified_at
        return self.rss(f"Comments on: {post.title}", f"{self.url(post)}feed/", items, 1, 1, built)

    # -- sitemaps -----------------------------------------------------------------------------------------

    def sitemap(self, path: str) -> Answer:
        o, posts = self.origin, self.blog.posts
        files = math.ceil(len(posts) / SITEMAP_SIZE)
        head = '<?xml version="1.0" encoding="UTF-8"?>\n'
        if path == "/wp-sitemap.xml":
            names = [f"wp-sitemap-posts-post-{n}.xml" for n in range(1, files + 1)]
            names += [
                "wp-sitemap-posts-page-1.xml",
                "wp-sitemap-taxonomies-category-1.xml",
                "wp-sitemap-taxonomies-post_tag-1.xml",
                "wp-sitemap-users-1.xml",
            ]
            rows = "".join(f"<sitemap><loc>{o}/{name}</loc></sitemap>\n" for name in names)
            text = head + f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{rows}</sitemapindex>\n'
            return Answer(200, "application/xml; charset=UTF-8", text.encode(), self.blog.last_activity)
        if match := _POST_SITEMAP.match(path):
            number = int(match.group(1))
            if not 1 <= number <= files:
                return self.not_found()
            chunk = posts[(number - 1) * SITEMAP_SIZE : number * SITEMAP_SIZE]
            entries = [(self.url(p), p.modified_at) for p in chunk]
        elif path == "/wp-sitemap-posts-page-1.xml":
            entries = [(f"{o}/about/", None)]
        elif path == "/wp-sitemap-taxonomies-category-1.xml":
            entries = [(f"{o}/category/{c.lower()}/", None) for c in CATEGORIES]
        elif path == "/wp-sitemap-taxonomies-post_tag-1.xml":
            entries = [(f"{o}/tag/{t}/", None) for t in sorted({t for p in posts for t in p.tags})]
        elif path == "/wp-sitemap-users-1.xml":
            entries = [(f"{o}/author/{slug}/", None) for slug, _ in AUTHORS]
        else:
            return self.not_found()
        rows = "".join(
            f"<url><loc>{loc}</loc>" + (f"<lastmod>{iso(mod)}</lastmod>" if mod else "") + "</url>\n"
            for loc, mod in entries
        )
        text = head + f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{rows}</urlset>\n'
        newest = max((mod for _, mod in entries if mod), default=self.started)
        return Answer(200, "application/xml; charset=UTF-8", text.encode(), newest)

    # -- REST -----------------------------------------------------------------------------------------------

    def rest(self, path: str, params: dict[str, str]) -> Answer:
        route = path.removeprefix("/wp-json").rstrip("/")
        if route == "":
            return self.json({"name": self.blog.title, "namespaces": ["wp/v2"], "url": self.origin}, {})
        per_page = int(params.get("per_page", "10")) if params.get("per_page", "10").isdigit() else 10
        page = int(params.get("page", "1")) if params.get("page", "1").isdigit() else 1
        if not 1 <= per_page <= REST_MAX_PER_PAGE:
            return self.json({"code": "rest_invalid_param", "data": {"status": 400}}, {}, status=400)
        fields = [f for f in params.get("_fields", "").split(",") if f]
        if route == "/wp/v2/comments":
            items = self.rest_comments(params)
        elif route == "/wp/v2/posts":
            posts = list(self.blog.posts)
            modified_after = _parse_iso(params.get("modified_after", ""))
            if modified_after is not None:
                posts = [p for p in posts if p.modified_at > modified_after]
            if params.get("orderby") == "modified":
                posts.sort(key=lambda p: (p.modified_at, p.index))
            if params.get("order", "desc") == "desc":
                posts.reverse()
            items = [self.rest_post(p) for p in posts]
        else:
            return self.json({"code": "rest_no_route", "data": {"status": 404}}, {}, status=404)
        total = len(items)
        pages = max(1, math.ceil(total / per_page))
        if page > pages and total:
            return self.json({"code": "rest_post_invalid_page_number", "data": {"status": 400}}, {}, status=400)
        chunk = items[(page - 1) * per_page : page * per_page]
        if fields:
            chunk = [{k: v for k, v in item.items() if k in fields} for item in chunk]
        return self.json(chunk, {"X-WP-Total": str(total), "X-WP-TotalPages": str(pages)})

    def rest_comments(self, params: dict[str, str]) -> list[dict[str, object]]:
        blog = self.blog
        after = _parse_iso(params.get("after", ""))
        if params.get("post", "").isdigit():
            post = blog.post_by_id(int(params["post"]))
            rows = [(post, c) for c in blog.comments_of(post)] if post else []
        else:
            rows = [
                (blog.posts[index], blog.comments_of(blog.posts[index])[k])
                for moment, index, k in blog.latest_comments
                if after is None or moment > after
            ][::-1]
        if after is not None:
            rows = [(p, c) for p, c in rows if c.published_at > after]
        if params.get("order", "desc") == "desc":
            rows.reverse()
        return [self.rest_comment(post, comment) for post, comment in rows]

    def rest_comment(self, post: SyntheticPost, comment: SyntheticComment) -> dict[str, object]:
        pages = self.blog.comment_page_count(post)
        link = self.comment_page_url(post, self.blog.page_of(post, comment.id), pages) + f"#comment-{comment.id}"
        return {
            "id": comment.id,
            "post": post.id,
            "parent": comment.parent or 0,
            "author_name": comment.author,
            "author_url": comment.author_url or "",
            "date": comment.published_at.replace(tzinfo=None).isoformat(),
            "date_gmt": comment.published_at.astimezone(UTC).replace(tzinfo=None).isoformat(),
            "content": {"rendered": "".join(f"<p>{esc(p)}</p>\n" for p in comment.paragraphs)},
            "link": link,
            "type": "comment",
        }

    def rest_post(self, post: SyntheticPost) -> dict[str, object]:
        return {
            "id": post.id,
            "link": self.url(post),
            "date": post.published_at.replace(tzinfo=None).isoformat(),
            "date_gmt": post.published_at.replace(tzinfo=None).isoformat(),
            "modified_gmt": post.modified_at.replace(tzinfo=None).isoformat(),
            "title": {"rendered": esc(post.title)},
        }

    def json(self, data: object, headers: dict[str, str], *, status: int = 200) -> Answer:
        return Answer(
            status, "application/json; charset=UTF-8", json.dumps(data).encode(), self.blog.last_activity, headers
        )


def _shown_numbers(current: int, pages: int) -> list[int | None]:
    """Page numbers a WordPress pagination shows: the ends, the current one and its neighbours, dots between."""
    wanted = sorted({1, pages, current - 1, current, current + 1} & set(range(1, pages + 1)))
    out: list[int | None] = []
    for number in wanted:
        if out and out[-1] is not None and number - out[-1] > 1:
            out.append(None)
        out.append(number)
    return out


def _parse_iso(text: str) -> datetime | None:
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


_PNG_CACHE: dict[int, bytes] = {}


def _png(number: int) -> bytes:
    """A small deterministic PNG (96x64, stripes in colours from `number`): distinct bytes for every image."""
    cached = _PNG_CACHE.get(number)
    if cached is not None:
        return cached
    width, height = 96, 64
    colour = bytes(((number * 37) % 256, (number * 91) % 256, (number * 53 + 7) % 256))
    other = bytes(255 - b for b in colour)
    rows = b"".join(
        b"\x00" + b"".join(colour if (x // 8 + y // 8 + number) % 2 else other for x in range(width))
        for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    # The number in a text chunk too: two images whose colours wrap around still differ.
    data = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"tEXt", b"Comment\x00synthetic " + str(number).encode())
        + chunk(b"IDAT", zlib.compress(rows, 6))
        + chunk(b"IEND", b"")
    )
    if len(_PNG_CACHE) < 4096:
        _PNG_CACHE[number] = data
    return data
