// train/settings-view.js - sections 2 and 3, the model and its training
// settings: the form (read into settings, written from them), the per-layer
// fields, each field's error next to it, the layer table and the cost line.
// Every field carries data-setting (or data-unit, data-filter); main.js wires
// their events and keeps the settings.
import { $, $$, h, say } from '../lib/dom.js';
import { fmtInt, fmtDuration, fmtBytes } from '../lib/format.js';
import { shapeText } from './state.js';

/** The sections' elements (the per-layer fields come and go: they are looked up when used). */
export function find(root = document) {
  return {
    root,
    fields: $$('[data-setting]', root), units: $('[data-units]', root), filters: $('[data-filters]', root),
    archGroups: $$('[data-arch-group]', root), archCommon: $('[data-arch-common]', root),
    momentum: $('[data-momentum-field]', root), spec: $('#tr-spec', root),
    custom: $('input[name="arch"][value="custom"]', root),
    layerRows: $('[data-layer-table] tbody', root), paramTotal: $('[data-param-total]', root), cost: $('[data-cost-message]', root),
  };
}

/**
 * What the form shows: { fields (by setting; a radio group gives its checked
 * value), units, filters (the per-layer fields shown now) }.
 */
export function readForm(els) {
  const fields = {};
  for (const el of els.fields) {
    const key = el.dataset.setting;
    if (el.type === 'radio') { if (el.checked) fields[key] = el.value; } else if (el.type === 'checkbox') fields[key] = el.checked;
    else fields[key] = el.value;
  }
  const shown = (kind) => $$(`[data-${kind}]`, els.root).map((el) => el.value);
  return { fields, units: shown('unit'), filters: shown('filter') };
}

/** Logical cores of this device: the most workers it trains with. */
export const deviceCores = () => Math.max(1, navigator.hardwareConcurrency || 1);

/**
 * The worker chooser's choices: all cores, 1..N (N: this device's cores),
 * and a link's larger number, said as what it uses here; its hint says N.
 * @param {HTMLSelectElement} select  @param {string} chosen  'all' or a number
 */
function fillWorkers(select, chosen) {
  const n = deviceCores();
  const counts = Array.from({ length: n }, (_, i) => i + 1);
  if (/^\d+$/.test(chosen) && Number(chosen) > n) counts.push(Number(chosen));
  select.replaceChildren(
    h('option', { value: 'all' }, `all ${n} cores`),
    ...counts.map((k) => h('option', { value: String(k) }, k > n ? `${k} (${n} on this device)` : String(k))),
  );
  const hint = select.id && document.getElementById(`${select.id}-hint`);
  if (hint) hint.textContent = `each batch split over this many cores (${n} here); same count, same run`;
}

/** Puts settings into the form's fields (the per-layer fields: renderLayerFields). */
export function writeForm(els, s) {
  for (const el of els.fields) {
    const key = el.dataset.setting;
    if (key === 'workers') fillWorkers(/** @type {HTMLSelectElement} */ (el), String(s[key]));
    if (el.type === 'radio') el.checked = el.value === s[key];
    else if (el.type === 'checkbox') el.checked = Boolean(s[key]);
    else el.value = s[key] ?? '';
  }
}

/**
 * The per-layer fields (units of each hidden layer, filters of each conv
 * layer), counts.unit and counts.filter of them with the settings' values,
 * and the groups of fields the architecture and optimiser use.
 * @param {ReturnType<typeof find>} els
 * @param {Record<string, any>} s
 * @param {{ unit: number, filter: number }} counts
 */
export function renderLayerFields(els, s, counts) {
  const make = (container, count, values, kind) => {
    container.replaceChildren(...Array.from({ length: count }, (_, i) => {
      const id = `tr-${kind}-${i + 1}`;
      const label = kind === 'unit'
        ? h('label', { htmlFor: id }, 'Units N', h('sub', {}, String(i + 1)), ` in hidden layer ${i + 1}`)
        : h('label', { htmlFor: id }, `Filters in conv layer ${i + 1}`);
      const input = h('input', {
        id, type: 'text', inputMode: 'numeric', size: 5, value: values[i],
        dataset: { [kind]: '' }, attrs: { 'aria-describedby': `${id}-error` },
      });
      const error = h('span', { className: 'error', id: `${id}-error`, dataset: { errorFor: `${kind}-${i + 1}` } });
      return h('div', { className: 'field' }, label, input, error);
    }));
  };
  make(els.units, counts.unit, s.units, 'unit');
  make(els.filters, counts.filter, s.filters, 'filter');
  for (const g of els.archGroups) g.hidden = g.dataset.archGroup !== s.arch;
  els.archCommon.hidden = s.arch === 'custom';
  els.momentum.hidden = s.optimizer !== 'momentum';
}

/**
 * Each field's error next to it (errors by the key of its error element),
 * its input marked invalid; the fields outside the settings keep theirs.
 */
export function renderErrors(els, errors) {
  for (const el of $$('[data-error-for]', els.root)) {
    const key = el.dataset.errorFor;
    if (key === 'model-file' || key === 'image-index' || key === 'net-file') continue;
    el.textContent = errors[key] ?? '';
    const input = document.getElementById(el.id.replace(/-error$/, ''));
    if (input) input.setAttribute('aria-invalid', errors[key] ? 'true' : 'false');
  }
}

/** The keyboard focus to the field of an error (its key). */
export function focusField(els, key) {
  const el = $(`[data-error-for="${key}"]`, els.root);
  document.getElementById(el?.id.replace(/-error$/, ''))?.focus();
}

/** The spec field shows the spec the controls describe. */
export function renderSpec(els, spec) {
  els.spec.value = spec;
}

/** Editing the spec picks “Custom spec”. */
export function checkCustom(els) {
  els.custom.checked = true;
}

/** The layer table: the engine's description of the spec (d.ok), or empty. */
export function renderLayers(els, d) {
  if (!d?.ok) {
    els.layerRows.replaceChildren();
    els.paramTotal.textContent = '–';
    return;
  }
  els.layerRows.replaceChildren(...d.layers.map((l) => {
    const shape = shapeText(l.shape);
    return h('tr', {}, ...[[l.index, ''], [l.name, 'mono'], [shape, 'mono'], [l.params ? fmtInt(l.params) : '–', 'num']]
      .map(([text, cls]) => h('td', { text, className: cls || undefined })));
  }));
  els.paramTotal.textContent = fmtInt(d.params);
}

/**
 * What the network costs, under its layer table: cost { macs (per image),
 * seconds (per epoch on this device), trainSize, slow (a warning) }, or null
 * when it is not known.
 */
export function renderCost(els, cost) {
  if (!cost) { say(els.cost, '', 'info'); return; }
  const { macs, seconds, trainSize, slow, bytes, budget, heavy } = cost;
  const work = macs >= 1e6 ? `${(macs / 1e6).toFixed(macs < 1e7 ? 1 : 0)} million` : fmtInt(macs);
  let text = `${work} multiply-adds per image: one epoch of ${fmtInt(trainSize)} images takes about ${fmtDuration(seconds)} on this device.`;
  if (heavy) {
    text += ` Training it needs about ${fmtBytes(bytes)} of memory, more than this device can give a page (about ${fmtBytes(budget)}): `
      + 'the tab may run out of memory. A smaller batch, fewer filters or pooling earlier need much less.';
  }
  if (slow) text += ' That is a long wait: fewer filters, pooling after each conv, or a smaller dense layer train much faster.';
  say(els.cost, text, slow || heavy ? 'warning' : 'info');
}
