// editor-view.js - part 4: make an image from numbers. The matrix as text
// fields, the picture they make as buttons (click or Enter paints), and the
// matrix as a Python literal. Events are wired by main.js, on the two grids.
import { h, $, say, fieldError } from '../lib/dom.js';
import { css } from '../lib/colour.js';
import { matrixLiteral } from './state.js';

/** The part's elements, by their data-* hooks in pixels.html. */
export function editorElements() {
  return {
    inputs: $('[data-ed-inputs]'), pixels: $('[data-ed-pixels]'), literal: $('[data-ed-literal]'), message: $('[data-ed-message]'),
    rows: $('[data-ed-rows]'), rowsError: $('[data-ed-rows-error]'), cols: $('[data-ed-cols]'), colsError: $('[data-ed-cols-error]'),
    brush: $('[data-ed-brush]'), brushError: $('[data-ed-brush-error]'), reset: $('[data-ed-reset]'),
  };
}

/**
 * Makes the fields and the pixels for a matrix, filled with its numbers, and
 * shows its size in the size fields. `focus` is the pixel the keyboard is on
 * (the grid's one tab stop).
 * @param {import('./state.js').Matrix} matrix
 * @param {number} focus
 * @param {{ inputs: HTMLElement, pixels: HTMLElement, rows: HTMLInputElement, cols: HTMLInputElement, rowsError: HTMLElement, colsError: HTMLElement }} els
 */
export function buildEditor(matrix, focus, els) {
  const { rows, cols, values } = matrix;
  els.inputs.replaceChildren();
  els.pixels.replaceChildren();
  els.inputs.style.gridTemplateColumns = `repeat(${cols}, auto)`;
  els.pixels.style.gridTemplateColumns = `repeat(${cols}, 1fr)`;
  els.pixels.dataset.cols = String(cols);
  for (let i = 0; i < rows * cols; i++) {
    const r = Math.floor(i / cols), c = i % cols;
    els.inputs.append(h('input', {
      type: 'text', inputMode: 'numeric', value: String(values[i]), className: 'mono', dataset: { index: i },
      attrs: { 'aria-label': `Row ${r}, column ${c}`, 'aria-describedby': 'px-ed-message' },
    }));
    els.pixels.append(h('button', { type: 'button', className: 'px-ed-pixel', tabIndex: i === focus ? 0 : -1, dataset: { index: i } }));
  }
  els.rows.value = String(rows);
  els.cols.value = String(cols);
  fieldError(els.rows, els.rowsError, '');
  fieldError(els.cols, els.colsError, '');
}

/** The index of the picture's pixel under the pointer, or null. @param {{ clientX: number, clientY: number }} e */
export function pixelUnder(e) {
  const cell = /** @type {HTMLElement | null | undefined} */ (document.elementFromPoint(e.clientX, e.clientY)?.closest('.px-ed-pixel'));
  return cell ? Number(cell.dataset.index) : null;
}

/** The cells' texts, row by row. @param {HTMLElement} inputs */
export function cellTexts(inputs) {
  return [...inputs.children].map((input) => /** @type {HTMLInputElement} */ (input).value);
}

/**
 * The picture's pixels, the literal, and what is wrong with the cells' texts
 * (state.js checkCells(): which are invalid, and the message).
 * @param {import('./state.js').Matrix} matrix
 * @param {{ invalid: boolean[], message: string }} check
 * @param {{ inputs: HTMLElement, pixels: HTMLElement, literal: HTMLElement, message: HTMLElement }} els
 */
export function renderEditor(matrix, check, els) {
  const { cols, values } = matrix;
  [...els.pixels.children].forEach((cell, i) => {
    const v = values[i];
    /** @type {HTMLElement} */ (cell).style.background = css([v, v, v]);
    cell.setAttribute('aria-label', `Pixel row ${Math.floor(i / cols)}, column ${i % cols}: ${v}`);
  });
  [...els.inputs.children].forEach((input, i) => input.setAttribute('aria-invalid', String(check.invalid[i])));
  els.literal.textContent = matrixLiteral(matrix);
  say(els.message, check.message, 'error');
}

/** Sets cell i's field to a number (a pixel painted). @param {HTMLElement} inputs */
export function setCell(inputs, i, value) {
  /** @type {HTMLInputElement} */ (inputs.children[i]).value = String(value);
}

/** Moves the keyboard's pixel (the one tab stop) to i and focuses it. @param {HTMLElement} pixels */
export function focusPixel(pixels, from, i) {
  /** @type {HTMLElement} */ (pixels.children[from]).tabIndex = -1;
  const cell = /** @type {HTMLElement} */ (pixels.children[i]);
  cell.tabIndex = 0;
  cell.focus();
}
