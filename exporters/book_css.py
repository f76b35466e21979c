"""The style sheets of the EPUB and the single-file HTML export: a quiet book page, threads indented with a rule."""

from __future__ import annotations

# Shared by both: the text of a post and its thread.
BASE_CSS = """
body { font-family: "Noto Serif", Georgia, "Times New Roman", serif; line-height: 1.5; color: #1d1d1f; }
h1, h2, h3, h4, h5, h6, .byline, .series, .source, .comment-meta, summary, nav { font-family: "Noto Sans",
  "Helvetica Neue", Arial, sans-serif; }
h1, h2, h3 { line-height: 1.25; page-break-after: avoid; break-after: avoid; }
p { margin: 0 0 0.7em 0; }
a { color: #1f4e8c; }
img { max-width: 100%; height: auto; }
pre { white-space: pre-wrap; word-wrap: break-word; font-size: 0.85em; background: #f4f4f2; padding: 0.5em;
  border-radius: 3px; }
code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.9em; }
blockquote { margin: 0.6em 0 0.6em 1em; padding-left: 0.8em; border-left: 3px solid #d4d4cf; color: #44443f; }
table { border-collapse: collapse; margin: 0.6em 0; }
th, td { border: 1px solid #cfcfca; padding: 0.2em 0.5em; }
.align-left { text-align: left; } .align-right { text-align: right; } .align-center { text-align: center; }
.series { text-transform: uppercase; letter-spacing: 0.08em; font-size: 0.75em; color: #7a5c1e; margin: 0; }
.post-title { margin: 0.2em 0 0.3em 0; }
.byline, .source { font-size: 0.85em; color: #5d5d58; margin: 0 0 0.3em 0; }
.source a { word-break: break-all; }
.post-header { margin-bottom: 1.4em; border-bottom: 1px solid #e2e2dd; padding-bottom: 0.6em; }
.post-body { text-align: justify; hyphens: auto; -webkit-hyphens: auto; }
.editor-note { font-style: italic; margin: 0 0 1.2em 0; padding: 0.4em 0.8em; background: #f7f5ee; }
.editor-note .label { font-style: normal; font-weight: bold; font-size: 0.8em; margin-bottom: 0.2em; }
.notice, .missing-image { font-style: italic; color: #6b6b66; }
.comments { margin-top: 2em; border-top: 1px solid #e2e2dd; }
.comments-title { font-size: 1.15em; }
ol.thread { list-style: none; margin: 0; padding: 0; }
ol.thread.replies { margin-left: 1.1em; padding-left: 0.8em; border-left: 1px solid #d4d4cf; }
li.comment { margin: 0.9em 0 0 0; }
.comment-meta { font-size: 0.82em; color: #5d5d58; margin-bottom: 0.2em; }
.comment-meta .author { font-weight: bold; color: #1d1d1f; text-decoration: none; }
.comment-body { font-size: 0.95em; }
li.removed > .comment-body { color: #6b6b66; }
li.kind-pingback > .comment-body, li.kind-trackback > .comment-body { font-size: 0.85em; font-style: italic; }
"""

# The EPUB adds its front matter; e-readers set margins and fonts themselves.
EPUB_CSS = (
    BASE_CSS
    + """
.cover { text-align: center; margin-top: 30%; }
.cover h1 { font-size: 2em; margin-bottom: 0.4em; }
.cover .subtitle { font-size: 1.2em; font-style: italic; }
.cover .editor { margin-top: 2em; font-family: "Noto Sans", sans-serif; }
.cover-image { text-align: center; margin: 0; padding: 0; }
.cover-image img { max-height: 100%; }
.title-page { text-align: center; margin-top: 20%; }
.title-page .dates, .title-page .editor { font-family: "Noto Sans", sans-serif; color: #5d5d58; }
.introduction { margin-top: 3em; text-align: justify; }
.part { text-align: center; margin-top: 35%; }
.part-title { font-size: 1.8em; }
nav ol { list-style: none; padding-left: 1em; }
nav > ol { padding-left: 0; }
nav li { margin: 0.3em 0; }
.colophon { font-size: 0.85em; color: #5d5d58; margin-top: 30%; }
"""
)

# The web page: a readable column, its own table of contents, threads that fold.
HTML_CSS = (
    BASE_CSS
    + """
body { max-width: 40em; margin: 2em auto; padding: 0 1em; background: #fdfdfb; }
header.book { text-align: center; margin: 3em 0 2em 0; }
header.book .subtitle { font-size: 1.2em; font-style: italic; margin: 0; }
header.book .editor, header.book .dates { font-family: "Noto Sans", sans-serif; color: #5d5d58; margin: 0.3em 0; }
nav.toc { border-top: 1px solid #e2e2dd; border-bottom: 1px solid #e2e2dd; padding: 0.5em 0 1em 0; margin-bottom: 2em; }
nav.toc ol { list-style: none; padding-left: 1.2em; }
nav.toc > ol { padding-left: 0; }
nav.toc li { margin: 0.25em 0; }
.introduction { margin-bottom: 2em; }
h2.part-title { text-align: center; margin: 3em 0 1em 0; font-size: 1.7em; }
article.post { margin: 3em 0 4em 0; }
summary { cursor: pointer; color: #5d5d58; font-size: 0.85em; }
summary > .comments-title { display: inline; color: #1d1d1f; }
details.replies > summary { margin: 0.3em 0 0 0; }
footer.colophon { margin-top: 4em; font-size: 0.8em; color: #6b6b66; text-align: center; }
@media print { details > summary { display: none; } body { max-width: none; } }
"""
)
