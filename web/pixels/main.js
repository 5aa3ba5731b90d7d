// Pixels page: an image as an array of numbers (lesson objectives 1, 5, 6).
// All of the page's state lives in `state` and in the URL hash (pixels-state.js),
// so a link reproduces the view; the engine (convlab.js) splits channels and
// converts to grayscale; image-source.js brings images in.
import { loadConvlab } from '../lib/convlab.js';
import { SAMPLES, loadSample, bindImageInputs, openCamera } from '../lib/image-source.js';
import {
  MAX_EDIT, SEED_MAX, CLASS_MATRIX, DEFAULT_SAMPLE, cloneMatrix, defaultState,
  readWhole, parsePixel, encodeHash, decodeHash,
} from './state.js';

const LENS = 7; // the zoomed grid is LENS x LENS pixels around the cursor
const PLANE_LENS = 5; // numbers shown under each channel plane
const MLP_SIDE = 28;
// Where the lens starts on each sample: a spot worth reading (else the centre).
const START = { astronaut: [110, 330], coffee: [300, 120], chelsea: [150, 150], camera: [256, 256] };

const $ = (sel) => document.querySelector(sel);
const el = (tag, props = {}, ...children) => {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
};

// ---- state (mirrored in the hash) ----
const state = defaultState();

let cl = null;           // the engine, once loaded
let current = null;      // { img, planes: Float32Array (3, H, W), y: Float32Array (H, W) }

// The page message: what a link had that could not be used, then the
// engine's note (a scalar build running because the SIMD one failed).
let linkNotes = [], engineNote = '';
// The lens position a link asked for, until the picture says whether it has it.
let linkLens = null;

function showPageMessage() {
  const lines = [...linkNotes, engineNote].filter(Boolean);
  const node = $('[data-page-message]');
  say(node, '', 'warning');
  node.append(...lines.flatMap((line, i) => (i ? [' ', el('br'), line] : [line]))); // one line each
}

/** Reads the link into `state`; a link with no sample keeps the picture shown. */
function readHash() {
  const { state: s, notes } = decodeHash(location.hash);
  Object.assign(state, s, { sample: s.sample ?? state.sample });
  linkNotes = notes.map((n) => n.text);
  linkLens = s.x === null ? null : [s.x, s.y];
  showPageMessage();
}

let hashTimer = 0;
function writeHash() {
  clearTimeout(hashTimer);
  hashTimer = setTimeout(() => history.replaceState(null, '', encodeHash(state)), 150);
}

/** A field's message next to it (the element its aria-describedby names): `text`, or '' when the field is good. */
function fieldError(input, errorEl, text) {
  errorEl.textContent = text;
  input.setAttribute('aria-invalid', String(Boolean(text)));
}

/** The text of an <input type=number>, or null when the browser could not read it as a number. */
function fieldText(input) {
  return input.value === '' && input.validity.badInput ? null : input.value;
}

// ---- colours ----

// Black or white text, whichever contrasts more with the cell (WCAG luminance);
// the worse of the two choices still gives at least 4.5:1.
function inkFor(r, g, b) {
  const lin = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  const L = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  return (L + 0.05) / 0.05 >= 1.05 / (L + 0.05) ? '#000' : '#fff';
}
const rgb = (r, g, b) => `rgb(${r}, ${g}, ${b})`;

// ---- messages ----
function say(node, text, kind = 'info') {
  node.textContent = text;
  node.dataset.kind = kind;
}

// ---- the image ----

/** True when the array is shown 2D: the grayscale view. */
function grayView() {
  return (state.view ?? (current.img.gray ? 'gray' : 'color')) === 'gray';
}

function setImage(img) {
  if (img.source !== 'sample') $('[data-sample]').value = '';
  const planes = cl.toPlanar(img, false);
  const y = cl.toPlanar(img, true);
  current = { img, planes, y };
  if (state.x === null || state.x >= img.width || state.y >= img.height) {
    if (linkLens && state.x !== null) {
      linkNotes.push(`This link’s “x=${linkLens[0]}” and “y=${linkLens[1]}” were ignored together (the ${img.width} × ${img.height} picture `
        + `has x from 0 to ${img.width - 1} and y from 0 to ${img.height - 1}): using its starting spot.`);
      showPageMessage();
    }
    const start = img.source === 'sample' ? START[state.sample] : null;
    [state.x, state.y] = start ?? [Math.floor(img.width / 2), Math.floor(img.height / 2)];
  }
  linkLens = null;
  drawImage();
  drawPlanes();
  renderShape();
  renderLens();
  renderMlp();
  writeHash();
}

function drawImage() {
  const { img, y } = current;
  const canvas = $('[data-image-canvas]');
  canvas.width = img.width;
  canvas.height = img.height;
  const data = grayView() ? cl.toRGBA(y, 1, img.height, img.width) : img.data;
  canvas.getContext('2d').putImageData(new ImageData(new Uint8ClampedArray(data), img.width, img.height), 0, 0);
  fitImage();
}

// The canvas is drawn at its pixel size and shown as large as fits (small
// pictures are enlarged, pixelated).
function fitImage() {
  if (!current) return;
  const canvas = $('[data-image-canvas]');
  const wrap = canvas.parentElement.parentElement;
  const avail = wrap.clientWidth;
  const maxH = Math.max(200, window.innerHeight * 0.7);
  const { width: w, height: h } = current.img;
  const s = Math.min(avail / w, maxH / h);
  canvas.style.width = `${Math.max(1, Math.floor(w * s))}px`;
  canvas.style.height = `${Math.max(1, Math.floor(h * s))}px`;
  placeLensBox();
}

function placeLensBox() {
  const canvas = $('[data-image-canvas]');
  const box = $('[data-lens-box]');
  const s = canvas.clientWidth / current.img.width;
  const half = Math.floor(LENS / 2);
  const size = Math.max(LENS * s, 12);
  const cx = (state.x + 0.5) * s, cy = (state.y + 0.5) * s;
  Object.assign(box.style, {
    width: `${size}px`, height: `${size}px`,
    left: `${canvas.offsetLeft + cx - size / 2}px`, top: `${canvas.offsetTop + cy - size / 2}px`,
  });
  box.dataset.half = half;
}

function renderShape() {
  const { img } = current;
  const gray = grayView();
  $('[data-shape]').textContent = gray ? `(${img.height}, ${img.width})` : `(${img.height}, ${img.width}, 3)`;
  $('[data-axes]').textContent = gray ? '(height, width)' : '(height, width, channels)';
  $('[data-dtype]').textContent = 'uint8, whole numbers 0 to 255';
  const n = img.height * img.width * (gray ? 1 : 3);
  $('[data-count]').textContent = `${img.height} × ${img.width}${gray ? '' : ' × 3'} = ${n.toLocaleString('en')}`;
  for (const r of document.querySelectorAll('[data-view]')) r.checked = r.value === (gray ? 'gray' : 'color');
  let note;
  if (img.gray && gray) note = 'This picture is grayscale: one number per pixel, a 2D array (a matrix).';
  else if (img.gray) note = 'This picture is grayscale, so as a colour array its three channels are equal: R = G = B in every pixel.';
  else if (gray) note = 'Converted to grayscale with Y = 0.299 R + 0.587 G + 0.114 B (see part 3): one number per pixel.';
  else note = 'Three numbers per pixel: red, green and blue, each 0 to 255.';
  $('[data-shape-note]').textContent = `${img.name}, ${img.width} pixels wide and ${img.height} high. ${note}`;
  const legend = gray
    ? 'Each cell is one pixel: its colour and its number.'
    : 'Each cell is one pixel: its colour and its three numbers, R (top), G, B (bottom).';
  $('[data-lens-legend]').textContent = `${legend} Row and column numbers start at 0, as in Python.`;
}

// The values at (row, col): [r, g, b] or [y].
function pixelAt(row, col) {
  const { img, y } = current;
  const i = row * img.width + col;
  if (grayView()) return [y[i]];
  return [img.data[4 * i], img.data[4 * i + 1], img.data[4 * i + 2]];
}

function describePixel(row, col) {
  const v = pixelAt(row, col);
  const what = v.length === 1
    ? `${current.img.gray ? 'value' : 'Y'} ${v[0]}`
    : `R ${v[0]}, G ${v[1]}, B ${v[2]}`;
  return `Row ${row}, column ${col}: ${what}`;
}

function renderLens() {
  const { img } = current;
  const half = Math.floor(LENS / 2);
  const table = $('[data-lens]');
  const gray = grayView();
  table.replaceChildren();
  table.dataset.gray = String(gray);
  const head = table.createTHead().insertRow();
  head.append(el('th', { scope: 'col', className: 'corner' }, el('span', { className: 'visually-hidden' }, 'row \\ column')));
  for (let dc = -half; dc <= half; dc++) {
    const c = state.x + dc;
    head.append(el('th', { scope: 'col' }, c >= 0 && c < img.width ? String(c) : ''));
  }
  const body = table.createTBody();
  for (let dr = -half; dr <= half; dr++) {
    const r = state.y + dr;
    const tr = body.insertRow();
    tr.append(el('th', { scope: 'row' }, r >= 0 && r < img.height ? String(r) : ''));
    for (let dc = -half; dc <= half; dc++) {
      const c = state.x + dc;
      const td = tr.insertCell();
      if (r < 0 || c < 0 || r >= img.height || c >= img.width) {
        td.className = 'outside';
        continue;
      }
      const v = pixelAt(r, c);
      const [R, G, B] = v.length === 1 ? [v[0], v[0], v[0]] : v;
      td.style.background = rgb(R, G, B);
      td.style.color = inkFor(R, G, B);
      for (const n of v) td.append(el('span', {}, String(n)));
      if (dr === 0 && dc === 0) {
        td.className = 'center';
        td.setAttribute('aria-current', 'true');
      }
    }
  }
  $('[data-readout]').textContent = describePixel(state.y, state.x);
  renderPlaneNumbers();
  placeLensBox();
}

function moveLens(x, y, { announce = false } = {}) {
  const { img } = current;
  state.x = Math.min(img.width - 1, Math.max(0, x));
  state.y = Math.min(img.height - 1, Math.max(0, y));
  renderLens();
  if (announce) $('[data-announce]').textContent = describePixel(state.y, state.x);
  writeHash();
}

function wireImage() {
  const canvas = $('[data-image-canvas]');
  const wrap = $('[data-image-focus]');
  let pending = null;
  canvas.addEventListener('pointermove', (e) => {
    if (!current) return;
    const rect = canvas.getBoundingClientRect();
    const x = Math.floor(((e.clientX - rect.left) / rect.width) * current.img.width);
    const y = Math.floor(((e.clientY - rect.top) / rect.height) * current.img.height);
    if (pending === null) requestAnimationFrame(() => { moveLens(pending.x, pending.y); pending = null; });
    pending = { x, y };
  });
  canvas.addEventListener('pointerdown', () => wrap.focus());
  wrap.addEventListener('keydown', (e) => {
    if (!current) return;
    const step = e.shiftKey ? 10 : 1;
    let { x, y } = state;
    switch (e.key) {
      case 'ArrowLeft': x -= step; break;
      case 'ArrowRight': x += step; break;
      case 'ArrowUp': y -= step; break;
      case 'ArrowDown': y += step; break;
      case 'Home': x = 0; if (e.ctrlKey) y = 0; break;
      case 'End': x = current.img.width - 1; if (e.ctrlKey) y = current.img.height - 1; break;
      default: return;
    }
    e.preventDefault();
    moveLens(x, y, { announce: true });
  });
  new ResizeObserver(() => fitImage()).observe(wrap.parentElement);
  window.addEventListener('resize', fitImage);
}

// ---- part 3: channel planes ----

const PLANES = [
  { key: 'r', title: 'R: red', index: 0 },
  { key: 'g', title: 'G: green', index: 1 },
  { key: 'b', title: 'B: blue', index: 2 },
  { key: 'y', title: 'Y: grayscale', index: -1 },
];

function buildPlanes() {
  const host = $('[data-planes]');
  for (const p of PLANES) {
    const fig = el('figure', { className: 'px-plane' });
    fig.dataset.plane = p.key;
    const capId = `px-plane-${p.key}`;
    fig.append(
      el('figcaption', { id: capId }, el('strong', {}, p.title), ' ', el('span', { className: 'mono px-plane-shape' })),
      el('canvas', { className: 'px-plane-canvas' }),
      el('table', { className: 'matrix px-plane-numbers' }),
    );
    const canvas = fig.querySelector('canvas');
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-labelledby', capId);
    fig.querySelector('table').setAttribute('aria-label', `${p.title}, numbers around the lens`);
    host.append(fig);
  }
}

function planeValues(p) {
  const { planes, y, img } = current;
  const n = img.width * img.height;
  return p.index < 0 ? y : planes.subarray(p.index * n, (p.index + 1) * n);
}

function drawPlanes() {
  const { img } = current;
  for (const p of PLANES) {
    const fig = $(`[data-plane="${p.key}"]`);
    const canvas = fig.querySelector('canvas');
    canvas.width = img.width;
    canvas.height = img.height;
    const rgba = cl.toRGBA(planeValues(p), 1, img.height, img.width);
    canvas.getContext('2d').putImageData(new ImageData(rgba, img.width, img.height), 0, 0);
    fig.querySelector('.px-plane-shape').textContent = `(${img.height}, ${img.width})`;
  }
  $('[data-planes-note]').textContent = img.gray
    ? 'This picture is grayscale: R, G and B are the same matrix, and so is Y.'
    : '';
}

function renderPlaneNumbers() {
  const { img } = current;
  const half = Math.floor(PLANE_LENS / 2);
  const x0 = Math.min(Math.max(0, state.x - half), Math.max(0, img.width - PLANE_LENS));
  const y0 = Math.min(Math.max(0, state.y - half), Math.max(0, img.height - PLANE_LENS));
  for (const p of PLANES) {
    const values = planeValues(p);
    const table = $(`[data-plane="${p.key}"] table`);
    table.replaceChildren();
    for (let r = y0; r < Math.min(img.height, y0 + PLANE_LENS); r++) {
      const tr = table.insertRow();
      for (let c = x0; c < Math.min(img.width, x0 + PLANE_LENS); c++) {
        const v = values[r * img.width + c];
        const td = tr.insertCell();
        td.textContent = String(v);
        td.style.background = rgb(v, v, v);
        td.style.color = inkFor(v, v, v);
        if (r === state.y && c === state.x) td.className = 'center';
      }
    }
  }
  const i = state.y * img.width + state.x;
  const [R, G, B] = [0, 1, 2].map((k) => current.img.data[4 * i + k]);
  const sum = 0.299 * R + 0.587 * G + 0.114 * B;
  $('[data-gray-example]').textContent =
    `At row ${state.y}, column ${state.x}: 0.299 × ${R} + 0.587 × ${G} + 0.114 × ${B} = ` +
    `${sum.toFixed(3)} → Y = ${current.y[i]}`;
}

// ---- part 4: the editable matrix ----

const editor = { inputs: [], cells: [], focus: 0, painting: false };

function buildEditor() {
  const { rows, cols, values } = state.matrix;
  const inputs = $('[data-ed-inputs]'), pixels = $('[data-ed-pixels]');
  inputs.replaceChildren();
  pixels.replaceChildren();
  inputs.style.gridTemplateColumns = `repeat(${cols}, auto)`;
  pixels.style.gridTemplateColumns = `repeat(${cols}, 1fr)`;
  pixels.dataset.cols = cols;
  editor.inputs = [];
  editor.cells = [];
  editor.focus = Math.min(editor.focus, rows * cols - 1);
  for (let i = 0; i < rows * cols; i++) {
    const r = Math.floor(i / cols), c = i % cols;
    const input = el('input', { type: 'text', inputMode: 'numeric', value: String(values[i]), className: 'mono' });
    input.setAttribute('aria-label', `Row ${r}, column ${c}`);
    input.setAttribute('aria-describedby', 'px-ed-message');
    input.addEventListener('input', () => onCellInput(i));
    inputs.append(input);
    editor.inputs.push(input);
    const cell = el('button', { type: 'button', className: 'px-ed-pixel', tabIndex: i === editor.focus ? 0 : -1 });
    cell.dataset.index = i;
    pixels.append(cell);
    editor.cells.push(cell);
  }
  $('[data-ed-rows]').value = rows;
  $('[data-ed-cols]').value = cols;
  fieldError($('[data-ed-rows]'), $('[data-ed-rows-error]'), '');
  fieldError($('[data-ed-cols]'), $('[data-ed-cols-error]'), '');
  renderEditor();
}

function renderEditor() {
  const { rows, cols, values } = state.matrix;
  for (let i = 0; i < rows * cols; i++) {
    const v = values[i];
    const cell = editor.cells[i];
    cell.style.background = rgb(v, v, v);
    cell.setAttribute('aria-label', `Pixel row ${Math.floor(i / cols)}, column ${i % cols}: ${v}`);
  }
  const rowsText = [];
  for (let r = 0; r < rows; r++) rowsText.push(`[${values.slice(r * cols, (r + 1) * cols).join(', ')}]`);
  $('[data-ed-literal]').textContent = `[${rowsText.join(', ')}]`;
  const bad = editor.inputs
    .map((input, i) => ({ i, res: parsePixel(input.value) }))
    .filter((b) => b.res.error);
  const msg = $('[data-ed-message]');
  if (bad.length) {
    const { i, res } = bad[0];
    const more = bad.length > 1 ? ` (${bad.length - 1} more cell${bad.length > 2 ? 's' : ''} to fix)` : '';
    say(msg, `Row ${Math.floor(i / cols)}, column ${i % cols}: ${res.error}. The picture keeps the last valid number${more}.`, 'error');
  } else {
    say(msg, '', 'error');
  }
}

function onCellInput(i) {
  const input = editor.inputs[i];
  const res = parsePixel(input.value);
  input.setAttribute('aria-invalid', String(Boolean(res.error)));
  if (!res.error) state.matrix.values[i] = res.value;
  renderEditor();
  writeHash();
}

/** The paint value, or null (said next to its field) when it is not a pixel's number. */
function brushValue() {
  const field = $('[data-ed-brush]');
  const r = readWhole(fieldText(field), 0, 255);
  fieldError(field, $('[data-ed-brush-error]'), r.ok ? '' : `${r.problem}: a pixel holds a whole number from 0 to 255.`);
  return r.ok ? r.value : null;
}

function paint(i) {
  const brush = brushValue();
  if (brush === null) return;
  state.matrix.values[i] = brush;
  editor.inputs[i].value = String(brush);
  editor.inputs[i].setAttribute('aria-invalid', 'false');
  renderEditor();
  writeHash();
}

// A size that is not 1 to MAX_EDIT is said next to its field, and the matrix stays as it is.
function resizeEditor() {
  const read = (name, what) => {
    const field = $(`[data-ed-${name}]`);
    const r = readWhole(fieldText(field), 1, MAX_EDIT);
    fieldError(field, $(`[data-ed-${name}-error]`), r.ok ? '' : `${r.problem}: the matrix has 1 to ${MAX_EDIT} ${what}.`);
    return r.ok ? r.value : null;
  };
  const rows = read('rows', 'rows'), cols = read('cols', 'columns');
  if (rows === null || cols === null) return;
  const old = state.matrix;
  const values = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) values.push(r < old.rows && c < old.cols ? old.values[r * old.cols + c] : 255);
  }
  state.matrix = { rows, cols, values };
  buildEditor();
  writeHash();
}

function wireEditor() {
  const pixels = $('[data-ed-pixels]');
  const cellAt = (e) => document.elementFromPoint(e.clientX, e.clientY)?.closest?.('.px-ed-pixel');
  pixels.addEventListener('pointerdown', (e) => {
    const cell = cellAt(e);
    if (!cell) return;
    e.preventDefault();
    editor.painting = true;
    pixels.setPointerCapture(e.pointerId);
    focusCell(Number(cell.dataset.index));
    paint(Number(cell.dataset.index));
  });
  pixels.addEventListener('pointermove', (e) => {
    if (!editor.painting) return;
    const cell = cellAt(e);
    if (cell && state.matrix.values[cell.dataset.index] !== brushValue()) paint(Number(cell.dataset.index));
  });
  const stop = () => { editor.painting = false; };
  pixels.addEventListener('pointerup', stop);
  pixels.addEventListener('pointercancel', stop);
  // Keyboard: one tab stop; arrows move, Enter or Space paints.
  pixels.addEventListener('keydown', (e) => {
    const { rows, cols } = state.matrix;
    let i = editor.focus;
    const r = Math.floor(i / cols), c = i % cols;
    switch (e.key) {
      case 'ArrowLeft': if (c > 0) i--; break;
      case 'ArrowRight': if (c < cols - 1) i++; break;
      case 'ArrowUp': if (r > 0) i -= cols; break;
      case 'ArrowDown': if (r < rows - 1) i += cols; break;
      case 'Enter': case ' ': e.preventDefault(); paint(i); return;
      default: return;
    }
    e.preventDefault();
    focusCell(i);
  });
  $('[data-ed-rows]').addEventListener('input', resizeEditor);
  $('[data-ed-cols]').addEventListener('input', resizeEditor);
  $('[data-ed-brush]').addEventListener('input', brushValue);
  $('[data-ed-reset]').addEventListener('click', () => {
    state.matrix = cloneMatrix(CLASS_MATRIX);
    buildEditor();
    writeHash();
  });
}

function focusCell(i) {
  editor.cells[editor.focus].tabIndex = -1;
  editor.focus = i;
  editor.cells[i].tabIndex = 0;
  editor.cells[i].focus();
}

// ---- part 5: how an MLP sees an image ----

/** Seeded permutation of 0..n-1 (mulberry32 + Fisher-Yates): p[i] is where pixel i goes. */
function permutation(n, seed) {
  let a = seed >>> 0;
  const rand = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}

/** The centre square of a (h, w) plane, averaged down to side x side whole numbers. */
function shrinkSquare(plane, w, h, side) {
  const s = Math.min(w, h), x0 = Math.floor((w - s) / 2), y0 = Math.floor((h - s) / 2);
  const out = new Uint8Array(side * side);
  for (let r = 0; r < side; r++) {
    const ya = y0 + Math.floor((r * s) / side), yb = Math.max(ya + 1, y0 + Math.floor(((r + 1) * s) / side));
    for (let c = 0; c < side; c++) {
      const xa = x0 + Math.floor((c * s) / side), xb = Math.max(xa + 1, x0 + Math.floor(((c + 1) * s) / side));
      let sum = 0;
      for (let y = ya; y < yb; y++) for (let x = xa; x < xb; x++) sum += plane[y * w + x];
      out[r * side + c] = Math.round(sum / ((yb - ya) * (xb - xa)));
    }
  }
  return out;
}

/** A 28 x 28 picture drawn white on black, as Fashion-MNIST's are. */
function drawnPicture(draw) {
  const c = new OffscreenCanvas(MLP_SIDE, MLP_SIDE);
  const g = c.getContext('2d', { willReadFrequently: true });
  g.fillStyle = '#000';
  g.fillRect(0, 0, MLP_SIDE, MLP_SIDE);
  g.fillStyle = '#fff';
  g.strokeStyle = '#fff';
  draw(g);
  const d = g.getImageData(0, 0, MLP_SIDE, MLP_SIDE).data;
  return Uint8Array.from({ length: MLP_SIDE * MLP_SIDE }, (_, i) => d[4 * i]);
}

const DRAWN = [
  { name: 'T-shirt', draw: (g) => poly(g, [[8, 3], [20, 3], [27, 9], [23, 13], [21, 11], [21, 25], [7, 25], [7, 11], [5, 13], [1, 9]]) },
  { name: 'Trouser', draw: (g) => poly(g, [[8, 2], [20, 2], [21, 26], [16, 26], [14, 9], [12, 26], [7, 26]]) },
  { name: 'Sneaker', draw: (g) => poly(g, [[2, 13], [8, 12], [14, 16], [24, 18], [27, 21], [27, 24], [2, 24]]) },
  {
    name: 'the digit 7',
    draw: (g) => { g.lineWidth = 3.5; g.lineCap = 'round'; g.beginPath(); g.moveTo(7, 6); g.lineTo(21, 6); g.lineTo(12, 24); g.stroke(); },
  },
];
function poly(g, pts) {
  g.beginPath();
  g.moveTo(...pts[0]);
  for (const p of pts.slice(1)) g.lineTo(...p);
  g.closePath();
  g.fill();
}

const mlp = { cells: [], small: null, perm: null, drawn: null, active: 0 };

/** Marks cell i of the vector as the keyboard's and reads its number out. */
function markCell(i) {
  mlp.cells[mlp.active].classList.remove('px-active');
  mlp.active = i;
  const li = mlp.cells[i];
  li.classList.add('px-active');
  li.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  $('[data-mlp-readout]').textContent = li.getAttribute('aria-label');
}

function buildMlp() {
  const list = $('[data-mlp-vector]');
  for (let i = 0; i < MLP_SIDE * MLP_SIDE; i++) {
    const li = el('li');
    li.dataset.i = i;
    if (i % MLP_SIDE === 0) li.dataset.label = String(i);
    mlp.cells.push(li);
  }
  list.append(...mlp.cells);
  const show = (e) => {
    const li = e.target.closest('li');
    if (li) $('[data-mlp-readout]').textContent = li.getAttribute('aria-label');
  };
  list.addEventListener('pointerover', show);
  // With the keyboard the list is one tab stop: the arrow keys move along the
  // vector (Up and Down by a row of the picture, 28), Home and End to its ends,
  // and the number under the marked cell is read out.
  list.tabIndex = 0;
  list.addEventListener('keydown', (e) => {
    const n = mlp.cells.length;
    const to = { ArrowRight: mlp.active + 1, ArrowLeft: mlp.active - 1, ArrowDown: mlp.active + MLP_SIDE,
      ArrowUp: mlp.active - MLP_SIDE, Home: 0, End: n - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    markCell(Math.max(0, Math.min(n - 1, to)));
  });
  list.addEventListener('focus', () => markCell(mlp.active));
  list.addEventListener('blur', () => mlp.cells[mlp.active].classList.remove('px-active'));
  mlp.drawn = DRAWN.map((d) => ({ name: d.name, pixels: drawnPicture(d.draw) }));
  $('[data-mlp-shuffled]').addEventListener('change', (e) => {
    state.shuffled = e.target.checked;
    renderVector();
    writeHash();
  });
  $('[data-mlp-seed]').addEventListener('input', (e) => {
    const r = readWhole(fieldText(e.target), 1, SEED_MAX);
    fieldError(e.target, $('[data-mlp-seed-error]'), r.ok ? '' : `${r.problem}: the seed is a whole number from 1 to ${SEED_MAX}.`);
    if (!r.ok) return;
    state.seed = r.value;
    renderMlp();
    writeHash();
  });
}

function drawSmall(canvas, pixels) {
  const d = new Uint8ClampedArray(4 * pixels.length);
  for (let i = 0; i < pixels.length; i++) d.set([pixels[i], pixels[i], pixels[i], 255], 4 * i);
  canvas.getContext('2d').putImageData(new ImageData(d, MLP_SIDE, MLP_SIDE), 0, 0);
}

function shuffle(pixels) {
  const out = new Uint8Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[mlp.perm[i]] = pixels[i];
  return out;
}

function renderMlp() {
  const { img, y } = current;
  mlp.small = shrinkSquare(y, img.width, img.height, MLP_SIDE);
  mlp.perm = permutation(MLP_SIDE * MLP_SIDE, state.seed);
  drawSmall($('[data-mlp-small]'), mlp.small);
  $('[data-mlp-p0]').textContent = String(mlp.perm[0]);
  $('[data-mlp-seed]').value = state.seed;
  fieldError($('[data-mlp-seed]'), $('[data-mlp-seed-error]'), '');
  renderVector();
  const host = $('[data-mlp-pairs]');
  host.replaceChildren();
  const pictures = [{ name: 'your image', pixels: mlp.small }, ...mlp.drawn];
  for (const p of pictures) {
    const pair = el('figure', { className: 'px-pair' });
    const a = el('canvas', { width: MLP_SIDE, height: MLP_SIDE });
    const b = el('canvas', { width: MLP_SIDE, height: MLP_SIDE });
    a.setAttribute('role', 'img');
    a.setAttribute('aria-label', `${p.name}, 28 by 28`);
    b.setAttribute('role', 'img');
    b.setAttribute('aria-label', `${p.name}, pixels shuffled`);
    drawSmall(a, p.pixels);
    drawSmall(b, shuffle(p.pixels));
    pair.append(el('div', { className: 'px-pair-images' }, a, el('span', { className: 'px-arrow', ariaHidden: 'true' }, '→'), b),
      el('figcaption', {}, p.name));
    host.append(pair);
  }
}

function renderVector() {
  const shuffled = state.shuffled;
  const v = shuffled ? shuffle(mlp.small) : mlp.small;
  const from = new Int32Array(v.length); // vector position -> original pixel
  for (let i = 0; i < v.length; i++) from[shuffled ? mlp.perm[i] : i] = i;
  for (let j = 0; j < v.length; j++) {
    const li = mlp.cells[j];
    const x = v[j];
    li.style.background = rgb(x, x, x);
    const src = from[j];
    li.setAttribute('aria-label',
      `x[${j}] = ${x}, pixel at row ${Math.floor(src / MLP_SIDE)}, column ${src % MLP_SIDE}`);
  }
  $('[data-mlp-shuffled]').checked = shuffled;
  $('[data-mlp-vector-caption]').textContent = shuffled
    ? 'The vector after the shuffle: the same 784 numbers in another order. Point at a cell to read it, or Tab to the vector and use the arrow keys.'
    : 'x[0] to x[27] are the top row, x[28] to x[55] the next row, and so on. Point at a cell to read it, or Tab to the vector and use the arrow keys.';
  if (document.activeElement === $('[data-mlp-vector]')) markCell(mlp.active); // its number changed
}

// ---- choosing an image ----

let loadGeneration = 0;
async function showSample(name) {
  const mine = ++loadGeneration;
  const msg = $('[data-source-message]');
  say(msg, `Loading ${name}…`);
  try {
    const img = await loadSample(name);
    if (mine !== loadGeneration) return;
    state.sample = name;
    $('[data-sample]').value = name;
    setImage(img);
    say(msg, img.note ?? '');
  } catch (e) {
    if (mine === loadGeneration) say(msg, e.message, 'error');
  }
}

function wireSource() {
  const select = $('[data-sample]');
  // Shown while a file or webcam picture is on screen, so that choosing the
  // previous sample again is a change.
  select.append(el('option', { value: '', textContent: 'None: your own picture is shown', disabled: true, hidden: true }));
  for (const s of SAMPLES) select.append(el('option', { value: s.name, textContent: s.label }));
  select.value = state.sample;
  select.addEventListener('change', () => showSample(select.value));
  const msg = $('[data-source-message]');
  bindImageInputs({
    fileInput: $('[data-file]'),
    dropZone: $('[data-drop-zone]'),
    onStart: (label) => { ++loadGeneration; say(msg, `Reading ${label}…`); },
    onImage: (img) => {
      state.sample = null;
      state.x = null;
      setImage(img);
      say(msg, img.note ?? `Showing your image “${img.name}”.`);
    },
    onError: (e) => say(msg, `${e.message} The image shown has not changed.`, 'error'),
  });
  wireCamera(msg);
}

function wireCamera(msg) {
  const start = $('[data-cam-start]'), snap = $('[data-cam-snap]'), stop = $('[data-cam-stop]');
  const video = $('[data-cam-video]');
  let cam = null;
  const setLive = (live) => {
    start.hidden = live;
    snap.hidden = !live;
    stop.hidden = !live;
    video.hidden = !live;
  };
  start.addEventListener('click', async () => {
    say(msg, 'Asking for the webcam…');
    try {
      cam = await openCamera(video);
      setLive(true);
      say(msg, 'The webcam is on. Press “Take the picture” to turn the current frame into an array.');
      snap.focus();
    } catch (e) {
      say(msg, `${e.message} The image shown has not changed.`, 'error');
    }
  });
  snap.addEventListener('click', () => {
    if (!cam) return;
    ++loadGeneration;
    const img = cam.capture();
    state.sample = null;
    state.x = null;
    setImage(img);
    say(msg, 'Picture taken from the webcam. Take another, or stop the webcam.');
  });
  stop.addEventListener('click', () => {
    cam?.stop();
    cam = null;
    setLive(false);
    say(msg, 'The webcam is off.');
    start.focus();
  });
}

function wireView() {
  for (const r of document.querySelectorAll('[data-view]')) {
    r.addEventListener('change', () => {
      state.view = r.value;
      drawImage();
      renderShape();
      renderLens();
      writeHash();
    });
  }
}

// A teacher's link pasted into an open tab (the page's own updates use
// replaceState, which fires no hashchange).
window.addEventListener('hashchange', () => {
  const before = state.sample;
  readHash();
  buildEditor();
  if (state.sample && state.sample !== before) {
    $('[data-sample]').value = state.sample;
    showSample(state.sample);
  } else if (current) {
    setImage(current.img);
  }
});

async function main() {
  readHash();
  buildPlanes();
  buildEditor();
  buildMlp();
  wireImage();
  wireView();
  wireEditor();
  const badge = $('[data-engine-badge]');
  try {
    cl = await loadConvlab();
    badge.textContent = `Engine: ${cl.simd ? 'WASM SIMD' : 'WASM scalar'}`;
    engineNote = cl.note ?? '';
    showPageMessage();
  } catch (e) {
    badge.textContent = 'Engine: not loaded';
    say($('[data-source-message]'), `The engine did not load (${e.message}): this page needs it.`, 'error');
    return;
  }
  wireSource();
  await showSample(state.sample ?? DEFAULT_SAMPLE);
}

main();
