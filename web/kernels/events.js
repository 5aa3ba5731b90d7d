// events.js - which event on which element of the kernels page calls which
// of main.js's actions, with what it read from the page. Nothing else: the
// actions change the state and have it shown.
import { bindImageInputs } from '../lib/image-source.js';

/** @typedef {import('./elements.js').Elements} Elements */

/**
 * The text of an <input type=number>, or null when the browser could not read it as a number.
 * @param {HTMLInputElement} input
 */
function fieldText(input) {
  return input.value === '' && input.validity.badInput ? null : input.value;
}

/**
 * Where a click fell on an element, as fractions of its height and width.
 * @param {MouseEvent} e
 * @param {HTMLElement} target
 */
function clickAt(e, target) {
  const rect = target.getBoundingClientRect();
  return [(e.clientY - rect.top) / rect.height, (e.clientX - rect.left) / rect.width];
}

/**
 * @param {Elements} el
 * @param {Record<string, Function>} on  main.js's actions
 * @param {number} maxSide  the longest side of an image brought in
 */
export function wire(el, on, maxSide) {
  el.imageSelect.addEventListener('change', () => on.chooseImage(el.imageSelect.value));
  bindImageInputs({ fileInput: el.file, dropZone: el.dropZone, maxSide, onStart: on.fileStart, onImage: on.fileImage, onError: on.fileError });
  el.cameraStart.addEventListener('click', () => on.startCamera());
  el.cameraCapture.addEventListener('click', () => on.capture());
  el.cameraStop.addEventListener('click', () => on.stopCamera());

  el.preset.addEventListener('change', () => on.preset(el.preset.value));
  el.sigma.addEventListener('input', () => on.sigma(fieldText(el.sigma)));
  // the other menu shows the other side as it is
  el.k1.addEventListener('change', () => on.size(Number(el.k1.value), Number(el.k2.value)));
  el.k2.addEventListener('change', () => on.size(Number(el.k1.value), Number(el.k2.value)));
  el.normalise.addEventListener('change', () => on.normalise(el.normalise.checked));
  el.editors.addEventListener('input', (e) => {
    const input = /** @type {HTMLInputElement | null} */ (/** @type {HTMLElement} */ (e.target).closest('input.k-cell'));
    if (!input) return;
    const { kernel, map, channel, cell } = input.dataset;
    if (channel !== undefined) on.layerCell(Number(map), Number(channel), Number(cell), input.value);
    else on.cell(Number(kernel), Number(cell), input.value);
  });
  el.editors.addEventListener('keydown', (e) => on.cellKey(e));
  el.bias.addEventListener('input', () => on.bias(el.bias.value));
  el.count.addEventListener('change', () => on.count(Number(el.count.value)));
  el.layerPreset.addEventListener('change', () => on.layerPreset(el.layerPreset.value));
  el.relu.addEventListener('change', () => on.relu(el.relu.checked));
  el.editMap.addEventListener('change', () => on.selectMap(Number(el.editMap.value)));
  el.layerBias.addEventListener('input', () => on.layerBias(el.layerBias.value));
  el.maps.addEventListener('click', (e) => {
    const button = /** @type {HTMLElement} */ (e.target).closest('button[data-map]');
    if (button instanceof HTMLElement) on.selectMap(Number(button.dataset.map));
  });
  for (const radio of el.modes) radio.addEventListener('change', () => { if (radio.checked) on.mode(radio.value); });
  el.pad.addEventListener('change', () => on.setting('pad', el.pad.value));
  el.stride.addEventListener('change', () => on.setting('stride', Number(el.stride.value)));
  el.display.addEventListener('change', () => on.setting('display', el.display.value));
  el.scale.addEventListener('change', () => on.setting('scale', el.scale.value));

  el.outputCanvas.addEventListener('click', (e) => on.clickOutput(...clickAt(e, el.outputCanvas)));
  el.inputCanvas.addEventListener('click', (e) => on.clickInput(...clickAt(e, el.inputCanvas)));
  el.outputCanvas.addEventListener('keydown', (e) => {
    if (on.arrow(e.key, e.shiftKey)) e.preventDefault();
  });
  const typed = () => on.pixelTyped(fieldText(el.j1), fieldText(el.j2));
  el.j1.addEventListener('change', typed);
  el.j2.addEventListener('change', typed);
  // going to a pixel's field to type one is choosing one: the scan stops there (its steps would write
  // over the field, and take the text selected away), and at the first key if it had started again
  for (const field of [el.j1, el.j2]) {
    field.addEventListener('focus', () => on.pixelEditing());
    field.addEventListener('input', () => on.pixelEditing());
  }
  el.map.addEventListener('change', () => on.mapTyped(fieldText(el.map)));
  el.speed.addEventListener('change', () => on.speed(el.speed.value));
  el.prev.addEventListener('click', () => on.step(-1));
  el.next.addEventListener('click', () => on.step(1));
  el.play.addEventListener('click', () => on.play());
  el.exNew.addEventListener('click', () => on.newQuestion());
  el.exForm.addEventListener('submit', (e) => {
    e.preventDefault();
    on.answer(el.exAnswer.value);
  });
  el.exReveal.addEventListener('click', () => on.reveal());
  el.share.addEventListener('click', () => on.share());
  window.addEventListener('hashchange', () => on.hashChanged());
}
