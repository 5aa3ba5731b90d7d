// plot.js - line charts on a canvas: a frame with a grid at round steps,
// labelled ticks, dashed or solid lines, and a dotted guide line. The train
// page draws its loss and accuracy curves with it. Only canvas calls: no other
// DOM, so it is tested in node with a recording context (tests/node/plot.test.mjs).
//
//   drawPlot(canvas, {
//     width: 560,                         // CSS pixels; the height is width * aspect
//     maxX: 3, maxY: 1,
//     xLabel: 'epochs',
//     yTick: (y) => `${Math.round(100 * y)}%`,
//     guide: { y: 0.1, label: 'guessing 10%' },
//     lines: [{ points: [{ x: 0.5, y: 0.6 }], colour: '#1f5fbf', dash: [5, 4], width: 1.5 }],
//   });
//
// The canvas is sized for the screen's devicePixelRatio and drawn in CSS
// pixels. Values outside [minY, maxY] are drawn at the edge; points whose y is
// not a finite number are left out, and a line of one point is a dot.

/** Margins around the frame (CSS pixels): left, right, top, bottom. */
const MARGIN = Object.freeze({ left: 48, right: 12, top: 10, bottom: 34 });
const INK = Object.freeze({ text: '#555b66', grid: '#e3e5e9', frame: '#9aa1ad', guide: '#8a8f98', guideText: '#6b717c' });

/**
 * A round step (1, 2 or 5 times a power of ten) that cuts `range` into about `ticks` parts.
 * @param {number} range
 * @param {number} ticks
 */
export function niceStep(range, ticks) {
  const raw = range / ticks, mag = 10 ** Math.floor(Math.log10(raw));
  const n = raw / mag;
  return (n < 1.5 ? 1 : n < 3 ? 2 : n < 7 ? 5 : 10) * mag;
}

/**
 * @typedef {object} PlotLine
 * @property {{ x: number, y: number }[]} points
 * @property {string} colour
 * @property {number[]} [dash]   the canvas's line dash ([] or none: solid)
 * @property {number} [width]    line width in CSS pixels (default 2)
 */

/**
 * @typedef {object} Plot
 * @property {number} [width]   the canvas's width in CSS pixels (default 560)
 * @property {number} [aspect]  height / width (default 0.54)
 * @property {number} maxX      the x axis runs from 0 to maxX
 * @property {number} maxY      the y axis runs from minY to maxY
 * @property {number} [minY]    the bottom of the y axis (default 0): above 0 it zooms in on the data
 * @property {string} [xLabel]  under the x axis
 * @property {(y: number, step: number) => string} [yTick]  a y tick's label (default: one decimal, two for small steps)
 * @property {(x: number) => string} [xTick]   an x tick's label (default: whole numbers as they are, others with two decimals)
 * @property {(maxX: number) => number} [xStep]  the step between x ticks (default niceStep(maxX, 6))
 * @property {{ y: number, label: string } | null} [guide]  a dotted horizontal line, labelled at its right end
 * @property {PlotLine[]} [lines]  drawn in order, the last on top
 */

const defaultYTick = (y, step) => y.toFixed(step < 0.1 ? 2 : 1);
const defaultXTick = (x) => (Number.isInteger(x) ? String(x) : x.toFixed(2));

/**
 * Draws a plot into a canvas (all of it: the canvas is cleared first).
 * @param {HTMLCanvasElement} canvas
 * @param {Plot} plot
 */
export function drawPlot(canvas, {
  width = 560, aspect = 0.54, maxX, maxY, minY = 0, xLabel = '', yTick = defaultYTick, xTick = defaultXTick,
  xStep = (m) => niceStep(m, 6), guide = null, lines = [],
}) {
  const dpr = globalThis.devicePixelRatio || 1;
  const cssW = width, cssH = Math.round(cssW * aspect);
  if (canvas.width !== Math.round(cssW * dpr) || canvas.height !== Math.round(cssH * dpr)) {
    canvas.width = Math.round(cssW * dpr); canvas.height = Math.round(cssH * dpr);
  }
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, cssW, cssH);
  const { left: L, right: R, top: T, bottom: B } = MARGIN;
  const w = cssW - L - R, h = cssH - T - B;
  const X = (x) => L + (x / maxX) * w, Y = (y) => T + h - ((Math.max(minY, Math.min(maxY, y)) - minY) / (maxY - minY)) * h;
  ctx.font = '12px system-ui, sans-serif';
  ctx.fillStyle = INK.text;
  ctx.strokeStyle = INK.grid;
  ctx.lineWidth = 1;
  const ys = niceStep(maxY - minY, 5);
  ctx.textAlign = 'right'; ctx.textBaseline = 'middle';
  for (let y = Math.ceil(minY / ys - 1e-9) * ys; y <= maxY + 1e-9; y += ys) {
    ctx.beginPath(); ctx.moveTo(L, Y(y)); ctx.lineTo(L + w, Y(y)); ctx.stroke();
    ctx.fillText(yTick(y, ys), L - 6, Y(y));
  }
  const xs = xStep(maxX);
  ctx.textAlign = 'center'; ctx.textBaseline = 'top';
  for (let x = 0; x <= maxX + 1e-9; x += xs) {
    ctx.beginPath(); ctx.moveTo(X(x), T); ctx.lineTo(X(x), T + h); ctx.stroke();
    ctx.fillText(xTick(x), X(x), T + h + 4);
  }
  ctx.fillText(xLabel, L + w / 2, T + h + 18);
  ctx.strokeStyle = INK.frame;
  ctx.strokeRect(L, T, w, h);
  if (guide && guide.y >= minY) {
    ctx.save();
    ctx.strokeStyle = INK.guide; ctx.setLineDash([2, 3]); ctx.lineWidth = 1.5;
    ctx.beginPath(); ctx.moveTo(L, Y(guide.y)); ctx.lineTo(L + w, Y(guide.y)); ctx.stroke();
    ctx.fillStyle = INK.guideText; ctx.textAlign = 'right'; ctx.textBaseline = 'bottom';
    ctx.fillText(guide.label, L + w - 4, Y(guide.y) - 2);
    ctx.restore();
  }
  for (const line of lines) {
    const pts = line.points.filter((p) => Number.isFinite(p.y));
    if (!pts.length) continue;
    ctx.save();
    ctx.strokeStyle = line.colour; ctx.fillStyle = line.colour; ctx.lineWidth = line.width ?? 2; ctx.setLineDash(line.dash ?? []);
    ctx.beginPath();
    pts.forEach((p, i) => (i ? ctx.lineTo(X(p.x), Y(p.y)) : ctx.moveTo(X(p.x), Y(p.y))));
    ctx.stroke();
    if (pts.length === 1) { ctx.beginPath(); ctx.arc(X(pts[0].x), Y(pts[0].y), 3, 0, 2 * Math.PI); ctx.fill(); }
    ctx.restore();
  }
}
