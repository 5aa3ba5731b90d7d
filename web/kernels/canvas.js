// canvas.js - X and Z as pictures (section 4): pixels as they are, or, for
// images up to SMALL_SIDE x SMALL_SIDE, a matrix of numbers; and the markers
// of the selected output pixel and of the input patch under it. Views: they
// read the page's state and never change it.
import { css, luminance } from '../lib/colour.js';
import { fmt, patchOf } from './arithmetic.js';
import { SMALL_SIDE } from './state.js';

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
 * X as the engine reads it (`view`: { rgba, width, height, gray }, from the worker).
 * @param {PageState} state
 * @param {Elements} el
 * @param {{ rgba: ArrayBuffer, width: number, height: number, gray: boolean }} view
 */
export function renderInput(state, el, view) {
  const { width: w, height: h, gray } = view;
  const rgba = new Uint8ClampedArray(view.rgba);
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
    el.inputCaption.textContent = stretch !== 1
      ? `X, ${h} × ${w} (shaded from 0, black, to ${max}, white)`
      : `X, ${h} × ${w}${gray ? ', grayscale' : ''}`;
  } else {
    drawPixels(el.inputCanvas, rgba, w, h);
    el.inputCaption.textContent = `X, ${h} × ${w}${gray ? ', as grayscale' : ', colour'}`;
  }
  el.inputCanvas.setAttribute('aria-label', `Input image X: ${state.image.name}, ${h} rows by ${w} columns${gray ? ', grayscale' : ''}`);
}

/**
 * Z, from the engine's result (its RGBA bytes, and its values when it is small enough to write out).
 * @param {Elements} el
 * @param {{ rgba: ArrayBuffer, width: number, height: number, planes: number, values: number[] | null }} r
 */
export function renderOutput(el, r) {
  const rgba = new Uint8ClampedArray(r.rgba);
  const { width: w, height: h } = r;
  if (w <= SMALL_SIDE && h <= SMALL_SIDE) {
    const fills = [], labels = [];
    for (let i = 0; i < w * h; i++) {
      fills.push([rgba[4 * i], rgba[4 * i + 1], rgba[4 * i + 2]]);
      let label = '';
      if (r.values) {
        const vs = Array.from({ length: r.planes }, (_, p) => r.values[p * w * h + i]);
        if (vs.every((v) => v === vs[0])) label = fmt(vs[0], 1);
      }
      labels.push(label);
    }
    drawMatrix(el.outputCanvas, w, h, fills, labels);
  } else {
    drawPixels(el.outputCanvas, rgba, w, h);
  }
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
