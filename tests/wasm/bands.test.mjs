// A kernels-page filter split in bands of output rows (web/kernels/bands.js),
// each band its own engine call told to make those rows only, and the team of
// helpers that computes them (team.js, helper-work.js: here each helper is
// its own engine instance in this process): the values, the bytes and the
// largest |value| are those of one whole-image call, bit for bit (-0 too),
// for every mode, padding, several strides and kernel sizes, band counts and
// so band boundaries, through shared memory and through messages. And where a
// helper cannot start or fails, the team answers null (the worker then
// computes alone) and stays out of the way from then on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import { loadConvlab, PAD, DISPLAY } from '../../web/lib/convlab.js';
import { splitRows, filterBand } from '../../web/kernels/bands.js';
import { Team, filterWork, helperCount, SPLIT_MIN_WORK } from '../../web/kernels/team.js';
import { helperHandlers } from '../../web/kernels/helper-work.js';
import { picture, weights } from '../lib/pictures.mjs';

const SITE = new URL('../../build/site/', import.meta.url);
const wasm = (build) => fs.readFileSync(new URL(`convlab-${build}.wasm`, SITE));

/** The first index where two float arrays differ in their bits (-0 and 0 differ), or -1. */
function firstBitDiff(a, b) {
  assert.equal(a.length, b.length, 'lengths');
  const x = new Uint32Array(Float32Array.from(a).buffer), y = new Uint32Array(Float32Array.from(b).buffer);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
  return -1;
}

function firstByteDiff(a, b) {
  assert.equal(a.length, b.length, 'lengths');
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

const SHAPES = [[3, 3, 1], [2, 4, 2], [5, 5, 1], [7, 3, 3], [4, 4, 2], [15, 15, 1], [1, 1, 3]];
const CASES = [];
for (const mode of ['gray', 'per-channel', 'sum', 'magnitude']) {
  for (const pad of ['valid', 'zero', 'reflect', 'edge']) {
    for (const [k1, k2, stride] of SHAPES) {
      if (mode === 'magnitude' && k1 !== 3) continue;
      CASES.push({ mode, pad, k1, k2, stride });
    }
  }
}

function filterOf({ mode, pad, k1, k2, stride }) {
  const kernels = weights((mode === 'sum' ? 3 : 1) * k1 * k2, k1 * 31 + k2);
  return { mode, kernels, k1, k2, pad: PAD[pad], stride, bias: 1.5 };
}

test('splitRows: every row once, in order, in bands as even as can be', () => {
  for (const [oh, n] of [[1, 1], [1, 3], [7, 2], [700, 2], [700, 3], [701, 4], [3, 5]]) {
    const bands = splitRows(oh, n);
    assert.equal(bands.length, Math.min(n, oh));
    assert.equal(bands[0][0], 0);
    assert.equal(bands.at(-1)[1], oh);
    for (let i = 1; i < bands.length; i++) assert.equal(bands[i][0], bands[i - 1][1]);
    for (const [r0, r1] of bands) assert.ok(r1 - r0 >= Math.floor(oh / bands.length) && r1 - r0 <= Math.ceil(oh / bands.length));
  }
});

test('a band of rows outside the output, or empty, is refused with what is wrong', async () => {
  const cl = await loadConvlab({ simd: true, bytes: wasm('simd') });
  const kept = cl.keepRGBA(picture(10, 12, 1));
  const q = { mode: 'gray', kernels: new Float32Array(9).fill(1 / 9), k1: 3, k2: 3, pad: PAD.zero, stride: 1, bias: 0 };
  for (const rows of [[-1, 3], [4, 4], [5, 2], [0, 11], [2.5, 4]]) {
    assert.throws(() => cl.filterImage(kept, { ...q, rows }), /rows .* are not a band of the output's 10/);
  }
  assert.equal(cl.filterImage(kept, { ...q, rows: [9, 10] }).height, 1);
});

for (const build of ['simd', 'scalar']) {
  test(`${build}: bands on one engine, assembled, are the whole-image call's values, bytes and largest |value|, bit for bit`, async () => {
    const cl = await loadConvlab({ simd: build === 'simd', bytes: wasm(build) });
    let checked = 0;
    for (const [h, w] of [[23, 31], [40, 17], [61, 45]]) {
      const img = picture(h, w, h * 100 + w);
      const kept = cl.keepRGBA(img);
      for (const c of CASES) {
        const q = filterOf(c);
        let whole;
        try {
          const r = cl.filterImage(kept, { ...q, display: DISPLAY.clamp });
          whole = { z: Float32Array.from(r.values), rgba: Uint8Array.from(r.rgba), maxAbs: r.maxAbs, oh: r.height, ow: r.width, planes: r.planes };
        } catch {
          continue; // a geometry the engine refuses for the whole image: nothing to split
        }
        const { oh, ow, planes } = whole;
        for (const n of [2, 3, 5, oh]) {
          // with the values, and the bytes alone (no float planes made: the largest |value| still exact)
          for (const values of [true, false]) {
            const out = { z: values ? new Float32Array(planes * oh * ow) : null, rgba: new Uint8ClampedArray(4 * oh * ow), row0: 0, rows: oh };
            let maxAbs = 0;
            for (const [r0, r1] of splitRows(oh, n)) maxAbs = Math.max(maxAbs, filterBand(cl, kept, q, r0, r1, out));
            const what = `${h}x${w} ${c.mode} ${c.pad} ${c.k1}x${c.k2}/${c.stride} in ${n} bands${values ? '' : ', bytes only'}`;
            if (values) assert.equal(firstBitDiff(out.z, whole.z), -1, `${what}: values`);
            assert.equal(firstByteDiff(out.rgba, whole.rgba), -1, `${what}: bytes`);
            assert.equal(maxAbs, whole.maxAbs, `${what}: largest |value|`);
            checked++;
          }
        }
      }
      cl.releaseKept(kept);
    }
    assert.ok(checked > 600, `${checked} cases`);
  });
}

/** A helper in this process: its own engine, driven through its handlers as a worker would be (arguments cloned). */
function localHelper(build, { failBand = false } = {}) {
  const handlers = helperHandlers(async (simd) => loadConvlab({ simd, bytes: wasm(simd ? 'simd' : 'scalar') }));
  return (/** @type {any} */ _onError) => ({
    async call(type, args = {}) {
      if (failBand && (type === 'band' || type === 'bands')) throw new Error('the helper failed');
      return (await handlers[type](structuredClone(args))).result;
    },
    terminate() { this.ended = true; },
  });
}

/** A team started on img, once its helpers are ready (or after `tries` waits of 5 ms). */
async function readyTeam(cl, img, opts, tries = 200) {
  const team = new Team(opts);
  team.start(cl.simd, cl.keptBytes(img).slice(), img.width, img.height);
  for (let i = 0; i < tries && team.state === 'starting'; i++) await new Promise((r) => setTimeout(r, 5));
  return team;
}

for (const shared of [true, false]) {
  test(`a team of workers (${shared ? 'shared memory' : 'messages'}) gives one call's values, bytes and scale, for every display`, async () => {
    const cl = await loadConvlab({ simd: true, bytes: wasm('simd') });
    const img = picture(57, 38, 5);
    const kept = cl.keepRGBA(img);
    let grew = false;
    for (const helpers of [1, 2, 3]) {
      const team = await readyTeam(cl, kept, { helpers, makeHelper: localHelper('simd'), shared });
      assert.equal(team.state, 'ready', team.why);
      for (const c of CASES.filter((x) => x.pad !== 'valid' || x.k1 < 15)) {
        const q = filterOf(c);
        const planes = c.mode === 'sum' || c.mode === 'gray' ? 1 : 3;
        for (const display of planes === 1 ? [DISPLAY.clamp, DISPLAY.abs, DISPLAY.diverging] : [DISPLAY.clamp, DISPLAY.abs]) {
          const r = cl.filterImage(kept, { ...q, display });
          const want = { z: Float32Array.from(r.values), rgba: Uint8Array.from(r.rgba), maxAbs: r.maxAbs };
          const got = await team.filter(cl, kept, q, display, r.height, r.width, planes, new Uint8ClampedArray(4 * r.height * r.width));
          const what = `${helpers} helpers, ${c.mode} ${c.pad} ${c.k1}x${c.k2}/${c.stride}, display ${display}`;
          assert.ok(got, `${what}: the team computed it`);
          assert.equal(got.workers, Math.min(helpers + 1, r.height));
          assert.equal(firstBitDiff(got.values, want.z), -1, `${what}: values`);
          assert.equal(firstByteDiff(got.rgba, want.rgba), -1, `${what}: bytes`);
          assert.equal(got.maxAbs, want.maxAbs, `${what}: largest |value|`);
          if (display === DISPLAY.clamp) {
            // the bytes alone: no values made or sent, the same picture and largest |value|
            const bytesOnly = await team.filter(cl, kept, q, display, r.height, r.width, planes, new Uint8ClampedArray(4 * r.height * r.width), false);
            assert.equal(bytesOnly.values, null, `${what}: no values`);
            assert.equal(firstByteDiff(bytesOnly.rgba, want.rgba), -1, `${what}: bytes, bytes only`);
            assert.equal(bytesOnly.maxAbs, want.maxAbs, `${what}: largest |value|, bytes only`);
          }
          // the values are a live view of WASM memory (the page's colour scale maps them again),
          // still after a call that grows the memory (once: memory never shrinks)
          assert.equal(got.values.buffer, cl.memory.buffer);
          if (grew) continue;
          grew = true;
          const memory = cl.memory.buffer, grown = [];
          while (cl.memory.buffer === memory) grown.push(cl.alloc(1 << 22));
          assert.equal(got.values.length, planes * r.height * r.width, 'a live view after memory grew');
          assert.equal(firstBitDiff(got.values, want.z), -1, `${what}: values after memory grew`);
          grown.forEach((p) => cl.free(p));
        }
      }
      // a new image reaches the helpers before the next filter
      const other = picture(57, 38, 99);
      cl.releaseKept(kept);
      const kept2 = cl.keepRGBA(other);
      team.setImage(other.data, other.width, other.height);
      const q = filterOf({ mode: 'per-channel', pad: 'edge', k1: 5, k2: 5, stride: 1 });
      const r = cl.filterImage(kept2, { ...q, display: DISPLAY.clamp });
      const want = Float32Array.from(r.values);
      const got = await team.filter(cl, kept2, q, DISPLAY.clamp, r.height, r.width, 3, new Uint8ClampedArray(4 * r.height * r.width));
      assert.equal(firstBitDiff(got.values, want), -1, 'the new image');
      cl.releaseKept(kept2);
      Object.assign(kept, cl.keepRGBA(img));
    }
  });
}

/** A helper in a node worker thread (band-thread.mjs), which computes at the same time as this one; `made` collects its answers' bands. */
function threadHelper(made) {
  return (/** @type {any} */ _onError) => {
    const w = new Worker(new URL('./band-thread.mjs', import.meta.url));
    const waiting = new Map();
    let id = 0;
    // lib/worker-rpc.js's answers: { id, ok, result } or { id, ok: false, error: { message } }
    w.on('message', ({ id: i, ok, result, error }) => {
      const p = waiting.get(i);
      waiting.delete(i);
      if (ok) p.resolve(result);
      else p.reject(new Error(error.message));
    });
    return {
      call(type, args = {}) {
        const i = ++id;
        return new Promise((resolve, reject) => {
          waiting.set(i, { resolve, reject });
          w.postMessage({ id: i, type, ...args });
        }).then((r) => { if (type === 'bands') made.push(...r.done); return r; });
      },
      terminate() { w.terminate(); },
    };
  };
}

test('through shared memory the engines take the bands in turn, at the same time: whoever makes which, one call\'s values, bytes and scale', async () => {
  const cl = await loadConvlab({ simd: true, bytes: wasm('simd') });
  const img = picture(320, 240, 11);
  const kept = cl.keepRGBA(img);
  const made = [];
  // threads load their engines: more time than helpers in this thread
  const team = await readyTeam(cl, kept, { helpers: 2, makeHelper: threadHelper(made), shared: true }, 600);
  assert.equal(team.state, 'ready', team.why);
  try {
    let runs = 0;
    for (const c of [{ mode: 'per-channel', pad: 'zero', k1: 15, k2: 15, stride: 1 }, { mode: 'sum', pad: 'reflect', k1: 9, k2: 7, stride: 2 },
      { mode: 'gray', pad: 'edge', k1: 11, k2: 11, stride: 1 }]) {
      const q = filterOf(c);
      const planes = c.mode === 'per-channel' ? 3 : 1;
      for (const display of [DISPLAY.clamp, DISPLAY.abs]) {
        const r = cl.filterImage(kept, { ...q, display });
        const want = { z: Float32Array.from(r.values), rgba: Uint8Array.from(r.rgba), maxAbs: r.maxAbs };
        for (let rep = 0; rep < 4; rep++, runs++) {
          const got = await team.filter(cl, kept, q, display, r.height, r.width, planes, new Uint8ClampedArray(4 * r.height * r.width));
          const what = `${c.mode} ${c.pad} ${c.k1}x${c.k2}/${c.stride}, display ${display}, run ${rep}`;
          assert.ok(got, `${what}: the team computed it`);
          assert.equal(got.workers, 3);
          assert.equal(firstBitDiff(got.values, want.z), -1, `${what}: values`);
          assert.equal(firstByteDiff(got.rgba, want.rgba), -1, `${what}: bytes`);
          assert.equal(got.maxAbs, want.maxAbs, `${what}: largest |value|`);
        }
      }
    }
    // the helpers, in threads of their own, made some of the bands (4 an engine, 3 engines, each filter)
    assert.ok(made.length > 0 && made.length < 12 * runs, `the helpers made ${made.length} of ${12 * runs} bands`);
  } finally {
    team.fail(new Error('done'));
    cl.releaseKept(kept);
  }
});

test('where helpers cannot start or one fails, the team answers null and the worker computes alone from then on', async () => {
  const cl = await loadConvlab({ simd: true, bytes: wasm('simd') });
  const img = cl.keepRGBA(picture(30, 30, 3));
  const q = filterOf({ mode: 'per-channel', pad: 'zero', k1: 3, k2: 3, stride: 1 });
  const into = () => new Uint8ClampedArray(4 * 30 * 30);
  // no Worker in this scope: starting throws
  const none = await readyTeam(cl, img, { helpers: 2, shared: false, makeHelper: () => { throw new ReferenceError('Worker is not defined'); } });
  assert.equal(none.state, 'failed');
  assert.match(none.why, /Worker is not defined/);
  assert.equal(await none.filter(cl, img, q, DISPLAY.clamp, 30, 30, 3, into()), null);
  // a helper's script does not load: its init fails
  const broken = await readyTeam(cl, img, { helpers: 1, shared: false, makeHelper: () => ({ call: async () => { throw new Error('HTTP 404'); }, terminate() {} }) });
  assert.equal(broken.state, 'failed');
  assert.equal(await broken.filter(cl, img, q, DISPLAY.clamp, 30, 30, 3, into()), null);
  // a helper fails on a band: that filter and every later one fall back, the helpers ended
  const ended = [];
  const make = localHelper('simd', { failBand: true });
  const failing = await readyTeam(cl, img, { helpers: 2, shared: true, makeHelper: (e) => { const c = make(e); ended.push(c); return c; } });
  assert.equal(failing.state, 'ready');
  assert.equal(await failing.filter(cl, img, q, DISPLAY.clamp, 30, 30, 3, into()), null);
  assert.equal(failing.state, 'failed');
  assert.ok(ended.every((c) => c.ended), 'the helpers are ended');
  assert.equal(await failing.filter(cl, img, q, DISPLAY.clamp, 30, 30, 3, into()), null);
  // a device of one core has no helpers at all
  assert.equal(helperCount(1), 0);
  assert.equal(helperCount(2), 1);
  assert.equal(helperCount(64), 3);
  assert.equal(helperCount(undefined), 0);
  assert.equal(new Team({ helpers: 0, shared: false, makeHelper: () => { throw new Error('never'); } }).state, 'failed');
});

test('what is split: a large kernel on a photo, not a small one', () => {
  const f = (k, mode = 'per-channel') => filterWork({ mode, k1: k, k2: k, kernels: null, pad: 0, stride: 1, bias: 0 }, 700, 1050);
  assert.ok(f(3) < SPLIT_MIN_WORK && f(5) < SPLIT_MIN_WORK && f(11, 'gray') < SPLIT_MIN_WORK && f(3, 'magnitude') < SPLIT_MIN_WORK);
  assert.ok(f(7) >= SPLIT_MIN_WORK && f(15) >= SPLIT_MIN_WORK && f(13, 'gray') >= SPLIT_MIN_WORK && f(15, 'gray') >= SPLIT_MIN_WORK);
});

test('a helper keeps its arrays through messages: a band without values sends the last float array back for the next that has them', async () => {
  const handlers = helperHandlers(async (simd) => loadConvlab({ simd, bytes: wasm(simd ? 'simd' : 'scalar') }));
  await handlers.init({ simd: true });
  const img = picture(30, 40, 8);
  await handlers.setImage({ data: Uint8Array.from(img.data), width: 40, height: 30, serial: 1 });
  const q = filterOf({ mode: 'per-channel', pad: 'zero', k1: 5, k2: 5, stride: 1 });
  const band = (values, reuse) => handlers.band({ serial: 1, q, r0: 10, r1: 30, ow: 40, planes: 3, values, reuse });
  const first = (await band(true, null)).result;
  assert.equal(first.z.length, 3 * 20 * 40);
  const want = Float32Array.from(first.z);
  // without values: the bytes are made in the last band's byte array, and its float array comes back unused
  const plain = await band(false, { z: first.z, rgba: first.rgba });
  assert.equal(plain.result.rgba, first.rgba);
  assert.equal(plain.result.z, first.z);
  assert.deepEqual(plain.transfer, [first.rgba.buffer, first.z.buffer]);
  // and the next band with values is written into it, with the same values
  first.z.fill(0);
  const again = (await band(true, plain.result)).result;
  assert.equal(again.z, first.z);
  assert.equal(firstBitDiff(again.z, want), -1);
  // a first band without values has no float array to give back
  assert.equal((await band(false, null)).result.z, null);
});
