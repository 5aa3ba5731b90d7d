// train/run-view.js - section 4, training: which controls can be used in the
// page's state (the buttons of every section), the run's progress and numbers,
// and the advice about its learning rate.
import { $, $$ } from '../lib/dom.js';
import { fmtInt, fmtValue, fmtDuration } from '../lib/format.js';

/** The controls (every [data-action] button, by name, and Load the data) and the run's numbers. */
export function find(root = document) {
  return {
    buttons: Object.fromEntries($$('[data-action]', root).map((b) => [b.dataset.action, b])),
    load: $('[data-load-data]', root),
    message: $('[data-run-message]', root), bar: $('#tr-run-bar', root), advice: $('[data-advice-message]', root),
    stats: Object.fromEntries($$('[data-stat]', root).map((dd) => [dd.dataset.stat, dd])),
  };
}

/**
 * The controls for the page's state { phase (idle, running, paused,
 * finished), starting (a run asked of the worker, not begun yet), queue (the
 * experiment's runs still to come), hasModel, data, dataLoading, test }.
 * `focus`: where the keyboard focus goes when the button that had it just hid
 * or disabled itself.
 * @param {{ phase: string, starting?: boolean, queue?: any[], hasModel: boolean, data: any, dataLoading: boolean, test: any }} state
 * @param {ReturnType<typeof find>} els
 * @param {HTMLElement} [focus]
 */
export function renderButtons(state, els, focus) {
  const p = state.phase, btn = els.buttons;
  // from Start pressed to the worker's answer the page is as busy as in a run (a second
  // press, a double click, would start a second run over the first), and so it is
  // between two runs of the experiment (a run started there would be replaced by its next)
  const queued = (state.queue?.length ?? 0) > 0;
  const busy = p === 'running' || Boolean(state.starting) || queued;
  btn.start.disabled = busy;
  btn.pause.hidden = p === 'paused';
  btn.pause.disabled = p !== 'running';
  btn.resume.hidden = p !== 'paused';
  btn.step.disabled = busy;
  btn.stop.disabled = p !== 'running' && p !== 'paused' && !queued; // between runs: the experiment's rest
  btn.reset.disabled = busy || !state.hasModel;
  btn.experiment.disabled = busy;
  els.load.disabled = state.dataLoading || busy || p === 'paused';
  const canUse = state.hasModel && !busy;
  btn.evaluate.disabled = !(state.hasModel && state.data);
  btn['save-model'].disabled = !canUse;
  btn['export-onnx'].disabled = !canUse;
  btn['export-pytorch'].disabled = !canUse;
  btn['feature-maps'].disabled = !(state.hasModel && state.data);
  btn['more-gallery'].disabled = !state.test;
  // a button that just hid or disabled itself would drop keyboard focus on the body
  const active = /** @type {any} */ (document.activeElement);
  if (focus && (!active || active === document.body || active.hidden || active.disabled)) focus.focus();
}

/** The run's numbers from the worker's progress event. */
export function renderStats(els, ev) {
  const stat = (key, text) => { els.stats[key].textContent = text; };
  els.bar.value = ev.done;
  stat('epoch', `${ev.epoch} of ${ev.epochs}`);
  stat('batch', `${fmtInt(ev.batch)} of ${fmtInt(ev.batches)}`);
  stat('speed', fmtInt(ev.perSec));
  stat('workers', ev.workers ? String(ev.workers) : '–');
  stat('left', ev.state === 'running' ? fmtDuration(ev.secondsLeft) : '–');
  stat('loss', ev.lastLoss === null ? '–' : fmtValue(ev.lastLoss, 4));
}

/** The run ended: no time left. */
export function renderEnded(els) {
  els.stats.left.textContent = '–';
}

/** What the curve says about the learning rate (advice.js's lossAdvice), or nothing. */
export function renderAdvice(els, advice) {
  els.advice.textContent = advice ? advice.text : '';
}
