// train-settings.js - the train page's settings: one declarative table of
// keys, their link names, types, limits and defaults, which drives the URL
// hash both ways and the checks of every field. Pure: no DOM, no engine;
// tested in node (tests/node/train-settings.test.mjs).
//
//   const { settings, ignored } = decodeHash(location.hash);
//   // ignored: [{ key, short, value, why }] for every value a link cannot mean,
//   // each replaced by its default
//   location.hash = encodeHash(settings);
//
// Settings hold what the fields hold: strings for the text fields (so a half
// typed "0." survives), booleans for the checkboxes, arrays of strings for
// the per-layer fields.
import { fmtInt } from './format.js';

/** The engine's largest batch (CL_NN_MAX_BATCH). */
export const MAX_BATCH = 4096;
export const MAX_HIDDEN_LAYERS = 6;
export const MAX_UNITS = 4096;
export const MAX_CONV_LAYERS = 3;
export const MAX_FILTERS = 64;
export const MAX_DENSE = 1024;
export const MAX_EPOCHS = 100;
/** The spec's longest text (CL_NN_MAX_SPEC - 1). */
export const MAX_SPEC = 255;
/** Rates and λ at or above this are refused: float32 would overflow at once. */
export const MAX_RATE = 1e30;

const mlp = (s) => s.arch === 'mlp';
const cnn = (s) => s.arch === 'cnn';

/**
 * Every setting: key (in the settings object), short (in a link), what (its
 * name in a sentence), type and limits, def (the default), when (the settings
 * in which it means something; a link leaves it out otherwise).
 */
export const SETTINGS = Object.freeze([
  { key: 'arch', short: 'arch', what: 'the architecture', type: 'enum', values: ['mlp', 'cnn', 'custom'], def: 'mlp' },
  { key: 'layers', short: 'L', what: 'the number of hidden layers', type: 'int', min: 0, max: MAX_HIDDEN_LAYERS, def: '1', when: mlp },
  { key: 'units', short: 'units', what: 'the units of each hidden layer', type: 'ints', min: 1, max: MAX_UNITS, def: ['128'], when: mlp },
  { key: 'convs', short: 'convs', what: 'the number of conv layers', type: 'int', min: 1, max: MAX_CONV_LAYERS, def: '2', when: cnn },
  { key: 'filters', short: 'filters', what: 'the filters of each conv layer', type: 'ints', min: 1, max: MAX_FILTERS, def: ['8', '16'], when: cnn },
  { key: 'kernel', short: 'k', what: 'the kernel size', type: 'enum', values: ['3', '5'], def: '3', when: cnn },
  { key: 'pool', short: 'pool', what: 'the pooling', type: 'enum', values: ['max', 'avg', 'none'], def: 'max', when: cnn },
  { key: 'dense', short: 'dense', what: 'the dense units after the convs', type: 'int', min: 0, max: MAX_DENSE, def: '0', when: cnn },
  { key: 'act', short: 'f', what: 'the activation', type: 'enum', values: ['relu', 'sigmoid', 'tanh'], def: 'relu' },
  { key: 'spec', short: 'spec', what: 'the model spec', type: 'text', maxLength: MAX_SPEC, def: '', when: (s) => s.arch === 'custom' },
  { key: 'batch', short: 'bs', what: 'the batch size', type: 'int', min: 1, max: MAX_BATCH, def: '32' },
  { key: 'lr', short: 'lr', what: 'the learning rate', type: 'number', above: 0, below: MAX_RATE, def: '0.001' },
  { key: 'epochs', short: 'epochs', what: 'the number of epochs', type: 'int', min: 1, max: MAX_EPOCHS, def: '3' },
  { key: 'l2', short: 'l2', what: 'λ', type: 'number', min: 0, below: MAX_RATE, def: '0' },
  { key: 'loss', short: 'J', what: 'the loss', type: 'enum', values: ['xent', 'mse'], def: 'xent' },
  { key: 'optimizer', short: 'opt', what: 'the optimiser', type: 'enum', values: ['sgd', 'momentum', 'adam'], def: 'adam' },
  { key: 'momentum', short: 'momentum', what: 'the momentum', type: 'number', min: 0, below: 1, def: '0.9', when: (s) => s.optimizer === 'momentum' },
  { key: 'seed', short: 'seed', what: 'the seed', type: 'int', min: 0, max: 4294967295, def: '1' },
  { key: 'quick', short: 'quick', what: 'Quick', type: 'bool', def: true },
  { key: 'shuffle', short: 'shuffle', what: 'shuffled pixels', type: 'bool', def: false },
].map(Object.freeze));

/** A fresh copy of the defaults. */
export function defaultSettings() {
  return Object.fromEntries(SETTINGS.map((d) => [d.key, Array.isArray(d.def) ? d.def.slice() : d.def]));
}

// ---- numbers as people type them ----

/**
 * A decimal number as typed: "12", "-0.5", ".25", "1e-3". Anything else
 * ("0x10", "1,5", "12px", "Infinity", "") is NaN. Values beyond float64 come
 * back as ±Infinity, for the caller to call too large.
 */
export function parseNumber(text) {
  const t = String(text ?? '').trim();
  if (t === '' || !/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t)) return NaN;
  return Number(t);
}

/** A whole number from min to max: { value } or { error } naming `what`. */
export function wholeNumber(text, min, max, what) {
  const v = parseNumber(text);
  if (Number.isNaN(v)) return { error: `${what} must be a number` };
  if (!Number.isInteger(v) && Number.isFinite(v)) return { error: `${what} must be a whole number` };
  if (!(v >= min && v <= max)) return { error: `${what} must be from ${fmtInt(min)} to ${fmtInt(max)}` };
  return { value: v };
}

/** A number in (above, below) or [min, below): { value } or { error }. */
export function realNumber(text, { above, min, below }, what, example) {
  const v = parseNumber(text);
  if (Number.isNaN(v)) return { error: `${what} must be a number, like ${example}` };
  if (above !== undefined && !(v > above)) return { error: `${what} must be greater than ${above}` };
  if (min !== undefined && !(v >= min)) return { error: `${what} cannot be ${min === 0 ? 'negative' : `less than ${min}`}` };
  if (!(v < below)) return { error: `${what} must be below ${below === MAX_RATE ? '1e30' : below}` };
  return { value: v };
}

/** Why a link's value for setting d cannot be used ('' when it can). */
function linkProblem(d, v) {
  switch (d.type) {
    case 'enum':
      return d.values.includes(v) ? '' : `${d.what} is ${d.values.slice(0, -1).join(', ')} or ${d.values.at(-1)}`;
    case 'int': {
      const r = wholeNumber(v, d.min, d.max, d.what);
      return r.error ?? '';
    }
    case 'ints': {
      const parts = v.split(',');
      if (parts.length > Math.max(MAX_HIDDEN_LAYERS, MAX_CONV_LAYERS)) return `${d.what} has too many numbers`;
      for (const p of parts) {
        const r = wholeNumber(p, d.min, d.max, 'each number');
        if (r.error) return `${d.what}: ${r.error}`;
      }
      return '';
    }
    case 'number': {
      const r = realNumber(v, d, d.what, d.def);
      return r.error ?? '';
    }
    case 'bool':
      return ['0', '1', 'true', 'false'].includes(v) ? '' : `${d.what} is 0 or 1`;
    case 'text':
      return v.length > d.maxLength ? `${d.what} is longer than ${d.maxLength} characters` : '';
    default:
      return 'unknown setting';
  }
}

/**
 * Reads a hash made by encodeHash(). Returns { settings, ignored, any }:
 * settings with every value the link can mean, the others at their defaults;
 * ignored lists those others, [{ key, short, value, why }]; any is false when
 * the hash holds no setting at all (a plain visit).
 */
export function decodeHash(hash) {
  const p = new URLSearchParams(String(hash ?? '').replace(/^#/, ''));
  const settings = defaultSettings();
  const ignored = [];
  let any = false;
  for (const d of SETTINGS) {
    if (!p.has(d.short)) continue;
    any = true;
    const v = p.get(d.short);
    const why = linkProblem(d, v);
    if (why) {
      ignored.push({ key: d.key, short: d.short, value: v, why });
      continue;
    }
    if (d.type === 'ints') settings[d.key] = v.split(',').map((x) => x.trim());
    else if (d.type === 'bool') settings[d.key] = v === '1' || v === 'true';
    else settings[d.key] = d.type === 'text' ? v : v.trim();
  }
  return { settings, ignored, any };
}

/** A sentence saying which of a link's values were ignored ('' when none). */
export function ignoredMessage(ignored) {
  if (!ignored.length) return '';
  const parts = ignored.map((i) => {
    const d = SETTINGS.find((x) => x.key === i.key);
    const shown = i.value.length > 40 ? `${i.value.slice(0, 40)}…` : i.value;
    const def = Array.isArray(d.def) ? d.def.join(',') : String(d.def);
    return `“${i.short}=${shown}” (${i.why}): using ${def === '' ? 'none' : def}`;
  });
  return `This link has ${parts.length === 1 ? 'a value' : 'values'} the page cannot use, so ${parts.length === 1 ? 'it was' : 'they were'} `
    + `replaced by the default${parts.length === 1 ? '' : 's'}: ${parts.join('; ')}.`;
}

/** The link text of the settings: only the keys that mean something in them. */
export function encodeHash(s) {
  const p = new URLSearchParams();
  for (const d of SETTINGS) {
    if (d.when && !d.when(s)) continue;
    const v = s[d.key];
    p.set(d.short, Array.isArray(v) ? v.join(',') : typeof v === 'boolean' ? (v ? '1' : '0') : v);
  }
  return p.toString();
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
