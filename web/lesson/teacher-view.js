// teacher-view.js - the teacher's form (make an exercise, get its link) and
// what it shows back. Draws and reads fields; main.js decides (teacher.js's rules).
import { h, $, $$ } from '../lib/dom.js';
import { IMAGES, PADS } from './teacher.js';

/**
 * Builds the form in `box`; onMake() is called with the fields' text.
 * @param {HTMLElement} box
 * @param {(values: { task: string, img: string, w: string[], pad: string, stride: string, at: string[] }) => void} onMake
 */
export function buildTeacherForm(box, onMake) {
  const select = (id, label, options) => h('div', { className: 'field' },
    h('label', { htmlFor: id }, label),
    h('select', { id }, ...options.map(([value, text]) => h('option', { value }, text))));
  const cells = [];
  for (let i = 0; i < 9; i++) {
    cells.push(h('input', {
      type: 'text', inputMode: 'numeric', className: 'lesson-cell', value: String([0, 1, 2, 2, 2, 0, 0, 1, 2][i]), dataset: { teacherCell: '' },
      attrs: { 'aria-label': `Kernel weight W[${Math.floor(i / 3)}, ${i % 3}]` },
    }));
  }
  const form = h('form', { className: 'teacher-form', attrs: { 'aria-labelledby': 'teacher-title', novalidate: '' } },
    h('p', { className: 'muted' }, 'Choose a matrix, a kernel, the padding and the stride, and what the student must find. The link holds the whole exercise: share it, the page checks the answer.'),
    select('teacher-img', 'Matrix X', Object.entries(IMAGES).map(([k, v]) => [k, v.label])),
    h('div', { className: 'lesson-matrix', style: { gridTemplateColumns: 'repeat(3, 4.2rem)' }, attrs: { role: 'group', 'aria-label': 'Kernel W: 3 × 3 whole numbers from -9 to 9' } }, ...cells),
    select('teacher-pad', 'Padding', PADS.map((p) => [p, p === 'valid' ? 'none (valid)' : p])),
    select('teacher-stride', 'Stride', ['1', '2', '3', '4'].map((s) => [s, s])),
    h('fieldset', {},
      h('legend', {}, 'The student finds'),
      h('label', { className: 'teacher-choice' }, h('input', { type: 'radio', name: 'teacher-task', value: 'z', checked: true }), ' one output value, Z[j1, j2]'),
      h('label', { className: 'teacher-choice' }, h('input', { type: 'radio', name: 'teacher-task', value: 'shape' }), ' the output’s shape')),
    h('div', { className: 'teacher-at', dataset: { teacherAt: '' } },
      h('label', { htmlFor: 'teacher-j1' }, 'Row j1'), h('input', { id: 'teacher-j1', type: 'text', inputMode: 'numeric', value: '0', size: 3 }),
      h('label', { htmlFor: 'teacher-j2' }, 'Column j2'), h('input', { id: 'teacher-j2', type: 'text', inputMode: 'numeric', value: '0', size: 3 })),
    h('button', { type: 'submit' }, 'Make the link'),
    h('p', { className: 'message', dataset: { teacherMessage: '' }, attrs: { role: 'status' } }),
    h('div', { className: 'field', dataset: { teacherResult: '' }, hidden: true },
      h('label', { htmlFor: 'teacher-link' }, 'The exercise’s link'),
      h('input', { id: 'teacher-link', type: 'text', readOnly: true }),
      h('div', { className: 'lesson-buttons' },
        h('button', { type: 'button', className: 'secondary', dataset: { teacherCopy: '' } }, 'Copy the link'),
        h('a', { dataset: { teacherOpen: '' }, href: '#' }, 'Open the exercise'))));
  const task = () => /** @type {HTMLInputElement} */ ($('input[name="teacher-task"]:checked', form)).value;
  for (const r of $$('input[name="teacher-task"]', form)) r.addEventListener('change', () => { $('[data-teacher-at]', form).hidden = task() !== 'z'; });
  // copying: the clipboard where the browser allows it, else the link selected for Ctrl+C
  $('[data-teacher-copy]', form).addEventListener('click', async () => {
    const field = $('#teacher-link', form), message = $('[data-teacher-message]', form);
    try {
      await navigator.clipboard.writeText(field.value);
      message.textContent = 'The link is copied: paste it for your students.';
    } catch {
      field.select();
      message.textContent = 'The link is selected: press Ctrl+C (⌘C on a Mac) to copy it.';
    }
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    onMake({
      task: task(), img: $('#teacher-img', form).value, pad: $('#teacher-pad', form).value, stride: $('#teacher-stride', form).value,
      w: $$('[data-teacher-cell]', form).map((i) => i.value), at: [$('#teacher-j1', form).value, $('#teacher-j2', form).value],
    });
  });
  box.replaceChildren(form);
}

/**
 * What making the link gave: the link, or why there is none.
 * @param {HTMLElement} box
 * @param {{ link?: string, error?: string }} r
 */
export function renderTeacherLink(box, r) {
  const message = $('[data-teacher-message]', box), result = $('[data-teacher-result]', box);
  message.textContent = r.error ?? 'The link is ready: copy it for your students, or open it to try the exercise.';
  message.dataset.kind = r.error ? 'error' : 'ok';
  result.hidden = !r.link;
  $('#teacher-link', box).value = r.link ?? '';
  $('[data-teacher-open]', box).href = r.link ?? '#';
}

/**
 * A teacher's link that holds no exercise the lab can check: what was wrong,
 * and the way back to the lesson.
 * @param {HTMLElement} section
 * @param {string[]} problems
 */
export function renderRefusedTask(section, problems) {
  section.replaceChildren(
    h('h2', { tabIndex: -1, dataset: { stepTitle: '' } }, 'This exercise link cannot be used'),
    h('p', {}, 'The link does not hold an exercise the lab can check: it may have been cut short when it was copied, or changed. Ask your teacher for the link again.'),
    h('ul', { className: 'lesson-problems', attrs: { 'aria-label': 'What is wrong with the link' } }, ...problems.map((p) => h('li', {}, p))),
    h('p', {}, h('a', { href: '#step=review' }, 'Go to the lesson’s first step')));
}

/** A teacher's exercise being read (its picture loading, its link checked). @param {HTMLElement} section */
export function renderTaskLoading(section) {
  section.replaceChildren(
    h('h2', { tabIndex: -1, dataset: { stepTitle: '' } }, 'Your teacher’s exercise'),
    h('p', { className: 'muted', attrs: { role: 'status' } }, 'Reading the exercise…'));
}
