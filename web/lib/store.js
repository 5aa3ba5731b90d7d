// store.js - what a page keeps in the browser (IndexedDB), behind a small API.
//
//   const store = await openStore();        // never throws: store.available says
//   if (!store.available) say(store.why);
//   await store.put('model', { bytes, ... }); // settles: resolves, or rejects with a StoreError
//   const m = await store.get('model');        // undefined when nothing is kept
//
// Every request settles. A transaction ends in exactly one of complete, error
// or abort, and a full disk reaches a page only as an abort (the put itself
// succeeds, the commit fails): a promise that listened for complete and error
// alone would wait for ever. Failures become a StoreError whose .reason is
// 'full' (the quota), 'unavailable' (no IndexedDB, a private window, storage
// blocked) or 'failed' (anything else), and whose message a page can show.
//
// The train page's records (keys of the one object store):
//   'model'       { bytes, spec, settings, shuffled, test, savedAt, runId }
//   'runs'        [{ id, name, colour, settings, train, validation, test, epochs, visible, how }]
//   'unfinished'  { runId, name, startedAt }: a run was going when this was written

/** The train page's database (its model, curves and run marker); others name their own. */
const DB_NAME = 'convlab-train', DB_STORE = 'state', DB_VERSION = 1;

export class StoreError extends Error {
  constructor(reason, message, options) {
    super(message, options);
    this.name = 'StoreError';
    this.reason = reason;
  }
}

/** The StoreError for a DOMException (or anything) thrown or reported by IndexedDB. */
function storeError(e, doing) {
  if (e instanceof StoreError) return e;
  const name = e?.name ?? '';
  if (name === 'QuotaExceededError') {
    return new StoreError('full', 'the browser’s storage is full', { cause: e });
  }
  if (name === 'SecurityError' || name === 'InvalidStateError' || name === 'UnknownError') {
    return new StoreError('unavailable', `this browser does not let the page keep data (${e?.message || name})`, { cause: e });
  }
  return new StoreError('failed', `${doing} failed (${e?.message || name || 'unknown error'})`, { cause: e });
}

/**
 * WebKit's first indexedDB.open() can stay pending for ever (webkit.org/b/226547:
 * iPads on iOS 14.6, Safari 14.1; seen once in WebKitGTK under load), which
 * would hold up everything kept, the training data first. After OPEN_RETRY_MS
 * without an answer a second open is asked (the one that answers in that
 * bug); after OPEN_GIVE_UP_MS the page goes on without storage.
 */
export const OPEN_RETRY_MS = 2000;
export const OPEN_GIVE_UP_MS = 10000;

/**
 * Opens the database: resolves to the IDBDatabase or rejects with a StoreError
 * (never hangs: not on 'blocked', not on an open that does not answer).
 */
function openDb(factory, name, { retryMs = OPEN_RETRY_MS, giveUpMs = OPEN_GIVE_UP_MS } = {}) {
  return new Promise((resolve, reject) => {
    let settled = false;
    /** @type {any[]} */
    const timers = [];
    const settle = (/** @type {(v: any) => void} */ fn, /** @type {any} */ v) => {
      if (settled) return false;
      settled = true;
      timers.forEach(clearTimeout);
      fn(v);
      return true;
    };
    const ask = () => {
      let open;
      try {
        open = factory.open(name, DB_VERSION);
      } catch (e) {
        settle(reject, storeError(e, 'opening the storage'));
        return;
      }
      open.onupgradeneeded = () => open.result.createObjectStore(DB_STORE);
      open.onsuccess = () => {
        const db = open.result;
        // an answer after another (the second open's, or after giving up): not kept open
        if (!settle(resolve, db)) {
          db.close();
          return;
        }
        db.onversionchange = () => db.close(); // another tab upgrades: let it
      };
      open.onerror = () => settle(reject, storeError(open.error, 'opening the storage'));
      // Another tab holds an older version open: it closes on versionchange, so
      // this rarely lasts; if it does, the page goes on without storage.
      open.onblocked = () => settle(reject, new StoreError('unavailable', 'another tab of this lab is keeping the storage busy'));
    };
    ask();
    timers.push(setTimeout(ask, retryMs));
    timers.push(setTimeout(() => settle(reject, new StoreError('unavailable', `the browser’s storage did not answer in ${giveUpMs / 1000} s`)), giveUpMs));
  });
}

class Store {
  constructor(db, why = '') {
    this.db = db;
    this.available = Boolean(db);
    /** Why nothing can be kept, for the page to say once ('' when available). */
    this.why = why;
  }

  /** One transaction; fn(objectStore) makes the requests; resolves with the last request's result. */
  run(mode, fn, doing) {
    if (!this.db) return Promise.reject(new StoreError('unavailable', this.why));
    return new Promise((resolve, reject) => {
      let tx, req;
      try {
        tx = this.db.transaction(DB_STORE, mode);
        req = fn(tx.objectStore(DB_STORE));
      } catch (e) {
        reject(storeError(e, doing));
        return;
      }
      // A failed request aborts its transaction (nothing here prevents that),
      // so abort reports every failure, the quota's included, exactly once.
      tx.oncomplete = () => resolve(req?.result);
      tx.onabort = () => reject(storeError(tx.error ?? req?.error, doing));
    });
  }

  /**
   * Several puts and deletes in one transaction: all are kept or none.
   * @param {Record<string, any>} puts   key -> value
   * @param {string[]} [deletes]
   */
  write(puts, deletes = []) {
    return this.run('readwrite', (s) => {
      let r;
      for (const [k, v] of Object.entries(puts)) r = s.put(v, k);
      for (const k of deletes) r = s.delete(k);
      return r;
    }, 'keeping it');
  }

  get(key) { return this.run('readonly', (s) => s.get(key), 'reading what was kept'); }
  /** Whether a record is kept (without reading it). */
  async has(key) { return (await this.run('readonly', (s) => s.count(key), 'reading what was kept')) > 0; }
  put(key, value) { return this.run('readwrite', (s) => s.put(value, key), 'keeping it'); }
  delete(...keys) {
    return this.run('readwrite', (s) => { let r; for (const k of keys) r = s.delete(k); return r; }, 'forgetting it');
  }
}

/**
 * Opens the train page's store. Never throws: when IndexedDB cannot be used
 * the store's `available` is false and `why` says so; its calls then reject.
 * factory: the IDBFactory (default: the browser's indexedDB); name: the database
 * (default the train page's; the data has its own, lib/limits.js DATA_DB);
 * timing: { retryMs, giveUpMs } in place of OPEN_RETRY_MS and OPEN_GIVE_UP_MS (the tests).
 */
export async function openStore(factory, name = DB_NAME, timing = {}) {
  let f = factory;
  try {
    f ??= globalThis.indexedDB;
  } catch (e) {
    return new Store(null, storeError(e, 'opening the storage').message);
  }
  if (!f) return new Store(null, 'this browser gives the page no storage (IndexedDB)');
  try {
    return new Store(await openDb(f, name, timing));
  } catch (e) {
    return new Store(null, storeError(e, 'opening the storage').message);
  }
}
