// train/results-view.js - section 6, results on the test set: the accuracy,
// the confusion matrix (a cell's button carries data-cell-true and
// data-cell-pred), a cell's images, and the gallery of predictions (an
// image's button carries data-test-index).
import { $, h } from '../lib/dom.js';
import { CLASS_NAMES, IMAGE_PIXELS } from '../lib/limits.js';
import { fmtInt, pct } from '../lib/format.js';
import { drawTiles, imageCanvas } from './tiles.js';
import { cellColours } from './confusion-colour.js';

const K = CLASS_NAMES.length;

/** The section's elements. */
export function find(root = document) {
  return {
    accuracy: $('[data-test-accuracy]', root), detail: $('[data-test-detail]', root), confusion: $('[data-confusion]', root),
    cell: $('[data-cell]', root), cellTitle: $('[data-cell-title]', root), cellImages: $('[data-cell-images]', root),
    gallery: $('[data-gallery]', root),
  };
}

/** No results: the model changed. */
export function clear(els) {
  els.accuracy.textContent = '–';
  els.detail.textContent = '';
  els.confusion.replaceChildren();
  els.gallery.replaceChildren();
  els.cell.hidden = true;
}

/** A kept model's accuracy when it was saved, until the data is loaded to test it again. */
export function renderSavedAccuracy(els, accuracy) {
  els.accuracy.textContent = pct(accuracy);
  els.detail.textContent = '(when it was saved; load the data to see the details)';
}

/** The test results t (the worker's evaluate): accuracy, loss and the confusion matrix. */
export function renderTest(els, t) {
  els.accuracy.textContent = pct(t.accuracy);
  els.detail.textContent = `on ${fmtInt(t.labels.length)} test images never used in training (loss ${t.loss.toFixed(3)})`;
  const head = h('thead', {}, h('tr', {},
    h('th', { scope: 'col' }, h('span', { className: 'visually-hidden', text: 'True class' })),
    ...CLASS_NAMES.map((n, k) => h('th', { scope: 'col', title: n }, h('abbr', { title: n, text: k })))));
  const body = h('tbody');
  for (let i = 0; i < K; i++) {
    const rowTotal = t.confusion.slice(i * K, i * K + K).reduce((a, b) => a + b, 0) || 1;
    const tr = h('tr', {}, h('th', { scope: 'row' }, String(i), h('span', { className: 'tr-cname', text: ` ${CLASS_NAMES[i]}` })));
    for (let j = 0; j < K; j++) {
      const c = t.confusion[i * K + j], f = c / rowTotal;
      tr.append(h('td', { style: cellColours(f, i === j) }, h('button', {
        type: 'button', text: c, dataset: { cellTrue: i, cellPred: j },
        attrs: { 'aria-label': `True ${CLASS_NAMES[i]}, predicted ${CLASS_NAMES[j]}: ${c} images` },
      })));
    }
    body.append(tr);
  }
  els.confusion.replaceChildren(h('caption', { className: 'visually-hidden', text: 'Confusion matrix: rows true class, columns predicted class' }), head, body);
}

/** The first `max` test images of true class i predicted as j. */
export function cellIndices(t, i, j, max) {
  const idx = [];
  for (let n = 0; n < t.labels.length && idx.length < max; n++) if (t.labels[n] === i && t.predicted[n] === j) idx.push(n);
  return idx;
}

/** A cell of the matrix opens: its title (shown: how many of its images are drawn). */
export function renderCell(els, t, i, j, shown) {
  const count = t.confusion[i * K + j];
  const title = `True ${CLASS_NAMES[i]}, predicted ${CLASS_NAMES[j]}: ${fmtInt(count)} test image${count === 1 ? '' : 's'}${count > shown ? ` (the first ${shown})` : ''}`;
  els.cell.hidden = false;
  els.cellTitle.textContent = title;
  els.cellImages.setAttribute('aria-label', title);
}

/** The cell's images (n * 784 bytes; none: no picture), then the keyboard focus to its title. */
export function renderCellImages(els, images, n) {
  if (n) {
    drawTiles(els.cellImages, images, n, Math.min(12, n));
    els.cellImages.hidden = false;
  } else els.cellImages.hidden = true;
  els.cellTitle.focus();
}

/** The gallery: test images `indices` (their pixels in images), each with its class probabilities. */
export function renderGallery(els, t, indices, images) {
  els.gallery.replaceChildren(...indices.map((index, k) => {
    const probs = t.probs.subarray(index * K, index * K + K);
    const order = [...probs.keys()].sort((a, b) => probs[b] - probs[a]);
    const pred = order[0], truth = t.labels[index], right = pred === truth;
    const b = h('button', {
      type: 'button', className: 'tr-thumb', dataset: { testIndex: index }, attrs: { 'aria-label': `Test image ${index}: show its feature maps` },
    }, imageCanvas(images.subarray(k * IMAGE_PIXELS, (k + 1) * IMAGE_PIXELS), true));
    const text = h('div', { className: 'tr-pred-text' },
      h('strong', { text: `${CLASS_NAMES[pred]} ${pct(probs[pred], 0)}` }),
      h('span', { className: 'muted', text: right ? `right (#${index})` : `wrong: it is a ${CLASS_NAMES[truth]} (#${index})` }),
      h('span', { className: 'tr-top', text: order.slice(1, 3).map((c) => `${CLASS_NAMES[c]} ${pct(probs[c], 0)}`).join(' · ') }));
    const bars = h('div', { className: 'tr-bars', attrs: { 'aria-hidden': 'true' } }, ...Array.from({ length: K }, (_, c) => h('span', {
      className: c === truth ? 'truth' : undefined, title: `${CLASS_NAMES[c]} ${pct(probs[c])}`, style: { height: `${Math.max(2, 100 * probs[c])}%` },
    })));
    return h('li', { className: `tr-pred${right ? '' : ' wrong'}` }, b, text, bars);
  }));
}
