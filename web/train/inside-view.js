// train/inside-view.js - section 7, inside the network: the first layer's
// weights as pictures, signed values in the engine's diverging colours
// (lib/colour.js, through tiles.js); a conv layer's kernels each with a link
// that opens the kernels page with it ("Try it on a photo"). The test image
// number of the network view (network-view.js draws the view).
import { $, h } from '../lib/dom.js';
import { IMAGE_PIXELS } from '../lib/limits.js';
import { drawTiles } from './tiles.js';
import { kernelLink } from './state.js';

/** The section's elements. */
export function find(root = document) {
  return {
    canvas: $('[data-filters-canvas]', root), caption: $('[data-filters-caption]', root),
    unshuffleField: $('[data-unshuffle-field]', root), unshuffle: $('[data-unshuffle]', root),
    list: $('[data-filter-list]', root),
    index: $('#tr-image-index', root), indexError: $('[data-error-for="image-index"]', root),
  };
}

/** No model, or a new one: nothing to show yet. */
export function clear(els) {
  els.canvas.hidden = true;
  els.list.hidden = true;
  els.list.replaceChildren();
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
  if (!f) { canvas.hidden = true; els.list.hidden = true; caption.textContent = 'This model has no weight layer.'; return; }
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
    canvas.hidden = true;
    caption.textContent = `Layer ${f.index} (${f.name}): its ${out} kernels of ${kh} × ${kw} weights (rows × columns; red positive, blue negative). `
      + 'Try one on a photo: the kernels page opens with its numbers.';
    renderKernelList(els, f);
    return;
  } else {
    canvas.hidden = true;
    els.list.hidden = true;
    caption.textContent = `The first weight layer (${f.name}) does not read the 28 × 28 image directly, so it has no picture.`;
    return;
  }
  els.list.hidden = true;
  canvas.setAttribute('aria-label', caption.textContent);
  canvas.hidden = false;
}

/** A conv layer's kernels, each drawn, with its link to the kernels page. */
function renderKernelList(els, f) {
  const [out, , kh, kw] = f.shape;
  const scale = Math.max(6, Math.round(48 / kh));
  els.list.replaceChildren(...Array.from({ length: out }, (_, k) => {
    const weights = f.weights.subarray(k * kh * kw, (k + 1) * kh * kw);
    const c = /** @type {HTMLCanvasElement} */ (h('canvas', { className: 'tr-kernel-picture', attrs: { 'aria-hidden': 'true' } }));
    drawTiles(c, null, 1, 1, { side: kh, values: weights, signed: true, scale });
    return h('li', { dataset: { kernel: String(k) } }, c,
      h('a', { href: kernelLink(weights, kh, kw), text: `Filter ${k + 1}: try it on a photo` }));
  }));
  els.list.hidden = false;
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

