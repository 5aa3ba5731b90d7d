// lib/plot.js: round steps for the axes, and what a plot draws, read from a
// canvas whose 2D context records every call.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { niceStep, drawPlot } from '../../web/lib/plot.js';

/** A canvas whose context records calls ([name, ...args]) and the style each stroke or fill used. */
function recordingCanvas() {
  const calls = [];
  const ctx = new Proxy({}, {
    get(target, key) {
      if (key in target) return target[key];
      return (...args) => calls.push([key, ...args, { stroke: target.strokeStyle, fill: target.fillStyle, dash: target.dash }]);
    },
    set(target, key, value) { target[key] = value; return true; },
  });
  ctx.setLineDash = (d) => { ctx.dash = d; };
  const canvas = { width: 0, height: 0, getContext: () => ctx };
  return { canvas, calls, texts: () => calls.filter((c) => c[0] === 'fillText').map((c) => c[1]) };
}

test('steps are 1, 2 or 5 times a power of ten, about range / ticks', () => {
  assert.equal(niceStep(1, 5), 0.2);
  assert.equal(niceStep(2.5, 5), 0.5);
  assert.equal(niceStep(5.25, 5), 1);
  assert.equal(niceStep(3, 6), 0.5);
  assert.equal(niceStep(100, 6), 20);
  assert.equal(niceStep(8, 6), 1);
  assert.equal(niceStep(0.5, 6), 0.1);
});

test('ticks are labelled, the guide line named, the x axis labelled', () => {
  const { canvas, texts } = recordingCanvas();
  drawPlot(canvas, {
    maxX: 3, maxY: 1, xLabel: 'epochs', yTick: (y) => `${Math.round(100 * y)}%`, guide: { y: 0.1, label: 'guessing 10%' },
    xStep: (m) => Math.max(niceStep(m, 6), m <= 1 ? 0.25 : 1),
  });
  assert.deepEqual(texts(), ['0%', '20%', '40%', '60%', '80%', '100%', '0', '1', '2', '3', 'epochs', 'guessing 10%']);
  const loss = recordingCanvas();
  drawPlot(loss.canvas, { maxX: 1, maxY: 2.5 });
  assert.deepEqual(loss.texts(), ['0.0', '0.5', '1.0', '1.5', '2.0', '2.5', '0', '0.20', '0.40', '0.60', '0.80', '1', ''], 'the default labels');
  const fine = recordingCanvas();
  drawPlot(fine.canvas, { maxX: 1, maxY: 0.25 });
  assert.deepEqual(fine.texts().slice(0, 6), ['0.00', '0.05', '0.10', '0.15', '0.20', '0.25'], 'two decimals for small steps');
});

test('lines: points that are not numbers are left out, one point is a dot, values beyond the axis stay in the frame', () => {
  const { canvas, calls } = recordingCanvas();
  drawPlot(canvas, {
    width: 560, maxX: 2, maxY: 1,
    lines: [
      { points: [{ x: 0, y: 0.5 }, { x: 1, y: NaN }, { x: 2, y: 7 }], colour: '#c2410c', dash: [5, 4], width: 1.5 },
      { points: [{ x: 1, y: 0.25 }], colour: '#15803d' },
      { points: [{ x: 1, y: Infinity }], colour: '#000000' },
    ],
  });
  const orange = calls.filter((c) => c.at(-1).stroke === '#c2410c');
  const moves = orange.filter((c) => c[0] === 'moveTo' || c[0] === 'lineTo');
  assert.equal(moves.length, 2, 'the NaN point is skipped');
  assert.deepEqual(orange.find((c) => c[0] === 'stroke').at(-1).dash, [5, 4]);
  // 560 x 302 CSS pixels, margins 48, 12, 10, 34: the frame's top is y = 10
  assert.equal(moves[1][2], 10, 'y = 7 is drawn at the top of the frame (maxY 1)');
  assert.equal(calls.filter((c) => c[0] === 'arc').length, 1, 'a dot for the one-point line');
  assert.equal(calls.filter((c) => c.at(-1).stroke === '#000000').length, 0, 'a line with no finite point draws nothing');
});

test('the canvas is sized for the screen: CSS width times devicePixelRatio, height by the aspect', () => {
  const { canvas } = recordingCanvas();
  globalThis.devicePixelRatio = 2;
  try {
    drawPlot(canvas, { width: 400, maxX: 1, maxY: 1 });
  } finally {
    delete globalThis.devicePixelRatio;
  }
  assert.equal(canvas.width, 800);
  assert.equal(canvas.height, 2 * Math.round(400 * 0.54));
});

test('a y axis zoomed in (minY above 0): ticks from minY, values placed between minY and maxY, a guide below it left out', () => {
  const { canvas, calls, texts } = recordingCanvas();
  drawPlot(canvas, {
    width: 560, maxX: 1, minY: 0.8, maxY: 1, yTick: (y) => `${Math.round(100 * y)}%`, guide: { y: 0.1, label: 'guessing 10%' },
    lines: [{ points: [{ x: 0, y: 0.8 }, { x: 0.5, y: 0.9 }, { x: 1, y: 0.5 }], colour: '#c2410c' }],
  });
  assert.deepEqual(texts().slice(0, 5), ['80%', '85%', '90%', '95%', '100%']);
  assert.ok(!texts().includes('guessing 10%'), 'the guide is below the axis');
  const ys = calls.filter((c) => c.at(-1).stroke === '#c2410c' && (c[0] === 'moveTo' || c[0] === 'lineTo')).map((c) => c[2]);
  // 560 x 302 CSS pixels, margins 48, 12, 10, 34: the frame runs from y = 10 to y = 268
  assert.deepEqual(ys, [268, 139, 268], '80% at the bottom, 90% half-way, 50% at the bottom edge');
});
