// What the train page keeps in the browser (web/train/keep.js), with a store
// in memory that can be made to fail as lib/store.js's does (a StoreError
// with its reason): the records written, a Forget that wins over a save on
// its way, the notes a failure gives, and what a reload does with what it finds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keptNote, runsToKeep, keepRuns, keepRunStart, keepModel, readKept, restorePlan, restoredNote, forgetKept } from '../../web/train/keep.js';
import { defaultSettings, decodeHash } from '../../web/train/state.js';

/** lib/store.js's API over a Map; fail: a reason ('full', 'unavailable', 'failed') every write rejects with. */
function memoryStore(records = {}, fail = null) {
  const data = new Map(Object.entries(records));
  const refuse = () => Promise.reject(Object.assign(new Error('the browser’s storage is full'), { name: 'StoreError', reason: fail }));
  return {
    available: true, data,
    get: async (k) => structuredClone(data.get(k)),
    put: (k, v) => (fail ? refuse() : (data.set(k, structuredClone(v)), Promise.resolve())),
    delete: (...ks) => (fail ? refuse() : (ks.forEach((k) => data.delete(k)), Promise.resolve())),
    // one transaction: all or nothing
    write: (puts, deletes = []) => (fail ? refuse() : (Object.entries(puts).forEach(([k, v]) => data.set(k, structuredClone(v))),
      deletes.forEach((k) => data.delete(k)), Promise.resolve())),
  };
}

const run = (id, extra = {}) => ({
  id, name: `run ${id}`, colour: '#1f5fbf', settings: { lr: 0.001 }, train: [{ x: 1, loss: 0.5, acc: 0.8 }], validation: [],
  test: 0.8, epochs: 1, visible: true, how: 'done', info: { params: 10 }, keptNote: '', forgetEpoch: 0, ...extra,
});
const bytes = new Uint8Array([67, 76, 78, 78]);

test('a failure is said as why a reload will not find the run', () => {
  assert.equal(keptNote({ reason: 'full' }), 'not kept after a reload: the browser’s storage is full');
  assert.equal(keptNote({ reason: 'unavailable' }), 'not kept after a reload: the browser keeps nothing for this page');
  assert.equal(keptNote({ reason: 'failed', message: 'keeping it failed (x)' }), 'not kept after a reload: keeping it failed (x)');
});

test('runs are kept as plain data, without what the worker said', () => {
  const [r] = runsToKeep([run(1)]);
  assert.deepEqual(Object.keys(r).sort(), ['colour', 'epochs', 'how', 'id', 'name', 'settings', 'test', 'train', 'validation', 'visible'].sort());
  assert.equal(runsToKeep([run(2, { test: undefined })])[0].test, null);
});

test('a finished run keeps the model, the curves, and clears the marker of a run going', async () => {
  const store = memoryStore();
  assert.equal(await keepRunStart(store, [run(1)], run(1)), '');
  assert.equal(store.data.get('unfinished').runId, 1);
  const note = await keepModel(store, {
    saved: async () => ({ bytes, spec: 'dense10-softmax' }), stale: () => false,
    record: () => ({ runs: [run(1)], settings: defaultSettings(), shuffled: true, test: 0.8, runId: 1 }),
  });
  assert.equal(note, '');
  const model = store.data.get('model');
  assert.deepEqual([model.spec, [...model.bytes], model.shuffled, model.test, model.runId], ['dense10-softmax', [67, 76, 78, 78], true, 0.8, 1]);
  assert.ok(model.savedAt > 0);
  assert.equal(store.data.get('runs').length, 1);
  assert.equal(store.data.has('unfinished'), false);
  // a loaded model (no run): the marker is not its business
  store.data.set('unfinished', { runId: 9 });
  await keepModel(store, { saved: async () => ({ bytes, spec: 's' }), stale: () => false, record: () => ({ runs: [], settings: {}, shuffled: false, test: null, runId: null }) });
  assert.equal(store.data.has('unfinished'), true);
});

test('a Forget while the model’s bytes came back wins: nothing is written', async () => {
  const store = memoryStore();
  let forgotten = false;
  const note = await keepModel(store, {
    saved: async () => { forgotten = true; return { bytes, spec: 's' }; }, stale: () => forgotten,
    record: () => assert.fail('nothing is read for a save that is dropped'),
  });
  assert.equal(note, null);
  assert.equal(store.data.size, 0);
});

test('full storage: every write settles, with the note; nothing rejects', async () => {
  const store = memoryStore({}, 'full');
  const full = 'not kept after a reload: the browser’s storage is full';
  assert.equal(await keepRuns(store, [run(1)]), full);
  assert.equal(await keepRunStart(store, [run(1)], run(1)), full);
  assert.equal(await keepModel(store, { saved: async () => ({ bytes, spec: 's' }), stale: () => false, record: () => ({ runs: [], settings: {}, shuffled: false, test: null, runId: 1 }) }), full);
  assert.equal(await keepModel(store, { saved: () => Promise.reject(new Error('there is no model yet')), stale: () => false, record: () => ({}) }),
    'not kept after a reload: there is no model yet', 'a failed save of the worker too');
  assert.equal(await keepRuns(null, [run(1)]), '', 'no store: nothing to say');
  await assert.rejects(forgetKept(store), { reason: 'full' }, 'a Forget that fails says so');
});

test('what was kept, from the records of now or the single record older pages kept', async () => {
  assert.deepEqual(await readKept(memoryStore({ model: { bytes, spec: 's' }, runs: [run(1)] })), { model: { bytes, spec: 's' }, runs: [run(1)], unfinished: undefined });
  const legacy = await readKept(memoryStore({ last: { model: bytes, settings: { lr: '0.1' }, shuffled: true, test: 0.7, savedAt: 5, runs: [run(3)] } }));
  assert.deepEqual(legacy, { model: { bytes, settings: { lr: '0.1' }, shuffled: true, test: 0.7, savedAt: 5 }, runs: [run(3)], unfinished: null });
  const broken = memoryStore({ model: { bytes } });
  broken.get = async (k) => { if (k === 'runs') throw new Error('unreadable'); return undefined; };
  assert.deepEqual(await readKept(broken), { model: undefined, runs: undefined, unfinished: undefined }, 'a record that cannot be read is none');
});

test('a reload: the kept model comes back with its own settings, or the link’s for the same network', () => {
  const model = { bytes, spec: 'dense128-relu-dense10-softmax', settings: { arch: 'mlp', lr: '0.005' }, test: 0.81, savedAt: 0 };
  const plain = restorePlan({ model, runs: [run(1), { id: 'bad' }], unfinished: undefined }, null);
  assert.equal(plain.runs.length, 1, 'only runs that read back');
  assert.deepEqual(plain.notes, []);
  assert.equal(plain.offer, false);
  assert.deepEqual(plain.settings, { ...defaultSettings(), arch: 'mlp', lr: '0.005' });
  const same = decodeHash('#arch=mlp&L=1&units=128&lr=0.01');
  assert.equal(restorePlan({ model, runs: [] }, same).settings, same.settings, 'the link’s settings, same network');
  const other = restorePlan({ model, runs: [] }, decodeHash('#arch=cnn&convs=1&filters=4'));
  assert.equal(other.offer, true, 'another network: the model waits behind a button');
  assert.deepEqual(other.own, plain.settings);
  assert.equal(restorePlan({ model: { spec: 's' }, runs: [run(1)] }, null).model, null, 'no bytes: nothing to restore');
});

test('a reload after the page was left during a run: the run is marked and said, the model shown with its own settings', () => {
  const model = { bytes, spec: 'dense128-relu-dense10-softmax', settings: { lr: '0.005' } };
  const plan = restorePlan({ model, runs: [run(1), run(2, { how: 'done' })], unfinished: { runId: 2, name: 'CNN 8-16 relu' } }, decodeHash('#arch=cnn'));
  assert.equal(plan.unfinished, true);
  assert.equal(plan.offer, false, 'the link was the lost run’s');
  assert.equal(plan.settings.lr, '0.005');
  assert.deepEqual([plan.runs[1].how, plan.runs[1].keptNote], ['interrupted', 'the page was closed or reloaded during this run: its model was not kept']);
  assert.deepEqual(plan.notes, ['The run “CNN 8-16 relu” was still training when the page was closed or reloaded: it was not kept.']);
  assert.equal(restoredNote('dense10-softmax', { test: 0.8123 }, true),
    'Showing your last finished model (dense10-softmax, test accuracy 81.2%), with its own settings. “Forget the saved model and curves” in section 8 clears it.');
  assert.match(restoredNote('d', { savedAt: 1 }, false), /^Restored your last model \(d\), saved .+, with its own settings\./);
});
