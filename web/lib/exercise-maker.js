// exercise-maker.js - "Make an exercise from this view": a small panel a page
// adds at the end of its <main> for teachers. The teacher chooses what the
// student must find (and, for some, a number such as a target accuracy); the
// page turns its current view into the exercise (lib/exercise-link.js's
// kernelsTasks, pixelsTasks, trainTasks); the panel shows the lesson link to
// copy or open. Nothing is shown in embed mode (a student's widget).
//
//   mountExerciseMaker(document.querySelector('main'), {
//     id: 'kx', choices: [{ value: 'z', label: 'the value Z[j1, j2] at the selected pixel' }, …],
//     tasks: (extra) => kernelsTasks(view()),     // { tasks } or { error }
//   });
import { h, $ } from './dom.js';
import { exerciseHref } from './exercise-link.js';
import { isEmbedded } from './embed.js';

/**
 * @typedef {object} Choice
 * @property {string} value   a task kind the page's tasks() gives
 * @property {string} label
 *
 * @param {HTMLElement} parent
 * @param {{ id: string, choices: Choice[], tasks: (extra: Record<string, string>) => { tasks?: Record<string, any>, error?: string },
 *   fields?: { name: string, label: string, value: string, hint?: string }[], note?: string }} how
 *   id: a prefix for the panel's element ids; fields: text fields the teacher fills (their values go to tasks() by name)
 * @returns {HTMLElement | null}  the panel (null in embed mode)
 */
export function mountExerciseMaker(parent, { id, choices, tasks, fields = [], note = '' }) {
  if (isEmbedded()) return null;
  const radios = choices.map((c, i) => h('label', { className: 'exercise-maker-choice' },
    h('input', { type: 'radio', name: `${id}-what`, value: c.value, checked: i === 0 }), ` ${c.label}`));
  const extra = fields.map((f) => h('div', { className: 'field' },
    h('label', { htmlFor: `${id}-${f.name}` }, f.label),
    h('input', { id: `${id}-${f.name}`, type: 'text', value: f.value, autocomplete: 'off', dataset: { makerField: f.name } }),
    f.hint ? h('span', { className: 'hint' }, f.hint) : null));
  const message = h('p', { className: 'message', dataset: { makerMessage: '' }, attrs: { role: 'status' } });
  const link = /** @type {HTMLInputElement} */ (h('input', { id: `${id}-link`, type: 'text', readOnly: true }));
  const open = /** @type {HTMLAnchorElement} */ (h('a', { href: '#', target: '_blank', rel: 'noopener' }, 'Open the exercise (new tab)'));
  const result = h('div', { className: 'field', hidden: true },
    h('label', { htmlFor: `${id}-link` }, 'The exercise’s link'), link,
    h('div', { className: 'exercise-maker-buttons' },
      h('button', { type: 'button', className: 'secondary', dataset: { makerCopy: '' } }, 'Copy the link'), open));
  const form = h('form', { className: 'exercise-maker-form', attrs: { 'aria-labelledby': `${id}-title`, novalidate: '' } },
    h('p', { className: 'muted' }, note || 'Set this page up as the exercise needs, choose what the student must find, and make the link: it holds the whole exercise, and the lesson page checks the answer with the engine.'),
    h('fieldset', {}, h('legend', {}, 'The student finds'), ...radios),
    ...extra,
    h('button', { type: 'submit' }, 'Make the link'),
    message, result);
  const panel = h('details', { className: 'panel exercise-maker', dataset: { exerciseMaker: '' } },
    h('summary', { id: `${id}-title` }, 'For teachers: make an exercise from this view'), form);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const what = /** @type {HTMLInputElement} */ ($(`input[name="${id}-what"]:checked`, form)).value;
    const values = Object.fromEntries([...form.querySelectorAll('[data-maker-field]')].map((i) => [/** @type {HTMLElement} */ (i).dataset.makerField, /** @type {HTMLInputElement} */ (i).value]));
    const r = tasks(values);
    const task = r.tasks?.[what];
    message.dataset.kind = task ? 'ok' : 'error';
    message.textContent = task ? 'The link is ready: copy it for your students, or open it to try the exercise.' : (r.error ?? 'This view makes no such exercise.');
    result.hidden = !task;
    link.value = task ? exerciseHref(location.href, task) : '';
    open.href = link.value || '#';
  });
  $('[data-maker-copy]', form).addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(link.value);
      message.textContent = 'The link is copied: paste it for your students.';
    } catch {
      link.select();
      message.textContent = 'The link is selected: press Ctrl+C (⌘C on a Mac) to copy it.';
    }
  });
  parent.append(panel);
  return panel;
}
