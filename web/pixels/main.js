// main.js - the pixels page: an image as an array of numbers (lesson objectives 1, 5, 6).
//
// Owns the page's one state object (state.js: what the link holds) and the
// picture shown, wires the events, and draws through the views (*-view.js),
// which never change either. Data flows one way: event -> state -> render.
// The engine runs in the page's worker (worker.js): it splits a picture into
// its channels and its grayscale, the pixel buffers transferred both ways.
import { startOffline } from '../lib/offline.js';
import { mountExerciseMaker } from '../lib/exercise-maker.js';
import { pixelsTasks } from '../lib/exercise-link.js';
import { $, say, fieldError } from '../lib/dom.js';
import { WorkerClient } from '../lib/worker-rpc.js';
import { loadSample, bindImageInputs, openCamera } from '../lib/image-source.js';
import { IMAGE_PIXELS, IMAGE_SIDE, MAX_IMAGE_SIDE, CLASS_NAMES } from '../lib/limits.js';
import {
  CLASS_MATRIX, DEFAULT_SAMPLE, cloneMatrix, defaultState, decodeHash, encodeHash, lensOutside, startSpot,
  readNumber, readPixel, checkCells, resizeMatrix, loadNote,
} from './state.js';
import { lensKey, gridKey, vectorKey } from './keys.js';
import { permutation, readExamples } from './vector.js';
import { sourceElements, renderPageMessage, buildSamples, renderSample, renderCamera } from './source-view.js';
import { imageElements, drawImage, fitImage, renderShape, pixelUnderPointer } from './image-view.js';
import { lensElements, renderLens, placeLensBox, announcePixel } from './lens-view.js';
import { planesElements, buildPlanes, drawPlanes, renderPlaneNumbers } from './planes-view.js';
import { editorElements, buildEditor, renderEditor, cellTexts, setCell, focusPixel, pixelUnder } from './editor-view.js';
import { mlpElements, buildVector, renderMlp, renderExamplesNote, renderVector, markCell, readCell } from './mlp-view.js';

// The elements, each part's found by its view (by the data-* hooks in pixels.html).
const ui = {
  badge: $('[data-engine-badge]'), pageMessage: $('[data-page-message]'),
  source: sourceElements(), image: imageElements(), lens: lensElements(),
  planes: planesElements(), editor: editorElements(), mlp: mlpElements(),
};

// ---- the state (mirrored in the link) and what is shown ----

const state = defaultState();
/** The picture shown (image-view.js says what it holds); null until the first one is split. */
let picture = null;
/** The editor's keyboard pixel and whether the pointer is painting; the vector's keyboard cell. */
const editor = { focus: 0, painting: false };
const vector = { active: 0, perm: /** @type {number[]} */ ([]), examples: /** @type {ReturnType<typeof readExamples>} */ ([]) };

const engine = new WorkerClient(new URL('worker.js', import.meta.url));

// The page message: what a link had that could not be used, then the
// engine's note (a scalar build running because the SIMD one failed).
let linkNotes = [], engineNote = '';
// The lens position a link asked for, until the picture says whether it has it.
let linkLens = null;

const showPageMessage = () => renderPageMessage([...linkNotes, engineNote], ui.pageMessage);

/** Reads a link's hash into `state`; a link with no sample keeps the picture shown. */
function readHash(hash) {
  const { state: s, notes } = decodeHash(hash);
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

// ---- the picture ----

// Each choice of picture (sample, file, webcam) counts; only the latest is shown.
let generation = 0;

/**
 * Splits an image (lib/image-source.js) in the worker and shows it, with
 * `changes` to the state (the sample it is, or null), unless a newer choice
 * came first. Resolves to whether it was shown; rejects with the worker's error.
 */
async function showImage(img, mine, changes) {
  const { data, width, height, ...about } = img;
  const bytes = data.byteLength === data.buffer.byteLength ? data : data.slice();
  const r = await engine.call('split', { data: bytes.buffer, width, height }, [bytes.buffer]);
  if (mine !== generation) return false;
  Object.assign(state, changes);
  const shown = { img: { ...about, data: new Uint8ClampedArray(r.data), width, height }, y: r.y, grayRGBA: new Uint8ClampedArray(r.planes.y), small: r.small };
  drawPlanes(shown, r.planes, ui.planes);
  adopt(shown);
  return true;
}

/** Shows a picture: the lens where the link put it if the picture has that spot, else at its start. */
function adopt(shown) {
  picture = shown;
  const { img } = picture;
  renderSample(state.sample, ui.source.sample);
  if (state.x === null || state.x >= img.width || state.y >= img.height) {
    if (linkLens && state.x !== null) {
      linkNotes.push(lensOutside(state.x, state.y, img.width, img.height));
      showPageMessage();
    }
    [state.x, state.y] = startSpot(img.source === 'sample' ? state.sample : null, img.width, img.height);
  }
  linkLens = null;
  renderPicture();
  renderMlpPart();
  writeHash();
}

function renderPicture() {
  drawImage(state, picture, ui.image.canvas);
  fit();
  renderShape(state, picture, ui.image);
  renderLensPart();
}

/** The canvas as large as fits, and the lens box over it. */
function fit() {
  if (!picture) return;
  fitImage(picture, ui.image.canvas);
  placeLensBox(state, picture, ui.lens.canvas, ui.lens.box);
}

function renderLensPart() {
  renderLens(state, picture, ui.lens);
  renderPlaneNumbers(state, picture, ui.planes);
}

function moveLens(x, y, { announce = false } = {}) {
  const { img } = picture;
  state.x = Math.min(img.width - 1, Math.max(0, x));
  state.y = Math.min(img.height - 1, Math.max(0, y));
  renderLensPart();
  if (announce) announcePixel(state, picture, ui.lens);
  writeHash();
}

// The pointer on the photo: a mouse moves the lens as it moves; a finger (or
// pen) selects the pixel it taps and moves the lens as it drags, the page
// held still (touch-action: none on the photo, in style.css).
function wireImage() {
  const { canvas, focus: wrap } = ui.image;
  let pending = null;
  canvas.addEventListener('pointermove', (e) => {
    if (!picture) return;
    if (pending === null) requestAnimationFrame(() => { moveLens(...pending); pending = null; });
    pending = pixelUnderPointer(e, picture, canvas);
  });
  canvas.addEventListener('pointerdown', (e) => {
    wrap.focus({ preventScroll: true });
    if (!picture) return;
    if (e.pointerType !== 'mouse') canvas.setPointerCapture(e.pointerId);
    moveLens(...pixelUnderPointer(e, picture, canvas));
  });
  wrap.addEventListener('keydown', (e) => {
    const to = picture && lensKey(e, state.x, state.y, picture.img.width, picture.img.height);
    if (!to) return;
    e.preventDefault();
    moveLens(...to, { announce: true });
  });
  new ResizeObserver(fit).observe(wrap.parentElement);
  window.addEventListener('resize', fit);
  for (const r of ui.image.views) {
    r.addEventListener('change', () => {
      state.view = r.value;
      renderPicture();
      writeHash();
    });
  }
}

// ---- part 4: the editable matrix ----

function rebuildEditor() {
  const { rows, cols } = state.matrix;
  editor.focus = Math.min(editor.focus, rows * cols - 1);
  buildEditor(state.matrix, editor.focus, ui.editor);
  renderEditorPart();
}

function renderEditorPart() {
  renderEditor(state.matrix, checkCells(cellTexts(ui.editor.inputs), state.matrix.cols), ui.editor);
}

/** A number field's value, or null (said next to the field) when it is not one it takes. */
function numberField(name, input, errorEl) {
  const r = readNumber(name, input.value);
  fieldError(input, errorEl, r.error ?? '');
  return r.error ? null : r.value;
}

const brushValue = () => numberField('brush', ui.editor.brush, ui.editor.brushError);

function paint(i) {
  const brush = brushValue();
  if (brush === null) return;
  state.matrix.values[i] = brush;
  setCell(ui.editor.inputs, i, brush);
  renderEditorPart();
  writeHash();
}

function moveEditorFocus(i) {
  focusPixel(ui.editor.pixels, editor.focus, i);
  editor.focus = i;
}

function wireEditor() {
  const { inputs, pixels } = ui.editor;
  inputs.addEventListener('input', (e) => {
    const i = Number(e.target.dataset.index);
    const r = readPixel(e.target.value);
    if (!r.error) state.matrix.values[i] = r.value;
    renderEditorPart();
    writeHash();
  });
  pixels.addEventListener('pointerdown', (e) => {
    const i = pixelUnder(e);
    if (i === null) return;
    e.preventDefault();
    editor.painting = true;
    pixels.setPointerCapture(e.pointerId);
    moveEditorFocus(i);
    paint(i);
  });
  pixels.addEventListener('pointermove', (e) => {
    const i = editor.painting ? pixelUnder(e) : null;
    if (i !== null && state.matrix.values[i] !== brushValue()) paint(i);
  });
  for (const type of ['pointerup', 'pointercancel']) pixels.addEventListener(type, () => { editor.painting = false; });
  // Keyboard: one tab stop; arrows move, Enter or Space paints.
  pixels.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      paint(editor.focus);
      return;
    }
    const to = gridKey(e.key, editor.focus, state.matrix.rows, state.matrix.cols);
    if (to === null) return;
    e.preventDefault();
    moveEditorFocus(to);
  });
  // A size that is not 1 to MAX_EDIT is said next to its field, and the matrix stays as it is.
  const resize = () => {
    const rows = numberField('rows', ui.editor.rows, ui.editor.rowsError);
    const cols = numberField('cols', ui.editor.cols, ui.editor.colsError);
    if (rows === null || cols === null) return;
    state.matrix = resizeMatrix(state.matrix, rows, cols);
    rebuildEditor();
    writeHash();
  };
  ui.editor.rows.addEventListener('input', resize);
  ui.editor.cols.addEventListener('input', resize);
  ui.editor.brush.addEventListener('input', brushValue);
  ui.editor.reset.addEventListener('click', () => {
    state.matrix = cloneMatrix(CLASS_MATRIX);
    rebuildEditor();
    writeHash();
  });
}

// ---- part 5: how an MLP sees an image ----

function renderMlpPart() {
  vector.perm = permutation(IMAGE_PIXELS, state.seed);
  renderMlp(state, picture.small, vector.perm, vector.examples, ui.mlp);
  renderVectorPart();
}

const renderVectorPart = () => renderVector(state, picture.small, vector.perm, vector.active, ui.mlp);

function moveVectorMark(i) {
  markCell(vector.active, i, ui.mlp);
  vector.active = i;
}

function wireMlp() {
  const { list } = ui.mlp;
  list.addEventListener('pointerover', (e) => readCell(e.target, ui.mlp));
  // With the keyboard the list is one tab stop: the arrow keys move along the
  // vector (Up and Down by a row of the picture, 28), Home and End to its ends,
  // and the number under the marked cell is read out.
  list.tabIndex = 0;
  list.addEventListener('keydown', (e) => {
    const to = vectorKey(e.key, vector.active, IMAGE_PIXELS, IMAGE_SIDE);
    if (to === null) return;
    e.preventDefault();
    moveVectorMark(to);
  });
  list.addEventListener('focus', () => moveVectorMark(vector.active));
  list.addEventListener('blur', () => markCell(vector.active, null, ui.mlp));
  ui.mlp.shuffled.addEventListener('change', () => {
    state.shuffled = ui.mlp.shuffled.checked;
    if (picture) renderVectorPart();
    writeHash();
  });
  ui.mlp.seed.addEventListener('input', () => {
    const seed = numberField('seed', ui.mlp.seed, ui.mlp.seedError);
    if (seed === null) return;
    state.seed = seed;
    if (picture) renderMlpPart();
    writeHash();
  });
}

/** Loads the Fashion-MNIST examples (samples/fashion-mnist.json, made at build time) to shuffle beside the picture. */
async function loadExamples() {
  try {
    const res = await fetch(new URL('../samples/fashion-mnist.json', import.meta.url));
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    vector.examples = readExamples(await res.json(), CLASS_NAMES, IMAGE_SIDE);
    renderExamplesNote('', ui.mlp);
    if (picture) renderMlpPart();
  } catch (e) {
    renderExamplesNote(`The Fashion-MNIST examples could not be loaded (${e.message}): only your image is shown.`, ui.mlp);
  }
}

// ---- part 1: choosing an image ----

async function showSample(name) {
  const mine = ++generation;
  const msg = ui.source.message;
  say(msg, `Loading ${name}…`, 'info');
  try {
    const img = await loadSample(name);
    if (mine !== generation) return;
    if (await showImage(img, mine, { sample: name })) say(msg, loadNote(img, MAX_IMAGE_SIDE), 'info');
  } catch (e) {
    if (mine === generation) say(msg, e.message, 'error');
  }
}

/** Shows a picture the student brought (file or webcam), then says `said(img)`. */
async function showOwn(img, mine, said) {
  try {
    if (await showImage(img, mine, { sample: null, x: null })) say(ui.source.message, said(img), 'info');
  } catch (e) {
    if (mine === generation) say(ui.source.message, `“${img.name}” could not be read as numbers (${e.message}). The image shown has not changed.`, 'error');
  }
}

function wireSource() {
  const { sample: select, message: msg } = ui.source;
  buildSamples(select);
  renderSample(state.sample, select);
  select.addEventListener('change', () => showSample(select.value));
  let fileGeneration = 0;
  bindImageInputs({
    fileInput: ui.source.file,
    dropZone: ui.source.dropZone,
    onStart: (label) => { fileGeneration = ++generation; say(msg, `Reading ${label}…`, 'info'); },
    onImage: (img) => showOwn(img, fileGeneration, (i) => loadNote(i, MAX_IMAGE_SIDE) || `Showing your image “${i.name}”.`),
    onError: (e) => say(msg, `${e.message} The image shown has not changed.`, 'error'),
  });
  wireCamera();
}

function wireCamera() {
  const { message: msg, start, snap, stop, video } = ui.source;
  let cam = null;
  start.addEventListener('click', async () => {
    say(msg, 'Asking for the webcam…', 'info');
    try {
      cam = await openCamera(video);
      renderCamera(true, ui.source);
      say(msg, 'The webcam is on. Press “Take the picture” to turn the current frame into an array.', 'info');
      snap.focus();
    } catch (e) {
      say(msg, `${e.message} The image shown has not changed.`, 'error');
    }
  });
  snap.addEventListener('click', () => {
    if (!cam) return;
    showOwn(cam.capture(), ++generation, () => 'Picture taken from the webcam. Take another, or stop the webcam.');
  });
  stop.addEventListener('click', () => {
    cam?.stop();
    cam = null;
    renderCamera(false, ui.source);
    say(msg, 'The webcam is off.', 'info');
    start.focus();
  });
}

// A teacher's link pasted into an open tab (the page's own updates use
// replaceState, which fires no hashchange). The link is read from the event:
// the page's own update, due just then, may have replaced it in the address
// before the event arrives.
window.addEventListener('hashchange', (e) => {
  const before = state.sample;
  readHash(new URL(e.newURL).hash);
  rebuildEditor();
  if (state.sample && state.sample !== before) {
    renderSample(state.sample, ui.source.sample);
    showSample(state.sample);
  } else if (picture) {
    adopt(picture);
  }
});

async function main() {
  readHash(location.hash);
  buildPlanes(ui.planes.host);
  rebuildEditor();
  buildVector(ui.mlp.list);
  wireImage();
  wireEditor();
  wireMlp();
  try {
    const info = await engine.call('init');
    ui.badge.textContent = `Engine: ${info.simd ? 'WASM SIMD' : 'WASM scalar'}`;
    engineNote = info.note ?? '';
    showPageMessage();
  } catch (e) {
    ui.badge.textContent = 'Engine: not loaded';
    say(ui.source.message, `The engine did not load (${e.message}): this page needs it.`, 'error');
    return;
  }
  wireSource();
  loadExamples();
  // for teachers: this picture as a lesson exercise (the pixel under the lens, or the shape)
  mountExerciseMaker(document.querySelector('main'), {
    id: 'px', choices: [{ value: 'pixel', label: 'the numbers of the pixel the lens is on' }, { value: 'imgshape', label: 'the picture’s shape' }],
    tasks: () => pixelsTasks({ sample: picture?.img.source === 'sample' ? state.sample : null, row: state.y, col: state.x }),
  });
  await showSample(state.sample ?? DEFAULT_SAMPLE);
}

main();
startOffline(); // the service worker: this page and the lab work offline after this visit
