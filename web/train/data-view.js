// train/data-view.js - section 1, the data: the download's button, bar and
// messages, the sample grid (one tab stop, arrow keys inside it) and an
// image's 28 x 28 numbers. Draws what it is given; the page's main.js wires
// the events (a thumbnail carries data-sample, its place in the samples).
import { $, $$, h, say } from '../lib/dom.js';
import { CLASS_NAMES, IMAGE_SIDE, IMAGE_PIXELS } from '../lib/limits.js';
import { fmtInt, fmtBytes } from '../lib/format.js';
import { imageCanvas } from './tiles.js';
import { progressHistory, progressText } from './progress.js';

/** The rate of the download under way (its history restarts with each load). */
const history = progressHistory();

/** The section's elements. */
export function find(root = document) {
  return {
    load: $('[data-load-data]', root), quick: $('#tr-quick', root), progress: $('[data-data-progress]', root), bar: $('#tr-data-bar', root),
    progressText: $('[data-data-progress-text]', root), cancel: $('[data-cancel-data]', root),
    message: $('[data-data-message]', root), samples: $('[data-samples]', root), grid: $('[data-sample-grid]', root),
    numbers: $('[data-numbers]', root), numbersTable: $('[data-numbers-table]', root), numbersTitle: $('[data-numbers-title]', root),
  };
}

/** The Quick checkbox shows the setting. */
export function renderQuick(els, quick) {
  els.quick.checked = quick;
}

/** A load begins: the bar and Cancel show. */
export function renderLoading(els) {
  history.clear();
  els.load.disabled = true;
  els.progress.hidden = false;
  els.cancel.hidden = false;
  say(els.message, 'Loading the data…', 'info');
}

/**
 * What is in use and how its images are split, in the data's message: d is
 * { train, validation, test, total, set, fromCache, kept, notKept }.
 */
export function renderSizes(els, d) {
  const where = d.fromCache ? ' (from your browser’s copy, no download)'
    : d.kept ? ' (kept in your browser: no download next time)'
      : d.notKept ? ` (not kept for next time: ${d.notKept})` : '';
  const which = d.set === 'quick' ? 'the Quick set' : 'the full set';
  say(els.message, `Using ${which}${where}: training on ${fmtInt(d.train)} images, validating on ${fmtInt(d.validation)} `
    + `held out, testing on ${fmtInt(d.test)}.`, 'ok');
}

/**
 * The Load button and, before a download, its size: status is the worker's
 * dataStatus ({ quick, full: { kept, missingBytes, loaded }, available });
 * quick the setting; data the set in use (or null).
 */
export function renderStatus(els, status, quick, data) {
  if (!status) return;
  const want = quick ? 'quick' : 'full';
  const s = status[want];
  const inUse = data?.set === want;
  if (inUse) els.load.textContent = 'Load the data again';
  else if (s.kept) els.load.textContent = quick ? 'Load the data (kept in this browser)' : 'Load the full set (kept in this browser)';
  else els.load.textContent = quick ? `Load the data (${fmtBytes(s.missingBytes)})` : `Download the full set (${fmtBytes(s.missingBytes)})`;
  const never = status.available ? '' : ' This browser keeps nothing for this page, so the data is downloaded on every visit.';
  if (inUse) return;
  if (!quick && data) {
    say(els.message, `Training on all 55,000 images needs the full training set: ${s.kept ? 'it is kept in this browser, press “Load the full set”'
      : `${fmtBytes(s.missingBytes)} more to download`}. Until then the Quick set stays in use (tick Quick to train on it).${never}`, 'info');
  } else if (!data) {
    say(els.message, s.kept ? `The ${quick ? 'Quick' : 'full'} set is kept in this browser: loading it…`
      : `Press “${els.load.textContent}” to download ${quick ? 'Fashion-MNIST’s Quick set: 10,000 training images, 1,000 held out and the 10,000 test images'
        : 'all of Fashion-MNIST: 60,000 training and 10,000 test images'}. Your browser keeps it for next time.${never}`, 'info');
  }
}

/** The data is in: the bar full, the sizes said. */
export function renderLoaded(els, sizes) {
  els.bar.value = 1;
  els.progressText.textContent = sizes.fromCache ? 'Loaded from your browser’s copy' : 'Downloaded';
  renderSizes(els, sizes);
  els.load.textContent = 'Load the data again';
}

/** A load failed or was cancelled (e.status 'cancelled'); hadData: the data loaded before stays in use. */
export function renderLoadFailed(els, e, hadData) {
  const kept = hadData ? 'The data loaded before is still in use.' : 'Nothing was loaded.';
  if (e.status === 'cancelled') {
    say(els.message, `The download was cancelled. ${kept} Press “Retry the download” to start it again.`, 'info');
    els.progressText.textContent = 'Cancelled';
  } else {
    say(els.message, `The data could not be loaded: ${e.message}. ${kept} Check the connection and press “Retry the download”.`, 'error');
    els.progressText.textContent = 'Failed';
  }
  els.load.textContent = 'Retry the download';
}

/** A load is over: Cancel hides. Returns the element the keyboard focus should go to (Cancel had it), or undefined. */
export function renderLoadEnd(els) {
  const focusBack = document.activeElement === els.cancel;
  els.cancel.hidden = true;
  return focusBack ? els.load : undefined;
}

/** The worker's data-progress event: bytes downloaded, then decompressing and reading. */
export function renderProgress(els, ev) {
  const { bar, progressText: text } = els;
  if (ev.phase === 'download') {
    bar.value = ev.total ? Math.min(1, ev.loaded / ev.total) : 0;
    if (ev.at !== undefined) history.add(ev.at, ev.loaded);
    text.textContent = progressText(ev, history.rate());
  } else if (ev.phase === 'decompress') text.textContent = 'Decompressing…';
  else if (ev.phase === 'parse') text.textContent = 'Reading the IDX files…';
  if (ev.phase !== 'download') els.cancel.hidden = true; // nothing left to cancel
}

/**
 * The sample grid, by class: samples { images (n * 784 bytes), indices (in
 * the training set), labels }. One tab stop: the first image.
 */
export function renderSamples(els, { images, indices, labels }) {
  const groups = CLASS_NAMES.map((name, k) => h('figure', { className: 'tr-class' },
    h('figcaption', {}, h('span', { className: 'mono' }, String(k)), ` ${name}`),
    h('div', { className: 'tr-class-images' })));
  indices.forEach((index, j) => {
    const b = h('button', {
      type: 'button', className: 'tr-thumb', tabIndex: j === 0 ? 0 : -1, // arrow keys move inside the grid
      dataset: { sample: j }, attrs: { 'aria-label': `Training image ${index}: ${CLASS_NAMES[labels[j]]}` },
    }, imageCanvas(images.subarray(j * IMAGE_PIXELS, (j + 1) * IMAGE_PIXELS), true));
    $('.tr-class-images', groups[labels[j]]).append(b);
  });
  els.grid.replaceChildren(...groups);
  els.samples.hidden = false;
}

/** Sample j of the grid as its 28 x 28 numbers. */
export function renderSample(els, { images, indices, labels }, j) {
  renderNumbers(els, images.subarray(j * IMAGE_PIXELS, (j + 1) * IMAGE_PIXELS), `Training image ${indices[j]} (${CLASS_NAMES[labels[j]]}) as 28 × 28 numbers`);
}

/**
 * The grid's keys (a roving tabindex): Left and Right go to the previous and
 * next image, Up and Down to the same place in the class above or below
 * (perClass images a row), Home and End to the first and last.
 * @param {KeyboardEvent & { currentTarget: HTMLElement, target: HTMLElement }} e
 * @param {number} perClass
 */
export function moveInGrid(e, perClass) {
  const thumbs = $$('.tr-thumb', e.currentTarget);
  const at = thumbs.indexOf(e.target);
  if (at < 0) return;
  const to = { ArrowRight: at + 1, ArrowLeft: at - 1, ArrowDown: at + perClass, ArrowUp: at - perClass, Home: 0, End: thumbs.length - 1 }[e.key];
  if (to === undefined) return;
  e.preventDefault();
  const next = thumbs[Math.max(0, Math.min(thumbs.length - 1, to))];
  thumbs[at].tabIndex = -1;
  next.tabIndex = 0;
  next.focus();
}

/** An image's 28 x 28 numbers as a table, each cell in its own gray; the focus goes to its title. */
export function renderNumbers(els, px, title) {
  const rows = [];
  for (let y = 0; y < IMAGE_SIDE; y++) {
    const tr = h('tr');
    for (let x = 0; x < IMAGE_SIDE; x++) {
      const v = px[y * IMAGE_SIDE + x];
      tr.append(h('td', { text: v, style: { background: `rgb(${v},${v},${v})`, color: v > 140 ? '#000' : '#fff' } }));
    }
    rows.push(tr);
  }
  els.numbersTable.replaceChildren(h('caption', { className: 'visually-hidden', text: title }), h('tbody', {}, ...rows));
  els.numbers.hidden = false;
  els.numbersTitle.textContent = title;
  els.numbersTitle.focus();
}
