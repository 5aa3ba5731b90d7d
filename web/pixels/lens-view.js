// lens-view.js - part 2's lens: the box over the picture, the zoomed grid of
// the pixels around it with their numbers, and the readout of the pixel under it.
import { h, $ } from '../lib/dom.js';
import { css } from '../lib/colour.js';
import { grayView } from './state.js';

/** The zoomed grid is LENS x LENS pixels around the lens. */
const LENS = 7;

/** The lens's elements, by their data-* hooks in pixels.html. */
export function lensElements() {
  return {
    table: $('[data-lens]'), readout: $('[data-readout]'), announce: $('[data-announce]'),
    canvas: $('[data-image-canvas]'), box: $('[data-lens-box]'),
  };
}

/**
 * Black or white text, whichever contrasts more with a cell of colour (r, g, b)
 * (WCAG's relative luminance, on linearised sRGB); the worse of the two
 * choices still gives at least 4.5:1.
 */
export function inkFor(r, g, b) {
  const lin = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  const L = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  return (L + 0.05) / 0.05 >= 1.05 / (L + 0.05) ? '#000' : '#fff';
}

/** The values at (row, col) in the view shown: [r, g, b] or [y]. */
function pixelAt(state, picture, row, col) {
  const { img, y } = picture;
  const i = row * img.width + col;
  if (grayView(state, img.gray)) return [y[i]];
  return [img.data[4 * i], img.data[4 * i + 1], img.data[4 * i + 2]];
}

/** "Row 3, column 4: R 1, G 2, B 3" (or "value 7" for a grayscale picture, "Y 7" for a colour one seen gray). */
export function describePixel(state, picture, row, col) {
  const v = pixelAt(state, picture, row, col);
  const what = v.length === 1
    ? `${picture.img.gray ? 'value' : 'Y'} ${v[0]}`
    : `R ${v[0]}, G ${v[1]}, B ${v[2]}`;
  return `Row ${row}, column ${col}: ${what}`;
}

/** Puts the lens box over the canvas, around pixel (state.x, state.y), at the canvas's size on screen. */
export function placeLensBox(state, picture, canvas, box) {
  const s = canvas.clientWidth / picture.img.width;
  const size = Math.max(LENS * s, 12);
  const cx = (state.x + 0.5) * s, cy = (state.y + 0.5) * s;
  Object.assign(box.style, {
    width: `${size}px`, height: `${size}px`,
    left: `${canvas.offsetLeft + cx - size / 2}px`, top: `${canvas.offsetTop + cy - size / 2}px`,
  });
  box.dataset.half = String(Math.floor(LENS / 2));
}

/**
 * The zoomed grid around (state.x, state.y), the readout, and the box.
 * @param {{ table: HTMLTableElement, readout: HTMLElement, canvas: HTMLCanvasElement, box: HTMLElement }} els
 */
export function renderLens(state, picture, els) {
  const { img } = picture;
  const half = Math.floor(LENS / 2);
  const { table } = els;
  table.replaceChildren();
  table.dataset.gray = String(grayView(state, img.gray));
  const head = table.createTHead().insertRow();
  head.append(h('th', { scope: 'col', className: 'corner' }, h('span', { className: 'visually-hidden', text: 'row \\ column' })));
  for (let dc = -half; dc <= half; dc++) {
    const c = state.x + dc;
    head.append(h('th', { scope: 'col', text: c >= 0 && c < img.width ? String(c) : '' }));
  }
  const body = table.createTBody();
  for (let dr = -half; dr <= half; dr++) {
    const r = state.y + dr;
    const tr = body.insertRow();
    tr.append(h('th', { scope: 'row', text: r >= 0 && r < img.height ? String(r) : '' }));
    for (let dc = -half; dc <= half; dc++) {
      const c = state.x + dc;
      const td = tr.insertCell();
      if (r < 0 || c < 0 || r >= img.height || c >= img.width) {
        td.className = 'outside';
        continue;
      }
      const v = pixelAt(state, picture, r, c);
      const [R, G, B] = v.length === 1 ? [v[0], v[0], v[0]] : v;
      td.style.background = css([R, G, B]);
      td.style.color = inkFor(R, G, B);
      for (const n of v) td.append(h('span', { text: String(n) }));
      if (dr === 0 && dc === 0) {
        td.className = 'center';
        td.setAttribute('aria-current', 'true');
      }
    }
  }
  els.readout.textContent = describePixel(state, picture, state.y, state.x);
  placeLensBox(state, picture, els.canvas, els.box);
}

/** Reads the pixel under the lens out (a live region), after a key moved it. @param {{ announce: HTMLElement }} els */
export function announcePixel(state, picture, els) {
  els.announce.textContent = describePixel(state, picture, state.y, state.x);
}
