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
