// source-view.js - part 1: choose an image (the sample list and the webcam's
// buttons; loading itself is lib/image-source.js's, wired by main.js), and the
// page's message above it.
import { h, $, say } from '../lib/dom.js';
import { SAMPLES } from '../lib/image-source.js';

/** The part's elements, by their data-* hooks in pixels.html. */
export function sourceElements() {
  return {
    sample: $('[data-sample]'), file: $('[data-file]'), dropZone: $('[data-drop-zone]'), message: $('[data-source-message]'),
    start: $('[data-cam-start]'), snap: $('[data-cam-snap]'), stop: $('[data-cam-stop]'), video: $('[data-cam-video]'),
  };
}

/**
 * The page's message: what a link had that could not be used, then the
 * engine's note; one line each ('' lines left out).
 * @param {string[]} lines
 * @param {HTMLElement} el
 */
export function renderPageMessage(lines, el) {
  say(el, '', 'warning');
  el.append(...lines.filter(Boolean).flatMap((line, i) => (i ? [' ', h('br'), line] : [line])));
}

/** Fills the sample list (once). @param {HTMLSelectElement} select */
export function buildSamples(select) {
  // Chosen while a file or webcam picture is on screen, so that choosing the
  // previous sample again is a change.
  select.append(h('option', { value: '', text: 'None: your own picture is shown', disabled: true, hidden: true }),
    ...SAMPLES.map((s) => h('option', { value: s.name, text: s.label })));
}

/** The sample the list shows (null: the student's own picture). @param {HTMLSelectElement} select */
export function renderSample(sample, select) {
  select.value = sample ?? '';
}

/**
 * The webcam's buttons and preview, live or not.
 * @param {boolean} live
 * @param {{ start: HTMLElement, snap: HTMLElement, stop: HTMLElement, video: HTMLElement }} els
 */
export function renderCamera(live, els) {
  els.start.hidden = live;
  els.snap.hidden = !live;
  els.stop.hidden = !live;
  els.video.hidden = !live;
}
