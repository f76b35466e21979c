"""Which controls on a rendered page reveal more of its comment thread: labels in many languages, judged here.

The page lists its visible buttons and links (`ingest.render_js.CANDIDATES_SCRIPT`); `control_kind` decides, in
Python, which of them to click and how often. Kept in Python rather than in page JavaScript because JavaScript's
`\\b` knows only ASCII letters ("ещё", "más" would never end a word), and so the labels can be unit-tested.
"""

from __future__ import annotations

import re
from typing import Literal

ControlKind = Literal["more", "once", "loader"]

# Labels of controls that reveal more of a thread, in the languages our users' blogs are written in. Matched
# case-insensitively against a control's visible text or aria-label (whitespace collapsed), from the start.
MORE_LABELS = (
    r"^(load|show|view|see|display|get)\s+(\d+\s+)?(more|older|earlier|previous|all|remaining)\b"
    r"|^(\d+\s+)?more\s+(comments?|responses?|repl(y|ies))\b"
    r"|^(older|earlier|previous)\s+(comments?|responses?)\b"
    r"|^(mehr|weitere|ältere|alle)\s+(kommentare\s+)?(laden|anzeigen)\b|^(weitere|mehr|ältere)\s+kommentare\b"
    r"|^(charger|afficher|voir)\s+(plus|davantage|tous)\b|^plus\s+de\s+commentaires\b"
    r"|^commentaires\s+(précédents|plus\s+anciens)\b"
    r"|^(cargar|ver|mostrar)\s+(más|todos)\b|^más\s+comentarios\b|^comentarios\s+anteriores\b"
    r"|^(carregar|ver|mostrar)\s+mais\b|^mais\s+comentários\b"
    r"|^(carica|mostra|visualizza)\s+(altri|di\s+più|tutti)\b|^altri\s+commenti\b"
    r"|^(meer\s+(laden|reacties|tonen)|toon\s+meer|laad\s+meer)\b"
    r"|^(pokaż|załaduj|wczytaj)\s+więcej\b|^więcej\s+komentarzy\b"
    r"|^(показать|загрузить)\s+(ещё|еще|больше|все)\b|^(ещё|еще)\s+комментарии\b"
    r"|^(もっと見る|さらに表示|もっと読む|コメントをもっと見る)"
    r"|^(加载更多|查看更多|更多评论|显示更多|載入更多|查看更多留言)"
)
REPLY_LABELS = (
    r"^(show|view|see|load|display|expand|read)\s+(all\s+)?(\d+\s+)?(more\s+)?(repl(y|ies)|responses?|answers?)\b"
    r"|^(\d+\s+)(more\s+)?(repl(y|ies)|responses?)$"
    r"|^(show|view|expand)\s+(this\s+)?thread\b"
    r"|^(\d+\s+)?antworten\s+(anzeigen|laden|einblenden)\b|^(alle\s+)?(\d+\s+)?antworten\s+anzeigen\b"
    r"|^(voir|afficher)\s+(les\s+)?(\d+\s+)?réponses?\b"
    r"|^(ver|mostrar|cargar)\s+(las\s+)?(\d+\s+)?respuestas?\b|^(ver|mostrar)\s+(as\s+)?(\d+\s+)?respostas?\b"
    r"|^(mostra|visualizza)\s+(le\s+)?(\d+\s+)?risposte\b|^(toon|bekijk)\s+(\d+\s+)?(reacties|antwoorden)\b"
    r"|^pokaż\s+(\d+\s+)?odpowiedzi\b|^показать\s+(\d+\s+)?ответ"
    r"|^(返信を表示|返信を見る|\d+件の返信)|^(查看回复|展开回复|查看\d+条回复|展开\d+条回复)"
)
# A reply control that says "more" ("12 more replies", "Load 5 more replies") pages through replies: repeatable.
MORE_WORDS = r"\b(more|mehr|weitere|plus|davantage|más|mais|altri|meer|więcej|ещё|еще|больше)\b"
# Controls that load a thread which isn't there yet (click-to-load embeds, often for privacy): clicked once, and
# while waiting for the thread one of these ends the wait at once.
LOADER_LABELS = (
    r"^(load|show|view|display|read|open|see)\s+(the\s+|all\s+)?([\w-]+\s+)?(comments?|discussion|responses)\b"
    r"|^(\d+\s+)?comments?\s+(anzeigen|laden|einblenden)\b|^kommentare\s+(anzeigen|laden|einblenden)\b"
    r"|^(afficher|voir|charger)\s+les\s+commentaires\b|^(ver|mostrar|cargar)\s+(los\s+)?comentarios\b"
    r"|^(mostra|carica|visualizza)\s+(i\s+)?commenti\b|^(toon|laad)\s+(de\s+)?reacties\b"
    r"|^(показать|загрузить)\s+комментарии\b|^(コメントを表示|コメントを読み込む|显示评论|加载评论|查看评论)"
)
# Never clicked, whatever else matches: these write, hide, leave or sign in.
NEVER_LABELS = (
    r"\b(hide|collapse|less|fewer|close|log\s*in|sign\s*(in|up)|subscribe|share|report|flag|delete|edit|submit"
    r"|post\s+(a\s+)?comment|sort|newest|oldest|upvote|downvote|like|reply\s+to|write|ausblenden|weniger|schließen"
    r"|anmelden|masquer|moins|ocultar|menos|nascondi|verberg|minder|свернуть|скрыть)\b"
    r"|(隐藏|收起|閉じる|非表示)"
)
# Class/id fragments of such controls, for icon-only buttons (matched on class and id, hyphens and underscores alike).
MORE_CLASSES = r"load[-_]?more|show[-_]?more|more[-_]?comments|view[-_]?more|older[-_]?comments|pagination[-_]?more"
REPLY_CLASSES = (
    r"(show|load|view|more|expand)[-_]?(replies|children|thread)|replies[-_]?(toggle|expand|more)|collapsed[-_]?replies"
)


_MORE = re.compile(MORE_LABELS, re.IGNORECASE)
_MORE_WORD = re.compile(MORE_WORDS, re.IGNORECASE)
_REPLY = re.compile(REPLY_LABELS, re.IGNORECASE)
_LOADER = re.compile(LOADER_LABELS, re.IGNORECASE)
_NEVER = re.compile(NEVER_LABELS, re.IGNORECASE)
_MORE_CLASS = re.compile(MORE_CLASSES, re.IGNORECASE)
_REPLY_CLASS = re.compile(REPLY_CLASSES, re.IGNORECASE)
_CLASS_ONLY_LABEL = 40  # an icon button or a short label may be judged by its class alone


def control_kind(text: str, aria: str = "", classes: str = "", *, leaves: bool = False) -> ControlKind | None:
    """How to treat a control, from its visible text, aria-label (or title) and class/id; None: never click it.

    "more" may be clicked again and again (each click adds a page of comments or replies); "once" is a toggle
    ("Show 3 replies"), or any control that is a link to another document (its navigation is cancelled, but the page's
    script may act on the click); "loader" loads a thread that isn't on the page yet ("Show comments").
    """
    text, aria = " ".join(text.split()), " ".join(aria.split())
    label = text or aria
    if len(text) > 80 or _NEVER.search(label) or (aria and _NEVER.search(aria)):
        return None
    kind: ControlKind | None = None
    if _REPLY.search(text) or _REPLY.search(aria):
        kind = "more" if _MORE_WORD.search(label) else "once"
    elif _MORE.search(text) or _MORE.search(aria):
        kind = "more"
    elif _LOADER.search(text) or _LOADER.search(aria):
        kind = "loader"
    elif len(label) <= _CLASS_ONLY_LABEL and _REPLY_CLASS.search(classes):
        kind = "once"
    elif len(label) <= _CLASS_ONLY_LABEL and _MORE_CLASS.search(classes):
        kind = "more"
    if kind == "more" and leaves:
        kind = "once"
    return kind
