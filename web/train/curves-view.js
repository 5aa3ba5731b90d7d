// train/curves-view.js - section 5, the curves: the runs table (a checkbox a
// run, carrying data-run-id, shows or hides its curves) and the loss and
// accuracy plots (lib/plot.js), redrawn at most 5 times a second, in an
// animation frame, with the canvases' sizes from a ResizeObserver: drawing
// never forces a layout.
import { $, $$, h } from '../lib/dom.js';
import { pct, fmtValue } from '../lib/format.js';
import { drawPlot, niceStep } from '../lib/plot.js';

/** The runs table's body and the two plots (with their widths in CSS pixels, as last observed). */
export function find(root = document) {
  return {
    rows: $('[data-runs-table] tbody', root), loss: $('[data-plot="loss"]', root), acc: $('[data-plot="acc"]', root),
    /** @type {HTMLInputElement} */
    zoom: $('[data-zoom-acc]', root),
    /** @type {Map<Element, number>} */
    widths: new Map(),
  };
}

/** The runs table: a row a run (name, colour, a note on how it was kept), or a line saying there is none. */
export function renderRuns(runs, els) {
  if (!runs.length) {
    els.rows.replaceChildren(h('tr', { className: 'tr-empty' }, h('td', { colSpan: 5, text: 'No runs yet: load the data and press Start.' })));
    return;
  }
  els.rows.replaceChildren(...runs.map((r) => {
    const box = h('input', { type: 'checkbox', checked: Boolean(r.visible), dataset: { runId: r.id }, attrs: { 'aria-label': `Show run ${r.id}: ${r.name}` } });
    const swatch = h('span', { className: 'tr-swatch', attrs: { 'aria-hidden': 'true' } });
    swatch.style.background = r.colour; // the CSSOM drops a value that is not a colour
    return h('tr', {},
      h('th', { scope: 'row' }, h('label', { className: 'tr-run-name' }, box, swatch, h('span', { text: r.name })),
        r.keptNote ? h('span', { className: 'tr-run-note', text: r.keptNote }) : null),
      h('td', { className: 'num' }), h('td', { className: 'num' }), h('td', { className: 'num' }),
      h('td', { className: 'num', dataset: { runTest: '' } }));
  }));
  renderRunNumbers(runs, els);
}

/** The runs' numbers, in place (cheap enough for every progress event). */
export function renderRunNumbers(runs, els) {
  const rows = $$('tr:not(.tr-empty)', els.rows);
  runs.forEach((r, i) => {
    const tds = rows[i] ? $$('td', rows[i]) : null;
    if (!tds) return;
    const lastTrain = r.train.at(-1), lastVal = r.validation.at(-1);
    const how = { diverged: ' (diverged)', stopped: ' (stopped)', interrupted: ' (not finished)', error: ' (failed)' }[r.how] ?? '';
    tds[0].textContent = `${lastTrain ? lastTrain.x.toFixed(2) : '0'}${how}`;
    tds[1].textContent = lastTrain ? fmtValue(lastTrain.loss) : '–';
    tds[2].textContent = lastVal ? pct(lastVal.acc) : '–';
    tds[3].textContent = r.test === null || r.test === undefined ? '–' : pct(r.test);
  });
}

/** The curves of the visible runs (training dashed, validation solid), then the table's numbers. */
export function drawCurves(runs, els) {
  const shown = runs.filter((r) => r.visible);
  const maxX = Math.max(1, ...shown.map((r) => r.epochs));
  let maxLoss = 0;
  for (const r of shown) for (const p of [...r.train, ...r.validation]) if (Number.isFinite(p.loss)) maxLoss = Math.max(maxLoss, p.loss);
  const lines = (key) => shown.flatMap((r) => [
    { points: r.train.map((p) => ({ x: p.x, y: p[key] })), colour: r.colour, dash: [5, 4], width: 1.5 },
    { points: r.validation.map((p) => ({ x: p.x, y: p[key] })), colour: r.colour, dash: [], width: 2.25 },
  ]);
  const common = { maxX, xLabel: 'epochs', xStep: (m) => Math.max(niceStep(m, 6), m <= 1 ? 0.25 : 1) };
  drawPlot(els.loss, { ...common, width: els.widths.get(els.loss) || 560, maxY: maxLoss > 0 ? Math.min(maxLoss * 1.05, 5) : 2.5, lines: lines('loss') });
  const range = els.zoom?.checked ? accuracyRange(shown) : { minY: 0, maxY: 1 };
  els.acc.setAttribute('aria-label', range.minY > 0
    ? `Accuracy against epochs, the axis from ${pct(range.minY, 0)} to ${pct(range.maxY, 0)}`
    : 'Accuracy against epochs, with the 10% guessing line');
  drawPlot(els.acc, {
    ...common, width: els.widths.get(els.acc) || 560, ...range, lines: lines('acc'),
    yTick: (y) => `${Math.round(y * 100)}%`, guide: { y: 0.1, label: 'guessing 10%' },
  });
  renderRunNumbers(runs, els);
}

/**
 * The accuracy axis zoomed in on where the runs are after their first epoch
 * (to 5%, with a margin), where late differences of a percent show; the
 * whole 0 to 100% while no run has done an epoch.
 * @param {{ train: { x: number, acc: number }[], validation: { x: number, acc: number }[] }[]} runs
 */
export function accuracyRange(runs) {
  const accs = runs.flatMap((r) => [...r.train, ...r.validation]).filter((p) => p.x >= 1 && Number.isFinite(p.acc)).map((p) => p.acc);
  if (!accs.length) return { minY: 0, maxY: 1 };
  const minY = Math.max(0, Math.floor((Math.min(...accs) - 0.01) * 20) / 20);
  const maxY = Math.min(1, Math.ceil((Math.max(...accs) + 0.01) * 20) / 20);
  return { minY, maxY: Math.max(maxY, minY + 0.05) };
}

/**
 * A function that calls draw() soon: in an animation frame, at most once
 * every `ms`, however often it is called.
 * @param {() => void} draw
 */
export function throttled(draw, ms = 200) {
  let queued = false, last = 0;
  return () => {
    if (queued) return;
    queued = true;
    const wait = Math.max(0, last + ms - performance.now());
    setTimeout(() => requestAnimationFrame(() => { queued = false; last = performance.now(); draw(); }), wait);
  };
}

/** Keeps the plots' widths up to date, calling onResize after each change. */
export function observeSizes(els, onResize) {
  const observer = new ResizeObserver((entries) => {
    for (const e of entries) els.widths.set(e.target, e.contentRect.width);
    onResize();
  });
  observer.observe(els.loss);
  observer.observe(els.acc);
}
