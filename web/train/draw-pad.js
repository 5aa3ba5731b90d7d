// train/draw-pad.js - section 7's drawing pad: 28 x 28 gray pixels the
// student draws in white on black, with a mouse, a finger or a pen (pointer
// events), or with the keyboard (the arrow keys move a square cursor, Space or
// Enter paints under it). onDrawn(pixels) is called when a stroke ends.
import { IMAGE_SIDE, IMAGE_PIXELS } from '../lib/limits.js';

const SCALE = 8; // canvas pixels per image pixel

/**
 * @param {HTMLCanvasElement} canvas
 * @param {(pixels: Uint8Array) => void} onDrawn
 */
export function drawPad(canvas, onDrawn) {
  const pixels = new Uint8Array(IMAGE_PIXELS);
  const cursor = { x: 14, y: 14 };
  let drawing = false, focused = false, changed = false;
  canvas.width = canvas.height = IMAGE_SIDE * SCALE;
  const ctx = canvas.getContext('2d');

  function draw() {
    const img = ctx.createImageData(IMAGE_SIDE, IMAGE_SIDE);
    for (let i = 0; i < IMAGE_PIXELS; i++) { img.data.fill(pixels[i], 4 * i, 4 * i + 3); img.data[4 * i + 3] = 255; }
    const small = new OffscreenCanvas(IMAGE_SIDE, IMAGE_SIDE);
    small.getContext('2d').putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(small, 0, 0, canvas.width, canvas.height);
    if (focused) {
      ctx.strokeStyle = '#f59e0b';
      ctx.lineWidth = 2;
      ctx.strokeRect(cursor.x * SCALE + 1, cursor.y * SCALE + 1, SCALE - 2, SCALE - 2);
    }
  }

  /** A soft round brush: full white at the centre, lighter around it. */
  function paint(fx, fy) {
    for (let y = Math.floor(fy - 2); y <= fy + 2; y++) {
      for (let x = Math.floor(fx - 2); x <= fx + 2; x++) {
        if (x < 0 || y < 0 || x >= IMAGE_SIDE || y >= IMAGE_SIDE) continue;
        const d = Math.hypot(x + 0.5 - fx, y + 0.5 - fy);
        const v = Math.round(255 * Math.max(0, Math.min(1, 1.6 - d)));
        if (v > pixels[y * IMAGE_SIDE + x]) { pixels[y * IMAGE_SIDE + x] = v; changed = true; }
      }
    }
  }

  const at = (e) => {
    const r = canvas.getBoundingClientRect();
    return [((e.clientX - r.left) / r.width) * IMAGE_SIDE, ((e.clientY - r.top) / r.height) * IMAGE_SIDE];
  };
  const end = () => {
    if (!drawing) return;
    drawing = false;
    if (changed) onDrawn(pixels.slice());
    changed = false;
  };
  canvas.addEventListener('pointerdown', (e) => {
    drawing = true;
    canvas.setPointerCapture(e.pointerId);
    paint(...at(e));
    draw();
    e.preventDefault();
  });
  canvas.addEventListener('pointermove', (e) => {
    if (!drawing) return;
    for (const ev of e.getCoalescedEvents?.() ?? [e]) paint(...at(ev));
    draw();
  });
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
  canvas.addEventListener('keydown', (e) => {
    const move = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }[e.key];
    if (move) {
      cursor.x = Math.max(0, Math.min(IMAGE_SIDE - 1, cursor.x + move[0]));
      cursor.y = Math.max(0, Math.min(IMAGE_SIDE - 1, cursor.y + move[1]));
      if (e.shiftKey) paint(cursor.x + 0.5, cursor.y + 0.5);
    } else if (e.key === ' ' || e.key === 'Enter') paint(cursor.x + 0.5, cursor.y + 0.5);
    else return;
    e.preventDefault();
    draw();
    if (changed) { changed = false; onDrawn(pixels.slice()); }
  });
  canvas.addEventListener('focus', () => { focused = true; draw(); });
  canvas.addEventListener('blur', () => { focused = false; draw(); });
  draw();
  return {
    clear() { pixels.fill(0); draw(); },
  };
}
