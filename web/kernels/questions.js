// questions.js - what "Your turn" (section 6) does: a question about a
// random output value of the view shown, the verdict on an answer, and the
// worked answer. main.js's actions, on its one state object; the engine and
// the selection are main.js's, handed in.
import { sameView } from './state.js';
import { askQuestion, questionTables } from './page.js';
import { judgeAnswer, revealText } from './typed.js';
import { renderWorkedSum } from './step.js';
import { renderQuestion, renderExerciseStatus, renderFeedback } from './exercise.js';

/** @typedef {import('./page.js').PageState} PageState */
/** @typedef {import('./elements.js').Elements} Elements */

/**
 * @param {PageState} state
 * @param {Elements} el
 * @param {object} hooks
 * @param {() => import('./engine.js').Engine} hooks.engine
 * @param {(n: number) => void} hooks.selectMap  the layer's map n selected
 * @param {(j1: number, j2: number) => void} hooks.select  output pixel (j1, j2) selected
 */
export function questionActions(state, el, { engine, selectMap, select }) {
  const actions = {
    async newQuestion(attempt = 0) {
      if (state.status.kind !== 'current') {
        renderExerciseStatus(state, el, { refused: true });
        return;
      }
      const view = state.drawn;
      if (!view || attempt > 5) return;
      const j1 = Math.floor(Math.random() * view.height), j2 = Math.floor(Math.random() * view.width);
      const map = view.maps ? Math.floor(Math.random() * view.maps.length) : 0;
      let probe;
      try {
        probe = await engine().call('probe', { key: view.key, j1, j2, map });
      } catch (e) {
        state.feedback = { text: e.message, kind: 'error' };
        renderFeedback(state, el);
        return;
      }
      if (probe.stale) return actions.newQuestion(attempt + 1); // a newer result was on its way: ask about that one
      askQuestion(state, probe, view, Math.floor(Math.random() * probe.z.length));
      renderQuestion(state, el);
      const tables = questionTables(state.exercise);
      renderWorkedSum(el.exTables, tables.probe, tables.view, state.image, { full: false });
      renderExerciseStatus(state, el);
      el.exAnswer.focus();
    },
    /** @param {string} text */
    answer(text) {
      if (!state.exercise) return;
      state.feedback = judgeAnswer(text, state.exercise.z, state.exercise.label);
      renderFeedback(state, el);
    },
    reveal() {
      if (!state.exercise) return;
      const { probe, label, z, view } = state.exercise;
      const current = Boolean(state.drawn && sameView(state.drawn, view));
      state.feedback = { text: revealText(label, z, current) };
      renderFeedback(state, el);
      if (current) {
        if (view.maps) selectMap(probe.map);
        select(probe.j1, probe.j2);
      }
      el.step.closest('section').scrollIntoView({ behavior: 'smooth', block: 'start' });
    },
  };
  return actions;
}
