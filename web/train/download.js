// train/download.js - the Fashion-MNIST files (lib/limits.js's DATA_FILES):
// downloaded with byte progress, ended by Cancel or by a stall, decompressed,
// and kept in the browser's Cache Storage (DATA_CACHE) for next time. No
// engine and no DOM: the worker fetches with it; the page asks it whether the
// files are kept already (dataIsCached), to load them at once.
import { DATA_CACHE, DATA_FILES } from '../lib/limits.js';

/** A download that has had no byte for this long ends (a stalled connection would hang for ever). */
export const STALL_SECONDS = 30;
/** At most ~10 progress events a second. */
const PROGRESS_MS = 100;
/** The sizes of Debian's files, for the bar's total until each response's Content-Length says better. */
const EXPECTED_BYTES = Object.freeze({ trainImages: 26421856, trainLabels: 29491, testImages: 4422079, testLabels: 5125 });

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
  guard.alive();
  return guard;
}
let current = null; // the load under way, for cancelDownload

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

async function openCache() {
  try {
    return typeof caches === 'undefined' ? null : await caches.open(DATA_CACHE);
  } catch {
    return null; // e.g. a page served over plain http from another machine
  }
}

/** Whether every data file is in the browser's cache (`base`: the page's address, the files' URLs are relative to it). */
export async function dataIsCached(base) {
  try {
    if (typeof caches === 'undefined') return false;
    const c = await caches.open(DATA_CACHE);
    for (const v of Object.values(DATA_FILES)) if (!(await c.match(new URL(v, base).href))) return false;
    return true;
  } catch {
    return false;
  }
}

/**
 * The data files at `urls` (by name: trainImages, ...), from the cache or
 * downloaded, decompressed: { raw (bytes by name), fromCache, keep }.
 * post(event) gets data-progress events: download (bytes so far and the
 * total), decompress, parse. keep() puts what was downloaded into the cache
 * (call it once the files are known to be good); it resolves to whether the
 * files are cached now. A failed file stops the others.
 * @param {Record<string, string>} urls
 * @param {(event: object) => void} post
 */
export async function fetchDataFiles(urls, post) {
  const cache = await openCache();
  const names = Object.keys(urls);
  // Sizes first (from the cache or the response headers) so the bar knows its total.
  /** @type {Record<string, Uint8Array<ArrayBuffer>>} */
  const cached = {};
  if (cache) for (const k of names) { const r = await cache.match(urls[k]); if (r) cached[k] = new Uint8Array(await r.arrayBuffer()); }
  const fromCache = names.every((k) => cached[k]);
  let loaded = 0, total = 0, lastPost = 0;
  const report = (force) => {
    const now = performance.now();
    if (!force && now - lastPost < PROGRESS_MS) return;
    lastPost = now;
    post({ event: 'data-progress', phase: 'download', loaded, total, fromCache });
  };
  for (const k of names) if (cached[k]) { loaded += cached[k].length; total += cached[k].length; }
  const expected = { ...EXPECTED_BYTES };
  for (const k of names) if (!cached[k]) total += expected[k] ?? 0;
  report(true);
  /** @type {Record<string, Uint8Array<ArrayBuffer>>} */
  const gz = {};
  const guard = current = downloadGuard();
  try {
    await Promise.all(names.map(async (k) => {
      if (cached[k]) { gz[k] = cached[k]; return; }
      gz[k] = await download(urls[k], (n) => { loaded += n; report(false); }, (size) => {
        total += size - (expected[k] ?? 0);
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
  total = loaded;
  report(true);
  post({ event: 'data-progress', phase: 'decompress', loaded, total, fromCache });
  /** @type {Record<string, Uint8Array>} */
  const raw = {};
  for (const k of names) raw[k] = await gunzip(gz[k], urls[k].split('/').pop());
  post({ event: 'data-progress', phase: 'parse', loaded, total, fromCache });
  const keep = async () => {
    if (!cache || fromCache) return fromCache;
    try {
      for (const k of names) {
        if (!cached[k]) await cache.put(urls[k], new Response(gz[k], { headers: { 'Content-Type': 'application/gzip' } }));
      }
      return true;
    } catch {
      return false; // storage full or refused: the page simply downloads again next time
    }
  };
  return { raw, fromCache, keep };
}
