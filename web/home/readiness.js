// home/readiness.js - what this device can do, in words for a teacher: the
// engine, cores, storage, memory, offline use, and how long the train page's
// presets take per epoch here. epochSeconds() is pure (tests/node/readiness.test.mjs);
// render() fills the landing page's list.
import { h } from '../lib/dom.js';
import { fmtDuration, fmtBytes } from '../lib/format.js';
import { SPLITS } from '../lib/limits.js';

/** Validation passes over the held-out images in each epoch (as the train page makes them). */
const VAL_CHECKS = 4;

/**
 * Seconds one epoch takes from per-image times (ms): training on split.train
 * images and checking split.validation images VAL_CHECKS times.
 * @param {{ trainMs: number, evalMs: number }} t
 * @param {{ train: number, validation: number }} split
 */
export function epochSeconds(t, split) {
  return (split.train * t.trainMs + VAL_CHECKS * split.validation * t.evalMs) / 1000;
}

/** One sentence per preset: "about 2 s per epoch on Quick (10,000 images), 9 s on all 55,000". */
export function epochText(name, t) {
  const q = epochSeconds(t, SPLITS.quick), f = epochSeconds(t, SPLITS.full);
  return `${name}: about ${fmtDuration(q)} per epoch on Quick (${SPLITS.quick.train.toLocaleString('en-US')} images), `
    + `${fmtDuration(f)} on all ${SPLITS.full.train.toLocaleString('en-US')}.`;
}

/**
 * The facts as rows of the device list: [[term, text], ...]. Pure.
 * @param {{ engine?: { simd: boolean, note: string } | null, error?: string, cores?: number,
 *   storage?: { quota: number, usage: number } | null, memoryGB?: number | null,
 *   offline?: { available: boolean, why: string }, timings?: { mlp: any, cnn: any } | null }} f
 */
export function rows(f) {
  const out = [];
  if (f.error) out.push(['Engine', `not loaded: ${f.error}`]);
  else if (f.engine) {
    out.push(['Engine', f.engine.simd ? 'WebAssembly SIMD (the fast build)'
      : `WebAssembly without SIMD (the scalar build: everything works, several times more slowly)${f.engine.note ? `. ${f.engine.note}` : ''}`]);
  }
  if (f.cores) out.push(['Cores', `${f.cores} (the engine works in a background worker, so pages stay responsive while it trains)`]);
  out.push(['Storage', f.storage
    ? `${fmtBytes(f.storage.quota - f.storage.usage)} free for this lab (the Quick data needs about 10 MB, all of it 31 MB)`
    : 'the browser does not say how much this page may keep']);
  out.push(['Memory', f.memoryGB ? `about ${f.memoryGB} GB${f.memoryGB <= 4 ? ' (enough for the lab; keep other tabs few on school Chromebooks)' : ''}` : 'the browser does not say']);
  if (f.offline) out.push(['Offline use', f.offline.available ? 'yes: after this first visit the lab works with the network gone' : `not here: ${f.offline.why}`]);
  if (f.timings) {
    out.push(['Training here', `${epochText('The MLP preset', f.timings.mlp)} ${epochText('The CNN preset', f.timings.cnn)}`]);
  } else out.push(['Training here', 'measuring…']);
  return out;
}

/** Fills the device list (a <dl>). */
export function render(f, list) {
  list.replaceChildren(...rows(f).map(([term, text]) => h('div', {}, h('dt', { text: term }), h('dd', { text }))));
}
