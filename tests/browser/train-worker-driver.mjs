// The train page's worker driven directly from inside a page, for the tests
// and benches that measure or race it without the page's buttons. Install it
// once per page, then, inside page.evaluate:
//
//   const { worker, call, next, on } = globalThis.trainWorker();
//   await call('init');                       // a request: resolves with its result
//   const done = next('finished');            // the next event of that name
//   on((event) => { ... });                   // every event
//
// (The function runs in the page: it may use nothing from this module.)

/**
 * A new page (newPage: the test's env.newPage) of the train page at `url`,
 * its train worker told of `cores` cores (3 workers on a 2-core machine), with
 * the worker driver installed. No service worker: it would answer worker.js
 * before the route could.
 */
export async function trainPageWithCores(newPage, url, cores = 4) {
  const page = await newPage({ serviceWorkers: 'block' });
  await page.route('**/train/worker.js', async (route) => {
    const res = await route.fetch();
    const body = `Object.defineProperty(WorkerNavigator.prototype, 'hardwareConcurrency', { get: () => ${cores} });\n${await res.text()}`;
    await route.fulfill({ response: res, body });
  });
  await page.goto(`${url}train.html`);
  await installTrainWorker(page);
  return page;
}

/** Defines globalThis.trainWorker() in the page. */
export async function installTrainWorker(page) {
  await page.evaluate(`globalThis.trainWorker = ${trainWorker.toString()}`);
}

function trainWorker() {
  const worker = new Worker('train/worker.js', { type: 'module' });
  let id = 0;
  const pending = new Map();
  const listeners = new Set();
  worker.onmessage = ({ data }) => {
    if (data.event) {
      for (const f of [...listeners]) f(data);
      return;
    }
    const p = pending.get(data.id);
    pending.delete(data.id);
    if (data.ok) p.resolve(data.result); else p.reject(new Error(data.error.message));
  };
  const call = (type, args = {}) => new Promise((resolve, reject) => {
    const i = ++id;
    pending.set(i, { resolve, reject });
    worker.postMessage({ id: i, type, ...args });
  });
  const on = (f) => listeners.add(f);
  const next = (name) => new Promise((resolve) => {
    const f = (data) => { if (data.event === name) { listeners.delete(f); resolve(data); } };
    listeners.add(f);
  });
  return { worker, call, next, on };
}

/**
 * In the page (trainWorker installed), one train worker: each run of `list`
 * (settings over `defaults`) started and awaited to its end; returns for each
 * how it ended ({ how, batch, message, ranWith, note, exchange }), the
 * workers of its progress events (seen), its layer 1's split units and a hash
 * of its model file.
 */
export function finishedRuns(page, list, defaults) {
  return page.evaluate(async ({ list, defaults }) => {
    const { worker, call, next } = globalThis.trainWorker();
    await call('init');
    await call('loadData', { base: new URL('./', location.href).href, quick: true });
    const hash = async (bytes) => [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');
    const out = [];
    for (const extra of list) {
      const seen = [];
      const onProgress = (e) => { if (e.data?.event === 'progress') seen.push(e.data.workers); };
      worker.addEventListener('message', onProgress);
      const done = next('finished');
      const info = await call('start', { settings: { runId: out.length + 1, ...defaults, ...extra } });
      const ev = await done;
      worker.removeEventListener('message', onProgress);
      out.push({ split: info.splitUnits, how: ev.how, batch: ev.batch, message: ev.message, ranWith: ev.workers, note: ev.teamNote,
        exchange: ev.exchange, seen, file: await hash((await call('save')).bytes) });
    }
    worker.terminate();
    return out;
  }, { list, defaults });
}
