"""What the rendered fallback looks for and runs inside the page: thread selectors and page scripts.

Data only (CSS selectors, JavaScript source), kept apart from the browser logic in `ingest/render_session.py`
the way platform modules keep their XPath apart from the extractor. Control labels are in `ingest/render_controls.py`.
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

# Lists the visible, clickable elements that could reveal more of the thread (their labels are judged in Python,
# `ingest.render_controls`), marking each with data-threadbook-candidate="<scan>-<n>" so the chosen one can be
# clicked. Skips spent controls, disabled ones and anything inside a form (forms write; they don't reveal).
CANDIDATES_SCRIPT = """
(scan) => {
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
  const found = [];
  const elements = document.querySelectorAll(
    'button, a, [role="button"], input[type="button"], input[type="submit"], summary, [onclick], [tabindex]');
  for (const el of elements) {
    if (el.hasAttribute('data-threadbook-spent')) continue;
    if (el.disabled || el.getAttribute('aria-disabled') === 'true' || el.closest('form')) continue;
    const box = el.getBoundingClientRect();
    if (box.width <= 0 || box.height <= 0) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none' || style.pointerEvents === 'none') continue;
    const text = ((el.innerText || el.value || '') + '').replace(/\\s+/g, ' ').trim();
    if (text.length > 80) continue;
    const aria = (el.getAttribute('aria-label') || el.getAttribute('title') || '').replace(/\\s+/g, ' ').trim();
    if (!text && !aria && !el.className) continue;
    const key = scan + '-' + found.length;
    el.setAttribute('data-threadbook-candidate', key);
    found.push({
      key: key,
      text: text,
      aria: aria.slice(0, 80),
      classes: ((typeof el.className === 'string' ? el.className : '') + ' ' + (el.id || '')).slice(0, 200),
      leaves: leaves(el),
    });
    if (found.length >= 500) break;
  }
  return found;
}
"""

# Marks a control as spent (never clicked again), if it is still there.
SPEND_SCRIPT = """
(key) => {
  const el = document.querySelector('[data-threadbook-candidate="' + key + '"]');
  if (el) el.setAttribute('data-threadbook-spent', '1');
}
"""

# Whether an <iframe> element sits inside a comment area.
IN_COMMENT_AREA_SCRIPT = "(el, selector) => Boolean(el.closest(selector))"

# Marks an <iframe> element, so its content can be put in its place in the serialized page.
MARK_FRAME_SCRIPT = "(el, n) => el.setAttribute('data-threadbook-frame', n)"

# Removes the marks we left on the page (candidates, spent controls), so the returned HTML is the page's own.
CLEAN_SCRIPT = """
() => {
  for (const name of ['data-threadbook-candidate', 'data-threadbook-spent', 'data-threadbook-frame']) {
    for (const el of document.querySelectorAll('[' + name + ']')) el.removeAttribute(name);
  }
}
"""

# Brings the comment area into view: lazy embeds (Disqus's lazy-load plugins, <iframe loading="lazy">, widgets that
# wait for an IntersectionObserver) load only when the reader scrolls down to them. Only the comment containers and
# lazy frames are scrolled to, not the page's end, where some themes start loading the next post.
SCROLL_SCRIPT = """
() => {
  const targets = document.querySelectorAll(
    '#disqus_thread, #remark42, #commento, #isso-thread, #hyvor-talk-view, #cusdis_thread, .giscus, .utterances,'
    + ' #comments, .comments, #respond, iframe[loading="lazy"]');
  for (const el of targets) el.scrollIntoView({block: 'end'});
  return targets.length;
}
"""
