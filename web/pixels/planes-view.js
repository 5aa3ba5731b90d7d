// planes-view.js - part 3: one matrix per colour. The R, G and B planes and
// the grayscale Y, each drawn in gray with its numbers around the lens, and
// Y's formula worked out at the lens.
import { h, $ } from '../lib/dom.js';
import { css } from '../lib/colour.js';
import { inkFor } from './lens-view.js';
import { grayWorking } from './state.js';

/** Numbers shown under each plane: PLANE_LENS x PLANE_LENS around the lens. */
const PLANE_LENS = 5;

/** The planes: R, G, B (channel 0, 1, 2 of the RGBA bytes) and the engine's Y. */
const PLANES = [
  { key: 'r', title: 'R: red', channel: 0 },
  { key: 'g', title: 'G: green', channel: 1 },
  { key: 'b', title: 'B: blue', channel: 2 },
  { key: 'y', title: 'Y: grayscale', channel: -1 },
];

/** The part's elements, by their data-* hooks in pixels.html. */
export function planesElements() {
  return { host: $('[data-planes]'), note: $('[data-planes-note]'), example: $('[data-gray-example]') };
}

/** Makes a figure per plane in host (once): caption, canvas, numbers. */
export function buildPlanes(host) {
  for (const p of PLANES) {
    const capId = `px-plane-${p.key}`;
    host.append(h('figure', { className: 'px-plane', dataset: { plane: p.key } },
      h('figcaption', { id: capId }, h('strong', { text: p.title }), ' ', h('span', { className: 'mono px-plane-shape' })),
      h('canvas', { className: 'px-plane-canvas', attrs: { role: 'img', 'aria-labelledby': capId } }),
      h('table', { className: 'matrix px-plane-numbers', attrs: { 'aria-label': `${p.title}, numbers around the lens` } })));
  }
}

/**
 * Draws each plane as the worker made it (planes: { r, g, b, y }, RGBA bytes).
 * @param {{ host: HTMLElement, note: HTMLElement }} els
 */
export function drawPlanes(picture, planes, els) {
  const { img } = picture;
  for (const p of PLANES) {
    const fig = $(`[data-plane="${p.key}"]`, els.host);
    const canvas = $('canvas', fig);
    canvas.width = img.width;
    canvas.height = img.height;
    canvas.getContext('2d').putImageData(new ImageData(new Uint8ClampedArray(planes[p.key]), img.width, img.height), 0, 0);
    $('.px-plane-shape', fig).textContent = `(${img.height}, ${img.width})`;
  }
  els.note.textContent = img.gray ? 'This picture is grayscale: R, G and B are the same matrix, and so is Y.' : '';
}

/** Value i of a plane. */
function valueOf(picture, p, i) {
  return p.channel < 0 ? picture.y[i] : picture.img.data[4 * i + p.channel];
}

/**
 * The numbers under each plane around (state.x, state.y), and Y's formula at the lens.
 * @param {{ host: HTMLElement, example: HTMLElement }} els
 */
export function renderPlaneNumbers(state, picture, els) {
  const { img } = picture;
  const half = Math.floor(PLANE_LENS / 2);
  const x0 = Math.min(Math.max(0, state.x - half), Math.max(0, img.width - PLANE_LENS));
  const y0 = Math.min(Math.max(0, state.y - half), Math.max(0, img.height - PLANE_LENS));
  for (const p of PLANES) {
    const table = $(`[data-plane="${p.key}"] table`, els.host);
    table.replaceChildren();
    for (let r = y0; r < Math.min(img.height, y0 + PLANE_LENS); r++) {
      const tr = table.insertRow();
      for (let c = x0; c < Math.min(img.width, x0 + PLANE_LENS); c++) {
        const v = valueOf(picture, p, r * img.width + c);
        const td = tr.insertCell();
        td.textContent = String(v);
        td.style.background = css([v, v, v]);
        td.style.color = inkFor(v, v, v);
        if (r === state.y && c === state.x) td.className = 'center';
      }
    }
  }
  const i = state.y * img.width + state.x;
  const [R, G, B] = [0, 1, 2].map((k) => img.data[4 * i + k]);
  const w = grayWorking(R, G, B);
  els.example.textContent = `At row ${state.y}, column ${state.x}: 0.299 × ${R} + 0.587 × ${G} + 0.114 × ${B} = `
    + `${w.terms.join(' + ')} = ${w.sum}${w.half ? ' (exactly a half: to the even number)' : ''} → Y = ${picture.y[i]}`;
}
