// train/inside-view.js - section 7, inside the network: the first layer's
// weights as pictures, and a test image's feature maps, signed values in the
// engine's diverging colours (lib/colour.js, through tiles.js).
import { $, h } from '../lib/dom.js';
import { CLASS_NAMES, IMAGE_PIXELS } from '../lib/limits.js';
import { drawTiles, imageCanvas } from './tiles.js';

/** The section's elements. */
export function find(root = document) {
  return {
    canvas: $('[data-filters-canvas]', root), caption: $('[data-filters-caption]', root),
    unshuffleField: $('[data-unshuffle-field]', root), unshuffle: $('[data-unshuffle]', root),
    index: $('#tr-image-index', root), indexError: $('[data-error-for="image-index"]', root), maps: $('[data-maps]', root),
  };
}

/** No model, or a new one: nothing to show yet. */
export function clear(els) {
  els.maps.replaceChildren();
  els.canvas.hidden = true;
  els.caption.textContent = 'Train or load a model to see what its first layer learned.';
  els.unshuffleField.hidden = true;
}

/**
 * The first weight layer f (the worker's filters: { index, kind, name, shape,
 * weights, unshuffled, shuffled }, or null when the model has none): a dense
 * layer on the pixels as one 28 x 28 picture a unit (the weights put back at
 * their pixels' places when the model saw them shuffled and the checkbox
 * says so), a conv layer on the image as its kernels.
 */
export function renderFilters(els, f) {
  const { canvas, caption } = els;
  els.unshuffleField.hidden = !f?.unshuffled;
  if (!f) { canvas.hidden = true; caption.textContent = 'This model has no weight layer.'; return; }
  const [out, inC, kh, kw] = f.shape;
  if (f.kind === 'dense' && f.shape[1] === IMAGE_PIXELS) {
    const n = Math.min(out, 128);
    const back = Boolean(f.unshuffled) && els.unshuffle.checked;
    drawTiles(canvas, null, n, Math.min(16, n), { values: back ? f.unshuffled : f.weights, signed: true, scale: 2 });
    const how = !f.shuffled ? ''
      : back ? '; trained on shuffled pixels, drawn with each weight back at its pixel’s place: comparable with an MLP trained on the pictures as they are, since a dense layer never uses where a pixel is'
        : '; trained on shuffled pixels and drawn in the order the model saw them: noise to us, not to it';
    caption.textContent = `Layer ${f.index} (${f.name}): each of ${n === out ? 'the' : `the first ${n} of`} ${out} units’ 784 weights drawn as a 28 × 28 image `
      + `(red positive, blue negative)${how}.`;
  } else if (f.kind === 'conv' && inC === 1) {
    drawTiles(canvas, null, out, Math.min(16, out), { side: kh, values: f.weights, signed: true, scale: Math.max(6, Math.round(48 / kh)) });
    canvas.style.width = `${Math.min(16, out) * (kh + 1) * Math.max(6, Math.round(48 / kh))}px`;
    caption.textContent = `Layer ${f.index} (${f.name}): its ${out} kernels of ${kh} × ${kw} weights (red positive, blue negative).`;
  } else {
    canvas.hidden = true;
    caption.textContent = `The first weight layer (${f.name}) does not read the 28 × 28 image directly, so it has no picture.`;
    return;
  }
  canvas.setAttribute('aria-label', caption.textContent);
  canvas.hidden = false;
}

/** The test image number as typed. */
export const readIndex = (els) => els.index.value;

/** A test image chosen elsewhere (the gallery) goes into the field. */
export function writeIndex(els, index) {
  els.index.value = String(index);
}

/** The number field's error ('' when none). */
export function renderIndexError(els, error) {
  els.indexError.textContent = error;
  els.index.setAttribute('aria-invalid', error ? 'true' : 'false');
}

/**
 * Test image f.index and its feature maps (the worker's featureMaps: { index,
 * label, image, shuffled, layers: [{ index, name, shape, data }] }), a row of
 * tiles a layer; scroll: bring them into view (the student asked).
 */
export function renderFeatureMaps(els, f, scroll) {
  const c = imageCanvas(f.image, false);
  c.setAttribute('role', 'img');
  c.setAttribute('aria-label', `Test image ${f.index}, a ${CLASS_NAMES[f.label]}${f.shuffled ? ' with shuffled pixels' : ''}`);
  const p = h('p', {
    text: `Test image ${f.index}: ${CLASS_NAMES[f.label]}${f.shuffled ? ' (shuffled pixels, as the model saw it)' : ''}.`
      + (f.layers.length ? ' Each small image is one channel of a layer’s output (gray: 0 black to the layer’s largest value white; signed values: blue negative, red positive).' : ' This model has no convolutional layers: its layers are vectors, not maps.'),
  });
  const head = h('div', { className: 'tr-map-input' }, c, p);
  const rows = f.layers.map((l) => {
    const [C, H, W] = l.shape;
    const cap = h('figcaption', {}, h('span', { className: 'mono', text: `layer ${l.index} ${l.name}: ${C} × ${H} × ${W}` }));
    const canvas = h('canvas', { attrs: { role: 'img', 'aria-label': `${C} feature maps of ${H} × ${W} from layer ${l.index} ${l.name}` } });
    let signed = false;
    for (const v of l.data) if (v < 0) { signed = true; break; }
    const scale = Math.max(2, Math.round(56 / H));
    drawTiles(/** @type {HTMLCanvasElement} */ (canvas), null, C, Math.min(C, 16), { side: H, values: l.data, signed, scale });
    canvas.style.width = `${Math.min(C, 16) * (W + 1) * scale}px`;
    return h('figure', { className: 'tr-map-row' }, cap, canvas);
  });
  els.maps.replaceChildren(head, ...rows);
  if (scroll) els.maps.scrollIntoView({ block: 'nearest' });
}
