// train/reduce.js - a picture brought by the student made into what the
// network reads: 28 x 28 gray bytes, the picture fitted inside (its longest
// side 28 pixels, centred, the rest black), each pixel the mean luminance of
// the picture's pixels it covers, and inverted on request (Fashion-MNIST's
// pictures are light clothes on black; most photos have a light background).
// Pure: tested in node (tests/node/train-network.test.mjs).
import { IMAGE_SIDE, IMAGE_PIXELS } from '../lib/limits.js';

/**
 * @param {{ data: ArrayLike<number>, width: number, height: number }} image  RGBA bytes
 * @param {boolean} invert
 * @returns {Uint8Array}  IMAGE_PIXELS gray bytes, row after row
 */
export function toImage28({ data, width, height }, invert) {
  const scale = IMAGE_SIDE / Math.max(width, height);
  const w = Math.max(1, Math.round(width * scale)), h = Math.max(1, Math.round(height * scale));
  const ox = Math.floor((IMAGE_SIDE - w) / 2), oy = Math.floor((IMAGE_SIDE - h) / 2);
  const out = new Uint8Array(IMAGE_PIXELS);
  for (let y = 0; y < h; y++) {
    const y0 = Math.floor((y * height) / h), y1 = Math.max(y0 + 1, Math.floor(((y + 1) * height) / h));
    for (let x = 0; x < w; x++) {
      const x0 = Math.floor((x * width) / w), x1 = Math.max(x0 + 1, Math.floor(((x + 1) * width) / w));
      let sum = 0;
      for (let sy = y0; sy < y1; sy++) {
        for (let sx = x0; sx < x1; sx++) {
          const at = 4 * (sy * width + sx);
          sum += 0.299 * data[at] + 0.587 * data[at + 1] + 0.114 * data[at + 2]; // luma, as a gray photo has
        }
      }
      const g = Math.round(sum / ((y1 - y0) * (x1 - x0)));
      out[(oy + y) * IMAGE_SIDE + ox + x] = invert ? 255 - g : g;
    }
  }
  return out;
}
