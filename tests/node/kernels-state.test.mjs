// The kernels page's state, without a browser: links read key by key (a key
// a link cannot mean falls back to its default, the rest is kept, a note says
// which and why), numbers read as a person types them, and why a view cannot
// be computed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultState, viewProblem, cellProblems, CLASS_KERNEL } from '../../web/kernels/state.js';
import { encodeHash, decodeHash } from '../../web/kernels/link.js';
import { readWhole, readDecimal } from '../../web/kernels/typed.js';
import { defaultLayer } from '../../web/kernels/layer.js';

/** A view unlike the default in every key. */
function fullState() {
  return {
    ...defaultState(),
    image: 'coffee', mode: 'sum', k1: 3, k2: 5, preset: 'custom',
    kernels: [
      ['1', '0', '-1', '2', '0', '-2', '1', '0', '-1', '1/2', '3', '4', '5', '6', '7'],
      ['0', '1', '0', '1', '-4', '1', '0', '1', '0', '.5', '1', '1', '1', '1', '1'],
      ['1/9', '1/9', '1/9', '1/9', '1/9', '1/9', '1/9', '1/9', '1/9', '0', '0', '0', '0', '0', '2'],
    ],
    normalise: true, bias: -3.5, pad: 'reflect', stride: 2, display: 'abs', sel: [17, 42],
    layer: defaultLayer(3, 5, 3),
  };
}

/** The hash of `state` with `key` set to `value` (the key is added if the state's link has none). */
function withKey(state, key, value) {
  const p = new URLSearchParams(encodeHash(state).slice(1));
  p.set(key, value);
  return `#${p}`;
}

test('an empty hash is the default view, with nothing to say', () => {
  for (const hash of ['', '#', undefined, null]) {
    const { state, ignored, unknown, notes } = decodeHash(hash);
    assert.deepEqual(state, defaultState());
    assert.deepEqual([ignored, unknown, notes], [[], [], []]);
  }
});

test('a link made by the page opens the same view, with nothing to say', () => {
  const gaussian = { ...defaultState(), image: 'camera', preset: 'gaussian', sigma: 2.5, kernels: [['1', '2', '1', '2', '4', '2', '1', '2', '1'], CLASS_KERNEL.slice(), CLASS_KERNEL.slice()] };
  const magnitude = { ...defaultState(), image: 'astronaut', mode: 'channels', preset: 'magnitude', pad: 'edge' };
  for (const s of [defaultState(), fullState(), gaussian, magnitude]) {
    const { state, notes } = decodeHash(encodeHash(s));
    assert.deepEqual(notes, []);
    assert.equal(encodeHash(state), encodeHash(s));
    if (s.preset !== 'magnitude') assert.deepEqual(state.kernels.slice(0, s.mode === 'sum' ? 3 : 1), s.kernels.slice(0, s.mode === 'sum' ? 3 : 1));
  }
});

test('each key a link cannot mean falls back alone to its default; the rest of the link is kept', () => {
  const good = fullState();
  const d = defaultState();
  // key, a value it cannot mean, the state field, and the rule the note gives
  const cases = [
    ['img', 'bogus', 'image', /the image is dot, grid5, camera, astronaut, coffee, chelsea or retina\): using dot\./],
    ['pad', 'circular', 'pad', /the padding is valid, zero, reflect or edge\): using valid\./],
    ['stride', '9', 'stride', /^This link’s “stride=9” was ignored \(the stride must be from 1 to 4\): using 1\.$/],
    ['stride', '0x2', 'stride', /“stride=0x2” was ignored/],
    ['stride', '1e0', 'stride', /“stride=1e0” was ignored/],
    ['stride', '2.5', 'stride', /“stride=2\.5” was ignored/],
    ['stride', '', 'stride', /“stride=” was ignored/],
    ['display', 'rainbow', 'display', /the display is auto, clamp, abs or diverging\): using auto\./],
    ['norm', 'yes', 'normalise', /normalise is 0 or 1\): using 0\./],
    ['bias', 'abc', 'bias', /“bias=abc” was ignored \(the bias holds “abc”, which is not a number\): using 0\./],
    ['bias', '1/0', 'bias', /the bias holds “1\/0”, which divides by 0/],
    ['px', '3', 'sel', /“px=3” was ignored \(the selected pixel is written row,column, such as 2,3\): using 0,0\./],
    ['px', '-1,2', 'sel', /“px=-1,2” was ignored/],
    ['px', '0x1,2', 'sel', /“px=0x1,2” was ignored/],
  ];
  for (const [key, value, field, note] of cases) {
    const { state, ignored, notes } = decodeHash(withKey(good, key, value));
    assert.equal(notes.length, 1, `${key}=${value}: ${JSON.stringify(notes)}`);
    assert.deepEqual(ignored.map((i) => i.short), [key]);
    assert.match(notes[0], note);
    assert.deepEqual(state, { ...good, [field]: d[field] }, `${key}=${value}: only ${field} falls back`);
  }
  // mode: the G and B kernels mean nothing without the multi-channel mode, the rest stays
  const { state, ignored } = decodeHash(withKey(good, 'mode', 'rgb'));
  assert.deepEqual(ignored.map((i) => i.short), ['mode']);
  assert.equal(state.mode, 'gray');
  assert.deepEqual([state.k1, state.k2, state.kernels[0], state.pad, state.stride], [3, 5, good.kernels[0], 'reflect', 2]);
  // sigma (only a Gaussian preset writes it; any link may carry it)
  const g = decodeHash(withKey({ ...good, preset: 'gaussian' }, 'sigma', '1e1'));
  assert.deepEqual(g.notes, ['This link’s “sigma=1e1” was ignored (σ is a number from 0.1 to 10): using 1.']);
  assert.deepEqual(g.state, { ...good, preset: 'gaussian', sigma: 1 });
  assert.equal(decodeHash(withKey(good, 'sigma', '11')).notes.length, 1);
  assert.equal(decodeHash(withKey(good, 'sigma', '0.5')).state.sigma, 0.5);
});

test('the kernel’s keys fall back together, and the notes say so', () => {
  const d = defaultState();
  const kernelOf = (s) => ({ k1: s.k1, k2: s.k2, preset: s.preset, kernels: s.kernels });
  const cases = [
    ['#img=camera&k=99x3&w=1,2&pad=zero', ['k', 'w'], /^This link’s “k=99x3” was ignored \(kernel rows and columns are 1 to 15\): using 3x3\. This link’s “w=1,2” was ignored \(it goes with “k”, which was ignored\): using 0,1,2,2,2,0,0,1,2\.$/],
    ['#img=camera&k=3by3&w=1,2,3,4,5,6,7,8,9&pad=zero', ['k', 'w'], /“k=3by3” was ignored \(the kernel size is written rows x columns, such as 3x3\).*“w=1,2,3,4,5,6,7,8,9” was ignored \(it goes with “k”/],
    ['#img=camera&k=3x3&w=1,2,3,4,x,6,7,8,9&pad=zero', ['k', 'w'], /“k=3x3” was ignored \(it goes with “w”, which was ignored\).*\(w= holds “x”, which is not a number\)/],
    ['#img=camera&k=5x5&preset=box&w=1,2,3&pad=zero', ['k', 'preset', 'w'], /“k=5x5” was ignored \(it goes with “w”.*“preset=box” was ignored \(it goes with “w”.*: using class\..*“w=1,2,3” was ignored \(the kernel size needs 25 numbers in w=, it has 3\)/],
    ['#img=camera&k=5x5&preset=box&pad=zero', ['k', 'preset'], /“k=5x5” was ignored \(the link has no kernel numbers, w=\).*“preset=box” was ignored \(it goes with “k”/],
    ['#img=camera&mode=sum&k=2x2&w=1,2,3&wg=1,1,1,1&wb=1,1,1,1&pad=zero', ['k', 'w', 'wg', 'wb'], /“wg=1,1,1,1” was ignored \(it goes with “w”, which was ignored\)/],
  ];
  for (const [hash, keys, note] of cases) {
    const { state, ignored, notes } = decodeHash(hash);
    assert.deepEqual(ignored.map((i) => i.short), keys, hash);
    assert.equal(notes.length, keys.length, `${hash}: one note per key: ${JSON.stringify(notes)}`);
    assert.match(notes.join(' '), note);
    assert.deepEqual(kernelOf(state), kernelOf(d), `${hash}: the default kernel`);
    assert.deepEqual([state.image, state.pad], ['camera', 'zero'], `${hash}: the rest is kept`);
  }
  // The G or B kernel alone: it becomes a copy of the R kernel, the rest is kept.
  const { state, ignored, notes } = decodeHash('#mode=sum&k=1x2&w=1,2&wg=3&wb=5,6');
  assert.deepEqual(ignored.map((i) => i.short), ['wg']);
  assert.match(notes[0], /“wg=3” was ignored \(the kernel size needs 2 numbers in wg=, it has 1\): using a copy of w=, the R kernel\./);
  assert.deepEqual(state.kernels, [['1', '2'], ['1', '2'], ['5', '6']]);
  // No kernel in the link at all is the default one, silently.
  assert.deepEqual(decodeHash('#img=camera&stride=2').notes, []);
});

test('presets a link cannot mean', () => {
  let r = decodeHash('#k=3x3&preset=fancy&w=1,2,3,4,5,6,7,8,9');
  assert.deepEqual(r.notes, ['This link’s “preset=fancy” was ignored (no such preset): using custom.']);
  assert.deepEqual([r.state.preset, r.state.kernels[0].join(',')], ['custom', '1,2,3,4,5,6,7,8,9']);
  r = decodeHash('#mode=gray&k=1x1&preset=luma&w=0.299');
  assert.match(r.notes[0], /“preset=luma” was ignored \(that preset is for the multi-channel mode, mode=sum\)/);
  assert.equal(r.state.preset, 'custom');
  r = decodeHash('#mode=sum&preset=magnitude&pad=edge');
  assert.match(r.notes[0], /“preset=magnitude” was ignored \(the gradient magnitude has no multi-channel sum\): using class\./);
  assert.deepEqual([r.state.preset, r.state.mode, r.state.pad], ['class', 'sum', 'edge']);
  r = decodeHash('#preset=magnitude&k=99x99');
  assert.deepEqual([r.state.preset, r.state.k1, r.state.k2], ['magnitude', 3, 3]);
  assert.deepEqual(r.ignored.map((i) => i.short), ['k']);
});

test('several bad keys: one note each; the names the page does not know are said too', () => {
  const { state, ignored, unknown, notes } = decodeHash('#strid=2&img=coffee&pad=none&stride=7&px=1,1&foo');
  assert.deepEqual(ignored.map((i) => i.short), ['pad', 'stride']);
  assert.deepEqual(unknown, ['strid', 'foo']);
  assert.equal(notes.length, 3);
  assert.equal(notes[2], 'This link has names the page does not know, ignored: “strid”, “foo”.');
  assert.deepEqual([state.image, state.pad, state.stride, state.sel], ['coffee', 'valid', 1, [1, 1]]);
  // the link's own own-image key, kept as before
  const own = decodeHash('#img=own&pad=zero');
  assert.match(own.notes[0], /an image of someone’s own, which a link cannot carry: showing the sample photo instead/);
  assert.deepEqual([own.state.image, own.state.pad], ['camera', 'zero']);
  // a long value is cut in the note
  const long = decodeHash(`#display=${'x'.repeat(500)}`);
  assert.ok(long.notes[0].length < 200, long.notes[0]);
  assert.match(long.notes[0], /“display=x+…”/);
});

test('whatever a link holds, the view read from it is one the page can write back without a note', () => {
  const odd = ['#%', '#&&&', '#=', '#==', '#w', '#k=', '#k=x', '#k=0x0', '#k=16x1', '#px=,', '#px=1,2,3', '#w=,,,', '#mode=sum&wg=',
    '#bias=1e309', '#bias=-1e7', '#sigma=NaN', '#sigma=Infinity', '#stride=-1', '#img=__proto__', '#preset=constructor',
    '#k=3x3&w=1,2,3,4,5,6,7,8,9&k=1x1', `#w=${'1,'.repeat(10000)}`, '#%E2%88%92=1', '#img=camera%00'];
  for (const hash of odd) {
    const { state } = decodeHash(hash);
    assert.deepEqual(decodeHash(encodeHash(state)).notes, [], hash);
  }
});

test('numbers are read as a person types them: no hex, no exponent, whole numbers in range', () => {
  assert.deepEqual(readWhole('2', 0, 4), { ok: true, value: 2 });
  assert.deepEqual(readWhole(' 3 ', 0, 4), { ok: true, value: 3 });
  assert.deepEqual(readWhole('-0', 0, 4), { ok: true, value: 0 });
  assert.deepEqual(readWhole('0x10', 0, 99), { ok: false, problem: '“0x10” is not a number' });
  assert.deepEqual(readWhole('1e1', 0, 99), { ok: false, problem: '“1e1” is not a number' });
  assert.deepEqual(readWhole('Infinity', 0, 99), { ok: false, problem: '“Infinity” is not a number' });
  assert.deepEqual(readWhole('1.5', 0, 4), { ok: false, problem: '“1.5” is not a whole number' });
  assert.deepEqual(readWhole('5', 0, 4), { ok: false, problem: '5 is too large' });
  assert.deepEqual(readWhole('-1', 0, 4), { ok: false, problem: '-1 is too small' });
  assert.deepEqual(readWhole('', 0, 4), { ok: false, problem: 'Empty' });
  assert.deepEqual(readWhole(null, 0, 4), { ok: false, problem: 'Not a number' });
  assert.deepEqual(readDecimal('.5', 0.1, 10), { ok: true, value: 0.5 });
  assert.deepEqual(readDecimal('2.', 0.1, 10), { ok: true, value: 2 });
  assert.deepEqual(readDecimal('0x1', 0.1, 10), { ok: false, problem: '“0x1” is not a number' });
  assert.deepEqual(readDecimal('1e0', 0.1, 10), { ok: false, problem: '“1e0” is not a number' });
  assert.deepEqual(readDecimal('0.05', 0.1, 10), { ok: false, problem: '0.05 is too small' });
});

test('why a view cannot be computed: the kernel does not fit, or a cell is not a number', () => {
  const s = defaultState();
  assert.equal(viewProblem(s, 3, 3), null);
  assert.equal(viewProblem(s, null, null), null, 'no image yet: only the cells count');
  // 5 x 3 on the 3 x 3 dot, without padding: no output; with padding there is one.
  const tall = { ...s, k1: 5, k2: 3, kernels: [Array(15).fill('1'), Array(15).fill('1'), Array(15).fill('1')] };
  const p = viewProblem(tall, 3, 3);
  assert.equal(p.kind, 'no-output');
  assert.equal(p.fit, 'The 5 × 3 kernel does not fit in X, 3 rows × 3 columns, without padding: choose a padding, or a kernel of at most 3 rows × 3 columns.');
  assert.equal(viewProblem({ ...tall, pad: 'zero' }, 3, 3), null);
  assert.equal(viewProblem(s, 1, 1).kind, 'no-output', 'a 1 x 1 image');
  assert.equal(viewProblem({ ...s, pad: 'edge', stride: 4 }, 1, 1), null);
  // A cell that is not a number, in the kernels in use only.
  const bad = { ...s, kernels: [['0', 'abc', '2', '2', '2', '0', '0', '1', ''], CLASS_KERNEL.slice(), ['x']] };
  const q = viewProblem(bad, 3, 3);
  assert.equal(q.kind, 'not-numbers');
  assert.equal(q.text, 'W[0, 1] holds “abc”, which is not a number (and 1 more cell).');
  assert.deepEqual(q.cells.map((c) => [c.kernel, c.cell, c.label]), [[0, 1, 'W[0, 1]'], [0, 8, 'W[2, 2]']]);
  const sum = cellProblems({ ...bad, mode: 'sum', kernels: [CLASS_KERNEL.slice(), CLASS_KERNEL.slice(), ['1', '1', '1', '1', '1', '1', '1', '1', '1/0']] });
  assert.deepEqual(sum.map((c) => c.label), ['W_B[2, 2]']);
  assert.equal(viewProblem({ ...bad, preset: 'magnitude' }, 3, 3), null, 'the gradient magnitude has no cells');
  // Both: there is no output, and the cells are still named.
  const both = viewProblem({ ...bad, k1: 3, k2: 3, stride: 1 }, 2, 2);
  assert.equal(both.kind, 'no-output');
  assert.match(both.text, /^The 3 × 3 kernel does not fit in X, 2 rows × 2 columns, .* W\[0, 1\] holds “abc”/);
  assert.equal(both.cells.length, 2);
});
