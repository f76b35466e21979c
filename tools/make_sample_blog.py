#!/usr/bin/env python3
"""Generate the bundled sample blog (a WordPress 6.x classic-theme look-alike) and its ground truth.

Usage: ``python tools/make_sample_blog.py [--out DIR]``. By default the site goes to
``resources/sample_blog`` and the truth to ``resources/sample_blog.truth.json`` (beside the site, named
after it). Output is deterministic: the same bytes on every run. Standard library and Pillow only.

Every URL in the output is absolute with the placeholder origin ``http://sample-blog.test``; the sample
server (``desktop/sampleserver.py``) swaps in its real origin. Permalinks are
``/%year%/%monthnum%/%day%/%postname%/`` stored as directories with ``index.html``; a page that a query
string selects is stored as ``index@<query>.html|xml`` (e.g. ``feed/index@paged=2.xml``).

Choices where WordPress could go either way:
- Comments are paginated by top-level threads, 10 per page, "newest page first": the post URL shows the
  last comment page. Every comment page (``comment-page-N/``) carries ``<link rel="canonical">`` to the
  post URL (real WordPress points comment pages at themselves; we chose the post URL so all pages of one
  thread share one canonical).
- "Newer comments" links to the last page point at the post URL itself, as WordPress does; the numbered
  comment pagination links always use ``comment-page-N/``.
- A password-protected post shows "Protected: <title>" in its heading, as WordPress does; the truth keeps
  the real title.
"""

# ruff: noqa: E501 - this file is mostly prose and HTML templates, which read better unwrapped

from __future__ import annotations

import argparse
import hashlib
import html
import io
import json
import re
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from html.parser import HTMLParser
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ORIGIN = "http://sample-blog.test"
REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO_ROOT / "resources" / "sample_blog"

BLOG_TITLE = "The Composing Stick"
BLOG_DESCRIPTION = "Notes from a small letterpress workshop and press in Bristol"
LANGUAGE = "en-GB"
WP_VERSION = "6.4.2"
POSTS_PER_PAGE = 5
FEED_ITEMS_PER_PAGE = 10
THREADS_PER_COMMENT_PAGE = 10
MAX_THREAD_DEPTH = 5  # WordPress's default "nested comments 5 levels deep"
FIRST_COMMENT_ID = 17
UPLOADS = f"{ORIGIN}/wp-content/uploads"
AVATAR_URL = f"{UPLOADS}/avatars/mystery-56.png"
AVATAR_2X_URL = f"{UPLOADS}/avatars/mystery-112.png"
LAZY_PLACEHOLDER = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"


# --------------------------------------------------------------------------------------------------------
# Time: Europe/London without a tz database (BST from the last Sunday of March to the last of October).


def _last_sunday(year: int, month: int) -> datetime:
    day = datetime(year, month + 1, 1) - timedelta(days=1)
    return day - timedelta(days=(day.weekday() + 1) % 7)


def london(local: str) -> datetime:
    """Parse ``YYYY-MM-DD HH:MM`` London wall-clock time into an aware datetime (+00:00 or +01:00)."""
    naive = datetime.strptime(local, "%Y-%m-%d %H:%M")
    bst_start = _last_sunday(naive.year, 3).replace(hour=1)
    bst_end = _last_sunday(naive.year, 10).replace(hour=2)
    offset = 1 if bst_start <= naive < bst_end else 0
    return naive.replace(tzinfo=timezone(timedelta(hours=offset)))


_MONTHS = "January February March April May June July August September October November December".split()
_DAYS = "Mon Tue Wed Thu Fri Sat Sun".split()


def iso(moment: datetime) -> str:
    return moment.isoformat()


def long_date(moment: datetime) -> str:
    return f"{moment.day} {_MONTHS[moment.month - 1]} {moment.year}"


def comment_date(moment: datetime) -> str:
    return f"{long_date(moment)} at {moment:%H:%M}"


def rfc822(moment: datetime) -> str:
    """WordPress feeds give dates in GMT: ``Tue, 05 Mar 2024 10:15:00 +0000``."""
    utc = moment.astimezone(UTC)
    return f"{_DAYS[utc.weekday()]}, {utc.day:02d} {_MONTHS[utc.month - 1][:3]} {utc:%Y %H:%M:%S} +0000"


# --------------------------------------------------------------------------------------------------------
# The data: people, categories, posts, comments.


@dataclass(frozen=True)
class Author:
    slug: str
    name: str
    user_id: int
    bio: str


@dataclass(frozen=True)
class Category:
    slug: str
    name: str
    term_id: int
    description: str


@dataclass(frozen=True)
class ImageRef:
    path: str  # under the origin, e.g. /wp-content/uploads/2024/03/proof-press.png
    media_type: str
    alt: str


@dataclass
class CommentData:
    key: str  # local key for parent references; the WordPress id is assigned later
    parent: str | None
    author: str
    when: str  # London wall-clock time
    html: str
    kind: str = "comment"  # comment | pingback | trackback
    author_url: str | None = None
    id: int = 0
    staff: str | None = None  # author slug when a blog author wrote it (WordPress adds bypostauthor)
    moment: datetime | None = None  # an exact time (extra comments from tests); overrides ``when``

    @property
    def published(self) -> datetime:
        return self.moment or london(self.when)


@dataclass
class PostData:
    id: int
    slug: str
    title: str
    author: str
    published: str
    categories: list[str]
    tags: list[str]
    body: str
    comments: list[CommentData] = field(default_factory=list)
    updated: str | None = None
    protected: bool = False
    series_number: int | None = None
    images: list[ImageRef] = field(default_factory=list)

    @property
    def published_at(self) -> datetime:
        return london(self.published)

    @property
    def updated_at(self) -> datetime:
        return london(self.updated) if self.updated else self.published_at

    @property
    def path(self) -> str:
        moment = self.published_at
        return f"/{moment:%Y/%m/%d}/{self.slug}/"

    @property
    def url(self) -> str:
        return ORIGIN + self.path


AUTHORS = {
    a.slug: a
    for a in [
        Author("margaret", "Margaret Hollis", 1, "Founder of the workshop; has been setting type since 1987."),
        Author("tomasz", "Tomasz Wrona", 2, "Press mechanic, ink mixer and keeper of the spare parts drawer."),
        Author("aoife", "Aoife Brennan", 3, "Runs the small-press side: chapbooks, fairs and the paper store."),
        Author("ingrid", "Ingrid Solberg", 4, "Stationery printer in Bergen."),
        Author("kwame", "Kwame Asante", 5, "Jobbing printer and collector of brass rule."),
        Author("lucia", "Lucía Ferrer", 6, "Teaches art and design in Valencia."),
        Author("hamish", "Hamish Grant", 7, "Prints posters in Glasgow, mostly from plates."),
        Author("yuki", "Yuki Tanaka", 8, "Woodblock and letterpress printer in Kyoto."),
        Author("petra", "Petra Novák", 9, "Co-founder of a shared print studio in Brno."),
    ]
}

CATEGORIES = {
    c.slug: c
    for c in [
        Category("letterpress", "Letterpress", 2, "Presses, make-ready, and the craft of printing from relief."),
        Category("type", "Type & Typefaces", 3, "Metal and wood type, specimens, and the people who cut them."),
        Category("small-press", "Small Press", 4, "Publishing short runs: paper, binding, fairs."),
        Category("workshop", "Workshop Notes", 5, "News and practical notes from our Bristol workshop."),
        Category("guest-week", "Guest Week", 6, "Six printers, six weeks: our summer guest series."),
    ]
}

# Commenters who gave a website; everyone else left the field empty.
COMMENTER_URLS = {
    "Jonas Keller": "https://setzerei-keller.example/",
    "Olwen Davies": "https://olwenprints.example/",
    "Sigrid Aas": "https://sigridaas.example/blog/",
    "Chiara Bellini": "https://tipografiabellini.example/",
    "Nadia Haddad": "https://nadiahaddad.example/",
    "Luc Fontaine": "https://atelier-fontaine.example/",
    "Ben Okafor": "https://okafor-press.example/",
    "Ruth Pennington": "https://inkyfingers.example/",
    "Søren Lund": "https://lund-bogtryk.example/",
    "Mei Lin": "https://meilin-studio.example/",
}

STAFF_NAMES = {a.name: a.slug for a in AUTHORS.values()}


def blocks(*parts: str) -> str:
    """Join paragraphs into HTML, one block per line; parts starting with a tag are kept as they are."""
    return "\n".join(part if part.startswith("<") else f"<p>{part}</p>" for part in parts)


def c(key: str, parent: str | None, author: str, when: str, *paragraphs: str, kind: str = "comment") -> CommentData:
    """A comment in the data tables below: ``when`` is ``MM-DD HH:MM`` in 2024, London time."""
    return CommentData(
        key=key,
        parent=parent,
        author=author,
        when=f"2024-{when}",
        html=blocks(*paragraphs),
        kind=kind,
        author_url=COMMENTER_URLS.get(author),
        staff=STAFF_NAMES.get(author),
    )


def ping(
    key: str, parent: str | None, when: str, title: str, url: str, excerpt: str, *, kind: str = "pingback"
) -> CommentData:
    """A pingback or trackback: WordPress shows only the linking post's title; the excerpt stays hidden."""
    return CommentData(key, parent, title, f"2024-{when}", f"<p>[&hellip;] {excerpt} [&hellip;]</p>", kind, url)


def link(path: str, text: str) -> str:
    return f'<a href="{ORIGIN}{path}">{text}</a>'


def figure(image: ImageRef, width: int, height: int, caption: str, attachment_id: int) -> str:
    src = ORIGIN + image.path
    return (
        '<figure class="wp-block-image size-large">'
        f'<img decoding="async" width="{width}" height="{height}" src="{src}" alt="{html.escape(image.alt)}"'
        f' class="wp-image-{attachment_id}"/>'
        f'<figcaption class="wp-element-caption">{caption}</figcaption></figure>'
    )


def lazy_figure(image: ImageRef, small: str, width: int, height: int, caption: str, attachment_id: int) -> str:
    """The markup lazy-loading plugins write: a 1x1 GIF in src, the real image in data-src, a noscript twin."""
    src = ORIGIN + image.path
    srcset = f"{ORIGIN}{small} {width // 2}w, {src} {width}w"
    alt = html.escape(image.alt)
    return (
        '<figure class="wp-block-image size-large">'
        f'<img decoding="async" width="{width}" height="{height}" src="{LAZY_PLACEHOLDER}" data-src="{src}"'
        f' data-srcset="{srcset}" sizes="(max-width: {width}px) 100vw, {width}px" alt="{alt}"'
        f' class="wp-image-{attachment_id} lazyload"/>'
        f'<noscript><img decoding="async" width="{width}" height="{height}" src="{src}" srcset="{srcset}"'
        f' sizes="(max-width: {width}px) 100vw, {width}px" alt="{alt}" class="wp-image-{attachment_id}"/></noscript>'
        f'<figcaption class="wp-element-caption">{caption}</figcaption></figure>'
    )


PROOF_PRESS = ImageRef(
    "/wp-content/uploads/2024/03/proof-press-diagram.png",
    "image/png",
    "Side view of a cylinder proof press with the bed, cylinder, feed board and ink drum labelled",
)
TYPE_CASE = ImageRef(
    "/wp-content/uploads/2024/04/wood-type-case.jpg",
    "image/jpeg",
    "A shallow drawer of large wooden letters in red, blue and natural wood",
)
TYPE_CASE_SMALL = "/wp-content/uploads/2024/04/wood-type-case-480x320.jpg"
RULE_BORDER = ImageRef(
    "/wp-content/uploads/2024/06/rule-border-sample.png",
    "image/png",
    "A printed card with a double rule border and mitred corners",
)


def guest_intro(number: int) -> str:
    ordinal = {1: "1st", 2: "2nd", 3: "3rd"}.get(number, f"{number}th")
    return (
        f"<p><em>This is the {ordinal} post in the Guest Week series. Read the others "
        f"{link('/category/guest-week/', 'here')}.</em></p>"
    )


def next_week(post: PostData | None, teaser: str) -> str:
    if post is None:
        return f"<p>Next week: {teaser}</p>"
    return f'<p>Next week: <a href="{post.url}">{teaser}</a>.</p>'


def big_thread_comments() -> list[CommentData]:
    """Readers' first presses: 24 threads, a pingback, and replies: 35 comments over three pages."""
    firsts = [
        (
            "Jonas Keller",
            "03-05 11:02",
            "An Adana 8x5 bought from a retired printer in Kiel. It still had his last job locked up in the chase: a raffle ticket.",
        ),
        (
            "Priya Raman",
            "03-05 12:40",
            "A tabletop Kelsey. I had no idea what rollers were supposed to feel like, so I printed with rock-hard ones for a year.",
        ),
        (
            "Olwen Davies",
            "03-05 14:15",
            "A Farley proof press in a school art room. The school was getting rid of it and I had a van that afternoon.",
        ),
        (
            "Bartholomew Finch",
            "03-05 19:48",
            "My grandfather's Arab treadle. It took three of us and a piano trolley to get it out of the shed.",
        ),
        (
            "Sigrid Aas",
            "03-06 08:05",
            "A little Swedish book press that is not really a printing press at all, but I made my first prints on it with a wooden spoon of courage.",
        ),
        (
            "Dmitri Volkov",
            "03-06 09:30",
            "A Heidelberg windmill, which everyone told me was a terrible first press. They were right and I love it.",
        ),
        (
            "Chiara Bellini",
            "03-06 13:12",
            "A Nebiolo proofing press from my uncle's shop in Turin. The manual was in Italian, which helped, since so am I.",
        ),
        (
            "Rob McAllister",
            "03-06 17:55",
            "Adana 5x3. Printed my own business cards with a typo in the phone number. Kept one as a warning.",
        ),
        (
            "Nadia Haddad",
            "03-07 10:20",
            "A Vandercook SP-15 shared between eight members of a studio. Does that count as a first press if it is one-eighth mine?",
        ),
        ("Frank Osei", "03-07 15:03", "A Golding Pearl, restored over two winters. The flywheel alone took a month."),
        (
            "Helen Marsh",
            "03-08 09:41",
            "An Albion from 1851, lent by a museum on the condition that I print with it every week.",
        ),
        ("Luc Fontaine", "03-08 12:00", "A Victoria platen bought at auction for less than the cost of moving it."),
        (
            "Ben Okafor",
            "03-08 18:26",
            "A Kelsey Excelsior 6x10. The roller trucks were so worn the ink went everywhere except the type.",
        ),
        (
            "Ruth Pennington",
            "03-09 10:10",
            "A cheap die-cutting machine with a photopolymer plate. Purists will shudder, but it got me hooked.",
        ),
        (
            "Søren Lund",
            "03-09 16:47",
            "A Korrex proof press from a Copenhagen newspaper. It still smells faintly of news ink.",
        ),
        ("Mei Lin", "03-10 09:15", "A Chandler &amp; Price 8x12 Old Style. It weighs more than my car."),
        ("Gwen Parry", "03-10 20:30", "A Model Press from 1890, found in a Welsh chapel vestry."),
        (
            "Tariq Aziz",
            "03-11 07:58",
            "No press at all: a sheet of glass, a brayer and a spoon. The press came two years later.",
        ),
        (
            "Elena Marchetti",
            "03-11 14:22",
            "A Boston press with a cracked platen, welded by a friend who builds boats.",
        ),
        (
            "Will Thorne",
            "03-12 11:11",
            "A Crown proof press from Cornwall, bought on a whim during a holiday. My partner has not forgiven me.",
        ),
        (
            "Anika Weber",
            "03-13 09:45",
            "A Korrex Frankfurt. German engineering: twenty kilos of spare screws, every one of them needed.",
        ),
        ("Callum Reid", "03-14 18:03", "Adana HS2, the hand-held stamp. Not a press, but it was the start."),
        ("Isabel Cruz", "03-15 12:34", "A Poco proof press shared with my sister. We take turns by the month."),
        (
            "Harriet Bloom",
            "03-18 21:06",
            "A Peerless platen that I still have not finished restoring. Ask me again next year.",
        ),
    ]
    comments = [c(f"t{i}", None, name, when, text) for i, (name, when, text) in enumerate(firsts)]
    comments += [
        c("r1", "t0", "Margaret Hollis", "03-05 11:30", "A raffle ticket! Did you print it again?"),
        c(
            "r2",
            "r1",
            "Jonas Keller",
            "03-05 13:05",
            "Of course. Ten copies, as a salute to him. The raffle was for a goose.",
        ),
        c(
            "r3",
            "t3",
            "Tomasz Wrona",
            "03-05 21:10",
            "A piano trolley is the correct tool. We moved our Arab the same way in 2019.",
        ),
        c(
            "r4",
            "t5",
            "Anika Weber",
            "03-06 11:00",
            "Terrible first presses are the best teachers. Mine was a windmill too, later on.",
        ),
        c("r5", "t8", "Margaret Hollis", "03-07 11:02", "It counts. Shared presses are how most of us learned."),
        c("r6", "t10", "Olwen Davies", "03-08 13:40", "That is the best loan condition I have ever heard."),
        c(
            "r7",
            "t13",
            "Aoife Brennan",
            "03-09 11:00",
            "No shuddering here. A plate on a die-cutter has printed more wedding invitations than all our presses put together.",
        ),
        c(
            "r8",
            "t13",
            "Bartholomew Finch",
            "03-09 14:26",
            "I shuddered a little. Then I looked at the price of a Vandercook.",
        ),
        c("r9", "t19", "Margaret Hollis", "03-12 12:00", "Holiday presses are the most dangerous kind."),
    ]
    comments.append(
        ping(
            "p1",
            None,
            "03-16 08:30",
            "Ink & Impression – First presses, a round-up",
            "https://inkandimpression.example/2024/03/16/first-presses/",
            "The Composing Stick asked its readers about their first press and the answers are wonderful",
        )
    )
    return comments


def build_posts() -> list[PostData]:
    """All posts, oldest first. Text is our own invention."""
    posts: list[PostData] = []

    posts.append(
        PostData(
            id=4,
            slug="a-new-year-at-the-composing-stick",
            title="A new year at the Composing Stick",
            author="margaret",
            published="2024-01-09 09:30",
            categories=["workshop"],
            tags=["news"],
            body=blocks(
                "Happy new year from the workshop. The presses are cold, the stove is lit and the kettle is on.",
                "This year we are keeping a proper notebook here: what we print, what goes wrong, and what we learn "
                "from the people who visit us. Tomasz will write about presses and ink, Aoife about paper and the "
                "books we publish, and I will write about whatever catches my eye in the type cases.",
                "In June we are handing the blog over to six guest printers, one a week. More about that soon.",
            ),
            comments=[
                c(
                    "a",
                    None,
                    "Helen Marsh",
                    "01-09 12:15",
                    "Lovely to see you writing again. Looking forward to the guest series.",
                ),
                c("b", None, "Rob McAllister", "01-10 18:40", "Will there be open days this year?"),
                c(
                    "c",
                    "b",
                    "Margaret Hollis",
                    "01-11 09:05",
                    "Yes: the first Saturday of every month from March. We will post the dates.",
                ),
            ],
        )
    )

    posts.append(
        PostData(
            id=9,
            slug="why-we-still-set-type-by-hand",
            title="Why we still set type by hand",
            author="margaret",
            published="2024-01-23 10:00",
            updated="2024-01-24 08:45",
            categories=["letterpress", "type"],
            tags=["hand setting", "metal type"],
            body=blocks(
                "People ask why we still set type letter by letter when a photopolymer plate would take an hour. "
                "It is a fair question, and the honest answer is that hand setting changes how you read.",
                '<h2 class="wp-block-heading">Slowness is the point</h2>',
                "When every space is a piece of metal you pick up, you notice every space. You see rivers and "
                "widows before the proof is pulled, and you start to think about the line as a physical thing.",
                '<blockquote class="wp-block-quote"><p>The compositor reads the text three times: once to set it, '
                "once to justify it, and once, upside down, to correct it.</p></blockquote>",
                "We will keep using plates for long runs. But the first job any apprentice does here is set a "
                "paragraph by hand, and we do not see that changing.",
            ),
            comments=[
                c(
                    "a",
                    None,
                    "Jonas Keller",
                    "01-23 11:20",
                    "Reading upside down and backwards is a skill that never leaves you. I still catch myself reading "
                    "car number plates in the mirror.",
                ),
                c("b", "a", "Margaret Hollis", "01-23 12:02", "Mirror reading is the compositor's party trick."),
                c(
                    "c",
                    "b",
                    "Sigrid Aas",
                    "01-23 15:48",
                    "My party trick is telling <em>Garamond</em> from <em>Sabon</em> by the weight of a single lowercase g.",
                ),
                c(
                    "d",
                    "c",
                    "Jonas Keller",
                    "01-23 19:30",
                    "That is not a party trick, that is a <strong>superpower</strong>.",
                ),
                c("e", "d", "Sigrid Aas", "01-24 07:55", "It only works with the lights off. Do not ask."),
                c(
                    "f",
                    None,
                    "Dmitri Volkov",
                    "01-24 09:10",
                    "I agree about slowness, but I think you undersell plates.",
                    "<blockquote><p>We will keep using plates for long runs.</p></blockquote>",
                    "Plates are also how many of us afford to print at all. Both can be true.",
                ),
                c(
                    "g",
                    "f",
                    "Tomasz Wrona",
                    "01-24 10:32",
                    "Fair. Half of what leaves this building is printed from plates, and nobody can tell.",
                ),
                c("h", None, "Priya Raman", "01-25 21:14", "Where did the quote about reading three times come from?"),
                c(
                    "i",
                    "h",
                    "Margaret Hollis",
                    "01-26 08:20",
                    "From my first foreman, who never wrote anything down. I am writing it down for him.",
                ),
            ],
        )
    )

    posts.append(
        PostData(
            id=15,
            slug="mixing-inks-without-a-pantone-book",
            title="Mixing inks without a Pantone book",
            author="tomasz",
            published="2024-02-06 14:00",
            categories=["workshop", "letterpress"],
            tags=["ink", "colour"],
            body=blocks(
                "We mix nearly every colour from five tins: process cyan, magenta, yellow, black and opaque white. "
                "A matching guide is useful, but a kitchen scale and a notebook are more useful.",
                "Weigh everything. Write everything down. A colour you mixed by eye is a colour you will never mix again.",
                "<ul><li>Start with the lightest ink and add the darker one a little at a time.</li>"
                "<li>Test on the paper you will print on: the same blue looks different on cotton and on newsprint.</li>"
                "<li>Mix more than you need. Running out halfway is worse than wasting ten grams.</li></ul>",
            ),
            comments=[
                c(
                    "a",
                    None,
                    "Nadia Haddad",
                    "02-06 16:45",
                    "I keep my recipes in a little text file, one line per colour, like this:",
                    "<pre><code>dusty-rose   white 40g + magenta 6g + yellow 1.5g + black 0.2g\n"
                    "sea-green    white 30g + cyan 8g + yellow 5g</code></pre>",
                    "Grams to one decimal place. The black is always the trouble.",
                ),
                c(
                    "b",
                    "a",
                    "Tomasz Wrona",
                    "02-06 18:20",
                    "Good idea. The <code>black 0.2g</code> line is exactly where people go wrong: add it with a toothpick.",
                ),
                c(
                    "c",
                    "b",
                    "Ben Okafor",
                    "02-07 08:12",
                    "A toothpick! I have been using a palette knife and ruining everything.",
                ),
                c(
                    "d",
                    None,
                    "Chiara Bellini",
                    "02-07 13:30",
                    "Do you use <em>transparent</em> white for tints? My pastel colours always come out chalky.",
                ),
                c(
                    "e",
                    "d",
                    "Tomasz Wrona",
                    "02-07 15:05",
                    "Yes: <strong>transparent base</strong> for tints, opaque white only when printing on dark paper. "
                    'There is a good chart on <a href="https://inkchart.example/tints" rel="nofollow ugc">Ink Chart</a>.',
                ),
                ping(
                    "p",
                    None,
                    "02-09 10:00",
                    "Olwen Prints – My ink notebook",
                    "https://olwenprints.example/2024/02/09/ink-notebook/",
                    "Tomasz at the Composing Stick says weigh everything, and he is right",
                ),
            ],
        )
    )

    posts.append(
        PostData(
            id=21,
            slug="paper-for-beginners",
            title="Paper for beginners: cotton, wood and everything between",
            author="aoife",
            published="2024-02-20 11:30",
            categories=["small-press"],
            tags=["paper"],
            body=blocks(
                "The cheapest way to make a print look expensive is good paper. The cheapest way to make it look "
                "cheap is bad paper. Here is what we keep in the paper store and why.",
                "<strong>Cotton</strong> papers are soft and take a deep impression. <strong>Wood-pulp</strong> "
                "papers are harder and crisper, and fine for flat printing. Anything coated will fight you.",
                "Buy sample packs before you buy reams, and always print a test on the real stock.",
            ),
            comments=[
                c(
                    "a",
                    None,
                    "Olwen Davies",
                    "02-20 13:00",
                    "Cotton every time for invitations. Clients can feel the difference.",
                ),
                c("b", None, "Frank Osei", "02-21 09:25", "Which weight would you start with for cards?"),
                c("c", "b", "Aoife Brennan", "02-21 10:40", "Around 300 gsm for cards, 120 gsm for letterheads."),
                ping(
                    "t",
                    None,
                    "02-22 17:00",
                    "Paper Trail Notes",
                    "https://papertrail.example/notes/cotton-vs-wood",
                    "a clear guide for beginners from Aoife Brennan",
                    kind="trackback",
                ),
            ],
        )
    )

    posts.append(
        PostData(
            id=28,
            slug="tell-us-about-your-first-press",
            title="Tell us about your first press",
            author="margaret",
            published="2024-03-05 10:15",
            categories=["letterpress"],
            tags=["presses", "readers"],
            body=blocks(
                "Mine was a battered Adana that leaked oil onto everything I loved. What was yours?",
                "Tell us in the comments: where you found it, what you printed first, and whether you still have it. "
                "We will pick a few stories for a future post.",
            ),
            comments=big_thread_comments(),
        )
    )

    posts.append(
        PostData(
            id=33,
            slug="anatomy-of-a-proof-press",
            title="Anatomy of a proof press",
            author="tomasz",
            published="2024-03-19 09:00",
            categories=["letterpress"],
            tags=["presses", "restoration"],
            images=[PROOF_PRESS],
            body=blocks(
                "A proof press is the simplest press there is: a flat bed, a cylinder that rolls over it, and "
                "something to hold the paper. Here is ours, drawn by Aoife from the side.",
                figure(PROOF_PRESS, 640, 400, "Our cylinder proof press, side view. Not to scale.", 34),
                "The bed holds the forme. The cylinder carries the paper over it, and the ink drum feeds the rollers "
                "that run over the type just before the paper does.",
                "Next month we will take the rollers out and talk about roller height, the source of most misery.",
            ),
            comments=[
                c("a", None, "Søren Lund", "03-19 10:30", "Lovely drawing. Is the feed board original?"),
                c("b", "a", "Tomasz Wrona", "03-19 11:45", "No, it is birch ply. The original was mostly woodworm."),
                c("c", "b", "Søren Lund", "03-19 13:02", "Birch ply is what I used too. Did you seal it?"),
                c("d", "c", "Tomasz Wrona", "03-19 15:40", "Two coats of shellac, so paper slides and ink wipes off."),
                c("e", "d", "Mei Lin", "03-20 09:18", "Shellac, noted. Mine is bare and it shows every fingerprint."),
                c("f", None, "Will Thorne", "03-21 20:05", "What do you use to check roller height?"),
                c(
                    "g",
                    "f",
                    "Tomasz Wrona",
                    "03-22 08:30",
                    "A roller gauge, or a type-high piece of brass and patience.",
                ),
            ],
        )
    )

    posts.append(
        PostData(
            id=41,
            slug="wood-type-from-the-brennan-collection",
            title="Wood type from the Brennan collection",
            author="aoife",
            published="2024-04-09 15:20",
            categories=["type"],
            tags=["wood type", "collections"],
            images=[TYPE_CASE],
            body=blocks(
                "My grandmother kept a drawer of wooden letters under her bed for forty years. Nobody in the "
                "family knew why. Last month it came to the workshop.",
                lazy_figure(TYPE_CASE, TYPE_CASE_SMALL, 960, 640, "The first drawer, before cleaning.", 43),
                "There are three founts, none complete: a condensed sans in twelve-line pica, a Tuscan with half its "
                "serifs missing, and a set of numerals that look hand-cut.",
                "We will print a specimen sheet once the letters are clean and flat.",
            ),
            comments=[
                c("a", None, "Gwen Parry", "04-09 18:00", "Hand-cut numerals are a treasure. Please show us the 7."),
                c("b", "a", "Aoife Brennan", "04-10 09:12", "The 7 has a curly foot. Specimen sheet coming soon."),
                c(
                    "c",
                    None,
                    "Luc Fontaine",
                    "04-11 14:44",
                    'We found a similar Tuscan in Lyon: <a href="https://atelier-fontaine.example/tuscan">photos here</a>.',
                ),
            ],
        )
    )

    posts.append(
        PostData(
            id=46,
            slug="members-price-list-autumn-courses",
            title="Members’ price list for the autumn courses",
            author="margaret",
            published="2024-04-23 12:00",
            categories=["workshop"],
            tags=["courses"],
            protected=True,
            body=blocks("Members get twenty per cent off every course this autumn. The password is in the newsletter."),
            comments=[c("a", None, "Helen Marsh", "04-24 10:00", "Thank you! Booked the bookbinding weekend.")],
        )
    )

    posts.append(
        PostData(
            id=52,
            slug="cafe-specimens-in-many-scripts",
            title="Café specimens: ß, ø, Ελληνικά, Кириллица, 中文, 日本語 😀",
            author="tomasz",
            published="2024-05-14 13:45",
            categories=["type"],
            tags=["specimens", "scripts"],
            body=blocks(
                "A café in town asked us for a menu that works in every language its regulars speak. That meant "
                "finding metal type for Straße, smørrebrød, crème brûlée, καφές, кофе, 咖啡 and コーヒー.",
                "Latin with accents was easy: we have é, è, ø and ß in most founts. Greek (Ελληνικά) came from a "
                "friend in Thessaloniki, and Cyrillic (Кириллица) from a printer in Kraków who had a case to spare.",
                "For 中文 and 日本語 we gave up on metal and made a photopolymer plate. The emoji 😀 on the "
                "specials board is, sadly, hand-drawn.",
            ),
            comments=[
                c(
                    "a",
                    None,
                    "Mei Lin",
                    "05-14 15:10",
                    "咖啡 looks great on the plate! In 日本語 the katakana コーヒー is the usual word. "
                    "Греческий и русский тоже красиво. 😀",
                ),
                c(
                    "b",
                    "a",
                    "Tomasz Wrona",
                    "05-14 16:30",
                    "Děkuji, ありがとう and thank you: the katakana is now on the plate.",
                ),
                c("c", None, "Søren Lund", "05-15 08:05", "Smørrebrød with the ø set correctly. I am moved."),
            ],
        )
    )

    guests = [
        (
            "ingrid",
            "printing-a-wedding-invitation-in-two-colours",
            "Printing a wedding invitation in two colours",
            "2024-06-03 09:00",
            ["letterpress"],
            ["invitations", "colour"],
            [
                "Two colours means two runs, two formes and twice the chance to get the registration wrong. Here is "
                "how I print a two-colour invitation without losing my temper.",
                "I print the lighter colour first and let it dry overnight. The key to registration is not the press but "
                "the lay gauges: I glue them down and never touch them between runs.",
            ],
            "Kwame Asante on the lost art of the rule border",
        ),
        (
            "kwame",
            "the-lost-art-of-the-rule-border",
            "The lost art of the rule border",
            "2024-06-10 09:00",
            ["type"],
            ["brass rule", "borders"],
            [
                "A rule border is four pieces of brass and a great deal of fuss. Mitring the corners so they meet "
                "without a gap is the whole craft.",
                figure(RULE_BORDER, 480, 320, "A double rule border with mitred corners.", 62),
                "I cut my mitres with a hand mitring machine from 1920. A file and a square work too, given time.",
            ],
            "Lucía Ferrer on letterpress in the classroom",
        ),
        (
            "lucia",
            "letterpress-in-a-school-classroom",
            "Letterpress in a school classroom",
            "2024-06-17 09:00",
            ["workshop"],
            ["teaching"],
            [
                "Thirty teenagers, one tabletop press, and a case of 24-point Gill Sans. It should not work, and yet "
                "it is the most popular class I teach.",
                "Each pupil sets one line of a poem. At the end of term we print the whole poem as a poster and "
                "every pupil takes one home.",
            ],
            "Hamish Grant, honestly, on photopolymer plates",
        ),
        (
            "hamish",
            "photopolymer-plates-honestly",
            "Photopolymer plates, honestly",
            "2024-06-24 09:00",
            ["letterpress"],
            ["plates", "photopolymer"],
            [
                "I print posters from plates and I am not sorry. Plates let me print drawings, handwriting and "
                "typefaces that were never cast in metal.",
                "What plates do not give you is the happy accident of a worn letter. I add those back by hand.",
            ],
            "Yuki Tanaka on washi, sumi and a Japanese hand press",
        ),
        (
            "yuki",
            "washi-sumi-and-a-japanese-hand-press",
            "Washi, sumi and a Japanese hand press",
            "2024-07-01 09:00",
            ["small-press"],
            ["paper", "japan"],
            [
                "Washi is made from the inner bark of kōzo, and it takes ink like nothing else. I print with sumi "
                "thinned with a little rice paste, on a small hand press my teacher built.",
                "The press has no bed to speak of: a board, a baren, and a great deal of pressure from the shoulder.",
            ],
            "Petra Novák on running a press co-operative",
        ),
        (
            "petra",
            "running-a-press-co-operative",
            "Running a press co-operative",
            "2024-07-08 09:00",
            ["small-press", "workshop"],
            ["co-operatives", "studios"],
            [
                "Eleven members, three presses and one shared calendar. The calendar is the hard part.",
                "Our rule: whoever uses a press last cleans it, and whoever finds it dirty may complain only in writing.",
            ],
            None,
        ),
    ]
    guest_comments = {
        1: [
            c(
                "a",
                None,
                "Olwen Davies",
                "06-03 12:00",
                "Gluing the lay gauges down is the single best tip. Thank you, Ingrid.",
            ),
            c("b", None, "Frank Osei", "06-04 08:30", "How long do you let the first colour dry?"),
            c(
                "c",
                "b",
                "Ingrid Solberg",
                "06-04 10:15",
                "Overnight for rubber-based ink; an hour for oil-based on soft cotton.",
            ),
        ],
        2: [
            c(
                "a",
                None,
                "Jonas Keller",
                "06-10 14:20",
                "A hand mitring machine! We have one and nobody knew what it was.",
            )
        ],
        3: [
            c("a", None, "Isabel Cruz", "06-17 11:00", "Which poem did they print this year?"),
            c("b", "a", "Lucía Ferrer", "06-17 13:30", "A poem by one of the pupils, about the bus to school."),
            c("c", "b", "Isabel Cruz", "06-17 15:02", "That is even better than a famous one."),
            c("d", "c", "Helen Marsh", "06-17 18:45", "Agreed. Is there a photo of the poster?"),
            c(
                "e",
                "d",
                "Lucía Ferrer",
                "06-18 09:00",
                'Yes, on the school site: <a href="https://colegio-ferrer.example/poema">el póster</a>.',
            ),
            c("f", None, "Callum Reid", "06-19 20:10", "Thirty teenagers and one press: you are braver than me."),
        ],
        4: [
            c(
                "a",
                None,
                "Dmitri Volkov",
                "06-24 10:05",
                "<blockquote><p>I print posters from plates and I am not sorry.</p></blockquote>",
                "Thank you for saying it.",
            ),
            c("b", None, "Ruth Pennington", "06-25 12:40", "Which plate maker do you use for fine lines?"),
        ],
        5: [
            c("a", None, "Mei Lin", "07-01 10:30", "Rice paste in the sumi is such a good tip."),
            ping(
                "t",
                None,
                "07-02 09:15",
                "Woodblock Diaries",
                "https://woodblockdiaries.example/2024/07/baren",
                "Yuki Tanaka writes about the hand press",
                kind="trackback",
            ),
        ],
        6: [],
    }
    guest_posts: list[PostData] = []
    for number, (author, slug, title, when, cats, tags, _paragraphs, _teaser) in enumerate(guests, start=1):
        guest_posts.append(
            PostData(
                id=58 + 3 * number,
                slug=f"guest-week-{number}-{slug}",
                title=f"Guest Week #{number}: {title}",
                author=author,
                published=when,
                categories=["guest-week", *cats],
                tags=["guest week", *tags],
                body="",
                series_number=number,
                comments=guest_comments[number],
                images=[RULE_BORDER] if number == 2 else [],
            )
        )
    for index, post in enumerate(guest_posts):
        teaser = guests[index][7]
        following = guest_posts[index + 1] if index + 1 < len(guest_posts) else None
        closing = (
            next_week(following, teaser)
            if following and teaser
            else next_week(None, "we are back to our usual programme. Thank you to all six guests.")
        )
        post.body = "\n".join([guest_intro(index + 1), blocks(*guests[index][6]), closing])
        if following is not None:  # the "next week" link was added when the next part went up
            post.updated = following.published
    posts.extend(guest_posts)

    posts.append(
        PostData(
            id=79,
            slug="binding-a-chapbook-in-an-afternoon",
            title="Binding a chapbook in an afternoon",
            author="aoife",
            published="2024-08-20 10:00",
            categories=["small-press"],
            tags=["binding", "chapbooks"],
            body=blocks(
                "A chapbook is a few folded sheets sewn through the fold. You need a needle, linen thread, an awl "
                "and a bone folder. That is all.",
                "<ol><li>Fold the sheets and nest them.</li><li>Pierce three holes through the fold.</li>"
                "<li>Sew in through the middle, out at the top, back through the middle, out at the bottom, and tie off.</li></ol>",
                "Trim the fore-edge if you have a guillotine. If you do not, call it a deckle and be proud.",
            ),
            comments=[
                c(
                    "a",
                    None,
                    "Anika Weber",
                    "08-20 12:30",
                    "The <em>deckle</em> line made me laugh. Three-hole pamphlet stitch is the best.",
                ),
                c("b", "a", "Aoife Brennan", "08-20 14:00", "Five holes for anything taller than A5, though."),
                c("c", "b", "Anika Weber", "08-20 16:15", "Noted. How far from head and tail?"),
                c("d", "c", "Aoife Brennan", "08-20 18:30", "About 1.5 cm, then space the rest evenly."),
                c(
                    "e",
                    "d",
                    "Priya Raman",
                    "08-21 07:45",
                    "Saving this whole thread. <strong>1.5 cm</strong>, five holes, linen thread.",
                ),
                c("f", None, "Tariq Aziz", "08-22 19:00", "Any advice on thread thickness?"),
            ],
        )
    )

    posts.append(
        PostData(
            id=85,
            slug="distributing-type-without-losing-your-mind",
            title="Distributing type without losing your mind",
            author="margaret",
            published="2024-09-17 16:00",
            categories=["workshop", "type"],
            tags=["hand setting"],
            body=blocks(
                "Setting type is fun. Putting it back, called distribution, is the washing-up of letterpress.",
                "Do it the same day. Do it with the radio on. Read each word before you drop it, so that the p and "
                "the q, the b and the d, go back where they belong.",
            ),
            comments=[
                c("a", None, "Will Thorne", "09-17 20:22", "The radio is essential. Test Match Special, ideally.")
            ],
        )
    )

    posts.append(
        PostData(
            id=90,
            slug="small-press-fairs-worth-the-train-fare",
            title="Small press fairs worth the train fare",
            author="aoife",
            published="2024-10-29 08:30",
            categories=["small-press"],
            tags=["fairs", "events"],
            body=blocks(
                "Autumn is fair season. These are the ones we go back to every year, and why.",
                "The best fairs have tables you can afford, organisers who answer emails, and visitors who came to "
                "buy rather than to photograph. Bring a float of coins and a tablecloth.",
            ),
            comments=[
                c(
                    "a",
                    None,
                    "Ruth Pennington",
                    "10-29 10:00",
                    "Agree about the tablecloth. It makes any table look deliberate.",
                ),
                c("b", None, "Ben Okafor", "10-30 13:20", "Will you have a table at the winter fair?"),
                c("c", "b", "Aoife Brennan", "10-30 15:10", "Table 12, by the window. Come and say hello."),
            ],
        )
    )

    posts.append(
        PostData(
            id=96,
            slug="winter-opening-hours-and-a-thank-you",
            title="Winter opening hours and a thank-you",
            author="margaret",
            published="2024-11-19 11:00",
            categories=["workshop"],
            tags=["news"],
            body=blocks(
                "From December the workshop is open Thursday to Saturday, ten till four.",
                "Thank you to everyone who visited, wrote, commented or printed with us this year.",
            ),
        )
    )
    return posts


# --------------------------------------------------------------------------------------------------------
# Derived structure: comment ids, threads and pages.


@dataclass
class Thread:
    """A comment with its replies, in display order."""

    comment: CommentData
    replies: list[Thread]


def assign_comment_ids(posts: Sequence[PostData]) -> None:
    """WordPress numbers comments across the whole blog in the order they arrived."""
    everything = [(comment.published, index, comment) for post in posts for index, comment in enumerate(post.comments)]
    everything.sort(key=lambda item: (item[0], item[1]))
    for number, (_, _, comment) in enumerate(everything):
        comment.id = FIRST_COMMENT_ID + number


def build_threads(comments: Sequence[CommentData]) -> list[Thread]:
    """Top-level threads oldest first, replies oldest first under their parent."""
    nodes = {comment.key: Thread(comment, []) for comment in comments}
    roots: list[Thread] = []
    order = sorted(comments, key=lambda comment: (comment.published, comment.id))
    for comment in order:
        node = nodes[comment.key]
        if comment.parent is None:
            roots.append(node)
        else:
            nodes[comment.parent].replies.append(node)
    return roots


def walk(threads: Sequence[Thread], depth: int = 0) -> Iterable[tuple[CommentData, int, int]]:
    """(comment, depth, position) in display order."""
    for position, thread in enumerate(threads):
        yield thread.comment, depth, position
        yield from walk(thread.replies, depth + 1)


def comment_pages(post: PostData) -> list[list[Thread]]:
    threads = build_threads(post.comments)
    if not threads:
        return [[]]
    return [threads[i : i + THREADS_PER_COMMENT_PAGE] for i in range(0, len(threads), THREADS_PER_COMMENT_PAGE)]


def comment_page_url(post: PostData, page: int, pages: int) -> str:
    """The URL WordPress links to for a comment page: the post URL itself for the last ("newest") page."""
    return post.url if page == pages else f"{post.url}comment-page-{page}/"


# --------------------------------------------------------------------------------------------------------
# HTML: the theme's frame (head, header, sidebar, footer).


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def excerpt(body: str, words: int = 30) -> str:
    """Plain text (not HTML): the first words of a body, as WordPress's automatic excerpt."""
    text = " ".join(plain_text(body).split()[:words])
    return f"{text} […]"


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("noscript", "script", "style"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("noscript", "script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def plain_text(fragment: str) -> str:
    """Text content of an HTML fragment, whitespace collapsed (as lxml's text_content, normalized)."""
    collector = _TextCollector()
    collector.feed(fragment)
    collector.close()
    return " ".join("".join(collector.parts).split())


@dataclass
class Site:
    posts: list[PostData]  # oldest first

    @property
    def newest_first(self) -> list[PostData]:
        return list(reversed(self.posts))

    def in_category(self, slug: str) -> list[PostData]:
        return [post for post in self.newest_first if slug in post.categories]

    def with_tag(self, tag: str) -> list[PostData]:
        return [post for post in self.newest_first if tag in post.tags]

    def by_author(self, slug: str) -> list[PostData]:
        return [post for post in self.newest_first if post.author == slug]

    def all_tags(self) -> list[str]:
        return sorted({tag for post in self.posts for tag in post.tags})


def head(*, title: str, canonical: str | None, meta: str = "", links: str = "") -> str:
    canonical_link = f'<link rel="canonical" href="{canonical}" />\n' if canonical else ""
    return f"""<!DOCTYPE html>
<html lang="{LANGUAGE}" class="no-js">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="profile" href="https://gmpg.org/xfn/11">
<title>{title}</title>
<meta name='robots' content='max-image-preview:large' />
<link rel="alternate" type="application/rss+xml" title="{esc(BLOG_TITLE)} &raquo; Feed" href="{ORIGIN}/feed/" />
{links}<link rel='stylesheet' id='twentysixteen-style-css' href='{ORIGIN}/wp-content/themes/twentysixteen/style.css?ver=20231107' media='all' />
<meta name="generator" content="WordPress {WP_VERSION}" />
{canonical_link}{meta}</head>
"""


def site_header() -> str:
    return f"""<div id="page" class="site">
<div class="site-inner">
<a class="skip-link screen-reader-text" href="#content">Skip to content</a>
<header id="masthead" class="site-header">
<div class="site-header-main">
<div class="site-branding">
<p class="site-title"><a href="{ORIGIN}/" rel="home">{esc(BLOG_TITLE)}</a></p>
<p class="site-description">{esc(BLOG_DESCRIPTION)}</p>
</div><!-- .site-branding -->
<div id="site-header-menu" class="site-header-menu">
<nav id="site-navigation" class="main-navigation" aria-label="Primary Menu">
<div class="menu-main-container"><ul id="menu-main" class="primary-menu">
<li class="menu-item menu-item-home"><a href="{ORIGIN}/">Home</a></li>
<li class="menu-item menu-item-type-post_type menu-item-object-page"><a href="{ORIGIN}/about/">About</a></li>
<li class="menu-item menu-item-type-taxonomy menu-item-object-category"><a href="{ORIGIN}/category/guest-week/">Guest Week</a></li>
</ul></div>
</nav><!-- .main-navigation -->
</div><!-- .site-header-menu -->
</div><!-- .site-header-main -->
</header><!-- .site-header -->
<div id="content" class="site-content">
"""


def sidebar(site: Site) -> str:
    recent = "\n".join(f'<li><a href="{post.url}">{esc(shown_title(post))}</a></li>' for post in site.newest_first[:5])
    categories = "\n".join(
        f'<li class="cat-item cat-item-{cat.term_id}"><a href="{ORIGIN}/category/{cat.slug}/">{esc(cat.name)}</a>'
        f" ({len(site.in_category(cat.slug))})</li>"
        for cat in sorted(CATEGORIES.values(), key=lambda cat: cat.name)
    )
    return f"""<aside id="secondary" class="sidebar widget-area">
<section id="search-2" class="widget widget_search">
<form role="search" method="get" class="search-form" action="{ORIGIN}/">
<label><span class="screen-reader-text">Search for:</span>
<input type="search" class="search-field" placeholder="Search &hellip;" value="" name="s" /></label>
<button type="submit" class="search-submit"><span class="screen-reader-text">Search</span></button>
</form>
</section>
<section id="recent-posts-2" class="widget widget_recent_entries">
<h2 class="widget-title">Recent Posts</h2>
<nav aria-label="Recent Posts"><ul>
{recent}
</ul></nav>
</section>
<section id="categories-2" class="widget widget_categories">
<h2 class="widget-title">Categories</h2>
<nav aria-label="Categories"><ul>
{categories}
</ul></nav>
</section>
<section id="text-3" class="widget widget_text">
<h2 class="widget-title">Behind the scenes</h2>
<div class="textwidget"><p>Curious what we are writing next? See the <a href="{ORIGIN}/drafts/">Drafts preview</a>.</p></div>
</section>
<section id="meta-2" class="widget widget_meta">
<h2 class="widget-title">Meta</h2>
<nav aria-label="Meta"><ul>
<li><a href="{ORIGIN}/wp-login.php">Log in</a></li>
<li><a href="{ORIGIN}/feed/">Entries feed</a></li>
</ul></nav>
</section>
</aside><!-- .sidebar .widget-area -->
"""


def site_footer() -> str:
    return f"""</div><!-- .site-content -->
<footer id="colophon" class="site-footer">
<div class="site-info">
<span class="site-title"><a href="{ORIGIN}/" rel="home">{esc(BLOG_TITLE)}</a></span>
<a href="https://wordpress.org/" class="imprint">Proudly powered by WordPress</a>
</div><!-- .site-info -->
</footer><!-- .site-footer -->
</div><!-- .site-inner -->
</div><!-- .site -->
<script src="{ORIGIN}/wp-includes/js/comment-reply.min.js?ver={WP_VERSION}" id="comment-reply-js" async data-wp-strategy="async"></script>
</body>
</html>
"""


def page(
    site: Site, *, title: str, body_class: str, canonical: str | None, main: str, meta: str = "", links: str = ""
) -> str:
    return (
        head(title=title, canonical=canonical, meta=meta, links=links)
        + f'<body class="{body_class}">\n'
        + site_header()
        + f'<div id="primary" class="content-area">\n<main id="main" class="site-main">\n{main}\n</main><!-- .site-main -->\n</div><!-- .content-area -->\n'
        + sidebar(site)
        + site_footer()
    )


def doc_title(*parts: str) -> str:
    return " &#8211; ".join(esc(part) for part in parts)


# --------------------------------------------------------------------------------------------------------
# HTML: posts, comments, listings.


def shown_title(post: PostData) -> str:
    return f"Protected: {post.title}" if post.protected else post.title


def post_classes(post: PostData) -> str:
    classes = [f"post-{post.id}", "post", "type-post", "status-publish", "format-standard"]
    if post.protected:
        classes.append("post-password-required")
    classes.append("hentry")
    classes += [f"category-{slug}" for slug in post.categories]
    classes += [f"tag-{slugify(tag)}" for tag in post.tags]
    return " ".join(classes)


def entry_meta(post: PostData) -> str:
    author = AUTHORS[post.author]
    published = (
        f'<time class="entry-date published" datetime="{iso(post.published_at)}">{long_date(post.published_at)}</time>'
    )
    if post.updated:
        times = (
            published + f'<time class="updated" datetime="{iso(post.updated_at)}">{long_date(post.updated_at)}</time>'
        )
    else:
        times = published.replace("entry-date published", "entry-date published updated")
    return (
        '<div class="entry-meta">\n'
        f'<span class="byline"><span class="author vcard"><img alt="" src="{AVATAR_URL}" class="avatar avatar-49 photo"'
        f' height="49" width="49" loading="lazy" decoding="async"/><span class="screen-reader-text">Author </span>'
        f' <a class="url fn n" href="{ORIGIN}/author/{author.slug}/">{esc(author.name)}</a></span></span>\n'
        f'<span class="posted-on"><span class="screen-reader-text">Posted on </span><a href="{post.url}" rel="bookmark">{times}</a></span>\n'
        "</div><!-- .entry-meta -->"
    )


def entry_footer(post: PostData, *, listing: bool) -> str:
    cats = ", ".join(
        f'<a href="{ORIGIN}/category/{slug}/" rel="category tag">{esc(CATEGORIES[slug].name)}</a>'
        for slug in post.categories
    )
    tags = ", ".join(f'<a href="{ORIGIN}/tag/{slugify(tag)}/" rel="tag">{esc(tag)}</a>' for tag in post.tags)
    parts = [
        f'<span class="cat-links"><span class="screen-reader-text">Categories </span>{cats}</span>',
        f'<span class="tags-links"><span class="screen-reader-text">Tags </span>{tags}</span>' if tags else "",
    ]
    if listing and not post.protected:
        count = len(post.comments)
        if count:
            label = "1 Comment" if count == 1 else f"{count} Comments"
            parts.append(
                f'<span class="comments-link"><a href="{post.url}#comments">{label}'
                f'<span class="screen-reader-text"> on {esc(post.title)}</span></a></span>'
            )
        else:
            parts.append(
                f'<span class="comments-link"><a href="{post.url}#respond">Leave a comment'
                f'<span class="screen-reader-text"> on {esc(post.title)}</span></a></span>'
            )
    return (
        '<footer class="entry-footer">\n'
        + "\n".join(part for part in parts if part)
        + "\n</footer><!-- .entry-footer -->"
    )


def password_form(post: PostData) -> str:
    return (
        f'<form action="{ORIGIN}/wp-login.php?action=postpass" class="post-password-form" method="post">\n'
        "<p>This content is password protected. To view it please enter your password below:</p>\n"
        f'<p><label for="pwbox-{post.id}">Password: <input name="post_password" id="pwbox-{post.id}" type="password"'
        ' spellcheck="false" size="20" /></label> <input type="submit" name="Submit" value="Enter" /></p>\n</form>'
    )


def single_article(post: PostData) -> str:
    content = password_form(post) if post.protected else post.body
    return f"""<article id="post-{post.id}" class="{post_classes(post)}">
<header class="entry-header">
<h1 class="entry-title">{esc(shown_title(post))}</h1>
{entry_meta(post)}
</header><!-- .entry-header -->
<div class="entry-content">
{content}
</div><!-- .entry-content -->
{entry_footer(post, listing=False)}
</article><!-- #post-{post.id} -->"""


def listing_article(post: PostData) -> str:
    summary = password_form(post) if post.protected else f"<p>{esc(excerpt(post.body))}</p>"
    more = (
        ""
        if post.protected
        else f'<p class="link-more"><a href="{post.url}" class="more-link">Continue reading<span class="screen-reader-text">'
        f" &#8220;{esc(post.title)}&#8221;</span></a></p>"
    )
    return f"""<article id="post-{post.id}" class="{post_classes(post)}">
<header class="entry-header">
<h2 class="entry-title"><a href="{post.url}" rel="bookmark">{esc(shown_title(post))}</a></h2>
{entry_meta(post)}
</header><!-- .entry-header -->
<div class="entry-summary">
{summary}
{more}
</div><!-- .entry-summary -->
{entry_footer(post, listing=True)}
</article><!-- #post-{post.id} -->"""


@dataclass
class _Alternation:
    """WordPress alternates odd/even over every comment shown, and thread-odd/even over top-level ones."""

    comments: int = 0
    threads: int = 0


def comment_classes(comment: CommentData, post: PostData, depth: int, has_children: bool, alt: _Alternation) -> str:
    classes = [comment.kind]
    if comment.staff:
        classes += ["byuser", f"comment-author-{comment.staff}"]
        if comment.staff == post.author:
            classes.append("bypostauthor")
    classes += ["odd", "alt"] if alt.comments % 2 else ["even"]
    alt.comments += 1
    if depth == 0:
        classes += ["thread-odd", "thread-alt"] if alt.threads % 2 else ["thread-even"]
        alt.threads += 1
    classes.append(f"depth-{depth + 1}")
    if has_children:
        classes.append("parent")
    return " ".join(classes)


def author_html(comment: CommentData) -> str:
    if comment.author_url:
        return f'<a href="{esc(comment.author_url)}" class="url" rel="ugc external nofollow">{esc(comment.author)}</a>'
    return esc(comment.author)


def comment_item(thread: Thread, post: PostData, depth: int, alt: _Alternation, page_url: str, link_base: str) -> str:
    comment = thread.comment
    classes = comment_classes(comment, post, depth, bool(thread.replies), alt)
    if comment.kind != "comment":
        label = "Pingback" if comment.kind == "pingback" else "Trackback"
        body = f'<div class="comment-body">\n{label}: {author_html(comment)} \n</div>'
    else:
        reply = ""
        if depth + 1 < MAX_THREAD_DEPTH:
            name = esc(comment.author)
            reply = (
                f'<div class="reply"><a rel="nofollow" class="comment-reply-link" href="{page_url}?replytocom={comment.id}#respond"'
                f' data-commentid="{comment.id}" data-postid="{post.id}" data-belowelement="div-comment-{comment.id}"'
                f' data-respondelement="respond" data-replyto="Reply to {name}" aria-label="Reply to {name}">Reply</a></div>\n'
            )
        body = f"""<article id="div-comment-{comment.id}" class="comment-body">
<footer class="comment-meta">
<div class="comment-author vcard">
<img alt="" src="{AVATAR_URL}" srcset="{AVATAR_2X_URL} 2x" class="avatar avatar-56 photo" height="56" width="56" loading="lazy" decoding="async"/>
<b class="fn">{author_html(comment)}</b> <span class="says">says:</span>
</div><!-- .comment-author -->
<div class="comment-metadata">
<a href="{link_base}#comment-{comment.id}"><time datetime="{iso(comment.published)}">{comment_date(comment.published)}</time></a>
</div><!-- .comment-metadata -->
</footer><!-- .comment-meta -->
<div class="comment-content">
{comment.html}
</div><!-- .comment-content -->
{reply}</article><!-- .comment-body -->"""
    children = ""
    if thread.replies:
        inner = "\n".join(comment_item(reply, post, depth + 1, alt, page_url, link_base) for reply in thread.replies)
        children = f'\n<ol class="children">\n{inner}\n</ol><!-- .children -->'
    return f'<li id="comment-{comment.id}" class="{classes}">\n{body}{children}\n</li><!-- #comment-## -->'


def comment_navigation(post: PostData, current: int, pages: int) -> str:
    older = (
        f'<div class="nav-previous"><a href="{comment_page_url(post, current - 1, pages)}#comments">Older comments</a></div>'
        if current > 1
        else ""
    )
    newer = (
        f'<div class="nav-next"><a href="{comment_page_url(post, current + 1, pages)}#comments">Newer comments</a></div>'
        if current < pages
        else ""
    )
    return (
        '<nav class="navigation comment-navigation" aria-label="Comments">\n'
        '<h2 class="screen-reader-text">Comments navigation</h2>\n'
        f'<div class="nav-links">{older}{newer}</div>\n</nav>'
    )


def comments_pagination(post: PostData, current: int, pages: int) -> str:
    def numbered(number: int) -> str:
        return f"{post.url}comment-page-{number}/#comments"

    links = []
    if current > 1:
        links.append(f'<a class="prev page-numbers" href="{numbered(current - 1)}">Previous</a>')
    for number in range(1, pages + 1):
        if number == current:
            links.append(f'<span aria-current="page" class="page-numbers current">{number}</span>')
        else:
            links.append(f'<a class="page-numbers" href="{numbered(number)}">{number}</a>')
    if current < pages:
        links.append(f'<a class="next page-numbers" href="{numbered(current + 1)}">Next</a>')
    return (
        '<nav class="navigation comments-pagination" aria-label="Comments">\n'
        '<h2 class="screen-reader-text">Comments navigation</h2>\n'
        f'<div class="nav-links">{" ".join(links)}</div>\n</nav>'
    )


def comments_title(post: PostData) -> str | None:
    count = len(post.comments)
    if post.protected or count == 0:
        return None
    if count == 1:
        return f"One thought on &ldquo;{esc(post.title)}&rdquo;"
    return f"{count} thoughts on &ldquo;{esc(post.title)}&rdquo;"


def respond_form(post: PostData) -> str:
    return f"""<div id="respond" class="comment-respond">
<h2 id="reply-title" class="comment-reply-title">Leave a Reply <small><a rel="nofollow" id="cancel-comment-reply-link" href="{post.url}#respond" style="display:none;">Cancel reply</a></small></h2>
<form action="{ORIGIN}/wp-comments-post.php" method="post" id="commentform" class="comment-form" novalidate>
<p class="comment-notes"><span id="email-notes">Your email address will not be published.</span> <span class="required-field-message">Required fields are marked <span class="required">*</span></span></p>
<p class="comment-form-comment"><label for="comment">Comment <span class="required">*</span></label> <textarea id="comment" name="comment" cols="45" rows="8" maxlength="65525" required></textarea></p>
<p class="comment-form-author"><label for="author">Name <span class="required">*</span></label> <input id="author" name="author" type="text" value="" size="30" maxlength="245" autocomplete="name" required /></p>
<p class="comment-form-email"><label for="email">Email <span class="required">*</span></label> <input id="email" name="email" type="email" value="" size="30" maxlength="100" aria-describedby="email-notes" autocomplete="email" required /></p>
<p class="comment-form-url"><label for="url">Website</label> <input id="url" name="url" type="url" value="" size="30" maxlength="200" autocomplete="url" /></p>
<p class="form-submit"><input name="submit" type="submit" id="submit" class="submit" value="Post Comment" /> <input type='hidden' name='comment_post_ID' value='{post.id}' id='comment_post_ID' />
<input type='hidden' name='comment_parent' id='comment_parent' value='0' /></p>
</form>
</div><!-- #respond -->"""


def comments_area(post: PostData, threads: Sequence[Thread], current: int, pages: int, page_url: str) -> str:
    if post.protected:
        return ""
    parts = ['<div id="comments" class="comments-area">']
    title = comments_title(post)
    if title:
        parts.append(f'<h2 class="comments-title">{title}</h2>')
        if pages > 1:
            parts.append(comment_navigation(post, current, pages))
        alt = _Alternation()
        link_base = comment_page_url(post, current, pages)
        items = "\n".join(comment_item(thread, post, 0, alt, page_url, link_base) for thread in threads)
        parts.append(f'<ol class="comment-list">\n{items}\n</ol><!-- .comment-list -->')
        if pages > 1:
            parts.append(comments_pagination(post, current, pages))
    parts.append(respond_form(post))
    parts.append("</div><!-- .comments-area -->")
    return "\n".join(parts)


def post_navigation(site: Site, post: PostData) -> str:
    index = site.posts.index(post)
    parts = []
    if index > 0:
        previous = site.posts[index - 1]
        parts.append(
            f'<div class="nav-previous"><a href="{previous.url}" rel="prev"><span class="meta-nav" aria-hidden="true">Previous</span>'
            f' <span class="post-title">{esc(shown_title(previous))}</span></a></div>'
        )
    if index + 1 < len(site.posts):
        following = site.posts[index + 1]
        parts.append(
            f'<div class="nav-next"><a href="{following.url}" rel="next"><span class="meta-nav" aria-hidden="true">Next</span>'
            f' <span class="post-title">{esc(shown_title(following))}</span></a></div>'
        )
    return (
        '<nav class="navigation post-navigation" aria-label="Posts">\n<h2 class="screen-reader-text">Post navigation</h2>\n'
        f'<div class="nav-links">{"".join(parts)}</div>\n</nav>'
    )


def post_meta_tags(post: PostData) -> str:
    tags = [
        '<meta property="og:locale" content="en_GB" />',
        '<meta property="og:type" content="article" />',
        f'<meta property="og:title" content="{esc(shown_title(post))}" />',
        f'<meta property="og:url" content="{post.url}" />',
        f'<meta property="og:site_name" content="{esc(BLOG_TITLE)}" />',
        f'<meta property="article:published_time" content="{iso(post.published_at)}" />',
        f'<meta property="article:modified_time" content="{iso(post.updated_at)}" />',
        f'<meta name="author" content="{esc(AUTHORS[post.author].name)}" />',
    ]
    if not post.protected:
        tags.insert(4, f'<meta property="og:description" content="{esc(excerpt(post.body, 25))}" />')
    for image in post.images:
        tags.append(f'<meta property="og:image" content="{ORIGIN}{image.path}" />')
    return "\n".join(tags) + "\n"


def single_page(site: Site, post: PostData, threads: Sequence[Thread], current: int, pages: int) -> str:
    """The post page; ``current`` is the comment page shown (the last one at the post URL itself)."""
    page_url = post.url if current == pages else f"{post.url}comment-page-{current}/"
    body_class = f"post-template-default single single-post postid-{post.id} single-format-standard"
    if post.protected:
        body_class += " post-password-required"
    main = "\n".join(
        [single_article(post), comments_area(post, threads, current, pages, page_url), post_navigation(site, post)]
    )
    links = (
        f'<link rel="alternate" type="application/rss+xml" title="{esc(BLOG_TITLE)} &raquo; {esc(post.title)} Comments Feed"'
        f' href="{post.url}feed/" />\n'
    )
    title = doc_title(shown_title(post), BLOG_TITLE)
    meta = f"<link rel='shortlink' href='{ORIGIN}/?p={post.id}' />\n" + post_meta_tags(post)
    return page(site, title=title, body_class=body_class, canonical=post.url, main=main, meta=meta, links=links)


def pagination_nav(base: str, current: int, pages: int) -> str:
    if pages <= 1:
        return ""

    def url(number: int) -> str:
        return base if number == 1 else f"{base}page/{number}/"

    links = []
    if current > 1:
        links.append(f'<a class="prev page-numbers" href="{url(current - 1)}">Previous page</a>')
    for number in range(1, pages + 1):
        label = f'<span class="meta-nav screen-reader-text">Page </span>{number}'
        if number == current:
            links.append(f'<span aria-current="page" class="page-numbers current">{label}</span>')
        else:
            links.append(f'<a class="page-numbers" href="{url(number)}">{label}</a>')
    if current < pages:
        links.append(f'<a class="next page-numbers" href="{url(current + 1)}">Next page</a>')
    return (
        '<nav class="navigation pagination" aria-label="Posts">\n<h2 class="screen-reader-text">Posts navigation</h2>\n'
        f'<div class="nav-links">{"".join(links)}</div>\n</nav>'
    )


def listing_pages(
    site: Site, posts: Sequence[PostData], *, base: str, name: str, body_class: str, header: str
) -> dict[str, str]:
    """An archive paginated like WordPress: ``base``, ``base/page/2/``, ...; returns {relative path: html}."""
    chunks = [posts[i : i + POSTS_PER_PAGE] for i in range(0, len(posts), POSTS_PER_PAGE)] or [[]]
    pages = len(chunks)
    out: dict[str, str] = {}
    for number, chunk in enumerate(chunks, start=1):
        url = base if number == 1 else f"{base}page/{number}/"
        classes = body_class + (f" paged paged-{number}" if number > 1 else "")
        title = (
            doc_title(name, *([f"Page {number}"] if number > 1 else []), BLOG_TITLE)
            if name
            else doc_title(BLOG_TITLE, *([f"Page {number}"] if number > 1 else []), BLOG_DESCRIPTION)
        )
        main = "\n".join([header, *(listing_article(post) for post in chunk), pagination_nav(base, number, pages)])
        meta = (
            '<meta property="og:type" content="website" />\n'
            + f'<meta property="og:site_name" content="{esc(BLOG_TITLE)}" />\n'
        )
        out[url.removeprefix(ORIGIN)] = page(site, title=title, body_class=classes, canonical=url, main=main, meta=meta)
    return out


def archive_header(title: str, description: str = "") -> str:
    desc = f'\n<div class="taxonomy-description"><p>{esc(description)}</p></div>' if description else ""
    return f'<header class="page-header">\n<h1 class="page-title">{title}</h1>{desc}\n</header><!-- .page-header -->'


def static_page(site: Site, *, page_id: int, slug: str, title: str, content: str) -> str:
    url = f"{ORIGIN}/{slug}/"
    main = f"""<article id="post-{page_id}" class="post-{page_id} page type-page status-publish hentry">
<header class="entry-header">
<h1 class="entry-title">{esc(title)}</h1>
</header><!-- .entry-header -->
<div class="entry-content">
{content}
</div><!-- .entry-content -->
</article><!-- #post-{page_id} -->"""
    meta = (
        '<meta property="og:type" content="article" />\n'
        f'<meta property="og:title" content="{esc(title)}" />\n<meta property="og:url" content="{url}" />\n'
    )
    return page(
        site,
        title=doc_title(title, BLOG_TITLE),
        body_class=f"page-template-default page page-id-{page_id}",
        canonical=url,
        main=main,
        meta=meta,
    )


ABOUT = blocks(
    "The Composing Stick is a letterpress workshop and small press in a former bakery in Bristol. We have "
    "four presses, about three hundred cases of metal type and a growing collection of wood type.",
    "We print stationery, posters and short runs of poetry, and we teach evening and weekend courses.",
    f"The blog is written by Margaret, Tomasz and Aoife, with guests every summer. Subscribe to the "
    f'<a href="{ORIGIN}/feed/">feed</a> to follow along.',
)

DRAFTS = blocks(
    "Work in progress. These are not published yet; please do not share the links.",
    "<h2>Draft: Guest Week 2025, a call for printers</h2>",
    "We are looking for six printers to write for next summer's Guest Week. Tell us what you would write about.",
    "<h2>Draft: Roller height, the source of most misery</h2>",
    "Outline only: gauges, trucks, tape, and why the rollers must kiss the type and not punch it.",
)


def not_found_page(site: Site) -> str:
    main = """<section class="error-404 not-found">
<header class="page-header">
<h1 class="page-title">Oops! That page can&rsquo;t be found.</h1>
</header><!-- .page-header -->
<div class="page-content">
<p>It looks like nothing was found at this location. Maybe try a search?</p>
</div><!-- .page-content -->
</section><!-- .error-404 -->"""
    return page(site, title=doc_title("Page not found", BLOG_TITLE), body_class="error404", canonical=None, main=main)


# --------------------------------------------------------------------------------------------------------
# XML: feeds and sitemaps; robots.txt.


def cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


RSS_OPEN = """<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"
\txmlns:content="http://purl.org/rss/1.0/modules/content/"
\txmlns:wfw="http://wellformedweb.org/CommentAPI/"
\txmlns:dc="http://purl.org/dc/elements/1.1/"
\txmlns:atom="http://www.w3.org/2005/Atom"
\txmlns:sy="http://purl.org/rss/1.0/modules/syndication/"
\txmlns:slash="http://purl.org/rss/1.0/modules/slash/"
\t>
"""


def feed_item(post: PostData) -> str:
    if post.protected:
        description = "There is no excerpt because this is a protected post."
        content = password_form(post)
    else:
        description = excerpt(post.body, 55)
        content = post.body
    categories = "".join(f"\n\t\t<category>{cdata(CATEGORIES[slug].name)}</category>" for slug in post.categories)
    categories += "".join(f"\n\t\t<category>{cdata(tag)}</category>" for tag in post.tags)
    comments_anchor = "#comments" if post.comments else "#respond"
    return f"""\t<item>
\t\t<title>{esc(post.title)}</title>
\t\t<link>{post.url}</link>
\t\t<comments>{post.url}{comments_anchor}</comments>
\t\t<dc:creator>{cdata(AUTHORS[post.author].name)}</dc:creator>
\t\t<pubDate>{rfc822(post.published_at)}</pubDate>{categories}
\t\t<guid isPermaLink="false">{ORIGIN}/?p={post.id}</guid>
\t\t<description>{cdata(description)}</description>
\t\t<content:encoded>{cdata(content)}</content:encoded>
\t\t<wfw:commentRss>{post.url}feed/</wfw:commentRss>
\t\t<slash:comments>{0 if post.protected else len(post.comments)}</slash:comments>
\t</item>
"""


def main_feed_pages(site: Site) -> dict[str, str]:
    """``/feed/`` and ``/feed/?paged=N``, newest first; returns {relative file path: xml}."""
    posts = site.newest_first
    chunks = [posts[i : i + FEED_ITEMS_PER_PAGE] for i in range(0, len(posts), FEED_ITEMS_PER_PAGE)]
    last_build = max(post.updated_at for post in site.posts)
    out: dict[str, str] = {}
    for number, chunk in enumerate(chunks, start=1):
        self_url = f"{ORIGIN}/feed/" + (f"?paged={number}" if number > 1 else "")
        nav = ""
        if number > 1:
            previous = f"{ORIGIN}/feed/" + (f"?paged={number - 1}" if number > 2 else "")
            nav += f'\t<atom:link href="{previous}" rel="previous" type="application/rss+xml" />\n'
        if number < len(chunks):
            nav += f'\t<atom:link href="{ORIGIN}/feed/?paged={number + 1}" rel="next" type="application/rss+xml" />\n'
        xml = (
            RSS_OPEN
            + f"""<channel>
\t<title>{esc(BLOG_TITLE)}</title>
\t<atom:link href="{self_url}" rel="self" type="application/rss+xml" />
{nav}\t<link>{ORIGIN}</link>
\t<description>{esc(BLOG_DESCRIPTION)}</description>
\t<lastBuildDate>{rfc822(last_build)}</lastBuildDate>
\t<language>{LANGUAGE}</language>
\t<sy:updatePeriod>
\thourly\t</sy:updatePeriod>
\t<sy:updateFrequency>
\t1\t</sy:updateFrequency>
\t<generator>https://wordpress.org/?v={WP_VERSION}</generator>
"""
            + "".join(feed_item(post) for post in chunk)
            + "</channel>\n</rss>\n"
        )
        out["feed/index.xml" if number == 1 else f"feed/index@paged={number}.xml"] = xml
    return out


def comment_feed(post: PostData) -> str:
    """A post's comment feed (``<post>/feed/``), newest comment first, as WordPress serves it."""
    items = []
    shown = [] if post.protected else post.comments
    for comment in sorted(shown, key=lambda item: (item.published, item.id), reverse=True):
        if comment.kind != "comment":
            continue
        link_page = comment_page_url(post, page_of_comment(post, comment), len(comment_pages(post)))
        items.append(f"""\t<item>
\t\t<title>By: {esc(comment.author)}</title>
\t\t<link>{link_page}#comment-{comment.id}</link>
\t\t<dc:creator>{cdata(comment.author)}</dc:creator>
\t\t<pubDate>{rfc822(comment.published)}</pubDate>
\t\t<guid isPermaLink="false">{post.url}#comment-{comment.id}</guid>
\t\t<description>{cdata(plain_text(comment.html))}</description>
\t\t<content:encoded>{cdata(comment.html)}</content:encoded>
\t</item>
""")
    last = max((comment.published for comment in shown), default=post.updated_at)
    return (
        RSS_OPEN
        + f"""<channel>
\t<title>Comments on: {esc(post.title)}</title>
\t<atom:link href="{post.url}feed/" rel="self" type="application/rss+xml" />
\t<link>{post.url}</link>
\t<description>{esc(BLOG_DESCRIPTION)}</description>
\t<lastBuildDate>{rfc822(last)}</lastBuildDate>
\t<sy:updatePeriod>
\thourly\t</sy:updatePeriod>
\t<sy:updateFrequency>
\t1\t</sy:updateFrequency>
\t<generator>https://wordpress.org/?v={WP_VERSION}</generator>
"""
        + "".join(items)
        + "</channel>\n</rss>\n"
    )


def page_of_comment(post: PostData, target: CommentData) -> int:
    for number, threads in enumerate(comment_pages(post), start=1):
        if any(comment is target for comment, _, _ in walk(threads)):
            return number
    raise ValueError(f"comment {target.id} is on no page of {post.path}")


SITEMAP_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'


def urlset(entries: Iterable[tuple[str, datetime | None]]) -> str:
    rows = "".join(
        f"<url><loc>{loc}</loc>" + (f"<lastmod>{iso(mod)}</lastmod>" if mod else "") + "</url>\n"
        for loc, mod in entries
    )
    return SITEMAP_HEAD + f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{rows}</urlset>\n'


def sitemaps(site: Site) -> dict[str, str]:
    names = [
        "wp-sitemap-posts-post-1.xml",
        "wp-sitemap-posts-page-1.xml",
        "wp-sitemap-taxonomies-category-1.xml",
        "wp-sitemap-taxonomies-post_tag-1.xml",
        "wp-sitemap-users-1.xml",
    ]
    index_rows = "".join(f"<sitemap><loc>{ORIGIN}/{name}</loc></sitemap>\n" for name in names)
    return {
        "wp-sitemap.xml": SITEMAP_HEAD
        + f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{index_rows}</sitemapindex>\n',
        names[0]: urlset((post.url, post.updated_at) for post in site.posts),
        names[1]: urlset([(f"{ORIGIN}/about/", None), (f"{ORIGIN}/drafts/", None)]),
        names[2]: urlset((f"{ORIGIN}/category/{slug}/", None) for slug in CATEGORIES),
        names[3]: urlset((f"{ORIGIN}/tag/{slugify(tag)}/", None) for tag in site.all_tags()),
        names[4]: urlset((f"{ORIGIN}/author/{slug}/", None) for slug in AUTHORS),
    }


ROBOTS = f"""User-agent: *
Disallow: /wp-admin/
Allow: /wp-admin/admin-ajax.php
Disallow: /drafts/

Sitemap: {ORIGIN}/wp-sitemap.xml
"""

STYLE_CSS = """/*
Theme Name: Twenty Sixteen (sample copy, trimmed)
*/
body { margin: 0; font: 16px/1.6 Georgia, serif; color: #1a1a1a; background: #f4efe6; }
.site { max-width: 1000px; margin: 0 auto; background: #fff; padding: 0 2em; }
.site-content { display: flex; gap: 3em; }
.content-area { flex: 3; min-width: 0; }
.sidebar { flex: 1; font-size: 0.9em; }
.site-title a { color: #7a1f12; text-decoration: none; font-size: 1.8em; font-weight: bold; }
.screen-reader-text { position: absolute; left: -9999px; }
.entry-meta, .entry-footer, .comment-metadata { color: #686868; font-size: 0.85em; }
.entry-meta > span, .entry-footer > span { margin-right: 1em; }
.comment-list, .children { list-style: none; padding-left: 1.5em; }
.comment-list { padding-left: 0; }
.comment-body { border-top: 1px solid #e5e0d8; padding: 0.8em 0; }
.avatar { float: left; margin-right: 0.7em; border-radius: 50%; }
.bypostauthor > .comment-body .fn::after { content: " (author)"; color: #7a1f12; }
.wp-block-image img { max-width: 100%; height: auto; }
figcaption { font-size: 0.85em; color: #686868; font-style: italic; }
blockquote { border-left: 4px solid #7a1f12; margin-left: 0; padding-left: 1em; font-style: italic; }
pre { background: #f7f4ee; padding: 0.8em; overflow: auto; }
.page-numbers { padding: 0 0.4em; }
.primary-menu { list-style: none; padding: 0; display: flex; gap: 1.5em; }
.entry-meta .avatar { float: none; width: 24px; height: 24px; vertical-align: middle; margin-right: 0.4em; }
.entry-content, .entry-summary { clear: both; }
.comment-content { clear: both; }
.sidebar ul { padding-left: 1em; }
"""


# --------------------------------------------------------------------------------------------------------
# Images, drawn here.


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=72, optimize=True)
    return buffer.getvalue()


def draw_proof_press() -> bytes:
    image = Image.new("RGB", (640, 400), (250, 246, 238))
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=16)
    ink, iron, wood = (40, 40, 48), (90, 96, 110), (176, 132, 84)
    draw.rectangle((40, 300, 600, 330), fill=iron)  # bed rails
    draw.rectangle((120, 280, 420, 300), fill=(60, 60, 66))  # forme on the bed
    draw.ellipse((300, 170, 420, 290), outline=ink, width=6, fill=(200, 204, 210))  # cylinder
    draw.ellipse((470, 190, 530, 250), outline=ink, width=4, fill=(120, 20, 30))  # ink drum
    draw.polygon([(420, 170), (600, 120), (610, 135), (430, 190)], fill=wood)  # feed board
    for x in (60, 560):
        draw.rectangle((x, 330, x + 20, 380), fill=iron)  # legs
    labels = [
        ((150, 250), "bed and forme"),
        ((285, 140), "cylinder"),
        ((470, 260), "ink drum"),
        ((470, 90), "feed board"),
    ]
    for (x, y), text in labels:
        draw.text((x, y), text, fill=ink, font=font)
    draw.text((20, 16), "Cylinder proof press, side view", fill=(122, 31, 18), font=ImageFont.load_default(size=22))
    return _png(image.quantize(colors=32))


def draw_wood_type(width: int, height: int) -> bytes:
    image = Image.new("RGB", (width, height), (92, 62, 38))
    draw = ImageDraw.Draw(image)
    columns, rows = 6, 4
    cell_w, cell_h = width // columns, height // rows
    colours = [(200, 60, 50), (40, 80, 150), (214, 180, 130), (230, 200, 150)]
    font = ImageFont.load_default(size=int(cell_h * 0.7))
    letters = "COMPOSINGSTICKBRISTOL24&"
    for index, letter in enumerate(letters):
        col, row = index % columns, index // columns
        x0, y0 = col * cell_w + 6, row * cell_h + 6
        draw.rectangle((x0, y0, x0 + cell_w - 12, y0 + cell_h - 12), fill=colours[(index * 7) % len(colours)])
        draw.text((x0 + cell_w * 0.22, y0 + cell_h * 0.05), letter, fill=(30, 24, 20), font=font)
    for col in range(columns + 1):  # the drawer's partitions
        draw.line((col * cell_w, 0, col * cell_w, height), fill=(60, 40, 24), width=5)
    return _jpeg(image)


def draw_rule_border() -> bytes:
    image = Image.new("RGB", (480, 320), (252, 250, 244))
    draw = ImageDraw.Draw(image)
    draw.rectangle((30, 30, 450, 290), outline=(20, 20, 20), width=6)
    draw.rectangle((46, 46, 434, 274), outline=(20, 20, 20), width=2)
    draw.text((150, 140), "Kwame Asante, Printer", fill=(20, 20, 20), font=ImageFont.load_default(size=20))
    return _png(image.quantize(colors=8))


def draw_avatar(size: int) -> bytes:
    image = Image.new("RGB", (size, size), (216, 212, 204))
    draw = ImageDraw.Draw(image)
    draw.ellipse((size * 0.3, size * 0.15, size * 0.7, size * 0.55), fill=(250, 250, 250))
    draw.ellipse((size * 0.12, size * 0.6, size * 0.88, size * 1.3), fill=(250, 250, 250))
    return _png(image.quantize(colors=4))


def image_files() -> dict[str, bytes]:
    return {
        PROOF_PRESS.path: draw_proof_press(),
        TYPE_CASE.path: draw_wood_type(960, 640),
        TYPE_CASE_SMALL: draw_wood_type(480, 320),
        RULE_BORDER.path: draw_rule_border(),
        AVATAR_URL.removeprefix(ORIGIN): draw_avatar(56),
        AVATAR_2X_URL.removeprefix(ORIGIN): draw_avatar(112),
    }


# --------------------------------------------------------------------------------------------------------
# Truth and assembly.


def comment_truth(post: PostData) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for threads in comment_pages(post):
        for comment, depth, position in walk(threads):
            rows.append(
                {
                    "id": str(comment.id),
                    "parent": str(find_comment(post, comment.parent).id) if comment.parent else None,
                    "author": html.unescape(comment.author),
                    "author_url": comment.author_url,
                    # Classic themes print no date for pingbacks and trackbacks, and anonymous REST hides them:
                    # a visitor cannot know it, so neither can an archive.
                    "published_at": iso(comment.published) if comment.kind == "comment" else None,
                    "kind": comment.kind,
                    "depth": depth,
                    "position": position,
                    "text": comment_text(comment),
                }
            )
    # Positions of top-level threads run across comment pages (display order is over the whole thread).
    top = [row for row in rows if row["depth"] == 0]
    for position, row in enumerate(top):
        row["position"] = position
    return rows


def comment_text(comment: CommentData) -> str:
    """The plain text a reader sees in the comment body (for pings: the "Pingback: <title>" line)."""
    if comment.kind == "comment":
        return plain_text(comment.html)
    label = "Pingback" if comment.kind == "pingback" else "Trackback"
    return plain_text(f"{label}: {comment.author}")


def find_comment(post: PostData, key: str) -> CommentData:
    for comment in post.comments:
        if comment.key == key:
            return comment
    raise KeyError(f"{post.path}: no comment {key!r}")


def post_truth(post: PostData) -> dict[str, object]:
    pages = comment_pages(post)
    return {
        "path": post.path,
        "source_id": str(post.id),
        "title": post.title,
        "author": AUTHORS[post.author].name,
        "published_at": iso(post.published_at),
        "updated_at": iso(post.updated_at),
        "categories": [CATEGORIES[slug].name for slug in post.categories],
        "tags": list(post.tags),
        "series": {"name": "Guest Week", "number": post.series_number} if post.series_number else None,
        "protected": post.protected,
        "images": []
        if post.protected
        else [{"path": image.path, "media_type": image.media_type, "alt": image.alt} for image in post.images],
        "comment_count_expected": None if post.protected or not post.comments else len(post.comments),
        "comment_pages": 0 if post.protected else len(pages),
        "language": LANGUAGE,
        "comments": [] if post.protected else comment_truth(post),
    }


def add_extra_comments(posts: Sequence[PostData], extra: Sequence[dict[str, object]]) -> None:
    """Attach test-supplied comments: dicts with post_path (or post, or path), id, parent (id or None), author,
    published_at, text, and optionally author_url and kind."""
    by_path = {post.path: post for post in posts}
    for item in extra:
        path = item.get("post_path") or item.get("post") or item.get("path")
        if path not in by_path:
            raise KeyError(f"extra comment {item.get('id')}: no post at {path!r}")
        post = by_path[str(path)]
        parent_id = item.get("parent")
        parent_key = None
        if parent_id is not None:
            parent_key = next(comment.key for comment in post.comments if str(comment.id) == str(parent_id))
        published = datetime.fromisoformat(str(item["published_at"]))
        comment = CommentData(
            key=f"extra-{item['id']}",
            parent=parent_key,
            author=str(item["author"]),
            when=published.strftime("%Y-%m-%d %H:%M"),
            moment=published,
            html=blocks(*(esc(part) for part in str(item["text"]).split("\n\n"))),
            kind=str(item.get("kind", "comment")),
            author_url=str(item["author_url"]) if item.get("author_url") else None,
            id=int(str(item["id"])),
        )
        post.comments.append(comment)


def render_site(site: Site) -> dict[str, str | bytes]:
    """Every file of the site: {relative path: text or bytes}."""
    files: dict[str, str | bytes] = {}

    def put(url_path: str, content: str | bytes) -> None:
        relative = url_path.strip("/")
        if url_path.endswith("/"):
            relative = f"{relative}/index.html" if relative else "index.html"
        files[relative] = content

    for post in site.posts:
        pages = comment_pages(post)
        count = len(pages)
        for number, threads in enumerate(pages, start=1):
            html_text = single_page(site, post, threads, number, count)
            if number == count:
                put(post.path, html_text)
            if count > 1:
                put(f"{post.path}comment-page-{number}/", html_text)
        # WordPress answers every post's comment feed, even an empty one.
        files[f"{post.path.strip('/')}/feed/index.xml"] = comment_feed(post)

    home = listing_pages(site, site.newest_first, base=f"{ORIGIN}/", name="", body_class="home blog", header="")
    for path, text in home.items():
        put(path, text)
    for cat in CATEGORIES.values():
        listing = listing_pages(
            site,
            site.in_category(cat.slug),
            base=f"{ORIGIN}/category/{cat.slug}/",
            name=cat.name,
            body_class=f"archive category category-{cat.slug} category-{cat.term_id}",
            header=archive_header(f"Category: <span>{esc(cat.name)}</span>", cat.description),
        )
        for path, text in listing.items():
            put(path, text)
    for number, tag in enumerate(site.all_tags(), start=20):
        listing = listing_pages(
            site,
            site.with_tag(tag),
            base=f"{ORIGIN}/tag/{slugify(tag)}/",
            name=tag,
            body_class=f"archive tag tag-{slugify(tag)} tag-{number}",
            header=archive_header(f"Tag: <span>{esc(tag)}</span>"),
        )
        for path, text in listing.items():
            put(path, text)
    for author in AUTHORS.values():
        listing = listing_pages(
            site,
            site.by_author(author.slug),
            base=f"{ORIGIN}/author/{author.slug}/",
            name=author.name,
            body_class=f"archive author author-{author.slug} author-{author.user_id}",
            header=archive_header(f'Author: <span class="vcard">{esc(author.name)}</span>', author.bio),
        )
        for path, text in listing.items():
            put(path, text)

    put("/about/", static_page(site, page_id=2, slug="about", title="About", content=ABOUT))
    put("/drafts/", static_page(site, page_id=88, slug="drafts", title="Drafts preview", content=DRAFTS))
    files["404.html"] = not_found_page(site)
    files.update(main_feed_pages(site))
    files.update(sitemaps(site))
    files["robots.txt"] = ROBOTS
    files["wp-content/themes/twentysixteen/style.css"] = STYLE_CSS
    files["wp-includes/js/comment-reply.min.js"] = (
        "/* Comment replies need a live WordPress; this static copy has none. */\n"
    )
    for path, data in image_files().items():
        files[path.strip("/")] = data
    return files


def build_truth(site: Site) -> dict[str, object]:
    return {
        "origin_placeholder": ORIGIN,
        "blog": {"title": BLOG_TITLE, "description": BLOG_DESCRIPTION, "platform": "wordpress", "language": LANGUAGE},
        "posts": [post_truth(post) for post in site.posts],
        "not_posts": [
            {
                "path": "/about/",
                "why": "a static page (body.page, article.page), not a post",
                "robots_disallowed": False,
            },
            {
                "path": "/drafts/",
                "why": "disallowed by robots.txt; linked from the sidebar and the page sitemap",
                "robots_disallowed": True,
            },
        ],
    }


def edit_posts(
    posts: Sequence[PostData],
    changed: Sequence[dict[str, object]],
    removed_comments: Sequence[str],
    edited_comments: dict[str, str],
) -> None:
    """Apply a test's upstream edits: post texts and titles changed, comments taken down or edited (see build_site)."""
    by_path = {post.path: post for post in posts}
    for item in changed:
        post = by_path.get(str(item.get("post_path")))
        if post is None:
            raise KeyError(f"changed post: no post at {item.get('post_path')!r}")
        for old, new in item.get("replace", ()):
            if old not in post.body:
                raise KeyError(f"changed post {post.path}: {old!r} is not in its text")
            post.body = post.body.replace(old, new)
        if item.get("append"):
            post.body = post.body + blocks(esc(str(item["append"])))
        if item.get("title"):
            post.title = str(item["title"])
    comments = {str(comment.id): (post, comment) for post in posts for comment in post.comments}
    for comment_id in removed_comments:
        if comment_id not in comments:
            raise KeyError(f"removed comment: no comment {comment_id}")
        post, comment = comments[comment_id]
        if any(other.parent == comment.key for other in post.comments):
            raise ValueError(f"removed comment {comment_id} has replies; remove a comment without replies")
        post.comments.remove(comment)
    for comment_id, text in edited_comments.items():
        if comment_id not in comments:
            raise KeyError(f"edited comment: no comment {comment_id}")
        comments[comment_id][1].html = blocks(*(esc(part) for part in text.split("\n\n")))


def omit(posts: list[PostData], paths: Sequence[str]) -> list[PostData]:
    """The posts without those at `paths` (test copies of the blog with a part missing)."""
    unknown = set(paths) - {post.path for post in posts}
    if unknown:
        raise KeyError(f"no post at {sorted(unknown)}")
    return [post for post in posts if post.path not in set(paths)]


def make_extra_posts(posts: Sequence[PostData], extra: Sequence[dict[str, object]]) -> list[PostData]:
    """Posts added by a test (a new part of a series published later), with ids after the built-in ones."""
    first_id = max(post.id for post in posts) + 3
    made = []
    for index, item in enumerate(extra):
        paragraphs = item.get("paragraphs", [])
        categories = item.get("categories", [])
        tags = item.get("tags", [])
        number = item.get("series_number")
        assert isinstance(paragraphs, list) and isinstance(categories, list) and isinstance(tags, list)
        made.append(
            PostData(
                id=first_id + 3 * index,
                slug=str(item["slug"]),
                title=str(item["title"]),
                author=str(item.get("author", "margaret")),
                published=str(item["published"]),
                categories=[str(c) for c in categories],
                tags=[str(t) for t in tags],
                body=blocks(*(str(p) for p in paragraphs)),
                series_number=int(number) if isinstance(number, int) else None,
            )
        )
    return sorted(made, key=lambda post: post.published)


def _is_previous_output(out_dir: Path) -> bool:
    return (out_dir / "robots.txt").is_file() and (out_dir / "wp-sitemap.xml").is_file()


def build_site(
    out_dir: Path,
    *,
    extra_comments: Sequence[dict[str, object]] = (),
    omit_posts: Sequence[str] = (),
    extra_posts: Sequence[dict[str, object]] = (),
    changed_posts: Sequence[dict[str, object]] = (),
    removed_comments: Sequence[str] = (),
    edited_comments: dict[str, str] | None = None,
) -> dict[str, object]:
    """Write the sample blog into ``out_dir`` (emptied first) and return its truth as a JSON-ready dict.

    ``extra_comments`` adds comments to the built-in data (dicts with ``post_path`` (or ``post``: the post path, e.g.
    ``/2024/03/05/tell-us-about-your-first-press/``), ``id``, ``parent`` (a comment id or None), ``author``,
    ``published_at`` (ISO-8601 with offset), ``text`` (plain, paragraphs split by blank lines), and optional
    ``author_url``), so tests can build a changed copy of the blog. Ids of the built-in comments never change.

    ``omit_posts`` leaves out the posts at these paths (links to them from other posts stay, as on a blog where a
    post was announced but never published). ``extra_posts`` adds posts (dicts with ``slug``, ``title``,
    ``published`` (``YYYY-MM-DD HH:MM`` London time), ``paragraphs`` (plain text), and optional ``author`` (an author
    slug), ``categories`` (category slugs), ``tags`` and ``series_number``), dated after the built-in ones.

    The author edited things upstream (history tests): ``changed_posts`` (dicts with ``post_path``, and ``replace``:
    ``[old, new]`` text pairs replaced in the post's HTML, and/or ``append``: a plain paragraph added at the end, and
    optional ``title``), ``removed_comments`` (comment ids taken down: a comment with replies can't be), and
    ``edited_comments`` (comment id -> new plain text).
    """
    out_dir = Path(out_dir)
    if out_dir.exists() and any(out_dir.iterdir()):
        if not _is_previous_output(out_dir):
            raise ValueError(f"{out_dir} is not empty and does not look like a sample blog; not overwriting it")
        shutil.rmtree(out_dir)
    posts = build_posts()
    assign_comment_ids(posts)
    add_extra_comments(posts, extra_comments)
    edit_posts(posts, changed_posts, removed_comments, edited_comments or {})
    posts = omit(posts, omit_posts) + make_extra_posts(posts, extra_posts)
    site = Site(posts=posts)
    for relative, content in sorted(render_site(site).items()):
        target = out_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return build_truth(site)


def truth_json(truth: dict[str, object]) -> str:
    return json.dumps(truth, ensure_ascii=False, indent=1) + "\n"


def truth_path_for(out_dir: Path) -> Path:
    return out_dir.parent / f"{out_dir.name}.truth.json"


def content_digest(out_dir: Path) -> str:
    """A sha256 over every file's relative path and bytes: handy to compare two builds."""
    digest = hashlib.sha256()
    for path in sorted(p for p in out_dir.rglob("*") if p.is_file()):
        digest.update(path.relative_to(out_dir).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="site directory (the truth goes beside it)")
    args = parser.parse_args(argv)
    truth = build_site(args.out)
    truth_path_for(args.out).write_text(truth_json(truth), encoding="utf-8")
    posts = truth["posts"]
    assert isinstance(posts, list)
    print(f"wrote {args.out} ({len(posts)} posts) and {truth_path_for(args.out)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
