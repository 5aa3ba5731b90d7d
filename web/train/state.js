// train/state.js - the train page's settings and rules: one declarative table
// of keys, their link names, types, limits and defaults (lib/hash-state.js
// drives the URL hash both ways from it); the check of every field; the spec
// the settings describe; the runs' records (names, colours, what storage gives
// back). Pure: no DOM, no engine; tested in node (tests/node/train-settings.test.mjs,
// tests/node/train-state.test.mjs).
//
//   const { settings, ignored, any } = decodeHash(location.hash);
//   // ignored: [{ key, short, value, why }] for every value a link cannot mean,
//   // each replaced by its default (ignoredMessage() says so)
//   location.hash = encodeHash(settings);
//   const { ok, errors, values } = validateSettings(settings, { trainSize, describe });
//
// Settings hold what the fields hold: strings for the text fields (so a half
// typed "0." survives), booleans for the checkboxes, arrays of strings for
// the per-layer fields. validateSettings() turns them into numbers (values).
import * as hashState from '../lib/hash-state.js';
import { MAX_BATCH, MAX_SPEC, MAX_WORKERS } from '../lib/limits.js';
import { compact, fmtInt } from '../lib/format.js';
import { wholeNumber, realNumber, parseDecimal } from '../lib/numbers.js';

export { MAX_BATCH };
export const MAX_HIDDEN_LAYERS = 6;
export const MAX_UNITS = 4096;
export const MAX_CONV_LAYERS = 3;
export const MAX_FILTERS = 64;
export const MAX_DENSE = 1024;
export const MAX_EPOCHS = 100;
/** Rates and λ at or above this are refused: float32 would overflow at once. */
export const MAX_RATE = 1e30;
/** Seeds are unsigned 32-bit numbers. */
export const MAX_SEED = 4294967295;

/** The learning rate is multiplied by this after each epoch, unless the student says otherwise. */
const DEFAULT_DECAY = '0.75';

/**
 * The learning-rate decay as typed: a number above 0 and at most 1.
 * @returns {{ value: string } | { error: string }}  value: the text
 */
function decayRule(text, what = 'the learning-rate decay') {
  const r = realNumber(text, { above: 0, below: 2 }, what, '0.85');
  if (r.error) return { error: r.error };
  return r.value <= 1 ? { value: String(text).trim() } : { error: `${what} can be at most 1 (1 keeps the rate as it is)` };
}

/** The number of workers, as a link or the chooser says it: 'all' (one per core) or 1..MAX_WORKERS (a device uses at most its cores). */
function workersRule(text) {
  const t = String(text).trim().toLowerCase();
  /** @type {{ value?: any, error?: string }} */
  const r = t === 'all' ? { value: 'all' } : wholeNumber(t, 1, MAX_WORKERS, 'The number of workers');
  return r.error ? { error: r.error } : { value: String(r.value) };
}
/** Workers the worker is asked for: 0 for all the device's cores. */
export const workerCount = (text) => Number(workersRule(text).value) || 0;

const mlp = (s) => s.arch === 'mlp';
const cnn = (s) => s.arch === 'cnn';

/**
 * Every setting (lib/hash-state.js's Field): key (in the settings object),
 * short (in a link), what (its name in a sentence), type and limits, def (the
 * default), when (the settings in which it means something; a link leaves it
 * out otherwise). Numbers stay text (asText), as their fields show them.
 * @type {readonly import('../lib/hash-state.js').Field[]}
 */
export const SETTINGS = Object.freeze([
  { key: 'arch', short: 'arch', what: 'the architecture', type: 'enum', values: ['mlp', 'cnn', 'custom'], def: 'mlp' },
  { key: 'layers', short: 'L', what: 'the number of hidden layers', type: 'int', min: 0, max: MAX_HIDDEN_LAYERS, asText: true, def: '1', when: mlp },
  { key: 'units', short: 'units', what: 'the units of each hidden layer', type: 'ints', min: 1, max: MAX_UNITS, maxItems: MAX_HIDDEN_LAYERS, asText: true, def: ['128'], when: mlp },
  { key: 'convs', short: 'convs', what: 'the number of conv layers', type: 'int', min: 1, max: MAX_CONV_LAYERS, asText: true, def: '2', when: cnn },
  { key: 'filters', short: 'filters', what: 'the filters of each conv layer', type: 'ints', min: 1, max: MAX_FILTERS, maxItems: MAX_CONV_LAYERS, asText: true, def: ['8', '16'], when: cnn },
  { key: 'kernel', short: 'k', what: 'the kernel size', type: 'enum', values: ['3', '5'], def: '3', when: cnn },
  // max-pooling after the first conv only: the next conv keeps the detail it sees (the CNN preset)
  { key: 'pool', short: 'pool', what: 'the pooling', type: 'enum', values: ['first', 'max', 'avg', 'none'], def: 'first', when: cnn },
  { key: 'dense', short: 'dense', what: 'the dense units after the convs', type: 'int', min: 0, max: MAX_DENSE, asText: true, def: '64', when: cnn },
  { key: 'act', short: 'f', what: 'the activation', type: 'enum', values: ['relu', 'sigmoid', 'tanh'], def: 'relu' },
  { key: 'spec', short: 'spec', what: 'the model spec', type: 'text', maxLength: MAX_SPEC - 1, def: '', when: (s) => s.arch === 'custom' },
  { key: 'batch', short: 'bs', what: 'the batch size', type: 'int', min: 1, max: MAX_BATCH, asText: true, def: '32' },
  { key: 'lr', short: 'lr', what: 'the learning rate', type: 'number', above: 0, below: MAX_RATE, asText: true, def: '0.002' },
  { key: 'epochs', short: 'epochs', what: 'the number of epochs', type: 'int', min: 1, max: MAX_EPOCHS, asText: true, def: '10' },
  // the learning rate is multiplied by this after each epoch (1: it stays): big steps first, finer ones later
  { key: 'decay', short: 'decay', what: 'the learning-rate decay', type: 'custom', def: DEFAULT_DECAY, format: String, parse: (t) => decayRule(t) },
  // at the end, the weights of the epoch with the best validation accuracy are kept (not the last)
  { key: 'best', short: 'best', what: 'keep the best epoch', type: 'bool', def: true },
  { key: 'l2', short: 'l2', what: 'λ', type: 'number', min: 0, below: MAX_RATE, asText: true, def: '0' },
  { key: 'loss', short: 'J', what: 'the loss', type: 'enum', values: ['xent', 'mse'], def: 'xent' },
  { key: 'optimizer', short: 'opt', what: 'the optimiser', type: 'enum', values: ['sgd', 'momentum', 'adam'], def: 'adam' },
  { key: 'momentum', short: 'momentum', what: 'the momentum', type: 'number', min: 0, below: 1, asText: true, def: '0.9', when: (s) => s.optimizer === 'momentum' },
  { key: 'seed', short: 'seed', what: 'the seed', type: 'int', min: 0, max: MAX_SEED, asText: true, def: '1' },
  // each batch split over this many workers, 'all': one per core (train/team.js); the same count and seed, the same run
  { key: 'workers', short: 'workers', what: 'the number of workers', type: 'custom', def: 'all', format: String, parse: (t) => workersRule(t) },
  { key: 'quick', short: 'quick', what: 'Quick', type: 'bool', def: true },
  { key: 'shuffle', short: 'shuffle', what: 'shuffled pixels', type: 'bool', def: false },
]);

/** A fresh copy of the defaults. */
export function defaultSettings() {
  return hashState.defaultState(SETTINGS);
}

/**
 * Reads a link: { settings, ignored, unknown, any }: settings with every value
 * the link can mean and the defaults for the others, which ignored lists.
 * @param {string} hash
 */
export function decodeHash(hash) {
  const { state, ignored, unknown, any } = hashState.decodeHash(SETTINGS, hash);
  return { settings: state, ignored, unknown, any };
}

/** The link text of the settings: only the keys that mean something in them. */
export function encodeHash(settings) {
  return hashState.encodeHash(SETTINGS, settings);
}

/** What a link's reading left out, in sentences ('' when it was whole). */
export function ignoredMessage(ignored, unknown = []) {
  return hashState.ignoredMessage(SETTINGS, ignored, unknown);
}

/**
 * The values of the per-layer fields for a new count: what was typed is kept
 * (also beyond the count, so clearing the count and typing it again loses
 * nothing); a new layer gets half the units of the one before (at least 10)
 * or twice its filters (at most MAX_FILTERS).
 */
export function layerValues(values, count, kind) {
  const out = values.slice();
  while (out.length < count) {
    const prev = Number(out.at(-1));
    const ok = Number.isInteger(prev) && prev > 0;
    out.push(String(kind === 'unit'
      ? Math.max(10, Math.round((ok ? prev : 256) / 2))
      : Math.min(MAX_FILTERS, ok ? prev * 2 : 8)));
  }
  return out;
}

/**
 * The settings with what the form shows: `fields` the values of the
 * [data-setting] fields, `units` and `filters` those of the per-layer fields
 * shown now; what was typed for layers not shown now is kept (for when they
 * come back).
 * @param {Record<string, any>} settings  changed in place, and returned
 * @param {{ fields: Record<string, any>, units: string[], filters: string[] }} form
 */
export function mergeForm(settings, { fields, units, filters }) {
  Object.assign(settings, fields);
  settings.units = [...units, ...settings.units.slice(units.length)];
  settings.filters = [...filters, ...settings.filters.slice(filters.length)];
  return settings;
}

/**
 * How many per-layer fields to show: the count typed, or while it is not a
 * count (being typed), as many as are shown now.
 * @param {Record<string, any>} settings
 * @param {{ unit: number, filter: number }} shown
 */
export function layerFieldCounts(settings, shown) {
  return {
    unit: wholeNumber(settings.layers, 0, MAX_HIDDEN_LAYERS, '').value ?? shown.unit,
    filter: wholeNumber(settings.convs, 0, MAX_CONV_LAYERS, '').value ?? shown.filter,
  };
}

/**
 * The training set's size: the worker's split once the data is loaded (it
 * changes with Quick), else what Quick will give.
 * @param {Record<string, any>} settings
 * @param {{ train: number, validation: number } | null} data
 */
export function trainingSetSize(settings, data) {
  if (data) return data.train;
  return settings.quick ? 10000 : 55000;
}

/** The held-out set's size (as trainingSetSize). */
export function validationSetSize(settings, data) {
  return data?.validation ?? (settings.quick ? 1000 : 5000);
}

/** The spec the architecture controls describe (or the custom one), from the checked values. */
export function specFrom(s, v) {
  if (s.arch === 'custom') return s.spec.trim();
  const act = s.act;
  if (s.arch === 'mlp') return [...v.units.map((n) => `dense${n}-${act}`), 'dense10-softmax'].join('-');
  const pool = (i) => (s.pool === 'none' || (s.pool === 'first' && i > 0) ? '' : `-${s.pool === 'first' ? 'max' : s.pool}pool2`);
  const parts = v.filters.map((f, i) => `conv${s.kernel}x${s.kernel}x${f}-${act}${pool(i)}`);
  if (v.dense > 0) parts.push(`dense${v.dense}-${act}`);
  parts.push('dense10-softmax');
  return parts.join('-');
}

/**
 * Every setting checked: { ok, errors (by field: the key of its error
 * element), values (numbers, and the spec) }. trainSize bounds the batch;
 * describe is the engine's last description of a spec ({ for, ok, message,
 * outputs }), whose refusal is the spec's error.
 * @param {Record<string, any>} s
 * @param {{ trainSize: number, describe?: any }} context
 * @returns {{ ok: boolean, errors: Record<string, string>, values: Record<string, any> }}
 */
export function validateSettings(s, { trainSize, describe = null }) {
  /** @type {Record<string, string>} */
  const errors = {};
  /** @type {Record<string, any>} */
  const v = {};
  const take = (key, r) => { if (r.error) errors[key] = r.error; else v[key] = r.value; };
  const each = (list, count, max, kind, what) => list.slice(0, count ?? 0).map((text, i) => {
    const r = wholeNumber(text, 1, max, what);
    if (r.error) errors[`${kind}-${i + 1}`] = r.error;
    return r.value;
  });
  if (s.arch === 'mlp') {
    take('layers', wholeNumber(s.layers, 0, MAX_HIDDEN_LAYERS, 'The number of hidden layers'));
    v.units = each(s.units, v.layers, MAX_UNITS, 'unit', 'Units');
  } else if (s.arch === 'cnn') {
    take('convs', wholeNumber(s.convs, 1, MAX_CONV_LAYERS, 'The number of conv layers'));
    v.filters = each(s.filters, v.convs, MAX_FILTERS, 'filter', 'Filters');
    take('dense', wholeNumber(s.dense, 0, MAX_DENSE, 'Dense units'));
  }
  const wanted = parseDecimal(s.batch);
  let b = wholeNumber(s.batch, 1, Math.min(trainSize, MAX_BATCH), 'The batch size');
  if (wanted > trainSize && (Number.isInteger(wanted) || wanted === Infinity)) {
    b = { error: `The batch size cannot be larger than the training set (${fmtInt(trainSize)} images)` };
  } else if (wanted > MAX_BATCH && Number.isInteger(wanted)) {
    b = { error: `The batch size can be at most ${fmtInt(MAX_BATCH)} (the engine's limit)` };
  }
  take('batch', b);
  take('lr', realNumber(s.lr, { above: 0, below: MAX_RATE }, 'The learning rate', '0.001'));
  take('epochs', wholeNumber(s.epochs, 1, MAX_EPOCHS, 'Epochs'));
  const decay = decayRule(s.decay, 'The learning-rate decay');
  if ('error' in decay) errors.decay = decay.error;
  else v.decay = parseDecimal(decay.value);
  take('l2', realNumber(s.l2, { min: 0, below: MAX_RATE }, 'λ', '0 or 0.0001'));
  if (s.optimizer === 'momentum') take('momentum', realNumber(s.momentum, { min: 0, below: 1 }, 'Momentum', '0.9'));
  else v.momentum = 0.9;
  take('seed', wholeNumber(s.seed, 0, MAX_SEED, 'The seed'));
  const specOk = !Object.keys(errors).some((k) => /^(layers|unit|convs|filter|dense)/.test(k));
  v.spec = specOk ? specFrom(s, v) : '';
  if (specOk && !v.spec) errors.spec = 'Type a model spec, e.g. dense128-relu-dense10-softmax';
  const d = describe;
  if (specOk && v.spec && d && d.for === v.spec) {
    if (!d.ok) errors.spec = d.message;
    else if (d.outputs !== 10) errors.spec = `The model has ${d.outputs} outputs; it needs 10, one per class: end the spec with dense10-softmax`;
  }
  if (s.loss === 'xent' && v.spec && !/softmax$/.test(v.spec.toLowerCase().replace(/\s/g, ''))) {
    errors.loss = 'Cross-entropy needs a softmax output: end the spec with softmax, or choose mean squared error';
  }
  v.workers = workerCount(s.workers);
  Object.assign(v, { arch: s.arch, act: s.act, loss: s.loss, optimizer: s.optimizer, quick: s.quick, shuffle: s.shuffle, best: Boolean(s.best) });
  return { ok: Object.keys(errors).length === 0, errors, values: v };
}

/** The spec some settings describe (as the engine writes it, for comparing with a kept model's). */
export function specOf(settings) {
  return validateSettings({ ...defaultSettings(), ...settings }, { trainSize: 55000 }).values.spec;
}

/**
 * The settings a loaded model brings: its spec as a custom one, and the
 * optimiser, rates, loss and seed it was trained with.
 * @param {{ spec: string, seed: number, settings: { optimizer: string, lr: number, l2: number, momentum: number, loss: string } }} m
 */
export function modelSettings(m) {
  return {
    arch: 'custom', spec: m.spec, optimizer: m.settings.optimizer, lr: String(+m.settings.lr.toPrecision(6)),
    l2: String(+m.settings.l2.toPrecision(6)), loss: m.settings.loss === 'mse' ? 'mse' : 'xent', seed: String(m.seed),
    momentum: String(+m.settings.momentum.toPrecision(6)),
  };
}

// ---- the page ----

/**
 * The train page's one state object (main.js owns it): the settings, what the
 * worker holds (data, model, run), the runs and their curves, the last test.
 */
export function newPageState() {
  return {
    settings: defaultSettings(),
    layerFields: { unit: 0, filter: 0 }, // per-layer fields shown
    touched: false,      // errors show once the student has edited or pressed Start
    describe: null,      // the engine's last description of a spec: { for, ok, layers, params, macs, ... }
    rate: 0,             // this device's training speed (multiply-adds per second), from the worker
    slowConfirmed: '',   // the slow network whose Start was pressed once already
    data: null,          // the set in use, once loaded: { train, validation, test, total, set: 'quick' | 'full' }
    dataStatus: null,    // what is kept and loaded of each set: { quick, full: { kept, missingBytes, loaded }, available }
    dataLoading: false, dataLoads: 0, // a load under way; loads begun (a data status asked before the last began is out of date)
    samples: null,       // the sample grid: { images, indices, labels }
    phase: 'idle', starting: false, // idle | running | paused | finished; starting: Start pressed, the worker's answer awaited
    hasModel: false,
    modelSeq: 0,         // one more each time the model changes (a run, a loaded file, Reset): a late save can tell
    modelShuffled: false,
    /** @type {any[]} { id, name, colour, settings, train: [], validation: [], test, epochs, visible, how, keptNote, forgetEpoch } */
    runs: [],
    currentRun: null,
    /** @type {any[]} checked values of the experiment's runs still to do */
    queue: [],
    adviceKind: null,    // what the advice says now (its words change only when this does)
    test: null,          // the last test-set results
    galleryStart: 0,
    filters: null,       // the first-layer weights last drawn, to redraw them another way
    store: null,         // lib/store.js: what is kept in the browser
    forgetEpoch: 0,      // bumped by Forget: saves of runs started before it are dropped
    keptOffer: null,     // a kept model a link's settings did not restore: { model, own }
    /** the network view (section 7): the image's source, the drawn or brought pixels, the value explained */
    net: {
      source: 'test', drawn: null, photo: null, photoImage: null, photoName: '', live: true,
      /** @type {{ layer: number, channel: number, row: number, col: number } | null} */
      pick: null,
      view: null,
      ticket: 0, // the latest request: older answers are dropped
    },
  };
}

/** @typedef {ReturnType<typeof newPageState>} PageState */

/**
 * What main.js hands the modules that act for it (form.js, models.js,
 * training.js): the state, the views' elements (by view), the worker, a
 * message in a section ('page', 'data', 'run', 'keep'), and the curves drawn soon.
 * @typedef {object} Page
 * @property {PageState} state
 * @property {Record<string, any>} el
 * @property {(type: string, args?: object, transfer?: Transferable[]) => Promise<any>} call
 * @property {(where: string, text: string, kind?: 'info'|'ok'|'warning'|'error') => void} tell
 * @property {() => void} drawSoon
 * @property {() => void} [quickChanged]  Quick was ticked or unticked (main.js: the set in use follows)
 */

// ---- runs ----

/** The runs' colours on the curves, in turn. */
export const RUN_COLOURS = Object.freeze(['#1f5fbf', '#c2410c', '#15803d', '#9333ea', '#b91c1c', '#0e7490', '#a16207', '#be185d']);
/** How a run ended, as the runs table and storage say it. */
export const RUN_ENDS = Object.freeze(['done', 'stopped', 'diverged', 'error', 'interrupted']);

function archLabel(v) {
  if (v.arch === 'mlp') return `MLP ${v.units.length ? v.units.join('-') : '(no hidden layer)'} ${v.act}`;
  if (v.arch === 'cnn') return `CNN ${v.filters.join('-')} ${v.act}`;
  return v.spec;
}

/** A run's name in the runs table: the network and what was changed from the usual. */
export function runName(v) {
  const opt = { sgd: 'SGD', momentum: 'momentum', adam: 'Adam' }[v.optimizer];
  return `${archLabel(v)} · ${opt} lr ${compact(v.lr)}${v.decay !== undefined && String(v.decay) !== DEFAULT_DECAY ? ` decay ${compact(v.decay)}` : ''} · bs ${v.batch}${v.l2 ? ` · λ ${compact(v.l2)}` : ''}${v.loss === 'mse' ? ' · MSE' : ''}${v.shuffle ? ' · shuffled pixels' : ''}`;
}

/**
 * A new run after `runs`, from checked values: its curves fill in as it goes.
 * forgetEpoch: the page's count of Forgets, so a save of a run started before
 * the last one is dropped.
 */
export function newRun(runs, values, name, forgetEpoch) {
  const id = (runs.at(-1)?.id ?? 0) + 1;
  return {
    id, name: name ?? runName(values), colour: RUN_COLOURS[(id - 1) % RUN_COLOURS.length], settings: values,
    train: [], validation: [], test: null, epochs: values.epochs, visible: true, how: 'running',
    forgetEpoch, keptNote: '',
  };
}

/** What the worker needs to train a run. */
export function workerSettings(v, run) {
  return {
    runId: run.id, spec: v.spec, seed: v.seed, batch: v.batch, lr: v.lr, epochs: v.epochs, l2: v.l2,
    loss: v.loss, optimizer: v.optimizer, momentum: v.momentum, shufflePixels: v.shuffle,
    lrDecay: v.decay ?? 1, keepBest: Boolean(v.best), workers: v.workers ?? 0,
  };
}

/**
 * The shuffled-pixels experiment from checked values: the MLP (the settings'
 * units, or the preset's) and the CNN preset (the page's CNN defaults:
 * lib/limits.js PRESET_SPECS.cnn), each on normal and on shuffled pixels, in
 * the order they run.
 */
export function experimentRuns(settings, base) {
  const d = defaultSettings();
  const mlpUnits = settings.units.slice(0, wholeNumber(settings.layers, 0, MAX_HIDDEN_LAYERS, '').value ?? 0)
    .map(Number).filter((n) => Number.isInteger(n) && n > 0);
  const mlp = { ...base, arch: 'mlp', units: mlpUnits.length ? mlpUnits : d.units.map(Number) };
  mlp.spec = specFrom({ ...settings, arch: 'mlp' }, mlp);
  const cnn = { ...base, arch: 'cnn', filters: d.filters.map(Number), dense: Number(d.dense) };
  cnn.spec = specFrom({ ...settings, arch: 'cnn', kernel: d.kernel, pool: d.pool }, cnn);
  return [{ ...mlp, shuffle: false }, { ...mlp, shuffle: true }, { ...cnn, shuffle: false }, { ...cnn, shuffle: true }];
}

/**
 * The spec of each architecture's defaults ({ mlp, cnn }): what the page
 * opens with, which lib/limits.js PRESET_SPECS must equal (a node test checks).
 */
export function presetSpecs() {
  const d = defaultSettings();
  return { mlp: specOf({ ...d, arch: 'mlp' }), cnn: specOf({ ...d, arch: 'cnn' }) };
}

// ---- a first-layer filter on the kernels page ----

/** A weight as a link writes it: at most 3 decimals, no exponent, no "-0". @param {number} x */
export function weightText(x) {
  const t = String(Number(x.toFixed(3)));
  return t === '-0' ? '0' : t;
}

/**
 * The kernels page with a filter of kh x kw weights (row after row) as its
 * kernel, on the camera photo in gray, zero padding: "Try it on a photo".
 * @param {ArrayLike<number>} weights
 */
export function kernelLink(weights, kh, kw) {
  const w = Array.from(weights, weightText).join(',');
  return `kernels.html#img=camera&mode=gray&k=${kh}x${kw}&preset=custom&w=${w}&pad=zero&display=auto`;
}

// ---- shapes, as the lesson writes them ----

/**
 * A layer's output shape as the lesson writes a tensor's, from the engine's
 * (C, H, W): "(26, 26, 8)" (height, width, channels); a vector "(64)".
 * @param {number[]} shape  [C, H, W]
 */
export function shapeText([c, hh, ww]) {
  return hh === 1 && ww === 1 ? `(${c})` : `(${hh}, ${ww}, ${c})`;
}

/** The same in words, for a screen reader: "26 rows, 26 columns, 8 channels", "a vector of 64". */
export function shapeWords([c, hh, ww]) {
  if (hh === 1 && ww === 1) return `a vector of ${c}`;
  return `${hh} rows, ${ww} columns, ${c} channel${c === 1 ? '' : 's'}`;
}

/** A run as read back from storage: only the fields the page uses, each checked (null: not a run). */
export function runFromRecord(r) {
  if (!r || typeof r !== 'object' || !Number.isInteger(r.id)) return null;
  const points = (ps) => (Array.isArray(ps) ? ps.filter((p) => p && Number.isFinite(p.x)).map((p) => ({ x: p.x, loss: Number(p.loss), acc: Number(p.acc) })) : []);
  return {
    id: r.id, name: String(r.name ?? `run ${r.id}`), colour: String(r.colour ?? RUN_COLOURS[0]),
    settings: r.settings && typeof r.settings === 'object' ? r.settings : {},
    train: points(r.train), validation: points(r.validation),
    test: Number.isFinite(r.test) ? r.test : null, epochs: Number.isFinite(r.epochs) ? r.epochs : 1,
    visible: r.visible !== false, how: RUN_ENDS.includes(r.how) ? r.how : 'stopped',
  };
}
