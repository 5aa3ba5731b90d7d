// The train page's presets, its shapes as the lesson writes them, the link
// that opens a filter on the kernels page, the learning-rate decay's rule,
// and a picture made 28 x 28 (web/train/state.js, web/train/reduce.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultSettings, validateSettings, presetSpecs, shapeText, shapeWords, kernelLink, weightText, decodeHash, encodeHash } from '../../web/train/state.js';
import { toImage28 } from '../../web/train/reduce.js';
import { PRESET_SPECS } from '../../web/lib/limits.js';

test('the page’s default MLP and CNN are lib/limits.js PRESET_SPECS (what the landing page measures)', () => {
  assert.deepEqual(presetSpecs(), { ...PRESET_SPECS });
  assert.equal(PRESET_SPECS.cnn, 'conv3x3x8-relu-maxpool2-conv3x3x16-relu-dense64-relu-dense10-softmax');
});

test('shapes are written (height, width, channels); a vector by its length', () => {
  assert.equal(shapeText([1, 28, 28]), '(28, 28, 1)');
  assert.equal(shapeText([8, 26, 24]), '(26, 24, 8)');
  assert.equal(shapeText([64, 1, 1]), '(64)');
  assert.equal(shapeWords([8, 26, 24]), '26 rows, 24 columns, 8 channels');
  assert.equal(shapeWords([1, 28, 28]), '28 rows, 28 columns, 1 channel');
  assert.equal(shapeWords([10, 1, 1]), 'a vector of 10');
});

test('a first-layer filter’s link to the kernels page carries its numbers, row after row', () => {
  const w = Float32Array.from([0.12345, -0.5, 2, -0.00001, 0, 1 / 3, -1.0005, 7.77777, -0.0004]);
  const href = kernelLink(w, 3, 3);
  assert.equal(href, 'kernels.html#img=camera&mode=gray&k=3x3&preset=custom&w=0.123,-0.5,2,0,0,0.333,-1,7.778,0&pad=zero&display=auto');
  assert.equal(weightText(-0.0004), '0', 'no “-0”');
  assert.match(kernelLink(new Float32Array(25).fill(0.25), 5, 5), /&k=5x5&.*w=(0\.25,){24}0\.25&/);
});

test('the learning-rate decay and keeping the best epoch: settings of the link, checked', () => {
  const check = (s) => validateSettings({ ...defaultSettings(), ...s }, { trainSize: 10000 });
  assert.equal(check({ decay: '1' }).values.decay, 1);
  assert.equal(check({ decay: '0' }).errors.decay, 'The learning-rate decay must be greater than 0');
  assert.equal(check({ decay: '1.5' }).errors.decay, 'The learning-rate decay can be at most 1 (1 keeps the rate as it is)');
  assert.equal(check({ decay: 'x' }).errors.decay, 'The learning-rate decay must be a number, like 0.85');
  const link = decodeHash('#decay=0.9&best=0');
  assert.equal(link.settings.decay, '0.9');
  assert.equal(link.settings.best, false);
  assert.deepEqual(link.ignored, []);
  const bad = decodeHash('#decay=2');
  assert.equal(bad.settings.decay, '0.75');
  assert.deepEqual(bad.ignored.map((i) => i.key), ['decay']);
  assert.match(encodeHash({ ...defaultSettings(), decay: '0.7', best: false }), /decay=0\.7.*best=0/);
});

test('a picture made 28 x 28: fitted, centred, luma averaged over the pixels each covers, inverted on request', () => {
  // 56 x 28: white left half, black right half -> 28 x 14, centred in rows 7 to 20
  const width = 56, height = 28, data = new Uint8Array(4 * width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.fill(x < 28 ? 255 : 0, 4 * (y * width + x), 4 * (y * width + x) + 3);
  const g = toImage28({ data, width, height }, false);
  assert.equal(g.length, 784);
  assert.equal(g[0], 0, 'the band above is black');
  assert.equal(g[7 * 28 + 0], 255);
  assert.equal(g[7 * 28 + 13], 255);
  assert.equal(g[7 * 28 + 14], 0);
  assert.equal(g[20 * 28 + 5], 255);
  assert.equal(g[21 * 28 + 5], 0, 'the band below is black');
  const inv = toImage28({ data, width, height }, true);
  assert.equal(inv[7 * 28 + 0], 0);
  assert.equal(inv[7 * 28 + 14], 255);
  assert.equal(inv[0], 0, 'the bands stay black: the picture’s background is what is inverted');
  // a 28 x 28 gray picture comes through as it is; a colour pixel becomes its luma
  const same = new Uint8Array(4 * 784);
  for (let i = 0; i < 784; i++) same.fill(i % 256, 4 * i, 4 * i + 3);
  assert.deepEqual(Array.from(toImage28({ data: same, width: 28, height: 28 }, false)), Array.from({ length: 784 }, (_, i) => i % 256));
  const red = new Uint8Array([200, 0, 0, 255]);
  assert.equal(toImage28({ data: red, width: 1, height: 1 }, false)[14 * 28 + 14], Math.round(0.299 * 200));
});
