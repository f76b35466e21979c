"""What the rendered fallback looks for and runs inside the page: thread selectors, control labels, page scripts.

Data only (CSS selectors, regular expressions, JavaScript source), kept apart from the browser logic in
`ingest/render.py` the way platform modules keep their XPath apart from the extractor.
"""

from __future__ import annotations

# A comment thread has appeared once one of these matches in the top document. Containers that exist before the
# thread is loaded (`#comments`, `#disqus_thread` alone) are not enough: we wait for an item or the widget's iframe.
THREAD_SELECTORS: tuple[str, ...] = (
    "#disqus_thread iframe",
    "#isso-thread .isso-comment",
    "#remark42 iframe",
    "#remark42 .comment",
    "#commento .commento-card",
    "#hyvor-talk-view iframe",
    "#cusdis_thread iframe",
    "iframe.giscus-frame",
    "iframe.utterances-frame",
    "#comments iframe",
    ".comments iframe",
    "[itemtype*='schema.org/Comment']",
    "[data-comment-id]",
    "li.comment",
    "article.comment",
    "div.comment",
    ".comment",
    "[id^='comment-']",
    "[id^='li-comment-']",
)

# Frames worth reading and clicking in: those of the page's own origin, and those inside a comment area (Disqus,
# Remark42 and giscus put the thread in a frame of their own). Checked with Element.closest() on the <iframe>.
COMMENT_AREA_SELECTOR = (
    "#disqus_thread, #remark42, #commento, #isso-thread, #hyvor-talk-view, #cusdis_thread, .giscus, .utterances,"
    " #comments, .comments, [id*='comment' i], [class*='comment' i]"
)

# Labels of controls that reveal more of a thread, in the languages our users' blogs are written in. Matched
# case-insensitively against a control's visible text or aria-label (whitespace collapsed). "More" controls may be
# clicked again and again (each click adds a page); "reply" controls are toggles and are clicked once.
MORE_LABELS = (
    r"^(load|show|view|see|display|read|get)\s+(\d+\s+)?(more|older|earlier|previous|all|remaining)\b"
    r"|^(\d+\s+)?more\s+(comments?|responses?|repl(y|ies))\b"
    r"|^(older|earlier|previous)\s+(comments?|responses?)\b"
    r"|^(mehr|weitere|ältere|alle)\s+(kommentare\s+)?(laden|anzeigen)\b|^(weitere|mehr|ältere)\s+kommentare\b"
    r"|^(charger|afficher|voir)\s+(plus|davantage|les\s+commentaires|tous)\b|^plus\s+de\s+commentaires\b"
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

# Installed in every frame before the page's own scripts run. It keeps the page in place and quiet: dialogs
# and popups do nothing, a click on a link to another document and a form submission lose their default action
# (the page's own handlers still run, so "load more" links driven by script keep working), and a counter of DOM
# mutations lets us see when the page has settled. Attributes we set ourselves (data-threadbook-*) don't count.
INIT_SCRIPT = """
(() => {
  if (window.__threadbookInstalled) return;
  window.__threadbookInstalled = true;
  const quiet = () => undefined;
  try {
    window.alert = quiet;
    window.print = quiet;
    window.confirm = () => false;
    window.prompt = () => null;
    window.open = () => null;
  } catch (e) {}
  const sameDocument = (href) => {
    try {
      const target = new URL(href, location.href);
      return target.origin === location.origin && target.pathname === location.pathname
        && target.search === location.search;
    } catch (e) {
      return false;
    }
  };
  document.addEventListener('click', (event) => {
    const link = event.target && event.target.closest ? event.target.closest('a[href], area[href]') : null;
    if (!link) return;
    const href = (link.getAttribute('href') || '').trim();
    if (href.startsWith('#') || /^javascript:/i.test(href)) return;
    if (!sameDocument(link.href) || link.target) event.preventDefault();
  }, true);
  document.addEventListener('submit', (event) => event.preventDefault(), true);
  window.__threadbookMutations = 0;
  new MutationObserver((records) => {
    for (const record of records) {
      if (record.type === 'attributes' && record.attributeName && record.attributeName.startsWith('data-threadbook')) {
        continue;
      }
      window.__threadbookMutations += 1;
    }
  }).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
})();
"""

# How many DOM mutations this frame has seen so far (0 in a frame the init script could not reach).
MUTATIONS_SCRIPT = "() => window.__threadbookMutations || 0"

# Finds the first visible control that reveals more of the thread and is not spent yet, marks it with
# data-threadbook-control="<args.id>" so Playwright can click it, and returns {id, label, kind} (or null).
# Kinds: "more" may be clicked again and again (each click adds a page); "once" is a toggle, or a link to another
# document (its navigation is cancelled, but a script may act on the click); "loader" loads the whole thread.
# With args.only, only controls of that kind count.
FIND_CONTROL_SCRIPT = """
(args) => {
  const more = new RegExp(args.more, 'i');
  const reply = new RegExp(args.reply, 'i');
  const loader = new RegExp(args.loader, 'i');
  const never = new RegExp(args.never, 'i');
  const moreClass = new RegExp(args.moreClass, 'i');
  const replyClass = new RegExp(args.replyClass, 'i');
  const leaves = (el) => {
    if (el.tagName !== 'A' || !el.hasAttribute('href')) return false;
    const href = (el.getAttribute('href') || '').trim();
    if (href.startsWith('#') || /^javascript:/i.test(href)) return false;
    try {
      const target = new URL(el.href, location.href);
      return target.origin !== location.origin || target.pathname !== location.pathname
        || target.search !== location.search;
    } catch (e) {
      return true;
    }
  };
  const candidates = document.querySelectorAll(
    'button, a, [role="button"], input[type="button"], input[type="submit"], summary, [onclick], [tabindex]');
  for (const el of candidates) {
    if (el.hasAttribute('data-threadbook-spent')) continue;
    if (el.disabled || el.getAttribute('aria-disabled') === 'true' || el.closest('form')) continue;
    const box = el.getBoundingClientRect();
    if (box.width <= 0 || box.height <= 0) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none' || style.pointerEvents === 'none') continue;
    const text = ((el.innerText || el.value || '') + '').replace(/\\s+/g, ' ').trim();
    if (text.length > 80) continue;
    const aria = (el.getAttribute('aria-label') || el.getAttribute('title') || '').replace(/\\s+/g, ' ').trim();
    const label = text || aria;
    if (never.test(label)) continue;
    const classes = ((typeof el.className === 'string' ? el.className : '') + ' ' + (el.id || ''));
    let kind = null;
    if (reply.test(text) || reply.test(aria)) kind = 'once';
    else if (more.test(text) || more.test(aria)) kind = 'more';
    else if (loader.test(text) || loader.test(aria)) kind = 'loader';
    else if (label.length <= 40 && replyClass.test(classes)) kind = 'once';
    else if (label.length <= 40 && moreClass.test(classes)) kind = 'more';
    if (!kind) continue;
    if (kind === 'more' && leaves(el)) kind = 'once';
    if (args.only && kind !== args.only) continue;
    el.setAttribute('data-threadbook-control', args.id);
    return {id: args.id, label: label.slice(0, 80), kind: kind};
  }
  return null;
}
"""

# Marks a control as spent (never clicked again), if it is still there.
SPEND_SCRIPT = """
(id) => {
  const el = document.querySelector('[data-threadbook-control="' + id + '"]');
  if (el) el.setAttribute('data-threadbook-spent', '1');
}
"""

# Whether an <iframe> element sits inside a comment area.
IN_COMMENT_AREA_SCRIPT = "(el, selector) => Boolean(el.closest(selector))"

# Marks an <iframe> element, so its content can be put in its place in the serialized page.
MARK_FRAME_SCRIPT = "(el, n) => el.setAttribute('data-threadbook-frame', n)"
