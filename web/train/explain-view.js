// train/explain-view.js - section 7, how one value of a conv layer is
// computed, as the kernels page shows one, over every input channel: each
// channel's patch and kernel slice, the sum of their products, the running
// total from the bias, the activation after it, and the value the layer's
// forward pass gave. The numbers are the engine's (network.js's pick).
import { $, $$, h } from '../lib/dom.js';
import { fmtInt } from '../lib/format.js';
import { shapeText } from './state.js';

/** The part's elements. */
export function find(root = document) {
  return {
    root: $('[data-explain]', root), layer: $('[data-explain-field="layer"]', root),
    fields: Object.fromEntries($$('[data-explain-field]', root).map((f) => [f.dataset.explainField, f])),
    error: $('[data-explain-error]', root), out: $('[data-explain-out]', root),
  };
}

/** A value as the explanation writes it: 4 significant digits, a true minus sign. */
export const num = (v) => {
  if (v === null) return '0 (padding)';
  const a = Math.abs(v);
  const t = a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(3) : String(Number(v.toPrecision(4)));
  return t.replace('-', '−');
};

/**
 * The conv layers of a view as the layer choices, the part shown when there
 * is one (an MLP has none: the part hides, and says why nowhere else).
 * @param {ReturnType<typeof find>} els
 */
export function renderChoices(els, view) {
  const convs = view ? view.layers.filter((l) => l.kind === 'conv') : [];
  els.root.hidden = convs.length === 0;
  const was = els.layer.value;
  els.layer.replaceChildren(...convs.map((l) => h('option', { value: String(l.index), text: `layer ${l.index} ${l.name} ${shapeText(l.shape)}` })));
  if (convs.some((l) => String(l.index) === was)) els.layer.value = was;
}

/** What the fields say: { layer, channel, row, col } as text. */
export function readFields(els) {
  return Object.fromEntries(Object.entries(els.fields).map(([k, f]) => [k, f.value]));
}

/** The fields show a value's place (a click chose it). */
export function writeFields(els, pick) {
  for (const [k, f] of Object.entries(els.fields)) f.value = String(pick[k]);
}

/** The fields' error ('' when none). */
export function renderError(els, text) {
  els.error.textContent = text;
  for (const k of ['channel', 'row', 'col']) els.fields[k].setAttribute('aria-invalid', text && text.includes(k === 'col' ? 'column' : k) ? 'true' : 'false');
}

/** No value explained. */
export function clear(els) {
  els.out.replaceChildren();
  renderError(els, '');
}

/** A k1 x k2 grid of numbers as a small table (caption: what it is). */
function grid(caption, values, kw, cls) {
  const rows = [];
  for (let at = 0; at < values.length; at += kw) {
    rows.push(h('tr', {}, ...values.slice(at, at + kw).map((x) => h('td', { className: x === null ? 'num tr-pad-cell' : 'num', text: x === null ? '0' : num(x) }))));
  }
  return h('table', { className: `tr-mini ${cls}` }, h('caption', { text: caption }), h('tbody', {}, ...rows));
}

/**
 * The explanation of p (network.js's pick: { layer, channel, row, col, name,
 * kh, kw, pad, stride, inputChannels, inputShape, inputName, origin, patches,
 * kernels, bias, sums, totals, value, forward, mapValue, activation }).
 * @param {ReturnType<typeof find>} els
 */
export function renderPick(els, p) {
  const [r0, c0] = p.origin;
  const rows = `${r0} to ${r0 + p.kh - 1}`, cols = `${c0} to ${c0 + p.kw - 1}`;
  const intro = h('p', {},
    `Layer ${p.layer} (${p.name}), map ${p.channel}, row j1 = ${p.row}, column j2 = ${p.col}: its ${p.inputChannels === 1 ? '' : `${p.inputChannels} `}kernel slice${p.inputChannels === 1 ? '' : 's'} of ${p.kh} × ${p.kw} weights `
    + `over rows ${rows} and columns ${cols} of ${p.inputChannels === 1 ? 'the one channel' : `each of the ${p.inputChannels} channels`} of ${p.inputName === 'input1x28x28' ? 'the image' : `layer ${p.layer - 1} (${p.inputName})`}, ${shapeText(p.inputShape)}`
    + `${p.pad ? ` (zero padding ${p.pad}: places outside are 0)` : ''}${p.stride > 1 ? `, stride ${p.stride}` : ''}.`);
  const channels = p.patches.map((patch, ch) => h('figure', { className: 'tr-channel', dataset: { channel: String(ch) } },
    h('figcaption', { text: `Channel ${ch}` }),
    h('div', { className: 'tr-channel-grids' },
      grid('patch', patch, p.kw, 'tr-patch'), h('span', { className: 'tr-times', text: '×', attrs: { 'aria-hidden': 'true' } }),
      grid('kernel slice', p.kernels[ch], p.kw, 'tr-kernel')),
    h('p', { className: 'mono', dataset: { channelSum: String(ch) }, text: `sum of products = ${num(p.sums[ch])}` })));
  const sumRows = [
    h('tr', {}, h('th', { scope: 'row', text: 'bias b' }), h('td', { className: 'num', text: num(p.bias) }), h('td', { className: 'num', text: num(p.bias) })),
    ...p.sums.map((s, ch) => h('tr', {}, h('th', { scope: 'row', text: `+ channel ${ch}` }), h('td', { className: 'num', text: num(s) }), h('td', { className: 'num', text: num(p.totals[ch]) }))),
  ];
  const table = h('table', { className: 'tr-sums', dataset: { sums: '' } },
    h('caption', { text: `Adding up: the bias, then each channel’s sum (${fmtInt(p.inputChannels * p.kh * p.kw)} products in all)` }),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: 'term' }), h('th', { scope: 'col', text: 'value' }), h('th', { scope: 'col', text: 'total so far' }))),
    h('tbody', {}, ...sumRows));
  const same = Object.is(p.value, p.forward);
  const result = h('p', { className: 'tr-explain-value' },
    'z = ', h('output', { dataset: { explainValue: '' }, text: num(p.value), attrs: { 'aria-label': 'The value z' } }),
    same ? ': exactly the value the layer’s forward pass gave (the same additions in the same order).'
      : `: the forward pass gave ${num(p.forward)}.`);
  const act = p.activation ? h('p', { dataset: { explainActivation: '' } },
    `Then layer ${p.activation.index}, ${activationWords(p.activation.kind)}: ${activationOf(p.activation.kind, num(p.value))} = `,
    h('strong', { text: num(p.activation.value) }), '.')
    : h('p', { text: 'No activation follows this layer: z goes on as it is.' });
  els.out.replaceChildren(intro, h('div', { className: 'tr-channels' }, ...channels), table, result, act);
}

const activationWords = (kind) => ({ relu: 'ReLU', sigmoid: 'the sigmoid', tanh: 'tanh' }[kind] ?? kind);
/** The activation written on z. */
function activationOf(kind, z) {
  if (kind === 'relu') return `max(0, ${z})`;
  if (kind === 'sigmoid') return `1 / (1 + e^−(${z}))`;
  return `${kind}(${z})`;
}
