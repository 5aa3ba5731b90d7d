// train/state.js - the train page's settings: one declarative table of keys,
// their link names, types, limits and defaults (lib/hash-state.js drives the
// URL hash both ways from it), and the rules every field is checked by.
// Pure: no DOM, no engine; tested in node (tests/node/train-settings.test.mjs).
//
//   const { settings, ignored, any } = decodeHash(location.hash);
//   // ignored: [{ key, short, value, why }] for every value a link cannot mean,
//   // each replaced by its default (ignoredMessage() says so)
//   location.hash = encodeHash(settings);
//
// Settings hold what the fields hold: strings for the text fields (so a half
// typed "0." survives), booleans for the checkboxes, arrays of strings for
// the per-layer fields.
import * as hashState from '../lib/hash-state.js';
import { MAX_BATCH, MAX_SPEC } from '../lib/limits.js';

export { MAX_BATCH };
export const MAX_HIDDEN_LAYERS = 6;
export const MAX_UNITS = 4096;
export const MAX_CONV_LAYERS = 3;
export const MAX_FILTERS = 64;
export const MAX_DENSE = 1024;
export const MAX_EPOCHS = 100;
/** Rates and λ at or above this are refused: float32 would overflow at once. */
export const MAX_RATE = 1e30;

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
  { key: 'pool', short: 'pool', what: 'the pooling', type: 'enum', values: ['max', 'avg', 'none'], def: 'max', when: cnn },
  { key: 'dense', short: 'dense', what: 'the dense units after the convs', type: 'int', min: 0, max: MAX_DENSE, asText: true, def: '0', when: cnn },
  { key: 'act', short: 'f', what: 'the activation', type: 'enum', values: ['relu', 'sigmoid', 'tanh'], def: 'relu' },
  { key: 'spec', short: 'spec', what: 'the model spec', type: 'text', maxLength: MAX_SPEC - 1, def: '', when: (s) => s.arch === 'custom' },
  { key: 'batch', short: 'bs', what: 'the batch size', type: 'int', min: 1, max: MAX_BATCH, asText: true, def: '32' },
  { key: 'lr', short: 'lr', what: 'the learning rate', type: 'number', above: 0, below: MAX_RATE, asText: true, def: '0.001' },
  { key: 'epochs', short: 'epochs', what: 'the number of epochs', type: 'int', min: 1, max: MAX_EPOCHS, asText: true, def: '3' },
  { key: 'l2', short: 'l2', what: 'λ', type: 'number', min: 0, below: MAX_RATE, asText: true, def: '0' },
  { key: 'loss', short: 'J', what: 'the loss', type: 'enum', values: ['xent', 'mse'], def: 'xent' },
  { key: 'optimizer', short: 'opt', what: 'the optimiser', type: 'enum', values: ['sgd', 'momentum', 'adam'], def: 'adam' },
  { key: 'momentum', short: 'momentum', what: 'the momentum', type: 'number', min: 0, below: 1, asText: true, def: '0.9', when: (s) => s.optimizer === 'momentum' },
  { key: 'seed', short: 'seed', what: 'the seed', type: 'int', min: 0, max: 4294967295, asText: true, def: '1' },
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
