"""html_to_markdown: safe links and images, escaping, lazy images, code, tables, whitespace."""

from __future__ import annotations

import lxml.html
import pytest

from ingest.markdown import html_to_markdown

BASE = "https://blog.example/2024/03/post/"


def md(html: str) -> str:
    return html_to_markdown(html, BASE).text


def test_headings_are_atx_and_bullets_dashes() -> None:
    assert md("<h2>Title</h2><ul><li>a</li><li>b<ul><li>c</li></ul></li></ul>") == "## Title\n\n- a\n- b\n  - c"


def test_links_are_absolutised() -> None:
    assert md('<p><a href="../other/">x</a></p>') == "[x](https://blog.example/2024/03/other/)"
    assert md('<p><a href="mailto:me@blog.example">mail</a></p>') == "[mail](mailto:me@blog.example)"


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "file:///etc/passwd",
        "vbscript:msgbox",
    ],
)
def test_unsafe_links_keep_only_their_text(href: str) -> None:
    element = lxml.html.fragment_fromstring("<p>go <a>here</a> now</p>")
    element[0].set("href", href)
    assert html_to_markdown(element, BASE).text == "go here now"
    assert md(f"<p>go <a href='{href}'>here</a> now</p>") == "go here now"


def test_dropped_elements_leave_nothing() -> None:
    html = (
        "<p>keep</p><script>alert(1)</script><style>p{}</style><iframe src='https://x.example'></iframe>"
        "<form><input value='v'>form text</form><noscript>ns</noscript><button>Click</button>"
        "<nav>menu</nav><svg><text>svg</text></svg><p hidden>hidden</p><p style='display: none'>gone</p>"
    )
    assert md(html) == "keep"


def test_markup_in_text_stays_inert() -> None:
    html = '<p>&lt;font size="40"&gt;big&lt;/font&gt; *stars* _under_ [x](y) `tick` &lt;b&gt; ~~s~~</p>'
    assert md(html) == r'\<font size="40">big\</font> \*stars\* \_under\_ \[x\](y) \`tick\` \<b> \~\~s\~\~'


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<p># not a heading</p>", r"\# not a heading"),
        ("<p>- not a list</p>", r"\- not a list"),
        ("<p>1. not ordered</p>", r"1\. not ordered"),
        ("<p>&gt; not a quote</p>", r"\> not a quote"),
        ("<p>AT&amp;T &amp;copy;</p>", r"AT&T \&copy;"),
    ],
)
def test_line_start_markup_is_escaped(html: str, expected: str) -> None:
    assert md(html) == expected


def test_lazy_image_prefers_real_source_and_skips_noscript_copy() -> None:
    html = (
        '<p><img src="data:image/gif;base64,R0lGOD" data-src="/up/cup.jpg" alt="Cup">'
        '<noscript><img src="/up/cup.jpg" alt="Cup"></noscript></p>'
    )
    result = html_to_markdown(html, BASE)
    assert result.text == "![Cup](https://blog.example/up/cup.jpg)"
    assert result.image_urls == ("https://blog.example/up/cup.jpg",)
    assert [(a.source_url, a.alt) for a in result.images] == [("https://blog.example/up/cup.jpg", "Cup")]


def test_largest_srcset_candidate_wins() -> None:
    html = '<img src="data:," data-srcset="/a-300.jpg 300w, /a-1200.jpg 1200w, /a-600.jpg 600w" alt="A">'
    assert md(html) == "![A](https://blog.example/a-1200.jpg)"
    assert md('<img src="data:," srcset="/b.jpg 1x, /b@2x.jpg 2x">') == "![](https://blog.example/b@2x.jpg)"


def test_noscript_image_is_rescued_when_shown_nowhere_else() -> None:
    html = '<p><img src="data:image/gif;base64,AA" class="lazy"><noscript><img src="/real.png" alt="R"></noscript></p>'
    assert md(html) == "![R](https://blog.example/real.png)"


def test_data_only_image_becomes_its_alt_text() -> None:
    assert md('<p><img src="data:image/png;base64,iVBOR" alt="a chart"></p>') == "a chart"


def test_emoji_images_become_alt_and_pixels_vanish() -> None:
    html = (
        '<p>Hi <img class="emoji" alt="😀" src="https://s.w.org/e.svg"> '
        '<img class="wp-smiley" alt=":)" src="/smile.gif">'
        '<img src="https://pixel.wp.com/g.gif" width="1" height="1"></p>'
    )
    result = html_to_markdown(html, BASE)
    assert result.text == "Hi 😀 :)"
    assert result.image_urls == ()


def test_figure_caption_is_an_italic_line_below() -> None:
    html = '<figure><img src="/k.jpg" alt="Kettle"><figcaption>The kettle</figcaption></figure>'
    assert md(html) == "![Kettle](https://blog.example/k.jpg)\n\n*The kettle*"


def test_image_url_is_the_same_in_text_and_list() -> None:
    result = html_to_markdown('<img src="/my photo (1).jpg" alt="x">', BASE)
    assert result.image_urls == ("https://blog.example/my%20photo%20%281%29.jpg",)
    assert result.text == f"![x]({result.image_urls[0]})"


def test_non_ascii_urls_survive_an_element_round_trip() -> None:
    element = lxml.html.fragment_fromstring('<p><a href="https://gärtner.example/ö">g</a></p>')
    assert html_to_markdown(element, BASE).text == "[g](https://gärtner.example/ö)"
    assert element[0].attrib == {"href": "https://gärtner.example/ö"}  # the caller's element is unchanged


def test_fenced_code_keeps_language_and_content() -> None:
    html = '<pre class="wp-block-code"><code class="language-python">x = 1  # *not* emphasis\nprint(`x`)\n</code></pre>'
    assert md(html) == "```python\nx = 1  # *not* emphasis\nprint(`x`)\n```"
    assert md("<pre>a\n```\nb</pre>") == "````\na\n```\nb\n````"
    assert md('<pre class="brush: php; title: ;">echo 1;</pre>') == "```php\necho 1;\n```"


def test_simple_table_is_gfm() -> None:
    html = "<table><tr><th>a</th><th>b</th></tr><tr><td>1|2</td><td>3</td></tr></table>"
    assert md(html) == "| a | b |\n| --- | --- |\n| 1\\|2 | 3 |"


def test_complex_table_is_flattened() -> None:
    html = "<table><tr><td rowspan='2'>a</td><td><ul><li>x</li></ul></td></tr><tr><td>b</td></tr></table>"
    assert md(html) == "a\n\n- x\n\nb"


def test_blockquote_and_line_breaks_without_trailing_spaces() -> None:
    result = md("<blockquote><p>one<br>two<br></p></blockquote><p>a   \n  b</p>")
    assert result == "> one\\\n> two\n\na b"
    assert all(line == line.rstrip() for line in result.split("\n"))


def test_whitespace_collapses_to_one_blank_line() -> None:
    assert md("<p>a</p><div><br><br></div><p></p><p>b</p>") == "a\n\nb"


def test_mixed_scripts_pass_through() -> None:
    text = "Ελληνικά Кириллица 中文 한국어 😀 👩🏽‍💻"
    assert md(f"<p>{text}</p>") == text


def test_empty_input() -> None:
    assert html_to_markdown("", BASE).text == ""
    assert html_to_markdown("   ", BASE).image_urls == ()
