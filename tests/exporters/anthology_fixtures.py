"""Hand-made records for the exporter tests: anthologies with mixed scripts, deep threads, images, hostile text."""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, datetime, timedelta, timezone

from PIL import Image, ImageDraw

from storage.records import Anthology, AnthologyItem, Asset, Capture, Comment, CommentKind, Post, SeriesRef

PLUS_TWO = timezone(timedelta(hours=2))
MINUS_FIVE = timezone(timedelta(hours=-5))
TOKYO = timezone(timedelta(hours=9))

HOSTILE_TITLE = '<font name="Courier">Hostile</font> & <para> <b>bold?</b> </para> &amp; done'
HOSTILE_AUTHOR = "<b>Mallory</b> & <i>co</i>"
DEEP_THREAD_DEPTH = 14


def comment(
    source_id: str,
    body: str,
    *,
    author: str = "Reader",
    parent: str | None = None,
    depth: int = 0,
    position: int = 0,
    kind: CommentKind = "comment",
    published_at: datetime | None = None,
    author_url: str | None = None,
    removed_at: datetime | None = None,
) -> Comment:
    """A comment record with sensible defaults."""
    return Comment(
        source_id=source_id,
        parent_source_id=parent,
        position=position,
        depth=depth,
        author=author,
        author_url=author_url,
        published_at=published_at,
        kind=kind,
        body_md=body,
        removed_at=removed_at,
    )


def png_bytes(width: int, height: int, colour: tuple[int, int, int], *, fmt: str = "PNG") -> bytes:
    """An image drawn with Pillow: a coloured field with a dark diagonal, so it can't render blank."""
    image = Image.new("RGB", (width, height), colour)
    draw = ImageDraw.Draw(image)
    draw.line((0, 0, width - 1, height - 1), fill=(20, 20, 20), width=max(2, width // 60))
    draw.rectangle((width // 4, height // 4, width // 2, height // 2), fill=(250, 250, 250))
    out = io.BytesIO()
    image.save(out, format=fmt)
    return out.getvalue()


def asset(url: str, data: bytes, media_type: str, alt: str = "") -> Asset:
    return Asset(
        source_url=url,
        sha256=hashlib.sha256(data).hexdigest(),
        media_type=media_type,
        size=len(data),
        data=data,
        alt=alt,
    )


def mixed_script_post() -> Post:
    body = (
        "Greek: Η γλώσσα μου έδωσαν ελληνική, το σπίτι φτωχικό.\n\n"
        "Cyrillic: Съешь же ещё этих мягких французских булок, да выпей чаю.\n\n"
        "Chinese: 我们的档案馆保存了每一条评论。Japanese: これは日本語の文です。Korean: 한국어 문장입니다.\n\n"
        "Emoji and symbols: smile 😀 heart ❤ check ✓ arrow → euro €.\n\n"
        "**Bold Ελληνικά and 粗体中文** and *italic Кириллица*, `code 代码`.\n"
    )
    return Post(
        url="https://polyglot.example/2021/05/scripts",
        title="Scripts of the world: Ελληνικά, Кириллица, 中文 😀",
        author="Zoë Ångström",
        published_at=datetime(2021, 5, 3, 18, 30, tzinfo=PLUS_TWO),
        updated_at=None,
        body_md=body,
        comments=(
            comment(
                "m1",
                "Ευχαριστώ πολύ για το άρθρο!",
                author="Αλέξης",
                published_at=datetime(2021, 5, 4, tzinfo=PLUS_TWO),
            ),
            comment("m2", "Спасибо, очень интересно.", author="Дмитрий", parent="m1", depth=1),
            comment(
                "m3", "谢谢你的文章,写得很好。", author="李小龙", published_at=datetime(2021, 5, 5, 9, 0, tzinfo=TOKYO)
            ),
        ),
        series=SeriesRef("Around the world", 1),
    )


def deep_thread_post() -> Post:
    comments: list[Comment] = []
    parent: str | None = None
    for depth in range(DEEP_THREAD_DEPTH):
        source_id = f"d{depth}"
        comments.append(
            comment(
                source_id,
                f"Level {depth} reply: I disagree with the previous speaker about point {depth}, respectfully.",
                author=f"Debater {depth}",
                parent=parent,
                depth=depth,
                published_at=datetime(2020, 2, 1, 10, depth, tzinfo=MINUS_FIVE),
            )
        )
        parent = source_id
    comments.append(
        comment(
            "pb1",
            "[…] a thoughtful piece about threads, which we linked to […]",
            author="Another Blog",
            kind="pingback",
            author_url="https://another.example/",
            position=1,
        )
    )
    comments.append(comment("tb1", "Trackback excerpt about nesting.", author="Old Blog", kind="trackback", position=2))
    comments.append(
        comment(
            "gone",
            "This comment was taken down later.",
            author="Vanishing Person",
            position=3,
            removed_at=datetime(2022, 1, 1, tzinfo=UTC),
        )
    )
    return Post(
        url="https://threads.example/deep",
        title="A very deep thread",
        author="Moderator",
        published_at=datetime(2020, 2, 1, 9, 0, tzinfo=MINUS_FIVE),
        updated_at=datetime(2020, 3, 1, 9, 0, tzinfo=MINUS_FIVE),
        body_md="Everyone had an opinion.\n",
        comments=tuple(comments),
        comment_count_expected=20,
        series=SeriesRef("Around the world", 2),
    )


def image_post() -> Post:
    red = png_bytes(400, 200, (220, 40, 40))
    wide = png_bytes(3000, 500, (40, 90, 220), fmt="JPEG")
    tall = png_bytes(300, 2400, (40, 180, 60))
    body = (
        "A red picture:\n\n![A red field](https://pics.example/red.png)\n\n"
        "A wide one, linked to its full size: [![Wide blue](https://pics.example/wide.jpg)](https://pics.example/full.jpg)\n\n"
        "A tall one ![Tall green](https://pics.example/tall%20one.png) in the middle of a sentence.\n\n"
        "One we never got: ![Lost sunset](https://pics.example/lost.png)\n\n"
        "One that is damaged: ![Broken file](https://pics.example/broken.png)\n\n"
        "A local path must not be read: ![Secret](file:///etc/hostname)\n"
    )
    return Post(
        url="https://pics.example/gallery",
        title="Pictures from the archive",
        author="Photographer",
        published_at=datetime(2019, 7, 14, tzinfo=UTC),
        updated_at=None,
        body_md=body,
        images=(
            asset("https://pics.example/red.png", red, "image/png", "A red field"),
            asset("https://pics.example/wide.jpg", wide, "image/jpeg"),
            asset("https://pics.example/tall one.png", tall, "image/png"),
            Asset("https://pics.example/lost.png", "", "image/png", 0),
            asset("https://pics.example/broken.png", b"\x89PNG\r\n\x1a\nthis is not a png", "image/png"),
        ),
        comments=(comment("i1", "Lovely colours!", author="Viewer"),),
    )


def hostile_post() -> Post:
    body = (
        'Text with <font name="Courier">fake font</font>, <para>fake para</para>, & ampersands &amp; entities.\n\n'
        "<script>alert('x')</script>\n\n"
        '<img src="file:///etc/passwd">\n\n'
        "A [javascript link](javascript:alert(1)) and a [quoted link](https://evil.example/?a=%22x%22&b=<y>).\n\n"
        "Unclosed <b>bold and <i>italic and </para> stray closers.\n"
    )
    return Post(
        url='https://evil.example/post?x="1"&y=<2>',
        title=HOSTILE_TITLE,
        author=HOSTILE_AUTHOR,
        published_at=datetime(2022, 12, 24, 23, 59, tzinfo=UTC),
        updated_at=None,
        body_md=body,
        comments=(
            comment("h1", '<b>not bold</b> & <font size="40">not big</font>', author='<a href="x">Eve</a>'),
            comment("h2", "</para><para>Escaped closer", author="Trudy & <Co>", parent="h1", depth=1),
        ),
    )


def features_post() -> Post:
    body = (
        "# A heading in the body\n\n"
        "Paragraph with **bold**, *italic*, ***both***, `inline code`, ~~struck~~ and a "
        "[link to the docs](https://docs.example/guide).\n"
        "Second line after a soft break,  \nthen a hard break.\n\n"
        "1. First ordered\n2. Second ordered\n   - nested bullet\n     - deeper bullet\n3. Third ordered\n\n"
        "> A quoted thought,\n> over two lines.\n>\n> > And a nested quote.\n\n"
        "```python\ndef long_function_name(argument_one, argument_two, argument_three, argument_four, argument_five):\n"
        "    return argument_one + argument_two  # a comment that keeps going and going and going and going\n```\n\n"
        "    indented code block\n\n"
        "---\n\n"
        "| Name | Count | Note |\n|:-----|------:|:----:|\n"
        "| apples | 3 | crisp |\n| pears | 12 | soft and very juicy indeed |\n\n"
        "https://bare.example/a/very/long/url/that/goes/on/and/on/without/any/spaces/at/all/whatsoever/index.html\n"
    )
    return Post(
        url="https://docs.example/features",
        title="Every Markdown feature",
        author=None,
        published_at=None,
        updated_at=None,
        body_md=body,
        comments=(),
    )


def make_anthology() -> Anthology:
    """The main fixture: mixed scripts, a deep thread, images, hostile markup and Markdown features."""
    return Anthology(
        title="Threads & <Voices>: an anthology",
        subtitle="Selected posts, 2019–2022",
        editor="Ed Itor",
        introduction_md="These posts were chosen for their **comments**.\n",
        posts=(mixed_script_post(), deep_thread_post(), image_post(), hostile_post(), features_post()),
        language="en",
        created_at=datetime(2023, 1, 1, tzinfo=UTC),
    )


def many_posts_anthology(posts: int, comments_per_post: int, *, paragraphs: int = 6) -> Anthology:
    """A larger anthology for timing: `posts` posts of `paragraphs` paragraphs, each with a thread."""
    body = "\n\n".join(
        f"Paragraph {n}. " + "The archive keeps every word of the discussion, and the book shows it. " * 8
        for n in range(paragraphs)
    )
    out = []
    for index in range(posts):
        thread = tuple(
            comment(
                f"{index}-{n}",
                f"Comment {n} on post {index}: a **fair** point, with a [link](https://example.org/{n}).",
                author=f"Reader {n}",
                parent=f"{index}-{n - 1}" if n % 3 else None,
                depth=1 if n % 3 else 0,
                published_at=datetime(2020, 1, 1, 12, n % 60, tzinfo=UTC),
            )
            for n in range(comments_per_post)
        )
        out.append(
            Post(
                url=f"https://big.example/{index}",
                title=f"Post {index}: a study",
                author="Author",
                published_at=datetime(2020, 1, 1 + index % 28, tzinfo=UTC),
                updated_at=None,
                body_md=body,
                comments=thread,
            )
        )
    return Anthology(title="A big book", posts=tuple(out))


def rtl_post() -> Post:
    """Arabic and Hebrew paragraphs, and a left-to-right paragraph quoting both."""
    body = (
        "مرحبا بكم في الأرشيف. هذه المقالة تحفظ كل التعليقات.\n\n"
        "שלום לכולם. הארכיון שומר כל תגובה ותגובה.\n\n"
        "In English, the word سلام means peace, and so does שלום in Hebrew.\n"
    )
    return Post(
        url="https://rtl.example/2022/salam",
        title="سلام and שלום: two greetings",
        author="Layla Haddad",
        published_at=datetime(2022, 3, 1, 12, 0, tzinfo=UTC),
        updated_at=None,
        body_md=body,
        comments=(
            comment("r1", "شكرا على هذا المقال الجميل.", author="سارة", published_at=datetime(2022, 3, 2, tzinfo=UTC)),
            comment("r2", "תודה רבה, מאמר מצוין.", author="דני", parent="r1", depth=1),
        ),
        language="ar",
    )


LOREM = (
    "The archive keeps every word of the discussion, and the book shows it in the order readers wrote it. "
    "Typography matters: justified lines, careful hyphenation and honest notes make a page that invites reading. "
)


def long_post() -> Post:
    """Several pages of justified text with links on most paragraphs: footnotes on every page."""
    paragraphs = []
    for n in range(14):
        paragraphs.append(
            f"Paragraph {n + 1}. {LOREM * 2}See [source {n + 1}](https://sources.example/{n + 1}/a-rather-long-path) "
            f"and the [second reference](https://refs.example/{n + 1}) before reading on. {LOREM}"
        )
    body = (
        "## The long argument\n\n"
        + "\n\n".join(paragraphs[:7])
        + "\n\n## And its end\n\n"
        + "\n\n".join(paragraphs[7:])
    )
    thread = tuple(
        comment(
            f"L{n}",
            f"Reply {n}: the point about [notes](https://notes.example/{n}) holds. {LOREM}",
            author=f"Commenter {n}",
            parent=f"L{n - 1}" if n else None,
            depth=n,
            published_at=datetime(2021, 9, 1, 8 + n, 0, tzinfo=UTC),
        )
        for n in range(6)
    )
    page = b"<html>long argument</html>"
    return Post(
        url="https://longform.example/2021/argument",
        title="A long argument, with notes",
        author="Essayist",
        published_at=datetime(2021, 9, 1, tzinfo=UTC),
        updated_at=None,
        body_md=body,
        comments=thread,
        language="en",
        captured_at=datetime(2024, 2, 3, 4, 5, 6, tzinfo=UTC),
        captures=(
            Capture(
                url="https://longform.example/2021/argument",
                final_url="https://longform.example/2021/argument",
                status=200,
                fetched_at=datetime(2024, 2, 3, 4, 5, 6, tzinfo=UTC),
                content_sha256=hashlib.sha256(page).hexdigest(),
                media_type="text/html",
            ),
        ),
        categories=("essays",),
        tags=("notes", "typography"),
    )


def make_book_anthology() -> Anthology:
    """Sections, editor's notes, right-to-left text, a cover image and long footnoted text: the reference book."""
    return Anthology(
        title="Threads & <Voices>: an anthology",
        subtitle="Selected posts, 2019–2022",
        editor="Ed Itor",
        introduction_md="These posts were chosen for their **comments**. Each keeps its thread as it was archived.\n",
        items=(
            AnthologyItem(post=long_post(), section="Part one: arguments", note_md="The *best* thread of the year."),
            AnthologyItem(post=deep_thread_post()),
            AnthologyItem(post=mixed_script_post(), section="Part two: the world"),
            AnthologyItem(post=rtl_post(), note_md="Read right to left."),
            AnthologyItem(post=image_post()),
        ),
        language="en",
        created_at=datetime(2023, 1, 1, tzinfo=UTC),
    )
