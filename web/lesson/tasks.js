// tasks.js - the teacher's exercises made on the pixels and train pages
// (lib/exercise-link.js): the numbers of one pixel of a sample picture, the
// picture's shape, and a test accuracy to reach with an MLP or a CNN. Each
// is an exercise like the lesson's own (exercises.js's Exercise); teacher.js
// hands these kinds here. Pure; tested in node (tests/node/exercise-link.test.mjs).
import { SAMPLES } from '../lib/image-source.js';
import { pct, fmtInt } from '../lib/format.js';
import { noModel } from './trained.js';

const sampleOf = (img) => SAMPLES.find((x) => x.name === img);
const sampleName = (img) => sampleOf(img)?.label.replace(/ \(.*$/, '') ?? img;
const shapeText = (s) => `(${s.join(', ')})`;
const same = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);
const ARCH = { mlp: 'an MLP', cnn: 'a CNN' };

/**
 * Why a pixels or train task cannot be set ('' when it can).
 * @param {import('../lib/exercise-link.js').ExerciseTask} t
 * @param {{ h: number, w: number, c: number }} [pic]  the picture, once loaded (undefined: it did not load)
 */
export function otherProblem(t, pic) {
  if (t.task === 'train') return '';
  if (!sampleOf(t.img)) return `“${t.img}” is not one of the lab’s sample pictures.`;
  if (!pic) return `The picture “${t.img}” could not be loaded.`;
  if (t.task === 'pixel' && !(t.at[0] < pic.h && t.at[1] < pic.w)) {
    return `The pixel at row ${t.at[0]}, column ${t.at[1]} is outside the picture, which has ${pic.h} rows and ${pic.w} columns.`;
  }
  return '';
}

/** The page showing the task's view (embed mode). @param {import('../lib/exercise-link.js').ExerciseTask} t */
export function otherWidget(t) {
  if (t.task === 'train') return `train.html?embed#arch=${t.arch}`;
  return `pixels.html?embed#sample=${t.img}${t.task === 'pixel' ? `&x=${t.at[1]}&y=${t.at[0]}` : ''}`;
}

/**
 * A pixels or train task as an exercise.
 * @param {import('../lib/exercise-link.js').ExerciseTask} t
 * @returns {import('./exercises.js').Exercise}
 */
export function otherExercise(t) {
  const common = { id: 'teacher', objectives: [] };
  if (t.task === 'train') {
    const target = t.target / 100, what = ARCH[t.arch], href = `train.html#arch=${t.arch}`;
    const link = { href, text: `Open the train page set up for ${what}` };
    return {
      ...common, kind: 'model', label: `Your trained ${t.arch.toUpperCase()}`, fresh: true,
      prompt: `Train ${what} on the train page (it is open above) until it gets at least ${t.target}% of the test images right. When its run has ended, press Check: the engine tests the model your browser keeps on the 10,000 test images.`,
      facts: async ({ models }) => ({ answer: target, more: await models.evaluate() }),
      check: (_, { answer, more }) => {
        if (!more.model) return noModel(what, href);
        const isMlp = more.model.mlp;
        if (isMlp !== (t.arch === 'mlp')) {
          return { ok: false, wrong: `The model kept is ${isMlp ? 'an MLP' : 'a CNN'} (${more.model.spec}), not ${what}.`, hint: `The lesson checks the last model trained: train ${what} and check again.`, link };
        }
        const got = `Your model (${more.model.spec}) gets ${fmtInt(more.correct)} of the ${fmtInt(more.n)} test images right, ${pct(more.accuracy)}`;
        if (more.accuracy >= answer) return { ok: true, note: `${got}.` };
        return {
          ok: false, wrong: `${got}: below the ${t.target}% asked.`, link,
          hint: t.arch === 'mlp' ? 'Train for more epochs, or give the hidden layer more units; a learning rate too large or too small stalls it.'
            : 'Train for more epochs, or give the conv layers more filters; a learning rate too large or too small stalls it.',
        };
      },
      worked: ({ answer, more }) => [
        `The target is ${pct(answer)} of the 10,000 test images; guessing gets 10%.`,
        more.model ? `Your kept model (${more.model.spec}) gets ${pct(more.accuracy)} (the engine’s evaluation of it).` : 'No model is kept in this browser yet.',
        'More epochs, a larger model and a learning rate that neither stalls nor diverges each help; the test accuracy says whether it worked.',
      ],
    };
  }
  if (t.task === 'imgshape') {
    return {
      ...common, kind: 'shape', label: 'The picture’s shape',
      prompt: `Your teacher chose the picture ${sampleName(t.img)}, open above. What is its shape, written the lesson’s way (height, width, channels)?`,
      facts: async (ctx) => {
        const p = await ctx.picture(t.img);
        return { answer: p.c === 1 ? [p.h, p.w] : [p.h, p.w, p.c], more: { c: p.c } };
      },
      check: (s, { answer, more }) => {
        if (same(s, answer) || (more.c === 1 && same(s, [...answer, 1]))) return { ok: true };
        if (same(s, [answer[1], answer[0], ...answer.slice(2)])) return { ok: false, wrong: 'You wrote the width first.', hint: 'The lesson writes the height (the rows) first, then the width (the columns).' };
        if (more.c === 3 && same(s, answer.slice(0, 2))) return { ok: false, wrong: 'Two numbers describe a grayscale picture; this one is in colour.', hint: 'A colour picture stacks three matrices, R, G and B: its shape has a third number.' };
        return { ok: false, wrong: `${shapeText(s)} is not the picture’s shape.`, hint: 'The pixels page writes the shape under the picture: rows, columns, and channels for a colour one.' };
      },
      worked: ({ answer, more }) => [
        `The picture has ${answer[0]} rows (its height) and ${answer[1]} columns (its width)${more.c === 3 ? ', and 3 channels (R, G, B)' : ', and one gray value a pixel'}:`,
        `shape ${shapeText(answer)}${more.c === 1 ? ' (or (…, 1), one channel)' : ''}.`,
      ],
    };
  }
  const [r, c] = t.at;
  return {
    ...common, kind: 'shape', label: 'The pixel’s numbers', format: 'Written in brackets, such as (120, 64, 30).',
    prompt: `Your teacher chose the pixel at row ${r}, column ${c} (counting from 0) of ${sampleName(t.img)}, open above. What numbers does the computer store for it? Write them in brackets: (R, G, B) for a colour picture, one number for a grayscale one.`,
    facts: async (ctx) => {
      const p = await ctx.picture(t.img);
      const n = p.h * p.w;
      return { answer: Array.from({ length: p.c }, (_, ch) => p.planes[ch * n + r * p.w + c]), more: { c: p.c } };
    },
    check: (s, { answer, more }) => {
      if (same(s, answer)) return { ok: true };
      if (s.some((v) => v < 0 || v > 255)) return { ok: false, wrong: 'A pixel’s numbers go from 0 to 255.', hint: '0 is the darkest, 255 the brightest, in each channel.' };
      if (more.c === 3 && s.length !== 3) return { ok: false, wrong: `A colour pixel has three numbers; you wrote ${s.length}.`, hint: 'One number for each of the red, green and blue channels, in that order.' };
      if (more.c === 3 && same(s, [...answer].reverse())) return { ok: false, wrong: 'Those are its numbers in the order B, G, R.', hint: 'The lesson writes red first, then green, then blue.' };
      return { ok: false, wrong: `${shapeText(s)} are not that pixel’s numbers.`, hint: `Point at the pixel at row ${r}, column ${c} in the pixels page above (the lens starts there): it shows the pixel’s numbers.` };
    },
    worked: ({ answer, more }) => [
      more.c === 3 ? `Row ${r}, column ${c}: red ${answer[0]}, green ${answer[1]}, blue ${answer[2]}, each from 0 to 255 (the picture as the engine reads it).`
        : `Row ${r}, column ${c}: ${answer[0]}, from 0 (black) to 255 (white) (the picture as the engine reads it).`,
      `Written: ${shapeText(answer)}.`,
    ],
  };
}
