// model-view.js - the lesson's view of the model the train page keeps: the
// first conv layer's filters as choices (drawn as the train page draws them,
// train/tiles.js: red positive, blue negative, with their numbers), or why
// there are none. Draws what it is given; main.js reads the model.
import { h, $ } from '../lib/dom.js';
import { drawTiles } from '../train/tiles.js';

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
    const canvas = /** @type {HTMLCanvasElement} */ (h('canvas', { className: 'lesson-filter-picture', attrs: { 'aria-hidden': 'true' } }));
    drawTiles(canvas, null, 1, 1, { side: k1, values: weights, signed: true, scale: Math.max(6, Math.round(54 / k1)) });
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
