"""The generic main text on a page whose markup no body selector knows: readability-lxml finds it."""

from __future__ import annotations

from ingest.extract import extract_post_page

PAGE = """<html lang="en"><head><title>Winter bees - Hive Log</title><meta property="og:type" content="article"></head>
<body><div id="wrap"><div class="topbar"><a href="/">Home</a> <a href="/about">About</a> <a href="/log">Log</a></div>
<div class="zq1"><h1>Winter bees</h1>
<p>The colony clusters when the air drops below fourteen degrees, and the bees in the middle shiver to keep it warm.</p>
<p>I hefted the hive today: still heavy at the back, so the stores should last until the willows flower.</p>
<p>On warm afternoons a few foragers come out for cleansing flights, and the snow under the entrance gets spotted.</p>
<p>Next month I will add a block of fondant over the crown board, in case spring comes late.</p></div>
<div class="zq2"><h3>Elsewhere</h3><a href="/a">Spring checks</a>
<a href="/b">Queen marking</a> <a href="/c">Wax</a></div>
<div class="bottom">Copyright Hive Log</div></div></body></html>"""


def test_unknown_layout_body_comes_from_readability() -> None:
    result = extract_post_page(PAGE, "https://hivelog.example/winter-bees")
    assert result.post is not None
    body = result.post.body_md
    assert "The colony clusters when the air drops below fourteen degrees" in body
    assert "the stores should last until the willows flower." in body
    assert "cleansing flights" in body and "fondant over the crown board" in body
    # On a page this small readability keeps the wrapper (menu and footer too); on real pages it cuts them.
