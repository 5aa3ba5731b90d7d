// editor.js - the kernel editor (section 2): a table of text fields per
// kernel in use, the cells that are not numbers marked. A view: it reads the
// page's state and never changes it.
import { h } from '../lib/dom.js';
import { CHANNEL_COLOURS, isMagnitude, kernelCount, kernelName, cellProblems } from './state.js';

/** @typedef {import('./elements.js').Elements} Elements */
/** @typedef {import('./page.js').PageState} PageState */

/**
 * The editor made anew for the settings' kernels (their number and size).
 * @param {PageState} state
 * @param {Elements} el
 */
export function renderEditors(state, el) {
  const s = state.settings;
  el.editors.replaceChildren();
  if (isMagnitude(s)) {
    el.editors.append(h('p', {
      className: 'k-note',
      text: 'The gradient magnitude is not one linear kernel, so there is nothing to edit: the engine convolves X '
        + 'with Sobel Gx and with Sobel Gy (both below), then takes √(gx² + gy²) at every pixel. It is never negative.',
    }));
    return;
  }
  const n = kernelCount(s);
  for (let i = 0; i < n; i++) {
    const name = kernelName(n, i);
    const table = /** @type {HTMLTableElement} */ (h('table', { className: 'matrix k-edit-table' }));
    const head = table.createTHead().insertRow();
    head.append(h('th', {}, h('span', { className: 'k-axis', text: 'k1 \\ k2' })));
    for (let b = 0; b < s.k2; b++) head.append(h('th', { scope: 'col', text: b }));
    const body = table.createTBody();
    for (let a = 0; a < s.k1; a++) {
      const tr = body.insertRow();
      tr.append(h('th', { scope: 'row', text: a }));
      for (let b = 0; b < s.k2; b++) {
        tr.insertCell().append(h('input', {
          type: 'text', autocomplete: 'off', spellcheck: false, className: 'k-cell',
          dataset: { kernel: String(i), cell: String(a * s.k2 + b) },
          attrs: { 'aria-label': `${name}[${a}, ${b}]` },
          value: s.kernels[i][a * s.k2 + b],
        }));
      }
    }
    el.editors.append(h('figure', { className: 'k-editor' },
      h('figcaption', { text: n === 1 ? `W: ${s.k1} rows × ${s.k2} columns` : `${name} (${CHANNEL_COLOURS[i]})` }),
      h('div', { className: 'k-scroll' }, table)));
  }
  renderCellMarks(cellProblems(s), el);
}

/**
 * Marks the kernel cells that are not numbers (aria-invalid, described by the kernel message).
 * @param {{ kernel: number, cell: number }[]} problems
 * @param {Elements} el
 */
export function renderCellMarks(problems, el) {
  const bad = new Set(problems.map((c) => `${c.kernel}:${c.cell}`));
  for (const input of /** @type {NodeListOf<HTMLInputElement>} */ (el.editors.querySelectorAll('input.k-cell'))) {
    if (bad.has(`${input.dataset.kernel}:${input.dataset.cell}`)) {
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-describedby', el.kernelMessage.id);
    } else {
      input.removeAttribute('aria-invalid');
      input.removeAttribute('aria-describedby');
    }
  }
}

/**
 * The arrow keys up and down move between a kernel's rows (left and right
 * move in the text, as in any field). Returns true when it moved the focus.
 * @param {KeyboardEvent} e
 * @param {Elements} el
 * @param {number} k2  the kernel's columns
 */
export function moveBetweenCells(e, el, k2) {
  const input = /** @type {HTMLInputElement | null} */ (/** @type {HTMLElement} */ (e.target).closest('input.k-cell'));
  if (!input || (e.key !== 'ArrowUp' && e.key !== 'ArrowDown')) return false;
  const cell = Number(input.dataset.cell) + (e.key === 'ArrowUp' ? -k2 : k2);
  const next = /** @type {HTMLInputElement | null} */ (el.editors.querySelector(`input[data-kernel="${input.dataset.kernel}"][data-cell="${cell}"]`));
  if (!next) return false;
  e.preventDefault();
  next.focus();
  next.select();
  return true;
}
