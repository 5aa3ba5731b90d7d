// page.js - everything the kernels page shows, in one object (PageState),
// and what each event does to it, as pure functions: main.js owns the one
// object, calls these, then has the views show it. No DOM and no engine here;
// tested in node (tests/node/kernels-page.test.mjs).
import { defaultState, viewProblem, filterParams, resultSigned, clampPixel, valueLabel, takeChannels, DEFAULT_SPEED } from './state.js';
import { pixelOutsideNote } from './link.js';
import { pixelCentredAt } from './arithmetic.js';

/** @typedef {import('./state.js').Settings} Settings */

/** @typedef {'info'|'ok'|'warning'|'error'} MessageKind  a message's colour (lib/dom.js's say()) */

/**
 * @typedef {object} PageState  everything the page shows, in one object (main.js owns it; views read it)
 * @property {Settings} settings          the view a link holds
 * @property {Settings | null} lastWhole  the last settings whose kernel cells were all numbers (what a link holds meanwhile)
 * @property {{ id: string, name: string, width: number, height: number, gray: boolean, seq: number, scaledFrom?: { width: number, height: number } } | null} image
 *           X, as the engine holds it (seq counts the images given to it)
 * @property {any} drawn   Z on screen: the worker's result ({ key, width, height, planes, maxAbs, display, used, normalised })
 *                         with its request (params) and whether it has signs; null when none is shown
 * @property {{ kind: string, text?: string, fit?: string, cells?: any[] }} status  'current' when `drawn` is the
 *           view `settings` ask for; else why that view cannot be computed (viewProblem(), or 'engine-error')
 * @property {any} probe      the selected pixel's patch and value ({ key, j1, j2, channels, z }), from the worker
 * @property {any} exercise   the open question ({ probe, view, plane, label, z }), or null
 * @property {{ text: string, kind?: MessageKind, invalid?: boolean }} feedback  on the answer
 * @property {boolean} playing   the scan moving on by itself
 * @property {string} speed      how fast it moves (state.js's SPEEDS)
 * @property {string} kernelNote  a note about the last change to the kernel, said until the next one
 * @property {{ text: string, kind?: MessageKind }} kernelMessage  what the kernel message line says
 * @property {{ text: string, kind?: MessageKind }} imageMessage
 * @property {{ link: string[], engine: string, error: { text: string, source: string } | null }} pageMessage
 *           the notes about the link read, the engine's note, and an error of the engine's ('compute', 'probe', 'load')
 * @property {number[] | null} linkSel  the pixel a link asked for, until the first result says whether Z has it
 * @property {{ loaded: boolean, simd?: boolean } | null} engine  null while it loads
 * @property {boolean} cameraOn
 * @property {{ text: string, url: string | null }} share  what the share button did
 */

/** The page before anything is loaded. @returns {PageState} */
export function newPageState() {
  return {
    settings: defaultState(), lastWhole: null, image: null, drawn: null, status: { kind: 'current' }, probe: null,
    exercise: null, feedback: { text: '' }, playing: false, speed: DEFAULT_SPEED, kernelNote: '', kernelMessage: { text: '' },
    imageMessage: { text: '' }, pageMessage: { link: [], engine: '', error: null }, linkSel: null, engine: null,
    cameraOn: false, share: { text: '', url: null },
  };
}

/** The label of the selected pixel's sum. @param {PageState['status']} status */
export function pickLabel(status) {
  return status.kind === 'current' ? 'Selected pixel: ' : 'Selected pixel, of the last kernel that was all numbers: ';
}

// ---- what each event does ----

/**
 * An image the engine now holds becomes X; the result of the last one is gone.
 * @param {PageState} page
 * @param {{ name: string, width: number, height: number, gray: boolean, note?: string, scaledFrom?: any }} img
 * @param {string} id   its menu entry: a matrix, a sample, or 'own'
 * @param {number} seq  which image given to the engine it is
 */
export function takeImage(page, img, id, seq) {
  page.image = { id, name: img.name, width: img.width, height: img.height, gray: img.gray, seq, scaledFrom: img.scaledFrom };
  page.settings.image = id;
  takeChannels(page.settings, img.gray ? 1 : 3);
  page.imageMessage = img.note ? { text: img.note, kind: 'warning' } : { text: '' };
  page.drawn = null;
}

/**
 * The kernel message: what is wrong with the view, else the note about the last change.
 * @param {{ text: string, cells: any[] } | null} problem  viewProblem()'s
 * @param {string} note
 * @returns {{ text: string, kind?: MessageKind }}
 */
export function kernelMessage(problem, note) {
  if (!problem) return { text: note, kind: undefined };
  return { text: problem.text + (problem.cells.length ? ' Type a number such as 2, -0.5 or 1/9.' : ''), kind: 'error' };
}

/**
 * Whether the view the settings ask for can be computed on X. The kernel
 * message says what is wrong, or the note about the last change; the status
 * says it everywhere; a view with no output shows none, not even a result
 * still on its way. Returns the engine request to make, or null.
 * @param {PageState} page
 */
export function checkView(page) {
  const problem = viewProblem(page.settings, page.image.height, page.image.width);
  page.kernelMessage = kernelMessage(problem, page.kernelNote);
  page.kernelNote = '';
  if (!problem || problem.cells.length === 0) page.lastWhole = structuredClone(page.settings);
  if (!problem) {
    // the marks of a refused view stay until the new result is drawn
    page.status = { kind: 'current' };
    return filterParams(page.settings, page.image.seq);
  }
  page.linkSel = null;
  page.status = problem;
  if (problem.kind === 'no-output') page.drawn = null;
  return null;
}

/**
 * A result drawn is Z on screen (`params`: its request); an engine error
 * before it is over. Returns true when that cleared the page's message.
 * @param {PageState} page
 * @param {any} r  the worker's result
 * @param {any} params
 */
export function takeResult(page, r, params) {
  page.drawn = { ...r, params, signed: resultSigned(r.display, params) };
  if (page.pageMessage.error?.source !== 'compute') return false;
  page.pageMessage.error = null;
  return true;
}

/**
 * The engine could not compute the view: said on the page; unless a newer
 * request is on its way (`newer`), no result is shown.
 * @param {PageState} page
 * @param {string} message
 * @param {boolean} newer
 */
export function computeFailed(page, message, newer) {
  const text = `The engine could not compute this view: ${message}`;
  page.pageMessage.error = { text, source: 'compute' };
  if (newer) return;
  page.status = { kind: 'engine-error', text, cells: [] };
  page.drawn = null;
}

/**
 * After a result: the selected pixel kept inside Z, and, when a link asked
 * for one Z does not have, a note saying so. Returns true when that changed
 * the page's message (and what the link holds).
 * @param {PageState} page
 */
export function fitSelection(page) {
  const { height: oh, width: ow } = page.drawn;
  const s = page.settings;
  const sel = clampPixel(s.sel[0], s.sel[1], oh, ow);
  let noted = false;
  if (sel[0] !== s.sel[0] || sel[1] !== s.sel[1]) {
    if (page.linkSel) {
      page.pageMessage.link.push(pixelOutsideNote(page.linkSel, oh, ow, sel));
      page.pageMessage.error = null;
      noted = true;
    }
    s.sel = sel;
  }
  page.linkSel = null;
  return noted;
}

/**
 * Output pixel (j1, j2) selected, kept inside Z; the link holds it too,
 * also while it holds the last whole view (the pixel of the result shown).
 * @param {PageState} page
 * @param {number} j1
 * @param {number} j2
 */
export function selectPixel(page, j1, j2) {
  page.linkSel = null;
  page.settings.sel = clampPixel(j1, j2, page.drawn.height, page.drawn.width);
  if (page.lastWhole) page.lastWhole.sel = page.settings.sel.slice();
}

/**
 * The output pixel a click picks: on Z, the one under it; on X, the one
 * whose patch is centred nearest (fy, fx: where it fell, as fractions of
 * the picture's height and width).
 * @param {PageState} page
 * @param {'input' | 'output'} picture
 * @param {number} fy
 * @param {number} fx
 * @returns {[number, number]}
 */
export function pixelClicked(page, picture, fy, fx) {
  const { drawn, image } = page;
  if (picture === 'output') return [Math.floor(fy * drawn.height), Math.floor(fx * drawn.width)];
  return pixelCentredAt(drawn.params, Math.floor(fy * image.height), Math.floor(fx * image.width));
}

/**
 * A link read (link.js's decodeHash()): its view and its notes. Returns true
 * when it shows another image than the one the engine holds.
 * @param {PageState} page
 * @param {{ state: Settings, notes: string[] }} link
 */
export function takeLink(page, { state: s, notes }) {
  page.pageMessage.link = notes;
  page.pageMessage.error = null;
  const imageChanged = !page.image || s.image !== page.image.id;
  page.settings = s;
  page.lastWhole = structuredClone(s);
  page.linkSel = s.sel.slice();
  return imageChanged;
}

/**
 * A question about channel `plane` of output pixel (probe.j1, probe.j2) of
 * the result `view`; the answer field starts empty.
 * @param {PageState} page
 * @param {any} probe
 * @param {any} view
 * @param {number} plane
 */
export function askQuestion(page, probe, view, plane) {
  const label = valueLabel(view.params, probe.z.length, plane, probe.j1, probe.j2, probe.map);
  page.exercise = { probe, view, plane, label, z: probe.z[plane] };
  page.feedback = { text: '', invalid: false };
}

/**
 * What the question's tables show: with a plane per channel, the asked
 * channel's patch alone (its kernel is the shared W).
 * @param {{ probe: any, view: any, plane: number }} question
 */
export function questionTables({ probe, view, plane }) {
  if (probe.z.length === 1) return { probe, view };
  return { probe: { ...probe, channels: [probe.channels[plane]] }, view: { ...view, onlyChannel: plane } };
}
