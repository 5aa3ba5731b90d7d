// editor.js - the kernel editor (section 2): a table of text fields per
// kernel in use, the cells that are not numbers marked. A view: it reads the
// page's state and never changes it.
import { h } from '../lib/dom.js';
import { CHANNEL_NAMES, CHANNEL_COLOURS, isMagnitude, isLayer, kernelCount, kernelName, cellProblems } from './state.js';
import { layerCellName } from './layer.js';

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
  if (isLayer(s)) {
    renderLayerEditor(state, el);
    return;
  }
  const n = kernelCount(s);
  for (let i = 0; i < n; i++) {
    const name = kernelName(n, i);
    el.editors.append(editorTable(n === 1 ? `W, shape (${s.k1}, ${s.k2}): ${s.k1} rows × ${s.k2} columns` : `${name} (${CHANNEL_COLOURS[i]})`,
      s.k1, s.k2, s.kernels[i], String(i), {}, (a, b) => `${name}[${a}, ${b}]`));
  }
  renderCellMarks(cellProblems(s), el);
}

/**
 * One kernel's table of text fields, k1 rows by k2 columns.
 * @param {string} caption
 * @param {number} k1
 * @param {number} k2
 * @param {string[]} cells
 * @param {string} kernel  its data-kernel (up and down move within it)
 * @param {Record<string, string>} data  more data- attributes of its cells
 * @param {(a: number, b: number) => string} name  a cell's name
 */
function editorTable(caption, k1, k2, cells, kernel, data, name) {
  const table = /** @type {HTMLTableElement} */ (h('table', { className: 'matrix k-edit-table' }));
  const head = table.createTHead().insertRow();
  head.append(h('th', { scope: 'col' }, h('span', { className: 'k-axis', text: 'k1 \\ k2' })));
  for (let b = 0; b < k2; b++) head.append(h('th', { scope: 'col', text: b }));
  const body = table.createTBody();
  for (let a = 0; a < k1; a++) {
    const tr = body.insertRow();
    tr.append(h('th', { scope: 'row', text: a }));
    for (let b = 0; b < k2; b++) {
      tr.insertCell().append(h('input', {
        type: 'text', autocomplete: 'off', spellcheck: false, className: 'k-cell',
        dataset: { kernel, cell: String(a * k2 + b), ...data },
        attrs: { 'aria-label': name(a, b) },
        value: cells[a * k2 + b],
      }));
    }
  }
  return h('figure', { className: 'k-editor' }, h('figcaption', { text: caption }), h('div', { className: 'k-scroll' }, table));
}

/**
 * The layer's kernel n (the selected map): one table per channel of X, W_n[:, :, c].
 * @param {PageState} state
 * @param {Elements} el
 */
function renderLayerEditor(state, el) {
  const s = state.settings, n = s.map, c = s.channels;
  for (let ch = 0; ch < c; ch++) {
    const caption = `W_${n}[:, :, ${ch}]${c > 1 ? `, for channel ${ch} (${CHANNEL_NAMES[ch]}, ${CHANNEL_COLOURS[ch]})` : ''}`;
    el.editors.append(editorTable(caption, s.k1, s.k2, s.layer.kernels[n][ch], `L${n}-${ch}`, { map: String(n), channel: String(ch) },
      (a, b) => layerCellName(n, a, b, ch)));
  }
  el.editors.append(h('p', {
    className: 'hint k-editor-note',
    text: `Kernel ${n} has shape (${s.k1}, ${s.k2}, ${c}): ${c > 1 ? `a ${s.k1} × ${s.k2} slice for each of the ${c} channels of X` : `one ${s.k1} × ${s.k2} slice, as X has one channel`}. `
      + 'Choose another kernel above, or click its map in the result.',
  }));
  renderCellMarks(cellProblems(s), el);
}

/**
 * Marks the kernel cells that are not numbers (aria-invalid, described by the kernel message).
 * @param {{ kernel: number, cell: number, channel?: number }[]} problems
 * @param {Elements} el
 */
export function renderCellMarks(problems, el) {
  const bad = new Set(problems.map((c) => `${c.channel === undefined ? c.kernel : `L${c.kernel}-${c.channel}`}:${c.cell}`));
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
