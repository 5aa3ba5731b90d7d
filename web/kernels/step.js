// step.js - one output pixel worked out by hand (section 5, and the
// exercise's tables): the patch of X under the kernel, the kernel, their
// products and sums, next to the engine's value; and the one-line sum under
// the result. Views: they read the page's state and never change it.
import { h, morph } from '../lib/dom.js';
import { fmt, signedSum, patchOf, weightText } from './arithmetic.js';
import { CHANNEL_NAMES, CHANNEL_COLOURS, valueLabel } from './state.js';
import { stepFormula } from './formula.js';
import { pickLabel } from './page.js';

/** @typedef {import('./elements.js').Elements} Elements */
/** @typedef {import('./page.js').PageState} PageState */

/**
 * A k1 x k2 table in a figure; `cell(td, i)` fills cell i; `headers`, the
 * input rows and columns (padding marked), or null for the kernel's own 0, 1, ...
 * A table wider than its box scrolls inside it, and takes the focus to be
 * scrolled from the keyboard.
 */
function gridTable(caption, k1, k2, cell, headers) {
  const t = /** @type {HTMLTableElement} */ (h('table', { className: 'matrix k-step-table' }));
  const head = t.createTHead().insertRow();
  head.append(h('th', { scope: 'col' }, h('span', { className: 'k-axis', text: headers ? 'row \\ column' : 'k1 \\ k2' })));
  for (let b = 0; b < k2; b++) {
    const outside = headers && (headers.cols[b] < 0 || headers.cols[b] >= headers.width);
    head.append(h('th', { scope: 'col', text: headers ? headers.cols[b] : b, className: outside ? 'k-pad-head' : undefined }));
  }
  const body = t.createTBody();
  for (let a = 0; a < k1; a++) {
    const tr = body.insertRow();
    const outside = headers && (headers.rows[a] < 0 || headers.rows[a] >= headers.height);
    tr.append(h('th', { scope: 'row', text: headers ? headers.rows[a] : a, className: outside ? 'k-pad-head' : undefined }));
    for (let b = 0; b < k2; b++) cell(tr.insertCell(), a * k2 + b);
  }
  const scroll = h('div', { className: 'k-scroll', attrs: k2 > 7 ? { tabindex: '0', role: 'group', 'aria-label': caption } : {} }, t);
  return h('figure', {}, h('figcaption', { text: caption }), scroll);
}

/** The names of a channel's patch and kernel in the step-by-step. */
function namesOf(params, chan, onlyChannel, kname) {
  const c = onlyChannel ?? chan;
  if (params.op === 'layer') return { x: `X[:, :, ${c}]`, w: kname };
  return { x: params.mode === 'gray' ? 'X' : `X_${CHANNEL_NAMES[c]}`, w: kname };
}

/** One channel's patch, kernel and products as tables; returns the sum of the products. */
function patchTables(container, probe, chan, kernel, kname, view, image, { products }) {
  const { params } = view;
  const { rows, cols, k1, k2 } = patchOf(params.op === 'magnitude' ? { ...params, k1: 3, k2: 3 } : params, probe.j1, probe.j2);
  const xs = probe.channels[chan].x, src = probe.channels[chan].src;
  const wrap = h('div', { className: 'k-step-tables' });
  const names = namesOf(params, chan, view.onlyChannel, kname);
  const isPad = (i) => src[i] === null || src[i][0] !== rows[Math.floor(i / k2)] || src[i][1] !== cols[i % k2];
  const markPad = (td, i, text) => {
    if (isPad(i)) {
      td.className = 'k-pad';
      td.append(h('span', { className: 'visually-hidden', text: 'padding ' }));
      td.title = src[i] ? `padding: a copy of X[${src[i][0]}, ${src[i][1]}]` : 'padding: zero';
    }
    td.append(text);
  };
  wrap.append(gridTable(`${names.x} patch (rows ${rows[0]}–${rows[k1 - 1]}, columns ${cols[0]}–${cols[k2 - 1]})`, k1, k2,
    (td, i) => markPad(td, i, xs[i] === null ? '0' : fmt(xs[i], 3)), { rows, cols, height: image.height, width: image.width }));
  // the weights the engine multiplies by, not rounded to fewer digits than the cell has
  wrap.append(gridTable(names.w, k1, k2, (td, i) => { td.textContent = weightText(kernel[i]); }, null));
  let sum = 0;
  const terms = [], pairs = [];
  for (let i = 0; i < k1 * k2; i++) {
    const v = kernel[i] * (xs[i] ?? 0);
    sum += v;
    terms.push(v);
    pairs.push(`${weightText(kernel[i])}·${fmt(xs[i] ?? 0, 3)}`);
  }
  if (products) wrap.append(gridTable(`${names.w} · ${names.x}, element by element`, k1, k2, (td, i) => markPad(td, i, fmt(terms[i], 3)), null));
  container.append(wrap);
  return { sum, terms, pairs };
}

function sumLine(label, terms, sum) {
  const shown = terms.length <= 25 ? signedSum(terms, 3) : `the sum of the ${terms.length} products`;
  return h('p', { className: 'k-sum mono', text: `${label} = ${shown} = ${fmt(sum, 3)}` });
}

/** The formula of the sum, the lesson's way, and what its stride and padding terms mean. */
function formulaLines(container, view, j1, j2, map) {
  const { general, here, notes } = stepFormula(view.params, j1, j2, { channel: view.onlyChannel, map });
  container.append(h('p', { className: 'k-step-formula mono' }, general, h('br'), here));
  if (notes.length) container.append(h('p', { className: 'hint k-step-notes', text: notes.join(' ') }));
}

/** One channel's block: its tables and, in full, its sum. Returns the sum (the magnitude: √(gx² + gy²)) and the products. */
function channelBlock(container, probe, view, image, ch, full) {
  const { params, used } = view;
  const { j1, j2 } = probe;
  const chans = probe.channels.length;
  const block = h('div', { className: 'k-step-channel' });
  const size = params.k1 * params.k2;
  if (chans > 1) {
    block.append(h('h3', { text: params.op === 'layer' ? `Channel c = ${ch} (${CHANNEL_NAMES[ch]}, ${CHANNEL_COLOURS[ch]})` : `Channel ${CHANNEL_NAMES[ch]} (${CHANNEL_COLOURS[ch]})` }));
  }
  container.append(block);
  if (params.op === 'magnitude') {
    const gx = patchTables(block, probe, ch, used[0], 'Gx', view, image, { products: full });
    if (full) block.append(sumLine('gx', gx.terms, gx.sum));
    const gy = patchTables(block, probe, ch, used[1], 'Gy', view, image, { products: full });
    if (full) {
      const sq = (v) => (v < 0 ? `(${fmt(v, 3)})²` : `${fmt(v, 3)}²`);
      block.append(sumLine('gy', gy.terms, gy.sum),
        h('p', { className: 'k-sum mono', text: `√(gx² + gy²) = √(${sq(gx.sum)} + ${sq(gy.sum)}) = ${fmt(Math.hypot(gx.sum, gy.sum), 3)}` }));
    }
    return { sum: Math.hypot(gx.sum, gy.sum), pairs: null };
  }
  if (params.op === 'layer') {
    const n = probe.map;
    const r = patchTables(block, probe, ch, used[n].slice(ch * size, (ch + 1) * size), `W_${n}[:, :, ${ch}]`, view, image, { products: full });
    if (full) block.append(sumLine(`Σ_${ch}`, r.terms, r.sum));
    return r;
  }
  const multi = params.mode === 'sum';
  const r = patchTables(block, probe, ch, used[multi ? ch : 0], multi ? `W_${CHANNEL_NAMES[ch]}` : 'W', view, image, { products: full });
  if (full) block.append(sumLine(multi ? `Σ_${CHANNEL_NAMES[ch]}` : chans > 1 ? `Z_${CHANNEL_NAMES[ch]}[${j1}, ${j2}]` : 'Σ', r.terms, r.sum));
  return r;
}

/**
 * The worked sum for output pixel (probe.j1, probe.j2) of the result `view`
 * on `image` (of map probe.map, in the layer). `full` shows the products, the
 * sums and the engine's value (section 5); without it only the patch and the
 * kernel (the exercise). Returns { pairs, sums, total } for the one-line summary.
 */
export function renderWorkedSum(target, probe, view, image, { full }) {
  // built apart, then morphed in: an edit changes a few of its thousands of cells
  const container = h('div');
  const out = workedSum(container, probe, view, image, full);
  morph(target, container);
  return out;
}

function workedSum(container, probe, view, image, full) {
  const { params } = view;
  const { j1, j2 } = probe;
  const { top: r0, left: c0, k1, k2 } = patchOf(params.op === 'magnitude' ? { ...params, k1: 3, k2: 3 } : params, j1, j2);
  formulaLines(container, view, j1, j2, probe.map);
  const outside = r0 < 0 || c0 < 0 || r0 + k1 > image.height || c0 + k2 > image.width;
  const padNote = !outside ? 'All of it lies inside the image.'
    : `Hatched cells lie outside the image: ${params.pad} padding gives them ${params.pad === 'zero' ? 'the value 0' : params.pad === 'reflect' ? 'a mirrored pixel' : 'the nearest edge pixel'}.`;
  container.append(h('p', { className: 'hint', text: `The kernel covers rows ${r0} to ${r0 + k1 - 1} and columns ${c0} to ${c0 + k2 - 1} of X. ${padNote}` }));

  const sums = [];
  let pairs = null;
  for (let ch = 0; ch < probe.channels.length; ch++) {
    const r = channelBlock(container, probe, view, image, ch, full);
    if (probe.channels.length === 1) pairs = r.pairs;
    sums.push(r.sum);
  }
  const bias = params.op === 'layer' ? params.biases[probe.map] : params.bias;
  const biasName = params.op === 'layer' ? `b_${probe.map}` : 'b';
  const summed = params.op === 'layer' || params.mode === 'sum';
  const pre = summed ? sums.reduce((a, v) => a + v, 0) + bias : null;
  if (!full) return { pairs, sums, pre };
  if (summed) {
    const names = params.op === 'layer' ? sums.map((_, c) => `Σ_${c}`) : CHANNEL_NAMES.map((c) => `Σ_${c}`);
    const lhs = params.op === 'layer' ? (params.relu ? 'the sum' : `Z[${j1}, ${j2}, ${probe.map}]`) : `Z[${j1}, ${j2}]`;
    container.append(h('p', { className: 'k-sum mono', text: `${lhs} = ${[...names, biasName].join(' + ')} = ${signedSum([...sums, bias])} = ${fmt(pre, 3)}` }));
    if (params.op === 'layer' && params.relu) {
      container.append(h('p', { className: 'k-sum mono', text: `Z[${j1}, ${j2}, ${probe.map}] = ReLU(${fmt(pre, 3)}) = max(0, ${fmt(pre, 3)}) = ${fmt(Math.max(0, pre), 3)}` }));
    }
  }
  // The value shown is the engine's (from the whole-image result); the sums
  // above are this page's arithmetic on the same numbers and must agree.
  const checks = params.op === 'layer' ? [params.relu ? Math.max(0, pre) : pre] : summed ? [pre] : sums;
  probe.z.forEach((z, pl) => {
    const label = valueLabel(params, probe.z.length, pl, j1, j2, probe.map);
    container.append(h('p', { className: 'k-total' },
      h('output', { className: 'mono', attrs: { 'aria-label': `Result ${label}` }, dataset: { value: String(z) }, text: `${label} = ${fmt(z, 3)}` })));
    if (Math.abs(checks[pl] - z) > 1e-3 * Math.max(1, Math.abs(z))) {
      container.append(h('p', {
        className: 'message', dataset: { kind: 'warning' },
        text: `The engine’s value differs from the sum above (${fmt(checks[pl], 4)}): please report this.`,
      }));
    }
  });
  container.append(h('p', { className: 'hint', text: 'Z is the engine’s value for this pixel of the whole image; the sum above is the same arithmetic done by hand.' }));
  return { pairs, sums, pre };
}

/**
 * Section 5 for the selected pixel (state.probe, of the result state.drawn),
 * its sum in one line under the result, so the worked example is in view from
 * the start, and the value said to screen readers.
 * @param {PageState} state
 * @param {Elements} el
 */
export function renderStep(state, el) {
  const { probe, drawn: view } = state;
  const { params } = view;
  const { pairs, sums, pre } = renderWorkedSum(el.step, probe, view, state.image, { full: true });
  const { j1, j2, z } = probe;
  let text;
  if (params.op === 'layer') {
    const inner = `${sums.map((_, c) => `Σ_${c}`).join(' + ')} + b_${probe.map}`;
    text = params.relu ? `Z[${j1}, ${j2}, ${probe.map}] = ReLU(${inner}) = ReLU(${fmt(pre, 3)}) = ${fmt(z[0], 3)}`
      : `Z[${j1}, ${j2}, ${probe.map}] = ${inner} = ${fmt(z[0], 3)}`;
  } else if (z.length > 1) {
    text = CHANNEL_NAMES.map((c, i) => `Z_${c}[${j1}, ${j2}] = ${fmt(z[i], 3)}`).join(', ');
  } else if (params.op === 'magnitude') {
    text = `Z[${j1}, ${j2}] = √(gx² + gy²) = ${fmt(z[0], 3)}`;
  } else if (params.mode === 'sum') {
    text = `Z[${j1}, ${j2}] = Σ_R + Σ_G + Σ_B + b = ${signedSum([...sums, params.bias])} = ${fmt(z[0], 3)}`;
  } else if (pairs && pairs.length <= 9) {
    text = `Z[${j1}, ${j2}] = ${pairs.join(' + ')} = ${fmt(z[0], 3)}`;
  } else {
    text = `Z[${j1}, ${j2}] = the sum of ${pairs?.length ?? ''} products W·X = ${fmt(z[0], 3)}`;
  }
  el.pickSummary.replaceChildren(h('span', { className: 'k-pick-label', text: pickLabel(state.status) }), h('span', { className: 'mono', text }),
    ' (', h('a', { href: '#step-title', text: 'every step below' }), ')');
  el.announce.textContent = z.map((v, pl) => `${valueLabel(params, z.length, pl, j1, j2, probe.map)} = ${fmt(v, 3)}`).join(', ');
}
