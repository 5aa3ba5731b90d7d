// axe-core on every page at a phone, a tablet and a projector size: zero
// violations, in the state a student first sees and, where a page says how,
// after it has worked. One test per page and size, so each page answers for itself.
// The laptop size (1366 x 768) is left out: it falls in the same band of every
// media query of the site's CSS as the projector (1280 x 720 CSS px, from
// 72rem to 100rem wide), so its layout is the projector's; the other tests
// still use it. A page's frames are checked in its first view; after the work,
// which happens outside them, again only if a frame has moved to another page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useSiteAndBrowser, axeViolations, SIZES } from './helpers.mjs';

const env = useSiteAndBrowser({}, { serviceWorker: false });

const PAGES = [
  { file: '', ready: (page) => page.locator('[data-device][data-measured]').waitFor({ timeout: 60_000 }) },
  {
    file: 'pixels.html',
    ready: (page) => page.getByLabel('Shape', { exact: true }).filter({ hasText: '512' }).waitFor(),
    // the grayscale view, the lens moved, the Fashion-MNIST pictures shuffled, a field's error shown
    work: async (page) => {
      await page.getByRole('radio', { name: /Grayscale: 2D/ }).check();
      await page.getByRole('group', { name: 'Image pixels' }).focus();
      await page.keyboard.press('ArrowRight');
      await page.getByRole('img', { name: /Fashion-MNIST test image \d+, pixels shuffled$/ }).first().waitFor();
      await page.getByLabel('Show the vector shuffled').check();
      await page.getByLabel('Rows').fill('9');
      await makeExerciseLink(page);
    },
  },
  {
    file: 'kernels.html', ready: (page) => page.getByLabel('Result Z[0, 0]').filter({ hasText: '2040' }).waitFor(),
    work: makeExerciseLink,
  },
  {
    file: 'train.html', ready: (page) => page.locator('[data-param-total]').filter({ hasText: /\d/ }).waitFor(),
    work: makeExerciseLink,
  },
  { file: 'credits.html', ready: (page) => page.getByRole('heading', { level: 1 }).waitFor() },
  {
    file: 'lesson.html#step=images',
    // its widget (the pixels page, in embed mode, inside) loaded: axe checks the frame too
    ready: (page) => page.frameLocator('iframe').getByLabel('Shape', { exact: true }).filter({ hasText: '300' }).waitFor(),
    // an answer checked wrong (its feedback and the field marked), the worked answer shown
    work: async (page) => {
      const form = page.getByRole('form', { name: 'Exercise 2' });
      await form.getByLabel('The photo’s shape').fill('(451, 300, 3)');
      await form.getByRole('button', { name: 'Check' }).click();
      await form.getByRole('status').filter({ hasText: 'width first' }).waitFor();
      await form.getByRole('button', { name: 'Show the worked answer' }).click();
      await form.getByRole('region', { name: /Worked answer/ }).waitFor();
      // the teacher's form open, a link made
      await page.getByText('For teachers: make an exercise').click();
      await page.getByRole('button', { name: 'Make the link' }).click();
      await page.getByLabel('The exercise’s link').waitFor();
    },
  },
  {
    file: 'lesson.html?embed#step=networks',
    // its last exercise has read the browser's kept model (none here) and said so
    ready: (page) => page.getByText('No trained model is kept in this browser yet.').waitFor(),
  },
  {
    // a teacher's exercise from the pixels page, answered wrong
    file: 'lesson.html#task=pixel&img=chelsea&at=10,20',
    ready: (page) => page.frameLocator('iframe').getByLabel('Shape', { exact: true }).filter({ hasText: '300' }).waitFor(),
    work: async (page) => {
      const form = page.getByRole('form', { name: 'Exercise 1' });
      await form.getByLabel('The pixel’s numbers').fill('(1, 2)');
      await form.getByRole('button', { name: 'Check' }).click();
      await form.getByRole('status').filter({ hasText: 'Not yet' }).waitFor();
    },
  },
  { file: 'lesson.html#task=pixel&img=chelsea&at=x', ready: (page) => page.getByRole('heading', { level: 2, name: 'This exercise link cannot be used' }).waitFor() },
];

/** A page's "For teachers: make an exercise from this view" panel opened and a link made (lib/exercise-maker.js). */
async function makeExerciseLink(page) {
  await page.getByText('For teachers: make an exercise from this view').click();
  const panel = page.getByRole('form', { name: 'For teachers: make an exercise from this view' });
  await panel.getByRole('button', { name: 'Make the link' }).click();
  await panel.getByRole('status').filter({ hasText: /\S/ }).waitFor();
}

const frameUrls = (page) => page.frames().slice(1).map((f) => f.url()).join(' ');
const sizes = Object.fromEntries(Object.entries(SIZES).filter(([name]) => name !== 'laptop'));

for (const p of PAGES) {
  for (const [size, options] of Object.entries(sizes)) {
    test(`no accessibility violations on ${p.file || 'index.html'} at ${size} size`, async () => {
      const page = await env.newPage(options);
      await page.goto(env.url + p.file);
      await p.ready(page);
      const found = (await axeViolations(page)).map((v) => `first view: ${v}`);
      if (p.work) {
        const checked = frameUrls(page);
        await p.work(page);
        const frames = frameUrls(page) !== checked;
        found.push(...(await axeViolations(page, { frames })).map((v) => `after working: ${v}`));
      }
      await page.context().close();
      assert.deepEqual(found, []);
    });
  }
}

// A lab page is read while its engine still loads (the lesson's lazy frames are checked at any
// moment of theirs): the kernels page with its WebAssembly held back, before anything is computed.
test('no accessibility violations on kernels.html while its engine loads', async () => {
  const page = await env.newPage(SIZES.projector);
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  let asked = 0;
  await page.context().route('**/*.wasm', async (route) => { asked++; await held; await route.continue(); });
  await page.goto(`${env.url}kernels.html`);
  await page.getByLabel('Image', { exact: true }).waitFor();
  const found = await axeViolations(page);
  assert.ok(asked > 0, 'the engine was held back while axe ran');
  release();
  await page.context().close();
  assert.deepEqual(found, []);
});
