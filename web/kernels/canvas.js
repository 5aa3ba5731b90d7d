// canvas.js - X and Z as pictures (section 4): pixels as they are, or, for
// images up to SMALL_SIDE x SMALL_SIDE, a matrix of numbers; and the markers
// of the selected output pixel and of the input patch under it. Views: they
// read the page's state and never change it.
import { h as make } from '../lib/dom.js';
import { css, luminance } from '../lib/colour.js';
import { fmt, patchOf } from './arithmetic.js';
import { SMALL_SIDE, CHANNEL_NAMES } from './state.js';

/** @typedef {import('./elements.js').Elements} Elements */
/** @typedef {import('./page.js').PageState} PageState */

const CELL = 44; // CSS pixels per pixel when an image is drawn as a number matrix

/** @param {HTMLCanvasElement} canvas @param {Uint8ClampedArray<ArrayBuffer>} rgba @param {number} w @param {number} h */
function drawPixels(canvas, rgba, w, h) {
  canvas.parentElement.classList.remove('is-matrix');
  canvas.style.width = '';
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
  }
  canvas.getContext('2d').putImageData(new ImageData(rgba, w, h), 0, 0);
}

/**
 * One cell per pixel, filled with its colour, with its number in ink that shows.
 * @param {HTMLCanvasElement} canvas
 * @param {number} w
 * @param {number} h
 * @param {number[][]} fills   [r, g, b] per pixel
 * @param {string[]} labels    the number per pixel ('' for none)
 */
function drawMatrix(canvas, w, h, fills, labels) {
  const dpr = Math.min(2, window.devicePixelRatio || 1);
  canvas.parentElement.classList.add('is-matrix');
  canvas.width = Math.round(w * CELL * dpr);
  canvas.height = Math.round(h * CELL * dpr);
  canvas.style.width = `${w * CELL}px`;
  const g = canvas.getContext('2d');
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.textAlign = 'center';
  g.textBaseline = 'middle';
  for (let i = 0; i < w * h; i++) {
    const x = (i % w) * CELL, y = Math.floor(i / w) * CELL;
    g.fillStyle = css(fills[i]);
    g.fillRect(x, y, CELL, CELL);
    g.strokeStyle = '#9aa1ad';
    g.strokeRect(x + 0.5, y + 0.5, CELL - 1, CELL - 1);
    const label = labels[i];
    if (label) {
      const size = Math.min(15, Math.floor((CELL - 6) / (0.62 * label.length)));
      g.font = `${size}px ui-monospace, 'DejaVu Sans Mono', monospace`;
      g.fillStyle = luminance(fills[i][0], fills[i][1], fills[i][2]) > 0.45 ? '#111' : '#fff';
      g.fillText(label, x + CELL / 2, y + CELL / 2 + 1);
    }
  }
}

/**
 * The numbers a matrix canvas shows, as a table for screen readers (visually
 * hidden: the canvas is the picture of it), or nothing for a photo.
 * @param {HTMLElement} box
 * @param {string} caption
 * @param {number} w
 * @param {number} h
 * @param {((i: number) => string) | null} cell  the text of pixel i, row by row; null: no table
 */
function numbersTable(box, caption, w, h, cell) {
  if (!cell) {
    box.replaceChildren();
    return;
  }
  const table = /** @type {HTMLTableElement} */ (make('table', { className: 'visually-hidden' }));
  table.createCaption().textContent = caption;
  const head = table.createTHead().insertRow();
  head.append(make('th', { scope: 'col', text: 'row \\ column' }));
  for (let x = 0; x < w; x++) head.append(make('th', { scope: 'col', text: x }));
  const body = table.createTBody();
  for (let y = 0; y < h; y++) {
    const tr = body.insertRow();
    tr.append(make('th', { scope: 'row', text: y }));
    for (let x = 0; x < w; x++) tr.insertCell().textContent = cell(y * w + x);
  }
  box.replaceChildren(table);
}

/** A shape the lesson's way, its numbers named: "shape (300, 451, 3): height 300, width 451, 3 channels". */
export function shapeCaption(h, w, c) {
  return `shape (${h}, ${w}${c ? `, ${c}` : ''}): height ${h}, width ${w}${c ? `, ${c} channel${c > 1 ? 's' : ''}` : ''}`;
}

/**
 * X as the engine reads it (`view`: { rgba, width, height, gray }, from the worker).
 * @param {PageState} state
 * @param {Elements} el
 * @param {{ rgba: ArrayBuffer, width: number, height: number, gray: boolean }} view
 */
export function renderInput(state, el, view) {
  const { width: w, height: h, gray } = view;
  const rgba = new Uint8ClampedArray(view.rgba);
  // the channels X has for the kernel: one when it is read as gray (the layer's C = 1 too)
  const c = gray ? (state.settings.mode === 'layer' ? 1 : 0) : 3;
  if (w <= SMALL_SIDE && h <= SMALL_SIDE) {
    // A number matrix: one cell per pixel with its value. Tiny values (the
    // 5 x 5 example's 0-3) are shaded relative to the largest, else 0-255.
    let max = 0, allGray = true;
    for (let i = 0; i < w * h; i++) {
      max = Math.max(max, rgba[4 * i], rgba[4 * i + 1], rgba[4 * i + 2]);
      if (rgba[4 * i] !== rgba[4 * i + 1] || rgba[4 * i] !== rgba[4 * i + 2]) allGray = false;
    }
    const stretch = allGray && max > 0 && max < 64 ? 255 / max : 1;
    const fills = [], labels = [];
    for (let i = 0; i < w * h; i++) {
      fills.push([rgba[4 * i], rgba[4 * i + 1], rgba[4 * i + 2]].map((v) => Math.round(v * stretch)));
      labels.push(allGray ? String(rgba[4 * i]) : '');
    }
    drawMatrix(el.inputCanvas, w, h, fills, labels);
    el.inputCaption.textContent = `X, ${shapeCaption(h, w, c)}${stretch !== 1 ? ` (shaded from 0, black, to ${max}, white)` : gray ? ', grayscale' : ''}`;
    numbersTable(el.inputNumbers, `The numbers of X, ${h} rows × ${w} columns`, w, h,
      (i) => (allGray ? String(rgba[4 * i]) : CHANNEL_NAMES.map((n, ch) => `${n} ${rgba[4 * i + ch]}`).join(', ')));
  } else {
    drawPixels(el.inputCanvas, rgba, w, h);
    el.inputCaption.textContent = `X, ${shapeCaption(h, w, c)}${gray ? ', as grayscale' : ', colour'}`;
    numbersTable(el.inputNumbers, '', w, h, null);
  }
  const small = w <= SMALL_SIDE && h <= SMALL_SIDE;
  el.inputCanvas.setAttribute('aria-label', `Input image X: ${state.image.name}, ${h} rows by ${w} columns${gray ? ', grayscale' : ''}`
    + `${small ? '; its numbers are in the table that follows' : ''}`);
}

/**
 * Z, from the engine's result (its RGBA bytes, and its values when it is small enough to write out).
 * @param {Elements} el
 * @param {{ rgba: ArrayBuffer, width: number, height: number, planes: number, values: number[] | null, name?: string }} r
 */
export function renderOutput(el, r) {
  const rgba = new Uint8ClampedArray(r.rgba);
  const { width: w, height: h } = r;
  const label = 'Output Z: click a pixel, or focus and use the arrow keys, to see its sum step by step';
  if (w <= SMALL_SIDE && h <= SMALL_SIDE) {
    const fills = [], labels = [];
    const planeValues = (i) => Array.from({ length: r.planes }, (_, p) => r.values?.[p * w * h + i]);
    for (let i = 0; i < w * h; i++) {
      fills.push([rgba[4 * i], rgba[4 * i + 1], rgba[4 * i + 2]]);
      const vs = planeValues(i);
      labels.push(r.values && vs.every((v) => v === vs[0]) ? fmt(vs[0], 1) : '');
    }
    drawMatrix(el.outputCanvas, w, h, fills, labels);
    numbersTable(el.outputNumbers, `The numbers of ${r.name ?? 'Z'}, ${h} rows × ${w} columns`, w, h, r.values
      ? (i) => (r.planes === 1 ? fmt(r.values[i], 3) : planeValues(i).map((v, p) => `${CHANNEL_NAMES[p]} ${fmt(v, 3)}`).join(', '))
      : null);
    el.outputCanvas.setAttribute('aria-label', `${label}; its numbers are in the table that follows`);
  } else {
    drawPixels(el.outputCanvas, rgba, w, h);
    numbersTable(el.outputNumbers, '', w, h, null);
    el.outputCanvas.setAttribute('aria-label', label);
  }
}

/**
 * What Z's canvas shows of a result (the worker's): the result, or map n of the layer's.
 * @param {any} r
 * @param {number} n
 */
export function shownPlane(r, n) {
  if (!r.maps) return r;
  const m = r.maps[n];
  return { rgba: m.rgba, width: r.width, height: r.height, planes: 1, values: m.values, name: `Z[:, :, ${n}]` };
}

/**
 * The layer's N feature maps side by side, each a button that selects it
 * (its kernel is then the one edited, and its value the one worked out).
 * @param {PageState} state
 * @param {Elements} el
 */
export function renderMaps(state, el) {
  const { drawn } = state;
  const maps = drawn?.maps;
  el.maps.hidden = !maps;
  if (!maps) {
    el.maps.replaceChildren();
    return;
  }
  const n = state.settings.map;
  const { width: w, height: h } = drawn;
  const buttons = maps.map((m, i) => {
    const canvas = /** @type {HTMLCanvasElement} */ (make('canvas', { width: w, height: h }));
    canvas.getContext('2d').putImageData(new ImageData(new Uint8ClampedArray(m.rgba), w, h), 0, 0);
    return make('button', {
      type: 'button', className: 'k-map', dataset: { map: String(i) },
      // the name starts with the words it shows (axe: label-content-name-mismatch)
      attrs: { 'aria-pressed': String(i === n), 'aria-label': `Map ${i}: the feature map Z[:, :, ${i}] of kernel W_${i}` },
    }, canvas, make('span', { className: 'k-map-name', text: `Map ${i}` }));
  });
  el.maps.replaceChildren(
    make('p', { className: 'k-maps-title', text: `The ${maps.length} feature map${maps.length > 1 ? 's' : ''} Z[:, :, n], each of shape (${h}, ${w}): choose one` }),
    make('div', { className: 'k-map-list' }, ...buttons));
}

/** Which feature map is the selected one. @param {PageState} state @param {Elements} el */
export function renderMapChoice(state, el) {
  for (const b of el.maps.querySelectorAll('button[data-map]')) b.setAttribute('aria-pressed', String(Number(b.dataset.map) === state.settings.map));
}

/**
 * The selected pixel on Z, and the patch of X it sums (hidden while there is no result).
 * @param {PageState} state
 * @param {Elements} el
 */
export function renderMarkers(state, el) {
  const { drawn, image } = state;
  if (!drawn || !image) {
    el.fieldMarker.hidden = el.pixelMarker.hidden = true;
    return;
  }
  const pct = (v, n) => `${(100 * v) / n}%`;
  const [j1, j2] = state.settings.sel;
  const { top, left, k1, k2 } = patchOf(drawn.params, j1, j2);
  Object.assign(el.fieldMarker.style, {
    top: pct(top, image.height), left: pct(left, image.width),
    height: pct(k1, image.height), width: pct(k2, image.width),
  });
  Object.assign(el.pixelMarker.style, {
    top: pct(j1, drawn.height), left: pct(j2, drawn.width),
    height: pct(1, drawn.height), width: pct(1, drawn.width),
  });
  el.fieldMarker.hidden = el.pixelMarker.hidden = false;
}
