// mlp-view.js - part 5: how an MLP sees an image. The picture shrunk to
// 28 x 28, the 784 numbers as one vector (in order or shuffled), and one
// fixed shuffle applied to the student's picture and to real Fashion-MNIST
// test images (the numbers: vector.js).
import { h, $, say, fieldError } from '../lib/dom.js';
import { css } from '../lib/colour.js';
import { IMAGE_SIDE as SIDE, IMAGE_PIXELS } from '../lib/limits.js';
import { shuffle, origins } from './vector.js';

/** The part's elements, by their data-* hooks in pixels.html. */
export function mlpElements() {
  return {
    small: $('[data-mlp-small]'), p0: $('[data-mlp-p0]'), pairs: $('[data-mlp-pairs]'), list: $('[data-mlp-vector]'),
    caption: $('[data-mlp-vector-caption]'), shuffled: $('[data-mlp-shuffled]'), readout: $('[data-mlp-readout]'),
    seed: $('[data-mlp-seed]'), seedError: $('[data-mlp-seed-error]'), examplesNote: $('[data-mlp-examples-note]'),
  };
}

/** Makes the vector's 784 cells (once); every 28th is labelled with its index. @param {HTMLElement} list */
export function buildVector(list) {
  for (let i = 0; i < IMAGE_PIXELS; i++) {
    list.append(h('li', { dataset: i % SIDE === 0 ? { i, label: String(i) } : { i } }));
  }
}

/** Draws 28 x 28 gray pixels on a canvas. */
function drawSmall(canvas, pixels) {
  const d = new Uint8ClampedArray(4 * pixels.length);
  for (let i = 0; i < pixels.length; i++) d.set([pixels[i], pixels[i], pixels[i], 255], 4 * i);
  canvas.getContext('2d').putImageData(new ImageData(d, SIDE, SIDE), 0, 0);
}

/**
 * The shrunk picture, the seed, where its shuffle sends pixel 0, and each
 * picture (the student's, then the Fashion-MNIST examples) beside its shuffled self.
 * @param {{ seed: number }} state
 * @param {Uint8Array} small  the student's picture, 28 x 28
 * @param {number[]} perm  the seed's shuffle
 * @param {{ name: string, index: number, pixels: Uint8Array }[]} examples  vector.js readExamples(); [] until loaded
 * @param {{ small: HTMLCanvasElement, p0: HTMLElement, pairs: HTMLElement, seed: HTMLInputElement, seedError: HTMLElement }} els
 */
export function renderMlp(state, small, perm, examples, els) {
  drawSmall(els.small, small);
  els.p0.textContent = String(perm[0]);
  els.seed.value = String(state.seed);
  fieldError(els.seed, els.seedError, '');
  const pictures = [
    { name: 'your image', caption: 'your image', pixels: small },
    ...examples.map((e) => ({ name: `${e.name}, Fashion-MNIST test image ${e.index}`, caption: `${e.name} (test image ${e.index})`, pixels: e.pixels })),
  ];
  els.pairs.replaceChildren(...pictures.map((p) => {
    const a = h('canvas', { width: SIDE, height: SIDE, attrs: { role: 'img', 'aria-label': `${p.name}, 28 by 28` } });
    const b = h('canvas', { width: SIDE, height: SIDE, attrs: { role: 'img', 'aria-label': `${p.name}, pixels shuffled` } });
    drawSmall(a, p.pixels);
    drawSmall(b, shuffle(p.pixels, perm));
    return h('figure', { className: 'px-pair' },
      h('div', { className: 'px-pair-images' }, a, h('span', { className: 'px-arrow', text: '→', attrs: { 'aria-hidden': 'true' } }), b),
      h('figcaption', { text: p.caption }));
  }));
}

/** Says why the Fashion-MNIST examples are missing ('' once they are shown). @param {{ examplesNote: HTMLElement }} els */
export function renderExamplesNote(text, els) {
  say(els.examplesNote, text, 'warning');
}

/**
 * The vector's cells, in order or shuffled: each one's gray and what it holds
 * (read out as its label, and again at the keyboard's cell `active` while the vector has the focus).
 * @param {{ shuffled: boolean }} state
 * @param {Uint8Array} small  the picture, 28 x 28
 * @param {number[]} perm  the shuffle
 * @param {number} active
 * @param {{ list: HTMLElement, caption: HTMLElement, shuffled: HTMLInputElement, readout: HTMLElement }} els
 */
export function renderVector({ shuffled }, small, perm, active, els) {
  const values = shuffled ? shuffle(small, perm) : small;
  const from = origins(IMAGE_PIXELS, shuffled ? perm : null);
  [...els.list.children].forEach((li, j) => {
    const x = values[j];
    /** @type {HTMLElement} */ (li).style.background = css([x, x, x]);
    li.setAttribute('aria-label', `x[${j}] = ${x}, pixel at row ${Math.floor(from[j] / SIDE)}, column ${from[j] % SIDE}`);
  });
  els.shuffled.checked = shuffled;
  els.caption.textContent = shuffled
    ? 'The vector after the shuffle: the same 784 numbers in another order. Point at a cell to read it, or Tab to the vector and use the arrow keys.'
    : 'x[0] to x[27] are the top row, x[28] to x[55] the next row, and so on. Point at a cell to read it, or Tab to the vector and use the arrow keys.';
  if (document.activeElement === els.list) markCell(active, active, els); // its number changed
}

/**
 * Marks cell `to` of the vector as the keyboard's (unmarks `from`) and reads its number out;
 * `to` null: only unmarks.
 * @param {{ list: HTMLElement, readout: HTMLElement }} els
 */
export function markCell(from, to, els) {
  els.list.children[from]?.classList.remove('px-active');
  if (to === null) return;
  const li = els.list.children[to];
  li.classList.add('px-active');
  li.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  els.readout.textContent = li.getAttribute('aria-label');
}

/** Reads out the number of the vector's cell under the pointer (`target`: what it is over). @param {Element} target */
export function readCell(target, els) {
  const li = target.closest('li');
  if (li) els.readout.textContent = li.getAttribute('aria-label');
}
