// controls.js - the kernels page's settings shown in its controls (sections 1
// to 3), the image's shape, the output-shape formula, the display hint and
// the page's message lines. Views: they read the page's state and never
// change it (main.js does, then calls them).
import { h, say } from '../lib/dom.js';
import { SAMPLES } from '../lib/image-source.js';
import { MAX_KERNEL } from '../lib/limits.js';
import { outShape, fmt } from './arithmetic.js';
import { MATRICES, PRESETS, SPEEDS, presetById, isMagnitude, isLayer, kernelSize, planesOf, outPlanes } from './state.js';
import { MAX_MAPS, LAYER_PRESETS, DENSE_UNITS, paramCounts, grouped } from './layer.js';

/** @typedef {import('./elements.js').Elements} Elements */
/** @typedef {import('./page.js').PageState} PageState */

/**
 * A field's message next to it (its aria-describedby): `text`, or '' when the field is good.
 * @param {HTMLElement} input
 * @param {HTMLElement} errorEl
 * @param {string} text
 */
export function fieldError(input, errorEl, text) {
  errorEl.textContent = text;
  if (text) input.setAttribute('aria-invalid', 'true');
  else input.removeAttribute('aria-invalid');
}

/** The choices of the image, preset and kernel size menus (once, at the start). @param {Elements} el */
export function fillSelects(el) {
  const add = (parent, value, label) => parent.append(new Option(label, value));
  const classGroup = h('optgroup', { label: 'The class’s numbers' });
  for (const [id, m] of Object.entries(MATRICES)) add(classGroup, id, m.label);
  const photos = h('optgroup', { label: 'Photos' });
  // The sample's name alone: its size is said the lesson's way, (height, width, channels), once it is X.
  for (const s of SAMPLES) add(photos, s.name, `Photo: ${s.label.split(' (')[0]}`);
  el.imageSelect.append(classGroup, photos);
  for (const p of PRESETS) add(el.preset, p.id, p.label);
  for (let k = 1; k <= MAX_KERNEL; k++) {
    add(el.k1, String(k), String(k));
    add(el.k2, String(k), String(k));
  }
  for (let n = 1; n <= MAX_MAPS; n++) add(el.count, String(n), String(n));
  for (const p of LAYER_PRESETS) add(el.layerPreset, p.id, p.label);
  for (const sp of SPEEDS) add(el.speed, sp.id, sp.label);
}

/** X's shape the lesson's way: (height, width) for one channel, (height, width, channels) for more. */
export function shapeText(height, width, channels) {
  return channels ? `(${height}, ${width}, ${channels})` : `(${height}, ${width})`;
}

/**
 * Every control as the settings say; a field being typed in (σ, the bias)
 * keeps its text. The selected pixel's fields lose their messages.
 * @param {PageState} state
 * @param {Elements} el
 */
export function renderControls(state, el) {
  const s = state.settings;
  if (state.image?.id === 'own') {
    let own = el.imageSelect.querySelector('option[value="own"]');
    if (!own) {
      own = new Option('', 'own');
      el.imageSelect.append(own);
    }
    own.textContent = `Your image: ${state.image.name} (height ${state.image.height}, width ${state.image.width})`;
  }
  el.imageSelect.value = s.image;
  renderLayerControls(state, el);
  for (const opt of el.preset.options) {
    const p = presetById(opt.value);
    opt.disabled = (p.sumOnly && s.mode !== 'sum') || (p.id === 'magnitude' && s.mode === 'sum');
  }
  renderPresetChoice(state, el);
  if (document.activeElement !== el.sigma) {
    el.sigma.value = String(s.sigma);
    fieldError(el.sigma, el.sigmaError, '');
  }
  const [k1, k2] = kernelSize(s);
  el.k1.value = String(k1);
  el.k2.value = String(k2);
  el.k1.disabled = el.k2.disabled = el.normalise.disabled = isMagnitude(s);
  el.normalise.checked = s.normalise && !isMagnitude(s);
  for (const r of el.modes) r.checked = r.value === s.mode;
  el.pad.value = s.pad;
  el.stride.value = String(s.stride);
  el.display.value = s.display;
  el.scale.value = s.scale;
  el.speed.value = state.speed;
  el.display.querySelector('option[value="diverging"]').disabled = planesOf(s) !== 1;
  el.biasField.hidden = s.mode !== 'sum';
  if (document.activeElement !== el.bias) el.bias.value = String(s.bias);
  renderPixelFields(state, el);
  clearPixelErrors(el);
  renderImageShape(state, el);
  renderFormula(state, el);
  renderDisplayHint(state, el);
}

/** The preset menu, and σ beside it for the Gaussian. @param {PageState} state @param {Elements} el */
export function renderPresetChoice(state, el) {
  el.preset.value = state.settings.preset;
  el.sigmaField.hidden = state.settings.preset !== 'gaussian' || isLayer(state.settings);
}

/**
 * Section 2 in the layer mode: N, the layer's preset, ReLU, the kernel being
 * edited and its bias; the single kernel's controls otherwise.
 * @param {PageState} state
 * @param {Elements} el
 */
export function renderLayerControls(state, el) {
  const s = state.settings, layer = isLayer(s);
  el.kernelTitle.textContent = layer ? '2. The kernels W_0 … W_(N−1) of the layer' : '2. The kernel W';
  for (const f of el.singleOnly) f.hidden = layer;
  el.layerControls.hidden = el.layerBiasField.hidden = !layer;
  if (!layer) return;
  el.count.value = String(s.layer.n);
  el.layerPreset.value = s.layer.preset;
  el.relu.checked = s.layer.relu;
  if (el.editMap.options.length !== s.layer.n) {
    el.editMap.replaceChildren(...Array.from({ length: s.layer.n }, (_, n) => new Option(`W_${n}`, String(n))));
  }
  el.editMap.value = String(s.map);
  el.layerBiasLabel.textContent = `Kernel ${s.map}’s bias b_${s.map}`;
  if (document.activeElement !== el.layerBias) {
    el.layerBias.value = String(s.layer.biases[s.map]);
    fieldError(el.layerBias, el.layerBiasError, '');
  }
}

/** The selected pixel's row and column fields (their largest values once there is a result). @param {PageState} state @param {Elements} el */
export function renderPixelFields(state, el) {
  if (state.drawn) {
    el.j1.max = String(state.drawn.height - 1);
    el.j2.max = String(state.drawn.width - 1);
  }
  el.j1.value = String(state.settings.sel[0]);
  el.j2.value = String(state.settings.sel[1]);
  el.mapField.hidden = !isLayer(state.settings);
  el.map.max = String(state.settings.layer.n - 1);
  el.map.value = String(state.settings.map);
}

/** @param {Elements} el */
export function clearPixelErrors(el) {
  fieldError(el.j1, el.j1Error, '');
  fieldError(el.j2, el.j2Error, '');
  fieldError(el.map, el.mapError, '');
}

/** X's shape, as the kernel sees it. @param {PageState} state @param {Elements} el */
export function renderImageShape(state, el) {
  const image = state.image;
  if (!image) return;
  const { width: w, height: ht } = image;
  const s = state.settings;
  const from = image.scaledFrom ? ` (scaled down from height ${image.scaledFrom.height}, width ${image.scaledFrom.width})` : '';
  const c = isLayer(s) ? s.channels : 3;
  el.imageShape.replaceChildren(h('span', {
    text: s.mode === 'gray'
      ? `X as the kernel sees it: a matrix of ${ht} rows × ${w} columns, shape ${shapeText(ht, w)}, numbers 0–255${from}.`
      : c === 1 ? `X: ${ht} rows × ${w} columns × 1 channel (gray), shape ${shapeText(ht, w, 1)}, numbers 0–255${from}.`
        : `X: ${ht} rows × ${w} columns × 3 channels (R, G, B), shape ${shapeText(ht, w, 3)}, numbers 0–255${from}.`,
  }));
}

/** The output-shape formula, written out for each axis with this image's numbers. @param {PageState} state @param {Elements} el */
export function renderFormula(state, el) {
  const { image, settings: s } = state;
  if (!image) return;
  const [k1, k2] = kernelSize(s);
  const { rows, cols } = outShape(image.height, image.width, k1, k2, s.pad, s.stride);
  const padText = (p, ax, a, b, what) => `${p} = ${ax.total}: ${s.pad === 'valid' ? 'no padding' : `${what} of padding, ${ax.before} ${a} + ${ax.after} ${b}`}`;
  const lines = [
    ['Rows', 'OH = ⌊(H − K1 + P1) / s⌋ + 1', rows.text, padText('P1', rows, 'above', 'below', 'rows')],
    ['Columns', 'OW = ⌊(W − K2 + P2) / s⌋ + 1', cols.text, padText('P2', cols, 'left', 'right', 'columns')],
  ];
  el.formula.replaceChildren(...lines.map(([name, general, numbers, pad]) => h('div', { className: 'k-formula-line', dataset: { axis: name.toLowerCase() } },
    h('span', { className: 'k-formula-name', text: `${name}:` }), ' ', h('span', { className: 'mono', text: general }), h('br'),
    h('span', { className: 'mono k-formula-numbers', text: `= ${numbers}` }), h('br'),
    h('span', { className: 'muted k-formula-numbers', text: pad }))));
  const shape = h('div', { className: 'k-formula-line' });
  if (rows.out < 1 || cols.out < 1) {
    shape.textContent = 'No output: without padding the kernel is larger than the image. Choose a smaller kernel or a padding.';
    shape.dataset.kind = 'error';
  } else if (isLayer(s)) {
    shape.textContent = `Z has shape ${shapeText(rows.out, cols.out, s.layer.n)}: ${s.layer.n} feature map${s.layer.n > 1 ? 's' : ''}, one per kernel.`;
  } else {
    shape.textContent = outPlanes(s) === 1
      ? `Z has shape ${shapeText(rows.out, cols.out)}: one output channel.`
      : `Z has shape ${shapeText(rows.out, cols.out, 3)}: one output channel per colour channel.`;
  }
  el.formula.append(shape);
  renderParamCount(state, el);
}

/**
 * The lesson's point that a fully connected layer is impractical on real
 * images, for the image on screen and the layer in the editor.
 * @param {PageState} state
 * @param {Elements} el
 */
function renderParamCount(state, el) {
  const { image, settings: s } = state;
  el.paramCount.hidden = !isLayer(s);
  if (!isLayer(s)) return;
  const c = s.channels, n = s.layer.n;
  const { dense, conv } = paramCounts(image.height, image.width, c, s.k1, s.k2, n);
  el.paramCount.replaceChildren(
    `Weights, for this image of shape ${shapeText(image.height, image.width, c)}: a dense layer of ${DENSE_UNITS} units on it needs `,
    h('strong', { className: 'mono', text: `${image.height} × ${image.width} × ${c} × ${DENSE_UNITS} + ${DENSE_UNITS} = ${grouped(dense)}` }),
    ' weights; this convolutional layer needs ',
    h('strong', { className: 'mono', text: `${s.k1} × ${s.k2} × ${c} × ${n} + ${n} = ${grouped(conv)}` }),
    `, whatever the size of the image: each kernel is slid over all of it, and sees only ${s.k1} × ${s.k2} neighbouring pixels at a time.`);
}

/** How the result is shown, when 'automatic' chose it or a choice could not be followed. @param {PageState} state @param {Elements} el */
export function renderDisplayHint(state, el) {
  const { settings: s, drawn } = state;
  const names = { clamp: 'clamped to 0–255', abs: '|value| scaled', diverging: 'diverging colours' };
  let text = '';
  if (s.display === 'diverging' && planesOf(s) !== 1) {
    text = 'Diverging colours need a single output plane: showing |value| scaled.';
  } else if (s.display === 'auto' && drawn) {
    const why = drawn.display === 'clamp' ? '' : drawn.signed ? ' (the result has signs)'
      : drawn.op === 'layer' ? ' (each map on its own scale)' : ' (values above 255)';
    text = `Now: ${names[drawn.display]}${why}.`;
  }
  el.displayHint.textContent = text;
  const scaled = drawn?.maps ? drawn.maps[s.map]?.scaled : drawn?.scaled;
  let scaleText = '';
  if (drawn && drawn.display === 'clamp') scaleText = 'Clamped values are shown as they are: no scale.';
  else if (scaled?.to === 'typical') {
    scaleText = `Now: typical values, ±${fmt(scaled.p, 2)}; ${fmt((100 * scaled.above) / scaled.count, 1)}% of the values are beyond and clipped`
      + `${s.scale === 'auto' ? ' (an edge kernel: its weights sum to 0)' : ''}.`;
  } else if (scaled) scaleText = 'Now: to the largest |value|.';
  el.scaleHint.textContent = scaleText;
}

/** The webcam's buttons and picture, on or off. @param {PageState} state @param {Elements} el */
export function renderCamera(state, el) {
  el.video.hidden = el.cameraCapture.hidden = el.cameraStop.hidden = !state.cameraOn;
  el.cameraStart.hidden = state.cameraOn;
}

/**
 * The page's message line: an error while there is one; else what a link
 * had that could not be used, then the engine's note (a scalar build running
 * because the SIMD one failed), one per line.
 * @param {PageState} state
 * @param {Elements} el
 */
export function renderPageMessage(state, el) {
  const { error, link, engine } = state.pageMessage;
  if (error) {
    say(el.pageMessage, error.text, 'error');
    return;
  }
  const lines = [...link, engine].filter(Boolean);
  say(el.pageMessage, '', lines.length ? 'warning' : undefined);
  el.pageMessage.append(...lines.flatMap((line, i) => (i ? [' ', h('br'), line] : [line])));
}

/** @param {PageState} state @param {Elements} el */
export function renderImageMessage(state, el) {
  say(el.imageMessage, state.imageMessage.text, state.imageMessage.kind);
}

/** What is wrong with the kernel, or a note about its last change. @param {PageState} state @param {Elements} el */
export function renderKernelMessage(state, el) {
  say(el.kernelMessage, state.kernelMessage.text, state.kernelMessage.kind);
}

/** The scan's button: play or pause. @param {PageState} state @param {Elements} el */
export function renderPlay(state, el) {
  el.play.textContent = state.playing ? 'Pause the scan' : 'Play the scan';
  el.play.setAttribute('aria-pressed', String(state.playing));
}

/** The engine's badge: which build runs. @param {PageState} state @param {Elements} el */
export function renderBadge(state, el) {
  if (state.engine === null) return;
  el.badge.textContent = state.engine.loaded ? `Engine: ${state.engine.simd ? 'WASM SIMD' : 'WASM scalar'}` : 'Engine: not loaded';
  if (state.engine.loaded) el.badge.dataset.simd = String(state.engine.simd);
}

/** What the share button did: the link copied, or shown to copy by hand. @param {PageState} state @param {Elements} el */
export function renderShare(state, el) {
  const { text, url } = state.share;
  el.shareStatus.textContent = text;
  el.shareUrl.hidden = !url;
  if (url) {
    el.shareUrl.value = url;
    el.shareUrl.select();
  }
}
