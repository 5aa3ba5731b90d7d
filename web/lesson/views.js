// views.js - the lesson page's views: the steps list, the objectives, one
// step's screen (its text, its widget, its exercises) and an exercise's
// feedback. They draw what they are given and never change the state
// (main.js owns it); an exercise's form reports through the hooks main.js
// gives buildStep().
import { h, $ } from '../lib/dom.js';
import { STEPS, OBJECTIVES, encodeHash, stepDone, neighbour } from './state.js';

/**
 * The steps, each a link to its screen, the current one marked.
 * @param {HTMLElement} list
 * @param {string} current
 * @param {string[]} done
 */
export function renderSteps(list, current, done) {
  list.replaceChildren(...STEPS.map((s) => {
    const finished = stepDone(s, done);
    const a = h('a', { href: encodeHash(s.id), dataset: { stepLink: s.id } }, s.title);
    if (s.id === current) a.setAttribute('aria-current', 'step');
    return h('li', { dataset: { done: String(finished) } }, a,
      finished ? h('span', { className: 'lesson-done', text: ' ✓ done' }) : null);
  }));
}

/**
 * The six objectives, each ticked once its exercises are done.
 * @param {HTMLElement} list
 * @param {boolean[]} reached
 * @param {HTMLElement} note
 */
export function renderObjectives(list, reached, note) {
  list.replaceChildren(...OBJECTIVES.map((text, i) => h('li', { dataset: { reached: String(reached[i]) } },
    h('span', { className: 'objective-mark', attrs: { 'aria-hidden': 'true' } }, reached[i] ? '✓' : '○'),
    h('span', {}, text),
    h('span', { className: 'visually-hidden' }, reached[i] ? ' (reached)' : ' (not yet)'))));
  const n = reached.filter(Boolean).length;
  note.textContent = n === OBJECTIVES.length ? 'All six reached: well done!' : `${n} of ${OBJECTIVES.length} reached. Progress is kept in this browser.`;
}

/** An exercise's answer fields: one text field, a matrix of cells, the choices (drawn later: model-view.js) or none (a model). */
function answerFields(ex) {
  const id = `answer-${ex.id}`;
  if (ex.kind === 'model') return h('p', { className: 'muted' }, 'Nothing to type: Check reads the model your browser keeps.');
  if (ex.kind === 'choice') {
    return h('fieldset', { className: 'lesson-choices', dataset: { choices: '' }, attrs: { 'aria-describedby': `feedback-${ex.id}` } },
      h('legend', {}, ex.label), h('p', { className: 'muted', dataset: { choicesNote: '' } }, 'Reading the model kept in this browser…'));
  }
  if (ex.kind !== 'matrix') {
    return h('div', { className: 'field' },
      h('label', { htmlFor: id }, ex.label),
      h('input', { id, type: 'text', inputMode: ex.kind === 'number' ? 'decimal' : 'text', autocomplete: 'off', spellcheck: false, dataset: { answer: '' }, attrs: { 'aria-describedby': `feedback-${ex.id}` } }),
      ex.kind === 'shape' ? h('span', { className: 'hint' }, ex.format ?? 'Written with its numbers in brackets, such as (28, 28).') : null);
  }
  const cells = [];
  for (let r = 0; r < ex.rows; r++) {
    for (let c = 0; c < ex.cols; c++) {
      cells.push(h('input', {
        type: 'text', inputMode: 'decimal', autocomplete: 'off', className: 'lesson-cell', dataset: { answer: '' },
        attrs: { 'aria-label': `${ex.label}, row ${r}, column ${c}` },
      }));
    }
  }
  return h('div', { className: 'lesson-matrix', style: { gridTemplateColumns: `repeat(${ex.cols}, 4.2rem)` }, attrs: { role: 'group', 'aria-label': `${ex.label}: ${ex.rows} × ${ex.cols} numbers` } }, ...cells);
}

/** What the form holds: each field's or cell's text, or the number of the option chosen ('' when none). @param {HTMLElement} form */
export function answerTexts(form) {
  if (form.querySelector('[data-choices]')) return [/** @type {HTMLInputElement | null} */ (form.querySelector('[data-choice]:checked'))?.value ?? ''];
  return [...form.querySelectorAll('[data-answer]')].map((i) => /** @type {HTMLInputElement} */ (i).value);
}

/** Puts texts kept from an earlier visit back in the fields (the choices take theirs when drawn). */
function fillAnswers(form, texts) {
  const fields = [...form.querySelectorAll('[data-answer]')];
  if (!texts || texts.length !== fields.length) return;
  fields.forEach((f, i) => { /** @type {HTMLInputElement} */ (f).value = texts[i]; });
}

/**
 * One exercise's form. onCheck(id, texts), onWorked(id) and onType(id, texts) are main.js's.
 * @param {import('./exercises.js').Exercise} ex
 * @param {number} n  its number in the step
 * @param {{ onCheck: (id: string, texts: string[]) => void, onWorked: (id: string) => void,
 *   onType?: (id: string, texts: string[]) => void, typed?: (id: string) => string[] | undefined }} hooks
 */
function exerciseForm(ex, n, hooks) {
  const form = h('form', { className: 'panel lesson-exercise', dataset: { exercise: ex.id }, attrs: { 'aria-labelledby': `ex-title-${ex.id}`, novalidate: '' } },
    h('h3', { id: `ex-title-${ex.id}` }, `Exercise ${n}`, h('span', { className: 'lesson-done', dataset: { doneMark: '' }, hidden: true }, ' ✓ done')),
    h('p', {}, ex.prompt),
    answerFields(ex),
    h('div', { className: 'lesson-buttons' },
      h('button', { type: 'submit' }, ex.kind === 'model' ? 'Check my model' : 'Check'),
      h('button', { type: 'button', className: 'secondary', dataset: { worked: '' } }, 'Show the worked answer')),
    h('div', { className: 'message lesson-feedback', id: `feedback-${ex.id}`, dataset: { feedback: '' }, attrs: { role: 'status' } }),
    h('div', { className: 'lesson-worked', dataset: { workedAnswer: '' }, hidden: true, attrs: { 'aria-label': `Worked answer of exercise ${n}`, role: 'region' } }));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    hooks.onCheck(ex.id, answerTexts(form));
  });
  fillAnswers(form, hooks.typed?.(ex.id));
  for (const type of ['input', 'change']) form.addEventListener(type, () => hooks.onType?.(ex.id, answerTexts(form)));
  form.querySelector('[data-worked]').addEventListener('click', () => hooks.onWorked(ex.id));
  return form;
}

/**
 * Builds a step's screen in `section` (once per step shown: the student's
 * typing lives in its fields). `embedded`: the step alone (no next/previous).
 * @param {HTMLElement} section
 * @param {import('./state.js').Step} step
 * A step outside the lesson's outline (a teacher's exercise) has no number and no next/previous.
 * @param {{ onCheck: (id: string, texts: string[]) => void, onWorked: (id: string) => void, embedded: boolean,
 *   exerciseOf: (id: string) => import('./exercises.js').Exercise,
 *   onType?: (id: string, texts: string[]) => void, typed?: (id: string) => string[] | undefined }} hooks
 */
export function buildStep(section, step, hooks) {
  const index = STEPS.indexOf(step);
  const prev = neighbour(step.id, -1), next = neighbour(step.id, 1);
  const links = hooks.embedded || index < 0 ? null : h('nav', { className: 'lesson-pager', attrs: { 'aria-label': 'Previous and next step' } },
    prev ? h('a', { href: encodeHash(prev.id), attrs: { rel: 'prev' } }, `← ${prev.title}`) : h('span'),
    next ? h('a', { href: encodeHash(next.id), attrs: { rel: 'next' } }, `${next.title} →`) : h('span'));
  section.replaceChildren(
    h('h2', { tabIndex: -1, dataset: { stepTitle: '' } }, index < 0 ? step.title : `Step ${index + 1} of ${STEPS.length}: ${step.title}`),
    ...step.text.map((t) => h('p', {}, t)),
    h('figure', { className: 'lesson-widget' },
      h('iframe', { src: step.widget.src, title: step.widget.title, loading: 'lazy' }),
      h('figcaption', {}, step.widget.note, ' ',
        h('a', { href: step.widget.src.replace('?embed', ''), target: '_blank', rel: 'noopener' }, 'Open it in a new tab'))),
    ...step.exercises.map((id, i) => exerciseForm(hooks.exerciseOf(id), i + 1, hooks)),
    ...(links ? [links] : []),
  );
}

/**
 * An exercise's feedback: the verdict (what was wrong, a hint), the worked
 * answer when asked for, and whether it is done.
 * @param {HTMLElement} section
 * @param {string} id
 * `reached`: the objectives (1-6) this answer has just reached, said with it.
 * @param {{ verdict: import('./exercises.js').Verdict | null, worked: string[] | null, done: boolean, reached?: number[] }} view
 */
export function renderExercise(section, id, { verdict, worked, done, reached = [] }) {
  const form = $(`[data-exercise="${id}"]`, section);
  if (!form) return;
  $('[data-done-mark]', form).hidden = !done;
  form.dataset.done = String(done);
  const fb = $('[data-feedback]', form);
  if (!verdict) fb.replaceChildren();
  else if (verdict.ok) {
    fb.dataset.kind = 'ok';
    fb.replaceChildren(h('strong', {}, 'Right.'), ' ', verdict.note ? `${verdict.note} ` : '', done ? 'This exercise is done.' : '',
      ...reached.map((n) => ` Objective ${n} reached: ${OBJECTIVES[n - 1]}`));
  } else {
    fb.dataset.kind = 'error';
    fb.replaceChildren(h('strong', {}, 'Not yet. '), verdict.wrong ?? '', verdict.hint ? h('span', { className: 'lesson-hint' }, ` Hint: ${verdict.hint}`) : '',
      verdict.link ? h('span', {}, ' ', h('a', { href: verdict.link.href, target: '_blank', rel: 'noopener' }, `${verdict.link.text} (new tab)`), '.') : '');
  }
  for (const input of form.querySelectorAll('[data-answer], [data-choice]')) input.setAttribute('aria-invalid', String(Boolean(verdict && !verdict.ok)));
  const box = $('[data-worked-answer]', form);
  box.hidden = !worked;
  box.replaceChildren(...(worked ?? []).map((line) => h('p', {}, line)));
  form.querySelector('[data-worked]').setAttribute('aria-expanded', String(Boolean(worked)));
}
