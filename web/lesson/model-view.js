// model-view.js - the lesson's view of the model the train page keeps: the
// first conv layer's filters as choices (drawn as the train page draws them:
// the engine's diverging colours, red positive, blue negative, each filter
// scaled by its largest |weight|, with their numbers), or why there are none.
// Draws what it is given; main.js reads the model.
import { h, $ } from '../lib/dom.js';
import { divergingRGBA } from '../lib/colour.js';

/** A k1 x k2 filter as a canvas of its own size (CSS scales it, pixelated). @param {Float32Array} w @param {number} k1 @param {number} k2 */
function filterCanvas(w, k1, k2) {
  const c = /** @type {HTMLCanvasElement} */ (h('canvas', { className: 'lesson-filter-picture', attrs: { 'aria-hidden': 'true' } }));
  c.width = k2; c.height = k1;
  const max = w.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const img = c.getContext('2d').createImageData(k2, k1);
  img.data.set(divergingRGBA(w, max > 0 ? Math.fround(1 / max) : 0));
  c.getContext('2d').putImageData(img, 0, 0);
  return c;
}

/** A weight as the choices show it: two decimals, a real minus sign. @param {number} v */
const weightText = (v) => (Math.round(v * 100) / 100).toFixed(2).replace('-', '−').padStart(5, ' ');

/**
 * The choices of exercise `id` in `section`: the kept model's first conv
 * filters, or a sentence (and a link) saying why there are none.
 * @param {HTMLElement} section
 * @param {string} id
 * @param {{ model?: any, error?: string, chosen?: string, train: { href: string, text: string } }} what
 */
export function renderFilterChoices(section, id, { model, error, chosen, train }) {
  const box = $(`[data-exercise="${id}"] [data-choices]`, section);
  if (!box) return;
  const legend = box.querySelector('legend');
  const link = h('a', { href: train.href, target: '_blank', rel: 'noopener' }, `${train.text} (new tab)`);
  const say = (...text) => box.replaceChildren(legend, h('p', { dataset: { choicesNote: '' } }, ...text));
  if (error) { say(`The kept model cannot be shown: ${error}. `, link, '.'); return; }
  if (!model) { say('No trained model is kept in this browser yet. ', link, ', train it, and come back: its filters appear here.'); return; }
  const conv = model.firstConv;
  if (!conv) { say(`The model kept is ${model.mlp ? 'an MLP' : 'a model whose first layer is not a convolution'} (${model.spec}): it has no filters. `, link, '.'); return; }
  const [n, inC, k1, k2] = conv.shape;
  const options = Array.from({ length: n }, (_, f) => {
    const weights = conv.weights.subarray(f * inC * k1 * k2, f * inC * k1 * k2 + k1 * k2);
    const canvas = filterCanvas(weights, k1, k2);
    const rows = Array.from({ length: k1 }, (_, r) => h('span', { className: 'lesson-filter-row' },
      Array.from(weights.subarray(r * k2, r * k2 + k2), weightText).join('  ')));
    const input = h('input', { type: 'radio', name: `choice-${id}`, value: String(f + 1), checked: chosen === String(f + 1), dataset: { choice: '' } });
    return h('li', {}, h('label', { className: 'lesson-filter' }, input, h('span', { className: 'lesson-filter-name' }, `Filter ${f + 1}`), canvas,
      h('span', { className: 'lesson-filter-numbers' }, h('span', { className: 'visually-hidden' }, 'weights, row by row: '), ...rows)));
  });
  box.replaceChildren(legend,
    h('p', { className: 'muted', dataset: { choicesNote: '' } }, `Layer ${conv.index} of your model (${model.spec}): ${n} filters of ${k1} × ${k2} weights.`),
    h('ul', { className: 'lesson-filters' }, ...options));
}
