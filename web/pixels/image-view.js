// image-view.js - part 2's picture and its facts: the image drawn at its
// pixel size and shown as large as fits, and the array's shape, axes and type.
// Views draw what they are given; they never change the state.
//
// A picture, as the page holds it:
//   { img: { data, width, height, name, source, gray }  the RGBA bytes (lib/image-source.js),
//     y: Float32Array (height, width)   the engine's grayscale Y,
//     grayRGBA: Uint8ClampedArray       Y drawn as a gray picture,
//     small: Uint8Array (28, 28)        Y shrunk for part 5 }
import { $, $$ } from '../lib/dom.js';
import { grayView } from './state.js';

/** The part's elements (the picture and its facts), by their data-* hooks in pixels.html. */
export function imageElements() {
  return {
    canvas: $('[data-image-canvas]'), focus: $('[data-image-focus]'), views: $$('[data-view]'),
    shape: $('[data-shape]'), axes: $('[data-axes]'), dtype: $('[data-dtype]'), count: $('[data-count]'),
    note: $('[data-shape-note]'), legend: $('[data-lens-legend]'),
  };
}

/** Draws the picture on its canvas, in colour or as Y. */
export function drawImage(state, picture, canvas) {
  const { img } = picture;
  canvas.width = img.width;
  canvas.height = img.height;
  const data = grayView(state, img.gray) ? picture.grayRGBA : img.data;
  canvas.getContext('2d').putImageData(new ImageData(data, img.width, img.height), 0, 0);
}

/**
 * Sizes the canvas on screen: as large as its frame's width and 70% of the
 * window's height allow (small pictures are enlarged, pixelated).
 */
export function fitImage(picture, canvas) {
  const avail = canvas.parentElement.parentElement.clientWidth;
  const maxH = Math.max(200, window.innerHeight * 0.7);
  const { width: w, height: h } = picture.img;
  const s = Math.min(avail / w, maxH / h);
  canvas.style.width = `${Math.max(1, Math.floor(w * s))}px`;
  canvas.style.height = `${Math.max(1, Math.floor(h * s))}px`;
}

/**
 * The pixel under the pointer, [x, y] (column, row; outside the picture when the pointer is).
 * @param {{ clientX: number, clientY: number }} e
 */
export function pixelUnderPointer(e, picture, canvas) {
  const rect = canvas.getBoundingClientRect();
  return [Math.floor(((e.clientX - rect.left) / rect.width) * picture.img.width),
    Math.floor(((e.clientY - rect.top) / rect.height) * picture.img.height)];
}

/**
 * The array's shape, axes, type and size, what the picture is, and which view the radios show.
 * @param {object} state
 * @param {any} picture
 * @param {{ shape: HTMLElement, axes: HTMLElement, dtype: HTMLElement, count: HTMLElement,
 *           note: HTMLElement, legend: HTMLElement, views: HTMLInputElement[] }} els
 */
export function renderShape(state, picture, els) {
  const { img } = picture;
  const gray = grayView(state, img.gray);
  els.shape.textContent = gray ? `(${img.height}, ${img.width})` : `(${img.height}, ${img.width}, 3)`;
  els.axes.textContent = gray ? '(height, width)' : '(height, width, channels)';
  els.dtype.textContent = 'uint8, whole numbers 0 to 255';
  const n = img.height * img.width * (gray ? 1 : 3);
  els.count.textContent = `${img.height} × ${img.width}${gray ? '' : ' × 3'} = ${n.toLocaleString('en')}`;
  for (const r of els.views) r.checked = r.value === (gray ? 'gray' : 'color');
  let note;
  if (img.gray && gray) note = 'This picture is grayscale: one number per pixel, a 2D array (a matrix).';
  else if (img.gray) note = 'This picture is grayscale, so as a colour array its three channels are equal: R = G = B in every pixel.';
  else if (gray) note = 'Converted to grayscale with Y = 0.299 R + 0.587 G + 0.114 B, rounded (see part 3): one number per pixel.';
  else note = 'Three numbers per pixel: red, green and blue, each 0 to 255.';
  els.note.textContent = `${img.name}: ${img.height} pixels high and ${img.width} wide. ${note}`;
  const legend = gray
    ? 'Each cell is one pixel: its colour and its number.'
    : 'Each cell is one pixel: its colour and its three numbers, R (top), G, B (bottom).';
  els.legend.textContent = `${legend} Row and column numbers start at 0, as in Python.`;
}
