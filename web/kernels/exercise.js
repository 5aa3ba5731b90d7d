// exercise.js - "Your turn" (section 6): the question about one output pixel,
// whether it is still about the view shown, and the feedback on an answer.
// Views: they read the page's state and never change it.
import { say } from '../lib/dom.js';
import { sameView, CHANNEL_NAMES } from './state.js';

/** @typedef {import('./elements.js').Elements} Elements */
/** @typedef {import('./page.js').PageState} PageState */

/**
 * A new question (state.exercise): what it asks, and an empty answer field.
 * The patch and kernel tables are step.js's (renderWorkedSum).
 * @param {PageState} state
 * @param {Elements} el
 */
export function renderQuestion(state, el) {
  const { view, label, plane, probe } = state.exercise;
  const { params } = view;
  const n = probe.map;
  const what = params.op === 'magnitude' ? 'the gradient magnitude √(gx² + gy²) there'
    : params.op === 'layer' ? `the sum over the channels of W_${n} times the patch, element by element, plus the bias b_${n} = ${params.biases[n]}`
      + `${params.relu ? ', then ReLU: max(0, sum)' : ''}`
      : params.mode === 'sum' ? `the sum over the three channels of W_c · X_c${params.bias ? ', plus the bias' : ''}`
        : params.mode === 'channels' ? `the sum of W times the patch of X_${CHANNEL_NAMES[plane]}, element by element`
          : 'the sum of W times the patch, element by element';
  el.exBox.hidden = false;
  el.exQuestion.textContent = `What is ${label}? It is ${what}.`;
  el.exAnswerLabel.textContent = `Your answer for ${label}`;
  el.exAnswer.value = '';
  renderFeedback(state, el);
}

/**
 * Says when the open question is not about the view shown now, or (`refused`:
 * a new question was asked for) why no question can be asked.
 * @param {PageState} state
 * @param {Elements} el
 * @param {{ refused?: boolean }} [options]
 */
export function renderExerciseStatus(state, el, { refused = false } = {}) {
  const { drawn, exercise } = state;
  const problem = state.status.kind === 'current' ? null : state.status;
  let text = '';
  if (refused && problem) {
    text = drawn ? `No question until every kernel cell is a number: ${problem.text}`
      : `No question: there is no output to ask about. ${problem.kind === 'no-output' ? problem.fit : problem.text}`;
  } else if (exercise && (problem || !sameView(drawn, exercise.view))) {
    const now = !problem ? 'the view has changed since' : drawn ? 'now a kernel cell is not a number' : 'now there is no output';
    text = `This question is about the view as it was when it was asked, and ${now}. Its patch and kernel are below: `
      + (problem ? 'you can still answer it from them.' : 'answer it from them, or ask a new question about the current view.');
  }
  say(el.exStatus, text, 'warning');
  el.exStatus.hidden = !text;
}

/**
 * The feedback line (state.feedback); `invalid`, when it says, marks the
 * answer field as holding something that is not a number, or not.
 * @param {PageState} state
 * @param {Elements} el
 */
export function renderFeedback(state, el) {
  const { text, kind, invalid } = state.feedback;
  if (invalid === true) el.exAnswer.setAttribute('aria-invalid', 'true');
  else if (invalid === false) el.exAnswer.removeAttribute('aria-invalid');
  say(el.exFeedback, text, kind);
}
