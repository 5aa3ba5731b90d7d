// helper-work.js - what a helper of the kernels page's worker does (helper.js
// serves it; team.js drives it; node tests drive it directly): its own engine,
// a copy of the image's RGBA bytes (sent once per image), and bands of output
// rows of a filter on request (bands.js).
//
//   init     { simd }                          -> { simd }   the worker's build: the same bits
//   setImage { data, width, height, serial }   -> null       data: RGBA bytes (a Uint8Array)
//   band     { serial, q, r0, r1, oh, ow, planes, values, shared, reuse }
//            -> { maxAbs, z, rgba }   output rows r0..r1-1 of filter q (bands.js filterBand), with
//               their values in z when `values` (else bytes only: z is then reuse's, unused, or
//               null). shared: { z, rgba }, the
//               whole output's arrays in shared memory, written in place (z, rgba null in the
//               answer); or null: the band's own arrays come back (transferred), written into
//               `reuse` (the last band's, sent back) when it has their sizes: a fresh array of
//               megabytes costs more than the copy into it
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
    async band({ serial, q, r0, r1, oh, ow, planes, values = true, shared, reuse }) {
      await loading;
      if (serial !== h.serial) throw new Error(`the helper has image ${h.serial}, not ${serial}`);
      const rows = r1 - r0;
      const zFits = reuse?.z && reuse.z.length === planes * rows * ow;
      const rgbaFits = reuse && reuse.rgba.length === 4 * rows * ow;
      const out = shared
        ? { z: values ? shared.z : null, rgba: shared.rgba, row0: 0, rows: oh }
        : {
          z: !values ? null : zFits ? reuse.z : new Float32Array(planes * rows * ow),
          rgba: rgbaFits ? reuse.rgba : new Uint8ClampedArray(4 * rows * ow), row0: r0, rows,
        };
      const maxAbs = filterBand(h.cl, h.image, q, r0, r1, out);
      if (shared) return { result: { maxAbs, z: null, rgba: null } };
      // a band without values sends the last band's float array back unused, kept for the next
      // band that has them: a fresh array of megabytes is paid again page by page as it is written
      const z = out.z ?? reuse?.z ?? null;
      return { result: { maxAbs, z, rgba: out.rgba }, transfer: [out.rgba.buffer, ...(z ? [z.buffer] : [])] };
    },
  };
}
