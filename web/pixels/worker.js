// worker.js - the pixels page's engine, off the main thread.
//
// Owns one WASM instance (through lib/convlab.js). Messages in: { id, type,
// ...args }; answers: { id, ok: true, result } or { id, ok: false, error:
// { message, status } } (lib/worker-rpc.js). Pixel buffers travel as
// transferred ArrayBuffers, never copied.
//
//   init                            -> { simd, buildName, note }   (note: why the scalar build runs, or '')
//   split { data, width, height }   data: the picture's RGBA bytes (an ArrayBuffer, transferred)
//     -> { data, width, height, y, planes, small }, every buffer transferred:
//        data    the same RGBA bytes, handed back
//        y       Float32Array (height, width): the grayscale Y = 0.299 R + 0.587 G + 0.114 B the engine computes
//        planes  { r, g, b, y }: each channel drawn as a gray picture, RGBA bytes (ArrayBuffer)
//        small   Uint8Array (28, 28): Y's centre square shrunk to Fashion-MNIST's size (part 5)
import { loadConvlab } from '../lib/convlab.js';
import { serveRequests } from '../lib/worker-rpc.js';
import { IMAGE_SIDE } from '../lib/limits.js';
import { shrinkSquare } from './vector.js';

/** @type {any} */
let cl = null;
const loading = loadConvlab().then((c) => { cl = c; });

/** The channels and the grayscale of one picture, as the page shows them. */
function split({ data, width, height }) {
  const img = { data: new Uint8ClampedArray(data), width, height };
  const n = width * height;
  const rgb = cl.toPlanar(img, false); // (3, height, width)
  const y = cl.toPlanar(img, true);    // (height, width)
  const picture = (values) => cl.toRGBA(values, 1, height, width).buffer;
  const planes = {
    r: picture(rgb.subarray(0, n)), g: picture(rgb.subarray(n, 2 * n)), b: picture(rgb.subarray(2 * n)), y: picture(y),
  };
  const small = shrinkSquare(y, width, height, IMAGE_SIDE);
  return {
    result: { data, width, height, y, planes, small },
    transfer: [data, y.buffer, planes.r, planes.g, planes.b, planes.y, small.buffer],
  };
}

serveRequests({
  async init() {
    await loading;
    return { result: { simd: cl.simd, buildName: cl.buildName, note: cl.note } };
  },
  async split(args) {
    await loading;
    return split(args);
  },
});
