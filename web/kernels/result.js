// result.js - the result area (section 4) and the kernel as the engine used
// it: whether Z on screen is the current view, the last valid one, or none;
// its caption and colour legend; the weights used, as coloured tables, with
// what normalising did. Views: they read the page's state and never change it.
import { h, morph, say } from '../lib/dom.js';
import { css, diverging, luminance, DIVERGING_GRADIENT } from '../lib/colour.js';
import { fmt, weightText } from './arithmetic.js';
import { CHANNEL_NAMES, PERCENTILE } from './state.js';
import { pickLabel } from './page.js';

/** @typedef {import('./elements.js').Elements} Elements */
/** @typedef {import('./page.js').PageState} PageState */

/**
 * Shows in the result area and the step-by-step whether the result on screen
 * is the current view ('current'), the last valid one kept while a kernel
 * cell is not a number ('stale', marked as such), or whether there is no
 * output ('none': no picture, no sum, the reason instead).
 * @param {PageState} state
 * @param {Elements} el
 */
export function renderResult(state, el) {
  const { drawn } = state;
  const problem = state.status.kind === 'current' ? null : state.status;
  const view = !problem ? 'current' : drawn ? 'stale' : 'none';
  el.outputFigure.dataset.view = view;
  el.outputWrap.hidden = el.legend.hidden = view === 'none';
  el.outputStatus.hidden = view === 'current';
  if (view === 'none') {
    const why = problem.kind === 'no-output' ? problem.fit : problem.text;
    el.outputStatus.replaceChildren(h('strong', { text: 'No output.' }), ' ', why);
    el.outputCaption.textContent = 'Z: no output';
    el.pickSummary.replaceChildren('Selected pixel: none, as there is no output.');
    el.step.replaceChildren();
    el.used.replaceChildren();
    el.usedNote.textContent = 'There is no output, so no kernel is in use.';
    el.renderInfo.textContent = '';
    say(el.stepStatus, `There is no output pixel to open. ${why}`, 'warning');
  } else if (view === 'stale') {
    el.outputStatus.replaceChildren(h('strong', { text: 'Not the current kernel.' }), ' ',
      `${problem.text} Z below is the result of the last kernel that was all numbers.`);
    say(el.stepStatus, `These sums use the last kernel that was all numbers, not the one in the editor: ${problem.text}`, 'warning');
  }
  el.stepStatus.hidden = view === 'current';
  if (drawn) {
    const what = drawn.maps ? `[:, :, ${state.settings.map}], feature map ${state.settings.map} of ${drawn.maps.length}` : '';
    const shape = drawn.maps ? `shape (${drawn.height}, ${drawn.width}): height ${drawn.height}, width ${drawn.width}`
      : `shape (${drawn.height}, ${drawn.width}${drawn.planes === 1 ? '' : ', 3'}): height ${drawn.height}, width ${drawn.width}`;
    el.outputCaption.textContent = `Z${what}${view === 'stale' ? ' of the last kernel that was all numbers' : ''}, ${shape}, `
      + `${drawn.maps ? 'one map' : drawn.planes === 1 ? 'one channel' : '3 channels, shown as colour'}`;
    const label = el.pickSummary.querySelector('.k-pick-label');
    if (label) label.textContent = pickLabel(state.status);
    renderUsed(state, el);
  }
  for (const control of [el.j1, el.j2, el.prev, el.next, el.play]) control.disabled = view === 'none';
}

/** The colour scale of Z as drawn. @param {PageState} state @param {Elements} el */
export function renderLegend(state, el) {
  const { drawn } = state;
  const { display } = drawn;
  const shown = drawn.maps ? drawn.maps[state.settings.map] : drawn;
  const largest = shown.maxAbs, scaled = shown.scaled;
  // the strongest colour: the largest |value|, or typical values (the rest clipped)
  const typical = scaled?.to === 'typical';
  const m = typical ? scaled.p : largest;
  const which = typical
    ? `the ${Math.round(100 * PERCENTILE)}th percentile of |value| (typical values): ${fmt((100 * scaled.above) / scaled.count, 1)}% of the values lie beyond it and are shown at full colour; the largest |value| is ${fmt(largest, 2)}.`
    : 'the largest |value|.';
  const own = drawn.maps ? ' Each map has its own scale.' : '';
  const bar = (gradient, labels, caption) => {
    el.legend.replaceChildren(h('div', { className: 'k-legend-bar', style: { background: gradient } }),
      h('div', { className: 'k-legend-labels' }, ...labels.map((l) => h('span', { text: l }))),
      h('p', { className: 'hint', text: caption }));
    el.legend.setAttribute('aria-label', caption);
  };
  if (display === 'diverging') {
    bar(DIVERGING_GRADIENT, [`−${fmt(m, 1)}`, '0', `+${fmt(m, 1)}`],
      `Diverging colours: negative values blue, 0 white, positive red; the strongest colour is ±${fmt(m, 2)}, ${which}${own}`);
  } else if (display === 'abs') {
    bar('linear-gradient(to right, #000, #fff)', ['0', fmt(m, 1)],
      `|value| scaled, the sign not shown: black is 0, white is ${fmt(m, 2)}, ${which}${own}`);
  } else {
    bar('linear-gradient(to right, #000, #fff)', ['0', '255'],
      `Clamped: values shown as they are, below 0 as black, above 255 as white (largest |value| = ${fmt(largest, 2)}).`);
  }
}

/**
 * A kernel's weights as a table, each cell in the lab's diverging colours
 * (lib/colour.js, the engine's map) scaled to the largest |weight|.
 * @param {number[]} values
 * @param {number} k1
 * @param {number} k2
 * @param {string} caption
 */
function heatTable(values, k1, k2, caption) {
  const table = /** @type {HTMLTableElement} */ (h('table', { className: 'matrix k-heat-table' }));
  const m = values.reduce((a, v) => Math.max(a, Math.abs(v)), 0);
  for (let a = 0; a < k1; a++) {
    const tr = table.insertRow();
    for (let b = 0; b < k2; b++) {
      const v = values[a * k2 + b];
      const c = diverging(m > 0 ? v / m : 0);
      const td = tr.insertCell();
      td.textContent = weightText(v);
      td.style.background = css(c);
      td.style.color = luminance(...c) > 0.5 ? '#111' : '#fff';
    }
  }
  // a table wider than its box scrolls inside it, and takes the focus to be scrolled from the keyboard
  const scroll = h('div', { className: 'k-scroll', attrs: k2 > 7 ? { tabindex: '0', role: 'group', 'aria-label': caption } : {} }, table);
  return h('figure', { className: 'k-heat' }, h('figcaption', { text: caption }), scroll);
}

/** The kernel the engine used for Z on screen, and what normalising did to it. @param {PageState} state @param {Elements} el */
function renderUsed(state, el) {
  const { params, used, normalised } = state.drawn;
  if (params.op === 'layer') {
    // the selected kernel's slices, one per channel, and its bias
    const n = Math.min(state.settings.map, used.length - 1), c = params.channels, size = params.k1 * params.k2;
    morph(el.used, h('div', {}, ...Array.from({ length: c }, (_, ch) => heatTable(Array.from(used[n].slice(ch * size, (ch + 1) * size)),
      params.k1, params.k2, `W_${n}[:, :, ${ch}]${c > 1 ? ` (${CHANNEL_NAMES[ch]})` : ''}`))));
    el.usedNote.textContent = `Kernel ${n}, with bias b_${n} = ${fmt(params.biases[n], 4)}${params.relu ? ', then ReLU' : ''}. `
      + 'Colours: negative weights blue, 0 white, positive red, strongest at the largest |weight|.'
      + (state.status.kind !== 'current' ? ' Not the kernels in the editor: the last ones that were all numbers, which made the result shown.' : '');
    return;
  }
  const names = params.op === 'magnitude' ? ['Gx', 'Gy'] : used.length === 1 ? ['W'] : CHANNEL_NAMES.map((c) => `W_${c}`);
  morph(el.used, h('div', {}, ...used.map((k, i) => heatTable(Array.from(k), params.k1, params.k2, names[i]))));
  const notes = [];
  if (params.normalise) {
    params.kernels.forEach((k, i) => {
      const sum = k.reduce((a, v) => a + v, 0);
      const who = params.kernels.length === 1 ? 'The kernel' : `${names[i]}`;
      if (normalised[i]) notes.push(`${who}: every weight was divided by their sum, ${fmt(sum, 4)}, so the weights now sum to 1.`);
      else if (k.every((v) => v === 0)) notes.push(`${who}: all the weights are 0, so their sum is 0 and there is nothing to divide by: it was left as it is.`);
      else notes.push(`${who}: the weights sum to 0 (as Sobel’s and the Laplacian’s do), so there is nothing to divide by: it was left as it is.`);
    });
  }
  notes.push('Colours: negative weights blue, 0 white, positive red, strongest at the largest |weight|.');
  if (state.status.kind !== 'current') notes.unshift('Not the kernel in the editor: the last kernel that was all numbers, which made the result shown.');
  el.usedNote.textContent = notes.join(' ');
}

/**
 * How long the last result took, for people and for the benchmarks (data- attributes of Z's canvas),
 * and the engine's path to it ('bytes': the image's bytes in, the picture's out, no float planes kept).
 * @param {Elements} el
 * workers: how many workers computed it (a large kernel is split over the cores: team.js).
 * @param {{ engineMs: number, totalMs: number, count: number, path?: string, workers?: number }} t
 */
export function renderTiming(el, { engineMs, totalMs, count, path = '', workers = 1 }) {
  el.outputCanvas.dataset.enginePath = path;
  el.outputCanvas.dataset.engineWorkers = String(workers);
  el.outputCanvas.dataset.lastRenderMs = totalMs.toFixed(2);
  el.outputCanvas.dataset.engineMs = engineMs.toFixed(2);
  el.outputCanvas.dataset.renderCount = String(count);
  el.renderInfo.textContent = `Computed by the engine in ${engineMs.toFixed(1)} ms; from your change to the picture: ${totalMs.toFixed(1)} ms.`;
}

/** A line under the result while it is computed ('' when there is nothing to say). @param {Elements} el @param {string} text */
export function renderProgress(el, text) {
  el.renderInfo.textContent = text;
}
