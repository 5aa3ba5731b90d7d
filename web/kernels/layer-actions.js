// layer-actions.js - what the layer mode's own controls do (section 2 in the
// convolutional layer mode): N, the layer's preset, ReLU, a kernel's cell and
// bias. main.js's actions, on its one state object, through layer.js's rules;
// main.js hands in what follows an edit.
import { parseCell } from './typed.js';
import { makeLayer, presetSize, setMapCount } from './layer.js';
import * as controls from './controls.js';

/** @typedef {import('./page.js').PageState} PageState */
/** @typedef {import('./elements.js').Elements} Elements */

/**
 * @param {PageState} state
 * @param {Elements} el
 * @param {object} hooks
 * @param {() => void} hooks.edited          the view changed: compute it, keep it in the link
 * @param {() => void} hooks.renderSettings  every control and the editor shown anew
 * @param {(k: number) => void} hooks.resize  the kernels made k x k (main.js's size action)
 */
export function layerActions(state, el, { edited, renderSettings, resize }) {
  return {
    /** @param {number} n */
    count(n) {
      const s = state.settings;
      setMapCount(s.layer, n, s.k1, s.k2);
      s.map = Math.min(s.map, n - 1);
      renderSettings();
      edited();
    },
    /** A preset fills every kernel; the Sobel ones are 3 x 3. @param {string} id */
    layerPreset(id) {
      const s = state.settings, size = presetSize(id);
      if (size && (s.k1 !== size || s.k2 !== size)) resize(size);
      const made = makeLayer(id, s.k1, s.k2, s.channels, s.layer.n);
      s.layer = made ? { ...made, relu: s.layer.relu } : { ...s.layer, preset: 'custom' };
      s.map = Math.min(s.map, s.layer.n - 1);
      if (size) state.kernelNote = `These kernels are ${size} × ${size}${s.k1 === size ? '' : `: the size is now ${size} × ${size}`}.`;
      renderSettings();
      edited();
    },
    /** @param {boolean} checked */
    relu(checked) {
      state.settings.layer.relu = checked;
      edited();
    },
    /** A cell of kernel `map`'s slice for `channel`, as typed: the layer is your own numbers from now on. */
    layerCell(map, channel, cell, text) {
      const layer = state.settings.layer;
      layer.kernels[map][channel][cell] = text;
      if (layer.preset !== 'custom') {
        layer.preset = 'custom';
        controls.renderLayerControls(state, el);
      }
      edited();
    },
    /** The bias of the kernel being edited. @param {string} text */
    layerBias(text) {
      const r = parseCell(text);
      controls.fieldError(el.layerBias, el.layerBiasError, r.ok ? '' : `The bias ${r.reason}.`);
      if (!r.ok) return;
      state.settings.layer.biases[state.settings.map] = r.value;
      edited();
    },
  };
}
