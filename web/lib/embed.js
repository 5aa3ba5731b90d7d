// embed.js - embed mode: a page opened with `?embed` in its link
// (kernels.html?embed#img=camera&preset=sobelX, lesson.html?embed#step=kernels)
// shows its content alone, without the site's header and footer, sized for an
// iframe in slides or a course platform. The query, not the hash, carries it,
// so every page's own link (its hash) reads as it always does.
//
// One line per page: <script type="module" src="lib/embed.js"></script> in the
// head. It marks <html class="embed"> (style.css hides the header and footer
// and tightens the margins), names <main> by the page's title (a page holding
// the iframe has a main landmark of its own) and puts one link first in it, to
// open the same view in the whole lab in a new tab; everything else stays as
// it is, headings, labels and keyboard included.

/** Whether a page's address asks for embed mode. @param {{ search: string }} [loc] */
export function isEmbedded(loc = globalThis.location) {
  return new URLSearchParams(loc?.search ?? '').has('embed');
}

/** The same address without `embed` (the whole lab's view of it). @param {string} href */
export function fullPageHref(href) {
  const u = new URL(href);
  u.searchParams.delete('embed');
  return u.href;
}

function start() {
  if (!isEmbedded()) return;
  document.documentElement.classList.add('embed');
  const main = document.querySelector('main');
  if (!main || main.querySelector('[data-embed-open]')) return;
  // inside a page that has its own <main>, the frame's is told apart by its title
  if (!main.hasAttribute('aria-label') && !main.hasAttribute('aria-labelledby')) main.setAttribute('aria-label', document.title);
  const a = document.createElement('a');
  a.className = 'embed-open';
  a.dataset.embedOpen = '';
  a.target = '_blank';
  a.rel = 'noopener';
  a.textContent = 'Open in convlab (new tab)';
  const update = () => { a.href = fullPageHref(location.href); };
  update();
  // the page's link (its hash) changes as it is used: the full page opens that view
  addEventListener('hashchange', update);
  a.addEventListener('focus', update);
  a.addEventListener('pointerdown', update);
  main.prepend(a);
}

if (typeof document !== 'undefined') {
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
  else start();
}
