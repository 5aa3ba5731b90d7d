// dom.js - building elements without innerHTML.
//
//   import { h, morph } from './dom.js';
//   const td = h('td', { className: 'num', style: { background: 'rgb(1,2,3)' } }, '42');
//   morph(table, h('table', {}, ...rows));    // table's rows made these, changing only what differs
//
// Text children become text nodes, never markup, so data read from a file,
// a link or storage cannot run as HTML. Styles are set through the CSSOM
// (element.style), which the pages' Content-Security-Policy (style-src 'self')
// allows, where a style="" attribute in markup would be blocked.

/**
 * A new element.
 *   props: className, id, text (textContent), dataset {}, style {}, attrs {}
 *          (setAttribute, e.g. aria-label), and any other property (type, value,
 *          checked, scope, tabIndex, hidden, htmlFor, ...)
 *   children: nodes or strings (strings become text); null/false are skipped
 * @param {string} tag
 * @param {Record<string, any>} [props]
 * @param {...(Node|string|number|null|undefined|false)} children
 * @returns {HTMLElement}
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined) continue;
    if (key === 'text') el.textContent = String(value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key === 'style') Object.assign(el.style, value);
    else if (key === 'attrs') for (const [name, v] of Object.entries(value)) el.setAttribute(name, String(v));
    else el[key] = value;
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'string' || typeof c === 'number' ? String(c) : c);
  }
  return el;
}

/**
 * Makes target's children like fresh's (fresh: a detached element built with
 * h(), whose nodes it takes), changing only what differs: a node of the same
 * kind and tag stays, its attributes and text brought up to date; any other is
 * replaced. When one number changes among thousands of cells (a kernel's
 * step-by-step tables), the browser lays out and paints again a few nodes, not
 * all of them, and a focused element keeps its focus. Styles go through the
 * CSSOM (cssText), as h() sets them: the pages' CSP blocks style attributes.
 * @param {Element} target
 * @param {Element} fresh
 */
export function morph(target, fresh) {
  const olds = target.childNodes, news = [...fresh.childNodes];
  for (let i = 0; i < news.length; i++) {
    const o = olds[i], n = news[i];
    if (!o) {
      target.append(...news.slice(i));
      return;
    }
    if (o.nodeType !== n.nodeType || o.nodeName !== n.nodeName || (o.nodeType !== Node.TEXT_NODE && o.nodeType !== Node.ELEMENT_NODE)) {
      target.replaceChild(n, o);
    } else if (o.nodeType === Node.TEXT_NODE) {
      const text = /** @type {Text} */ (o), now = /** @type {Text} */ (n).data;
      if (text.data !== now) text.data = now;
    } else {
      sameAttributes(/** @type {HTMLElement} */ (o), /** @type {HTMLElement} */ (n));
      morph(/** @type {Element} */ (o), /** @type {Element} */ (n));
    }
  }
  while (olds.length > news.length) target.lastChild.remove();
}

/**
 * o's attributes made fresh's: each of fresh's set where it differs (a style
 * through the CSSOM), then, only when o has more than fresh (the usual case,
 * the same names, allocates nothing), those fresh does not have removed.
 * @param {HTMLElement} o @param {HTMLElement} fresh
 */
function sameAttributes(o, fresh) {
  const want = fresh.attributes;
  for (let i = 0; i < want.length; i++) {
    const { name, value } = want[i];
    if (o.getAttribute(name) === value) continue;
    if (name === 'style') o.style.cssText = fresh.style.cssText;
    else o.setAttribute(name, value);
  }
  const have = o.attributes;
  for (let i = have.length - 1; have.length > want.length && i >= 0; i--) {
    const { name } = have[i];
    if (!fresh.hasAttribute(name)) o.removeAttribute(name);
  }
}

/**
 * The first element under root matching a selector (null when none). Typed
 * loosely: pages query their own markup, whose inputs and canvases they know.
 * @param {string} sel
 * @param {ParentNode} [root]
 * @returns {any}
 */
export const $ = (sel, root = document) => root.querySelector(sel);

/**
 * Every element under root matching a selector, as an array.
 * @param {string} sel
 * @param {ParentNode} [root]
 * @returns {any[]}
 */
export const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];

/**
 * A message in a message element (class "message"; its live region reads it
 * out): text, and its kind for the colour ('info', 'ok', 'warning', 'error';
 * none: the plain look). An empty text hides the element (CSS :empty).
 * @param {HTMLElement} el
 * @param {string} [text]
 * @param {'info'|'ok'|'warning'|'error'} [kind]
 */
export function say(el, text = '', kind) {
  el.textContent = text;
  if (kind) el.dataset.kind = kind;
  else delete el.dataset.kind;
}

/**
 * A field's own message, in the element beside it (the one its
 * aria-describedby names), with aria-invalid to match: `text`, or '' when
 * the field is good.
 * @param {HTMLElement} input
 * @param {HTMLElement} errorEl
 * @param {string} [text]
 */
export function fieldError(input, errorEl, text = '') {
  errorEl.textContent = text;
  input.setAttribute('aria-invalid', String(Boolean(text)));
}
