// train/form.js - the settings form at work (sections 2 and 3), for main.js:
// an edit goes into the state and the link; every field is checked by
// state.js's rules, its error shown next to it; the engine describes the
// network (shapes, parameters, what an epoch costs) a moment after the last
// edit. Each function takes the page (state.js's Page).
import {
  encodeHash, layerValues, mergeForm, layerFieldCounts, trainingSetSize, validationSetSize, validateSettings,
} from './state.js';
import { epochSeconds, SLOW_EPOCH_SECONDS, chunkImages, trainingBytes, memoryBudget } from './cost.js';
import { IMAGE_PIXELS, SPLITS } from '../lib/limits.js';
import * as settingsView from './settings-view.js';
import * as keepView from './keep-view.js';

/** @typedef {import('./state.js').Page} Page */

/** The settings, with what the form shows. @param {Page} page */
export const readSettings = ({ state, el }) => mergeForm(state.settings, settingsView.readForm(el.settings));

/** The per-layer fields for the counts typed (a count being typed: the fields stay). @param {Page} page */
export function renderLayerFields({ state, el }) {
  const s = state.settings;
  const counts = state.layerFields = layerFieldCounts(s, state.layerFields);
  s.units = layerValues(s.units, counts.unit, 'unit');
  s.filters = layerValues(s.filters, counts.filter, 'filter');
  settingsView.renderLayerFields(el.settings, s, counts);
}

/** The form shows these settings. @param {Page} page */
export function writeSettings(page, s) {
  settingsView.writeForm(page.el.settings, s);
  renderLayerFields(page);
}

/** The page's address holds the settings (replaced, not pushed: Back leaves the page). @param {Page} page */
export function updateHash({ state, el }) {
  history.replaceState(null, '', `#${encodeHash(state.settings)}`);
  keepView.renderLink(el.keep, location.href);
}

/** @param {Page} page */
export const trainSize = ({ state }) => trainingSetSize(state.settings, state.data);

/** Every setting checked (state.js's validateSettings), from the form. @param {Page} page */
const validate = (page) => validateSettings(readSettings(page), { trainSize: trainSize(page), describe: page.state.describe });

/**
 * The errors shown: every one once the student has edited or pressed Start,
 * before that only the spec's. Returns the check.
 * @param {Page} page
 */
export function refreshErrors(page) {
  const r = validate(page);
  settingsView.renderErrors(page.el.settings, page.state.touched ? r.errors : r.errors.spec ? { spec: r.errors.spec } : {});
  return r;
}

/**
 * What the described network costs on this device: { macs, seconds (an
 * epoch), trainSize, slow (minutes: a warning) }, or null when not known.
 * @param {Page} page
 */
export function costNow(page) {
  const { state } = page;
  const d = state.describe;
  if (!d?.ok || !state.rate) return null;
  const nVal = validationSetSize(state.settings, state.data);
  const seconds = epochSeconds(d.macs, { nTrain: trainSize(page), nVal }, state.rate);
  if (seconds === null) return null;
  const batch = Number(state.settings.batch) || 1;
  const dataBytes = (trainSize(page) + nVal + SPLITS.full.test) * (IMAGE_PIXELS + 1);
  const bytes = trainingBytes(d, Math.max(batch, chunkImages(d.macs, state.rate)), dataBytes);
  const budget = memoryBudget(/** @type {any} */ (navigator).deviceMemory);
  return { macs: d.macs, seconds, trainSize: trainSize(page), slow: seconds > SLOW_EPOCH_SECONDS, bytes, budget, heavy: bytes > budget };
}

let describeTimer = 0, describeSeq = 0;

/** The engine describes the network 120 ms after the last edit. @param {Page} page */
export function scheduleDescribe(page) {
  clearTimeout(describeTimer);
  describeTimer = setTimeout(() => describe(page), 120);
}

/** The network's layers, shapes, parameters and cost, from the engine (a newer request wins). @param {Page} page */
export async function describe(page) {
  const { state, el } = page;
  const spec = validate(page).values.spec;
  if (state.settings.arch !== 'custom' && spec) {
    settingsView.renderSpec(el.settings, spec);
    state.settings.spec = spec;
  }
  const seq = ++describeSeq;
  if (!spec) { settingsView.renderLayers(el.settings, null); refreshErrors(page); return; }
  const d = await page.call('describe', { spec });
  if (seq !== describeSeq) return;
  state.describe = { ...d, for: spec };
  settingsView.renderLayers(el.settings, d);
  settingsView.renderCost(el.settings, costNow(page));
  refreshErrors(page);
}

/**
 * A field was edited (input, or change for the fields that are not text).
 * @param {Page} page
 * @param {Event & { target: HTMLInputElement }} e
 */
export function onSettingsChanged(page, e) {
  const { state, el } = page;
  state.touched = true;
  if (e.target.id === 'tr-spec') {
    state.settings.arch = 'custom';
    settingsView.checkCustom(el.settings);
  }
  readSettings(page);
  if (e.target.matches('[data-setting="layers"], [data-setting="convs"], [data-setting="arch"], [data-setting="optimizer"]')) renderLayerFields(page);
  if (e.target.matches('[data-setting="quick"]')) page.quickChanged?.();
  updateHash(page);
  scheduleDescribe(page);
  refreshErrors(page);
}

/**
 * Start or One step was pressed: the checked values, or null after saying
 * why not (the focus on the first field at fault).
 * @param {Page} page
 */
export function checkBeforeTraining(page) {
  const { state, el } = page;
  state.touched = true;
  const r = refreshErrors(page);
  if (!r.ok) {
    settingsView.focusField(el.settings, Object.keys(r.errors)[0]);
    page.tell('run', `Training did not start: ${Object.keys(r.errors).length === 1 ? 'one setting needs' : 'some settings need'} fixing (marked in red).`, 'error');
    return null;
  }
  if (state.data && state.data.set !== (state.settings.quick ? 'quick' : 'full')) {
    page.tell('run', 'Training on all 55,000 images needs the full training set: download it in section 1, or tick Quick.', 'error');
    return null;
  }
  if (!state.data) {
    page.tell('run', 'Load the data first (section 1).', 'error');
    return null;
  }
  return r.values;
}
