// hash-state.js - a page's state in its URL hash, both ways, from one
// declarative table of fields (as TensorFlow Playground's state.ts does), so a
// link reproduces what the teacher sees. Pure; tested in node
// (tests/node/hash-state.test.mjs).
//
//   const FIELDS = [
//     { key: 'stride', short: 'stride', what: 'the stride', type: 'int', min: 1, max: 4, def: 1 },
//     { key: 'pad', short: 'pad', what: 'the padding', type: 'enum', values: ['valid', 'zero'], def: 'valid' },
//   ];
//   const { state, ignored } = decodeHash(FIELDS, location.hash);
//   say(ignoredMessage(FIELDS, ignored));   // '' when the link was whole
//   history.replaceState(null, '', `#${encodeHash(FIELDS, state)}`);
//
// A value a link cannot mean never breaks a page: that field takes its
// default, the rest of the link is kept, and `ignored` says which and why.
// Fields of one `group` (a kernel's size and its weights, say) fall back
// together, since one without the other makes no sense.
import { parseDecimal, wholeNumber } from './numbers.js';

/**
 * @typedef {object} Field
 * @property {string} key      the state object's property
 * @property {string} short    its name in the link
 * @property {string} what     its name in a sentence ("the stride")
 * @property {'enum'|'int'|'ints'|'number'|'bool'|'text'|'custom'} type
 * @property {any} def         the default (a fresh copy is made of arrays)
 * @property {readonly string[]} [values]   enum: the values it can take
 * @property {number} [min]    int, ints, number: the smallest value (inclusive)
 * @property {number} [max]    int, ints: the largest value (inclusive)
 * @property {number} [above]  number: exclusive lower bound
 * @property {number} [below]  number: exclusive upper bound
 * @property {number} [maxItems]   ints: most numbers in the list
 * @property {number} [maxLength]  text: longest text
 * @property {boolean} [asText]    int, ints, number: keep what the link says as text (for a text field that shows it)
 * @property {(text: string, state: object) => ({ value: any } | { error: string })} [parse]
 *           custom: the value from the link's text; `state` holds the fields decoded before it
 * @property {(value: any, state: object) => string} [format]  custom: the link's text of a value
 * @property {(state: object) => boolean} [when]  the states in which the field means something; the link leaves it out otherwise
 * @property {string} [group]  fields that fall back together
 * @property {string} [shown]  how the default is said in a sentence (“using …”), when its value alone would not say it
 */

/**
 * A fresh state holding every field's default.
 * @param {readonly Field[]} fields
 * @returns {Record<string, any>}
 */
export function defaultState(fields) {
  return Object.fromEntries(fields.map((d) => [d.key, structuredClone(d.def)]));
}

/**
 * Reads one field from its link text: { value } or { error } (why the link cannot mean it).
 * @param {Field} d
 * @param {string} text
 * @param {Record<string, any>} state  the fields read before this one
 * @returns {{ value?: any, error?: string }}
 */
export function readField(d, text, state) {
  const t = text.trim();
  switch (d.type) {
    case 'enum':
      return d.values.includes(t) ? { value: t }
        : { error: `${d.what} is ${d.values.length === 1 ? d.values[0] : `${d.values.slice(0, -1).join(', ')} or ${d.values.at(-1)}`}` };
    case 'int': {
      const r = wholeNumber(t, d.min, d.max, d.what);
      return r.error ? { error: r.error } : { value: d.asText ? t : r.value };
    }
    case 'ints': {
      const parts = t.split(',');
      if (parts.length > (d.maxItems ?? 16)) return { error: `${d.what} has more than ${d.maxItems ?? 16} numbers` };
      const out = [];
      for (const p of parts) {
        const r = wholeNumber(p, d.min, d.max, 'each number');
        if (r.error) return { error: `${d.what}: ${r.error}` };
        out.push(d.asText ? p.trim() : r.value);
      }
      return { value: out };
    }
    case 'number': {
      const v = parseDecimal(t);
      if (Number.isNaN(v)) return { error: `${d.what} must be a number` };
      if (d.above !== undefined && !(v > d.above)) return { error: `${d.what} must be greater than ${d.above}` };
      if (d.min !== undefined && !(v >= d.min)) return { error: `${d.what} cannot be below ${d.min}` };
      if (d.below !== undefined && !(v < d.below)) return { error: `${d.what} must be below ${d.below >= 1e21 ? '1e' + Math.log10(d.below) : d.below}` };
      if (!Number.isFinite(v)) return { error: `${d.what} is too large` };
      return { value: d.asText ? t : v };
    }
    case 'bool':
      if (t === '1' || t === 'true') return { value: true };
      if (t === '0' || t === 'false') return { value: false };
      return { error: `${d.what} is 0 or 1` };
    case 'text':
      return text.length > (d.maxLength ?? 1000) ? { error: `${d.what} is longer than ${d.maxLength ?? 1000} characters` } : { value: text };
    case 'custom':
      return d.parse(text, state);
    default:
      return { error: `${d.what} has no reader` };
  }
}

/**
 * Reads a hash made by encodeHash(). Returns { state, ignored, unknown, any }:
 *   state    every field the link can mean, the others at their defaults
 *   ignored  [{ key, short, value, why }] for each field that fell back
 *            (a group's other fields too, their `why` naming the one at fault)
 *   unknown  link names no field has (an old or mistyped link)
 *   any      false when the hash holds nothing (a plain visit)
 * @param {readonly Field[]} fields
 * @param {string} hash
 */
export function decodeHash(fields, hash) {
  const p = new URLSearchParams(String(hash ?? '').replace(/^#/, ''));
  const state = defaultState(fields);
  /** @type {{ key: string, short: string, value: string, why: string }[]} */
  const ignored = [];
  const failed = new Set();
  for (const d of fields) {
    if (!p.has(d.short)) continue;
    const text = p.get(d.short);
    const r = readField(d, text, state);
    if ('error' in r && r.error !== undefined) {
      ignored.push({ key: d.key, short: d.short, value: text, why: r.error });
      if (d.group) failed.add(d.group);
    } else state[d.key] = r.value;
  }
  // a group with a field at fault falls back whole
  for (const group of failed) {
    const culprit = ignored.find((i) => fields.find((d) => d.key === i.key)?.group === group);
    for (const d of fields) {
      if (d.group !== group) continue;
      state[d.key] = structuredClone(d.def);
      if (p.has(d.short) && !ignored.some((i) => i.key === d.key)) {
        ignored.push({ key: d.key, short: d.short, value: p.get(d.short), why: `it goes with “${culprit.short}”, which was ignored` });
      }
    }
  }
  const names = new Set(fields.map((d) => d.short));
  const unknown = [...new Set(p.keys())].filter((k) => !names.has(k));
  return { state, ignored, unknown, any: [...p.keys()].length > 0 };
}

/**
 * The link text of a state: the fields that mean something in it, in table order.
 * @param {readonly Field[]} fields
 * @param {Record<string, any>} state
 */
export function encodeHash(fields, state) {
  const p = new URLSearchParams();
  for (const d of fields) {
    if (d.when && !d.when(state)) continue;
    const v = state[d.key];
    if (v === undefined || v === null) continue;
    p.set(d.short, d.type === 'custom' ? d.format(v, state)
      : Array.isArray(v) ? v.join(',') : typeof v === 'boolean' ? (v ? '1' : '0') : String(v));
  }
  // commas and slashes read better as they are, and URLSearchParams reads them back either way
  return p.toString().replace(/%2C/g, ',').replace(/%2F/g, '/');
}

/** How a default is written in a sentence. */
function shownDefault(d) {
  if (d.shown !== undefined) return d.shown;
  if (d.type === 'custom' && d.format) return d.format(d.def, {});
  if (Array.isArray(d.def)) return d.def.join(',');
  if (typeof d.def === 'boolean') return d.def ? '1' : '0';
  return d.def === '' ? 'none' : String(d.def);
}

/**
 * The sentences saying what a link's reading left out ('' when nothing), one
 * per field: “stride=9” (the stride must be from 1 to 4): using 1. An entry's
 * `using`, when it has one, says what the page uses instead of the field's
 * default (a page that reads some keys together may fall back otherwise).
 * @param {readonly Field[]} fields
 * @param {{ key: string, short: string, value: string, why: string, using?: string }[]} ignored
 * @param {string[]} [unknown]
 * @returns {string[]}
 */
export function ignoredLines(fields, ignored, unknown = []) {
  const lines = ignored.map((i) => {
    const d = fields.find((x) => x.key === i.key);
    const shown = i.value.length > 40 ? `${i.value.slice(0, 40)}…` : i.value;
    return `This link’s “${i.short}=${shown}” was ignored (${i.why}): using ${i.using ?? shownDefault(d)}.`;
  });
  if (unknown.length) {
    lines.push(`This link has ${unknown.length === 1 ? 'a name' : 'names'} the page does not know, ignored: ${unknown.map((k) => `“${k}”`).join(', ')}.`);
  }
  return lines;
}

/** ignoredLines() as one text. */
export function ignoredMessage(fields, ignored, unknown = []) {
  return ignoredLines(fields, ignored, unknown).join(' ');
}
