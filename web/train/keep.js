// train/keep.js - what the train page keeps in the browser (lib/store.js's
// IndexedDB records 'model', 'runs', 'unfinished', and the single 'last'
// record older pages kept), and what it reads back. No DOM, no engine: the
// page hands in its runs and the worker's model file, and shows the notes
// these functions return.
//
// Every write settles (lib/store.js): a failure never stops a run or a test;
// it comes back as a note for the runs table ("not kept after a reload: the
// browser’s storage is full"), and everything stays on the page. Tested in
// node with a store in memory (tests/node/train-keep.test.mjs).
import { pct } from '../lib/format.js';
import { defaultSettings, specOf, runFromRecord } from './state.js';

/**
 * What a failed save means, next to the run: why a reload will not find it.
 * @param {{ reason?: string, message?: string }} e  a StoreError
 */
export function keptNote(e) {
  if (e.reason === 'full') return 'not kept after a reload: the browser’s storage is full';
  if (e.reason === 'unavailable') return 'not kept after a reload: the browser keeps nothing for this page';
  return `not kept after a reload: ${e.message}`;
}

/** The runs as they are kept (no worker info, plain data only). */
export function runsToKeep(runs) {
  return runs.map((r) => ({
    id: r.id, name: r.name, colour: r.colour, settings: r.settings, train: r.train, validation: r.validation,
    test: r.test ?? null, epochs: r.epochs, visible: r.visible, how: r.how,
  }));
}

/**
 * Keeps the curves; resolves to '' or the failure's note. Never rejects.
 * @param {any} store  lib/store.js's store, or null
 * @param {any[]} runs
 */
export async function keepRuns(store, runs) {
  if (!store?.available) return '';
  try {
    await store.put('runs', runsToKeep(runs));
    return '';
  } catch (e) {
    return keptNote(e);
  }
}

/**
 * A run starts: its curves are kept as it goes, and a marker says one is
 * going (a reload before it ends finds it). Resolves to '' or the note.
 */
export async function keepRunStart(store, runs, run) {
  try {
    await store.write({ runs: runsToKeep(runs), unfinished: { runId: run.id, name: run.name, startedAt: Date.now() } });
    return '';
  } catch (e) {
    return keptNote(e);
  }
}

/**
 * Keeps the model and the curves. `saved()` gives the worker's model file
 * ({ bytes, spec }, or null when there is no model); `stale()` says whether a
 * Forget came while it did: then nothing is written, and the answer is null.
 * `record()` gives what is kept with it, read once the bytes are back:
 * { runs, settings, shuffled, test (accuracy or null), runId (null: a loaded model) }.
 * A run's end also clears the marker of a run going. Resolves to null, '' or
 * the failure's note; never rejects.
 * @param {any} store
 * @param {{ saved: () => Promise<{ bytes: Uint8Array, spec: string } | null>, stale: () => boolean,
 *           record: () => { runs: any[], settings: object, shuffled: boolean, test: number | null, runId: number | null } }} how
 */
export async function keepModel(store, { saved, stale, record }) {
  try {
    const model = await saved();
    if (stale()) return null; // forgotten while the bytes came back
    const { runs, settings, shuffled, test, runId } = record();
    // one transaction: a page left at any moment finds the model, its curves
    // and the end of the 'a run is going' marker all kept, or none of them
    /** @type {Record<string, any>} */
    const puts = { runs: runsToKeep(runs) };
    if (model) {
      puts.model = {
        bytes: model.bytes, spec: model.spec, settings: structuredClone(settings), shuffled, test, savedAt: Date.now(), runId,
      };
    }
    await store.write(puts, runId !== null ? ['unfinished'] : []);
    return '';
  } catch (e) {
    return keptNote(e);
  }
}

/**
 * What was kept: { model, runs, unfinished }, each as stored (or undefined),
 * from the current records or the single record older pages kept. A record
 * that cannot be read counts as none.
 */
export async function readKept(store) {
  const [model, runs, unfinished, legacy] = await Promise.all(['model', 'runs', 'unfinished', 'last']
    .map((k) => store.get(k).catch(() => undefined)));
  if (legacy && !model && !runs) {
    return {
      model: legacy.model ? { bytes: legacy.model, settings: legacy.settings, shuffled: legacy.shuffled, test: legacy.test, savedAt: legacy.savedAt } : null,
      runs: legacy.runs, unfinished: null,
    };
  }
  return { model, runs, unfinished };
}

/** The marker of a run going is read: it goes (a failure is harmless: the next run's start replaces it). */
export function dropUnfinished(store) {
  store.delete('unfinished').catch(() => {});
}

/** Forgets every record; rejects with the StoreError when that fails. */
export function forgetKept(store) {
  return store.delete('model', 'runs', 'unfinished', 'last');
}

/**
 * What a (re)load does with what was kept (readKept's) and the link (state.js's
 * decodeHash result, or null for a plain visit). What is shown is what the
 * worker will hold: the kept model comes back with its own settings, or with
 * the link's when the link describes the same network; a link for another
 * network wins, and the kept model waits behind a button (offer). A run the
 * page was left during is marked, and said. Returns { runs, notes, unfinished,
 * model (null: none to restore), own (its settings, defaults filled in),
 * offer, settings (to show it with) }.
 */
export function restorePlan({ model, runs, unfinished }, link) {
  const shown = (Array.isArray(runs) ? runs : []).map(runFromRecord).filter(Boolean);
  const notes = [];
  if (unfinished) {
    const lost = shown.find((r) => r.id === unfinished.runId);
    if (lost) Object.assign(lost, { how: 'interrupted', keptNote: 'the page was closed or reloaded during this run: its model was not kept' });
    notes.push(`The run “${String(unfinished.name)}” was still training when the page was closed or reloaded: it was not kept.`);
  }
  const plan = { runs: shown, notes, unfinished: Boolean(unfinished), model: null, own: null, offer: false, settings: null };
  if (!model?.bytes) return plan;
  const own = model.settings && typeof model.settings === 'object' ? { ...defaultSettings(), ...model.settings } : null;
  // A link for another network: the link wins (unless the page was left mid-run: then the link is that lost run's)
  const offer = Boolean(link && !unfinished && model.spec && link.settings && specOf(link.settings) !== model.spec);
  return { ...plan, model, own, offer, settings: unfinished ? own : (link?.settings ?? own) };
}

/** The sentence for a kept model restored as `spec` (`unfinished`: a run was lost since). */
export function restoredNote(spec, model, unfinished) {
  const when = model.savedAt ? `, saved ${new Date(model.savedAt).toLocaleString()}` : '';
  return `${unfinished ? 'Showing your last finished model' : 'Restored your last model'} (${spec}`
    + `${Number.isFinite(model.test) ? `, test accuracy ${pct(model.test)}` : ''})${when}, with its own settings. `
    + '“Forget the saved model and curves” in section 8 clears it.';
}
