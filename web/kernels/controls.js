// controls.js - the kernels page's settings shown in its controls (sections 1
// to 3), the image's shape, the output-shape formula, the display hint and
// the page's message lines. Views: they read the page's state and never
// change it (main.js does, then calls them).
import { h, say } from '../lib/dom.js';
import { SAMPLES } from '../lib/image-source.js';
import { MAX_KERNEL } from '../lib/limits.js';
import { outShape } from './arithmetic.js';
import { MATRICES, PRESETS, presetById, isMagnitude, kernelSize, planesOf, outPlanes } from './state.js';

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
  for (const s of SAMPLES) add(photos, s.name, `Photo: ${s.label}`);
  el.imageSelect.append(classGroup, photos);
  for (const p of PRESETS) add(el.preset, p.id, p.label);
  for (let k = 1; k <= MAX_KERNEL; k++) {
    add(el.k1, String(k), String(k));
    add(el.k2, String(k), String(k));
  }
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
    own.textContent = `Your image: ${state.image.name} (${state.image.width} × ${state.image.height})`;
  }
  el.imageSelect.value = s.image;
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
  el.sigmaField.hidden = state.settings.preset !== 'gaussian';
}

/** The selected pixel's row and column fields (their largest values once there is a result). @param {PageState} state @param {Elements} el */
export function renderPixelFields(state, el) {
  if (state.drawn) {
    el.j1.max = String(state.drawn.height - 1);
    el.j2.max = String(state.drawn.width - 1);
  }
  el.j1.value = String(state.settings.sel[0]);
  el.j2.value = String(state.settings.sel[1]);
}

/** @param {Elements} el */
export function clearPixelErrors(el) {
  fieldError(el.j1, el.j1Error, '');
  fieldError(el.j2, el.j2Error, '');
}

/** X's shape, as the kernel sees it. @param {PageState} state @param {Elements} el */
export function renderImageShape(state, el) {
  const image = state.image;
  if (!image) return;
  const { width: w, height: ht } = image;
  const from = image.scaledFrom ? ` (scaled down from ${image.scaledFrom.width} × ${image.scaledFrom.height})` : '';
  el.imageShape.replaceChildren(h('span', {
    text: state.settings.mode === 'gray'
      ? `X as the kernel sees it: a matrix of ${ht} rows × ${w} columns, shape (${ht}, ${w}), numbers 0–255${from}.`
      : `X: ${ht} rows × ${w} columns × 3 channels (R, G, B), shape (${ht}, ${w}, 3), numbers 0–255${from}.`,
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
  } else {
    shape.textContent = outPlanes(s) === 1
      ? `Z has shape (${rows.out}, ${cols.out}): one output channel.`
      : `Z has shape (${rows.out}, ${cols.out}, 3): one output channel per colour channel.`;
  }
  el.formula.append(shape);
}

/** How the result is shown, when 'automatic' chose it or a choice could not be followed. @param {PageState} state @param {Elements} el */
export function renderDisplayHint(state, el) {
  const { settings: s, drawn } = state;
  const names = { clamp: 'clamped to 0–255', abs: '|value| scaled', diverging: 'diverging colours' };
  let text = '';
  if (s.display === 'diverging' && planesOf(s) !== 1) {
    text = 'Diverging colours need a single output plane: showing |value| scaled.';
  } else if (s.display === 'auto' && drawn) {
    text = `Now: ${names[drawn.display]}${drawn.display === 'clamp' ? '' : drawn.signed ? ' (the result has signs)' : ' (values above 255)'}.`;
  }
  el.displayHint.textContent = text;
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
