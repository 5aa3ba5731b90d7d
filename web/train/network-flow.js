// train/network-flow.js - section 7's network view, for main.js: which image
// goes through the model (a test image, a drawing, a picture of the
// student's), the worker's view of it (network.js), the value of a conv layer
// explained, and the live refresh while a run trains (the worker's 'network'
// events). Each function takes the page (state.js's Page).
import { wholeNumber } from '../lib/numbers.js';
import { fmtInt } from '../lib/format.js';
import { loadFile } from '../lib/image-source.js';
import { toImage28 } from './reduce.js';
import * as netView from './network-view.js';
import * as explainView from './explain-view.js';
import * as inside from './inside-view.js';

/** @typedef {import('./state.js').Page} Page */

/**
 * What the worker is to put through the model now ({ source, pick }, see
 * network.js's Watch), or { error } for the student.
 * @param {Page} page
 */
function watchNow({ state, el }) {
  const net = state.net;
  if (net.source === 'test') {
    const r = wholeNumber(inside.readIndex(el.inside), 0, (state.data?.test ?? 10000) - 1, 'The test image number');
    inside.renderIndexError(el.inside, r.error ?? '');
    if (r.error) return { error: '' };
    if (!state.data) return { error: 'Load the data (section 1) to choose a test image, or draw one.' };
    return { source: { kind: 'test', index: r.value }, pick: net.pick };
  }
  const pixels = net.source === 'draw' ? net.drawn : net.photo;
  if (!pixels) return { error: net.source === 'draw' ? 'Draw something on the pad: the network sees it when you lift the pen.' : 'Choose a picture.' };
  return { source: { kind: 'pixels', pixels, name: net.source === 'draw' ? 'your drawing' : `your picture ${net.photoName}` }, pick: net.pick };
}

/**
 * The chosen image through the model, every layer shown; userAsked: bring it
 * into view. A value chosen before is explained again (for the new image or weights).
 * @param {Page} page
 */
export async function show(page, userAsked) {
  const { state, el } = page;
  if (!state.hasModel) { netView.renderMessage(el.net, userAsked ? 'Train or load a model first.' : ''); return; }
  const watch = watchNow(page);
  if ('error' in watch) {
    netView.renderMessage(el.net, watch.error, 'info');
    return;
  }
  const ticket = ++state.net.ticket;
  try {
    const view = await page.call('network', { watch, live: state.net.live });
    if (ticket !== state.net.ticket) return; // a newer request is on its way
    render(page, view, userAsked);
  } catch (e) {
    if (ticket !== state.net.ticket) return;
    netView.renderMessage(el.net, `The network view failed: ${e.message}`, 'error');
    if (state.net.pick) { state.net.pick = null; explainView.clear(el.explain); }
  }
}

/** A view from the worker (asked for, or a live refresh during a run). @param {Page} page */
function render({ state, el }, view, scroll) {
  state.net.view = view;
  const words = [];
  if (view.shuffled && view.source.kind !== 'test') words.push('This model learned on shuffled pixels: it reads your image with its pixels moved the same way.');
  if (state.phase === 'running' && state.net.live) words.push(`Following the training: these are the weights after ${fmtInt(view.steps)} training steps.`);
  netView.renderMessage(el.net, words.join(' '));
  netView.renderView(el.net, view, scroll);
  explainView.renderChoices(el.explain, view);
  if (view.pick) explainView.renderPick(el.explain, view.pick);
  else explainView.clear(el.explain);
}

/** The worker's live refresh during a run: drawn only while the student follows it. @param {Page} page */
export function onLiveView(page, ev) {
  const { state } = page;
  if (!state.net.live || !state.hasModel || state.phase !== 'running') return;
  render(page, ev.view, false);
}

/** The model changed (a new run, a load, a reset): no view until it is asked for. @param {Page} page */
export function clear({ state, el }) {
  state.net.view = null;
  state.net.pick = null;
  netView.clear(el.net);
  explainView.renderChoices(el.explain, null);
  explainView.clear(el.explain);
}

/** A run starts: the view of the new model, followed live when the student wants it. @param {Page} page */
export async function follow(page) {
  if (page.state.net.live) await show(page, false);
}

/** The source radio changed. @param {Page} page */
export function chooseSource(page, source) {
  page.state.net.source = source;
  netView.renderSource(page.el.net, source);
  show(page, false);
}

/** A stroke on the pad ended. @param {Page} page */
export function drawn(page, pixels) {
  page.state.net.drawn = pixels;
  show(page, false);
}

/** A picture of the student's: made 28 x 28 gray, inverted when asked. @param {Page} page */
export async function pictureChosen(page, file) {
  const { state, el } = page;
  netView.renderFileError(el.net, '');
  try {
    const image = await loadFile(file);
    state.net.photoImage = image;
    state.net.photoName = `“${image.name}”`;
    state.net.photo = toImage28(image, el.net.invert.checked);
    await show(page, true);
  } catch (e) {
    netView.renderFileError(el.net, e.message);
  }
}

/** The invert box changed: the picture again. @param {Page} page */
export function invertChanged(page) {
  const { state, el } = page;
  if (!state.net.photoImage) return;
  state.net.photo = toImage28(state.net.photoImage, el.net.invert.checked);
  show(page, false);
}

/** A click on a conv layer's maps. @param {Page} page */
export function clicked(page, canvas, x, y) {
  const view = page.state.net.view;
  const layer = view?.layers[Number(canvas.dataset.pickLayer)];
  if (!layer) return;
  const pick = netView.pickAt(canvas, layer.shape, x, y);
  if (!pick) return;
  explainView.writeFields(page.el.explain, pick);
  explain(page, pick);
}

/**
 * A value explained: `pick` ({ layer, channel, row, col }), or the one the
 * fields say, checked against the layer's shape.
 * @param {Page} page
 */
export async function explain(page, pick = null) {
  const { state, el } = page;
  const view = state.net.view;
  if (!view) return;
  if (!pick) {
    const f = explainView.readFields(el.explain);
    const layer = view.layers[Number(f.layer)];
    if (!layer || layer.kind !== 'conv') return;
    const [C, H, W] = layer.shape;
    const channel = wholeNumber(f.channel, 0, C - 1, 'The channel');
    const row = wholeNumber(f.row, 0, H - 1, 'The row j1');
    const col = wholeNumber(f.col, 0, W - 1, 'The column j2');
    const bad = [channel, row, col].find((r) => r.error);
    if (bad) { explainView.renderError(el.explain, bad.error); return; }
    pick = { layer: layer.index, channel: channel.value, row: row.value, col: col.value };
  }
  explainView.renderError(el.explain, '');
  state.net.pick = pick;
  await show(page, false);
  el.explain.out.scrollIntoView({ block: 'nearest' });
}
