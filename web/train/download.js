// train/download.js - the Fashion-MNIST files: downloaded with byte progress,
// ended by Cancel or by a stall, decompressed, and kept in the browser
// (IndexedDB, lib/limits.js DATA_DB) so each is downloaded once per browser,
// on any host: IndexedDB works on a plain-http school server, where Cache
// Storage does not. Data kept by earlier versions of the lab in Cache Storage
// is read from there once and moved. No engine and no DOM: the worker uses it.
import { DATA_CACHE, DATA_DB, DATA_FILES, QUICK_FILES } from '../lib/limits.js';
import { openStore } from '../lib/store.js';

/** At most ~10 progress events a second. */
const PROGRESS_MS = 100;
/** The sizes of Debian's files and the pack, until data/sizes.json or a response's Content-Length says better. */
export const EXPECTED_BYTES = Object.freeze({
  'train-images-idx3-ubyte.gz': 26421856, 'train-labels-idx1-ubyte.gz': 29491,
  't10k-images-idx3-ubyte.gz': 4422079, 't10k-labels-idx1-ubyte.gz': 5125,
  'quick-train-images-idx3-ubyte.gz': 4808011, 'quick-train-labels-idx1-ubyte.gz': 5205,
});

/** The file name of a data URL or path. */
export const fileName = (url) => String(url).split('/').pop();

/** The files of a set ('quick' or 'full'), by role (trainImages, trainLabels, testImages, testLabels). */
export const SET_FILES = Object.freeze({ quick: QUICK_FILES, full: DATA_FILES });

/** The data's store (lib/store.js), opened once; store.available is false where nothing can be kept. */
let storeOpening = null;
function dataStore() {
  storeOpening ??= openStore(undefined, DATA_DB);
  return storeOpening;
}

/**
 * A kept file: { bytes, inStore } (inStore: already in IndexedDB; else moved
 * from an earlier version's Cache Storage and to be stored), or null.
 */
async function keptFile(name, url) {
  const store = await dataStore();
  if (store.available) {
    try {
      const rec = await store.get(name);
      if (rec?.bytes instanceof Uint8Array && rec.bytes.length) return { bytes: rec.bytes, inStore: true };
    } catch { /* not readable: look further, or download it */ }
  }
  try {
    if (typeof caches === 'undefined') return null;
    const r = await (await caches.open(DATA_CACHE)).match(url);
    return r ? { bytes: new Uint8Array(await r.arrayBuffer()), inStore: false } : null;
  } catch {
    return null;
  }
}

/** Whether a file is kept, without reading it. */
async function isKept(name, url) {
  const store = await dataStore();
  try {
    if (store.available && (await store.has(name))) return true;
  } catch { /* look in the old cache */ }
  try {
    return typeof caches !== 'undefined' && Boolean(await (await caches.open(DATA_CACHE)).match(url));
  } catch {
    return false;
  }
}

/**
 * Which files of each set are kept in this browser, and how many bytes the
 * others are: { quick: { kept, missingBytes }, full: { kept, missingBytes }, available }.
 * sizes: the site's data/sizes.json (or {}: the expected sizes are used).
 * @param {string} base  the page's address (the files' URLs are relative to it)
 * @param {Record<string, number>} sizes
 */
export async function keptStatus(base, sizes = {}) {
  const store = await dataStore();
  const out = { available: store.available };
  for (const [set, files] of Object.entries(SET_FILES)) {
    let missingBytes = 0, kept = true;
    for (const path of Object.values(files)) {
      const name = fileName(path);
      if (!(await isKept(name, new URL(path, base).href))) {
        kept = false;
        missingBytes += sizes[name] ?? EXPECTED_BYTES[name] ?? 0;
      }
    }
    out[set] = { kept, missingBytes };
  }
  return out;
}

/** A download that has had no byte for this long ends (a stalled connection would hang for ever). */
export const STALL_SECONDS = 30;

/**
 * One data load's downloads: Cancel (the page's) and the stall watchdog
 * abort them all. alive() restarts the watchdog (on every byte); done() stops it.
 */
function downloadGuard() {
  const controller = new AbortController();
  let timer = 0;
  const guard = {
    signal: controller.signal,
    alive() {
      clearTimeout(timer);
      timer = setTimeout(() => guard.abort('stalled', `the download stalled: no data arrived for ${STALL_SECONDS} s`), STALL_SECONDS * 1000);
    },
    abort(status, message) {
      clearTimeout(timer);
      controller.abort(Object.assign(new Error(message), { status }));
    },
    done() { clearTimeout(timer); },
  };
  return guard; // the watchdog starts with the downloads (alive())
}
let current = null; // the load under way, for cancelDownload

/**
 * A data load begins: from now on Cancel ends it, even before its downloads
 * have started (while the kept files and the sizes are looked up). Pass the
 * guard to fetchDataFiles.
 */
export function beginDownload() {
  current?.done();
  current = downloadGuard();
  return current;
}

/** Cancel: the load under way ends (its fetchDataFiles rejects with status 'cancelled'). */
export function cancelDownload() {
  current?.abort('cancelled', 'the download was cancelled');
}

/** The Error an aborted download rejects with: the guard's reason (cancelled, stalled). */
function aborted(guard, e, fallback) {
  return guard.signal.aborted && guard.signal.reason instanceof Error ? guard.signal.reason : new Error(fallback(e));
}

/** Fetches a URL with byte progress; resolves to a Uint8Array of the whole body. */
async function download(url, onBytes, onTotal, guard) {
  const name = url.split('/').pop();
  let res;
  try {
    res = await fetch(url, { cache: 'no-store', signal: guard.signal });
  } catch (e) {
    throw aborted(guard, e, (err) => `the download of ${name} failed (${err.message})`);
  }
  if (!res.ok) throw new Error(`the server answered HTTP ${res.status} for ${name}`);
  const total = Number(res.headers.get('Content-Length')) || 0;
  if (total) onTotal(total);
  const reader = res.body.getReader();
  const chunks = [];
  let got = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      got += value.length;
      guard.alive();
      onBytes(value.length);
    }
  } catch (e) {
    throw aborted(guard, e, (err) => `the download of ${name} was interrupted after ${got} bytes (${err.message})`);
  }
  if (total && got !== total) throw new Error(`the download of ${name} stopped at ${got} of ${total} bytes`);
  const out = new Uint8Array(got);
  let at = 0;
  for (const c of chunks) { out.set(c, at); at += c.length; }
  return out;
}

async function gunzip(bytes, name) {
  // A host may have sent the file already decompressed (Content-Encoding: gzip).
  if (!(bytes[0] === 0x1f && bytes[1] === 0x8b)) return bytes;
  try {
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (e) {
    throw new Error(`${name} is damaged: it could not be decompressed (${e.message})`);
  }
}

/**
 * The data files at `urls` (by role: trainImages, ...), kept or downloaded,
 * decompressed: { raw (bytes by role), fromCache (all were kept), keep }.
 * post(event) gets data-progress events: download (bytes so far, the total,
 * fromCache), decompress, parse. keep() stores what was downloaded (call it
 * once the files are known to be good), in one transaction; it resolves to
 * '' or why nothing could be kept. A failed file stops the others.
 * @param {Record<string, string>} urls
 * @param {(event: object) => void} post
 * @param {Record<string, number>} [sizes]  data/sizes.json, for the bar's total before the responses say
 * @param {ReturnType<typeof downloadGuard>} [guard]  the load's, from beginDownload (a new one if not given)
 */
export async function fetchDataFiles(urls, post, sizes = {}, guard = beginDownload()) {
  const names = Object.keys(urls);
  /** @type {Record<string, Uint8Array<ArrayBuffer>>} */
  const cached = {};
  const inStore = new Set();
  for (const k of names) {
    const f = await keptFile(fileName(urls[k]), urls[k]);
    if (!f) continue;
    cached[k] = /** @type {Uint8Array<ArrayBuffer>} */ (f.bytes);
    if (f.inStore) inStore.add(k);
  }
  const fromCache = names.every((k) => cached[k]);
  let loaded = 0, total = 0, lastPost = 0;
  const report = (force) => {
    const now = performance.now();
    if (!force && now - lastPost < PROGRESS_MS) return;
    lastPost = now;
    post({ event: 'data-progress', phase: 'download', loaded, total, fromCache, at: now });
  };
  /** @type {Record<string, number>} */
  const expected = {};
  for (const k of names) {
    const name = fileName(urls[k]);
    expected[k] = sizes[name] ?? EXPECTED_BYTES[name] ?? 0;
    if (!cached[k]) total += expected[k];
  }
  report(true);
  /** @type {Record<string, Uint8Array<ArrayBuffer>>} */
  const gz = {};
  try {
    if (guard.signal.aborted) throw aborted(guard, null, () => 'the download was cancelled'); // Cancel came first
    guard.alive();
    await Promise.all(names.map(async (k) => {
      if (cached[k]) { gz[k] = cached[k]; return; }
      gz[k] = await download(urls[k], (n) => { loaded += n; report(false); }, (size) => {
        total += size - expected[k];
        expected[k] = size;
      }, guard);
    }));
  } catch (e) {
    guard.abort(e.status ?? 'failed', e.message); // one file failed: stop the others
    throw e;
  } finally {
    guard.done();
    if (current === guard) current = null;
  }
  report(true);
  post({ event: 'data-progress', phase: 'decompress', loaded, total, fromCache });
  /** @type {Record<string, Uint8Array>} */
  const raw = {};
  for (const k of names) raw[k] = await gunzip(gz[k], fileName(urls[k]));
  post({ event: 'data-progress', phase: 'parse', loaded, total, fromCache });
  const keep = async () => {
    const store = await dataStore();
    if (!store.available) return store.why;
    /** @type {Record<string, { bytes: Uint8Array, size: number }>} */
    const puts = {};
    // what was downloaded, and what came from an earlier version's Cache Storage (it moves here)
    for (const k of names) if (!inStore.has(k)) puts[fileName(urls[k])] = { bytes: gz[k], size: gz[k].length };
    if (!Object.keys(puts).length) return '';
    try {
      await store.write(puts);
      return '';
    } catch (e) {
      return e.reason === 'full' ? 'the browser’s storage is full' : e.message;
    }
  };
  return { raw, fromCache, keep };
}
