// train/tiles.js - pictures of 28 x 28 images and of a layer's numbers, on
// canvases: one image as it is, or many as a grid of tiles (gray bytes, gray
// from 0 to the largest value, or signed values in the engine's diverging
// colours, lib/colour.js). A drawing helper the train page's views share.
import { IMAGE_SIDE, IMAGE_PIXELS } from '../lib/limits.js';
import { divergingRGBA } from '../lib/colour.js';

/**
 * Draws n square tiles of side x side into a canvas as a grid of `cols`
 * tiles with 1 px gaps, shown `scale` times larger. Each tile is
 *   images given: gray bytes (n * side * side of them)
 *   values, signed: blue negative, white 0, red positive, scaled by the
 *                   tile's largest |value| (as the engine draws a map)
 *   values:         gray from 0 (black) to the tile's largest value (white)
 * @param {HTMLCanvasElement} canvas
 * @param {ArrayLike<number> | null} images
 * @param {number} n
 * @param {number} cols
 * @param {{ side?: number, scale?: number, values?: Float32Array | null, signed?: boolean }} [how]
 */
export function drawTiles(canvas, images, n, cols, { side = IMAGE_SIDE, scale = 2, values = null, signed = false } = {}) {
  const rows = Math.max(1, Math.ceil(n / cols));
  const W = cols * (side + 1) - 1, H = rows * (side + 1) - 1;
  canvas.width = W; canvas.height = H;
  canvas.style.width = `${W * scale}px`;
  const ctx = canvas.getContext('2d');
  const img = ctx.createImageData(W, H);
  img.data.fill(255);
  const area = side * side;
  for (let t = 0; t < n; t++) {
    const ox = (t % cols) * (side + 1), oy = Math.floor(t / cols) * (side + 1);
    const tile = values?.subarray(t * area, (t + 1) * area);
    const rgba = signed && tile ? divergingRGBA(tile, inverseMaxAbs(tile)) : null;
    let max = 0;
    if (tile && !signed) for (let i = 0; i < area; i++) max = Math.max(max, Math.abs(tile[i]));
    for (let i = 0; i < area; i++) {
      const at = 4 * ((oy + Math.floor(i / side)) * W + ox + (i % side));
      let r, g, b;
      if (rgba) [r, g, b] = [rgba[4 * i], rgba[4 * i + 1], rgba[4 * i + 2]];
      else if (tile) r = g = b = max ? Math.round((255 * tile[i]) / max) : 0;
      else r = g = b = images[t * area + i];
      img.data[at] = r; img.data[at + 1] = g; img.data[at + 2] = b; img.data[at + 3] = 255;
    }
  }
  ctx.putImageData(img, 0, 0);
}

/** 1 / the largest |value| in float32, 0 when all are 0 (NaN ignored): the engine's scale for its diverging map. */
function inverseMaxAbs(values) {
  let m = 0;
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i]);
    if (a > m) m = a;
  }
  return m > 0 ? Math.fround(1 / m) : 0;
}

/**
 * One 28 x 28 image of gray bytes as a canvas of its own size (CSS scales it).
 * @param {ArrayLike<number>} pixels
 * @param {boolean} decorative  hidden from screen readers (a labelled button holds it)
 */
export function imageCanvas(pixels, decorative) {
  const c = document.createElement('canvas');
  c.width = c.height = IMAGE_SIDE;
  const ctx = c.getContext('2d');
  const img = ctx.createImageData(IMAGE_SIDE, IMAGE_SIDE);
  for (let i = 0; i < IMAGE_PIXELS; i++) { img.data.fill(pixels[i], 4 * i, 4 * i + 3); img.data[4 * i + 3] = 255; }
  ctx.putImageData(img, 0, 0);
  if (decorative) c.setAttribute('aria-hidden', 'true');
  return c;
}
