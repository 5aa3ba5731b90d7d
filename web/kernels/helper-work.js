// helper-work.js - what a helper of the kernels page's worker does (helper.js
// serves it; team.js drives it; node tests drive it directly): its own engine,
// a copy of the image's RGBA bytes (sent once per image), and bands of output
// rows of a filter on request (bands.js).
//
//   init     { simd }                          -> { simd }   the worker's build: the same bits
//   setImage { data, width, height, serial }   -> null       data: RGBA bytes (a Uint8Array)
//   band     { serial, q, r0, r1, ow, planes, values, reuse }
//            -> { maxAbs, z, rgba }   through messages: output rows r0..r1-1 of filter q
//               (bands.js filterBand), with their values in z when `values` (else bytes only: z
//               is then reuse's, unused, or null); the band's own arrays come back (transferred),
//               written into `reuse` (the last band's, sent back) when it has their sizes: a
//               fresh array of megabytes costs more than the copy into it
//   bands    { serial, q, bands, oh, values, shared, next }
//            -> { maxAbs, done }  through shared memory: bands [[r0, r1], ...] taken in turn
//               with the worker and the other helpers (k = Atomics.add(next, 0, 1) until none is
//               left), each written in place in `shared`; done: the indices of those it made
import { filterBand } from './bands.js';

/**
 * The handlers of a helper (lib/worker-rpc.js), with `load(simd)` giving its engine.
 * @param {(simd: boolean) => Promise<any>} load
 */
export function helperHandlers(load) {
  const h = { cl: null, image: null, serial: -1 };
  let loading = null;
  return {
    async init({ simd }) {
      loading ??= load(simd).then((cl) => { h.cl = cl; });
      await loading;
      return { result: { simd: h.cl.simd } };
    },
    async setImage({ data, width, height, serial }) {
      await loading;
      h.cl.releaseKept(h.image);
      h.image = h.cl.keepRGBA({ data, width, height });
      h.serial = serial;
      return { result: null };
    },
    async band({ serial, q, r0, r1, ow, planes, values = true, reuse }) {
      await loading;
      if (serial !== h.serial) throw new Error(`the helper has image ${h.serial}, not ${serial}`);
      const rows = r1 - r0;
      const zFits = reuse?.z && reuse.z.length === planes * rows * ow;
      const rgbaFits = reuse && reuse.rgba.length === 4 * rows * ow;
      const out = {
        z: !values ? null : zFits ? reuse.z : new Float32Array(planes * rows * ow),
        rgba: rgbaFits ? reuse.rgba : new Uint8ClampedArray(4 * rows * ow), row0: r0, rows,
      };
      const maxAbs = filterBand(h.cl, h.image, q, r0, r1, out);
      // a band without values sends the last band's float array back unused, kept for the next
      // band that has them: a fresh array of megabytes is paid again page by page as it is written
      const z = out.z ?? reuse?.z ?? null;
      return { result: { maxAbs, z, rgba: out.rgba }, transfer: [out.rgba.buffer, ...(z ? [z.buffer] : [])] };
    },
    async bands({ serial, q, bands, oh, values = true, shared, next }) {
      await loading;
      if (serial !== h.serial) throw new Error(`the helper has image ${h.serial}, not ${serial}`);
      const out = { z: values ? shared.z : null, rgba: shared.rgba, row0: 0, rows: oh };
      let maxAbs = 0;
      const done = [];
      for (let k; (k = Atomics.add(next, 0, 1)) < bands.length;) {
        const m = filterBand(h.cl, h.image, q, bands[k][0], bands[k][1], out);
        if (m > maxAbs) maxAbs = m;
        done.push(k);
      }
      return { result: { maxAbs, done } };
    },
  };
}
