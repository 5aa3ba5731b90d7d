// Shared setup for the browser tests: the built site on a loopback server and
// Debian's Chromium driven by playwright-core (no browser download).
import fs from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import { before, after, afterEach } from 'node:test';
import { chromium } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';
import { startServer } from '../../scripts/serve.mjs';

export const ROOT = path.resolve(new URL('../..', import.meta.url).pathname);
export const SITE = path.join(ROOT, 'build/site');
export const ARTIFACTS = path.join(ROOT, 'test-artifacts');

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
// Without the background-networking flags Chromium keeps trying to reach
// Google's hosts, which this closed network refuses.
const FLAGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  ...(shmRoomy() ? [] : ['--disable-dev-shm-usage']),
];

/**
 * /dev/shm has room for Chromium's shared memory (a container's default 64 MB
 * has not: there the flag sends it to /tmp, which costs system time; measured
 * on the Zen 5 machine of README's Performance, the accessibility file took
 * 140 s with the flag and 127 s without it, /dev/shm being 24 GB there).
 */
function shmRoomy() {
  try {
    const s = fs.statfsSync('/dev/shm');
    return s.bavail * s.bsize >= 2 ** 30;
  } catch {
    return false;
  }
}

export async function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
}

/** Serves the site at `/` (and at `mount`, e.g. '/deep/sub/path/', to check relative URLs). */
export async function startSite(mounts = {}) {
  return startServer({ root: SITE, mounts });
}

// Every page reports Content-Security-Policy violations (of the page and of
// its workers' fetches) as console errors starting with this; see cspViolations().
const CSP_TAG = 'CSP violation:';
function reportCspViolations() {
  document.addEventListener('securitypolicyviolation', (e) => {
    console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`);
  });
}

/** The CSP violations a page reported so far. */
export function cspViolations(page) {
  return page.problems.filter((p) => p.includes(CSP_TAG));
}

/** A new page whose console errors and failed requests are collected in page.problems. */
export async function newPage(browser, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  await context.addInitScript(reportCspViolations);
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') page.problems.push(`console: ${m.text()}`); });
  // a load cut short because the page moved on (or cancelled it) is not a fault of the page
  page.on('requestfailed', (r) => { if (r.failure()?.errorText !== 'net::ERR_ABORTED') page.problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`); });
  page.on('response', (r) => { if (r.status() >= 400) page.problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  return page;
}

export async function screenshot(page, name) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * For a test file: the site on a loopback server and one Chromium, started
 * before its tests and closed after them. Returns { url, browser, newPage(options) }
 * (url and browser are set once the tests run). `mounts` as for startSite().
 * `serviceWorker: false`: the pages of env.newPage() run without the lab's
 * service worker, for files whose tests are about a page's first visit. Each
 * new context would otherwise install it, fetching and storing every file of
 * the site (133 files, 3.5 MB) beside the test: a fifth of the CPU time of
 * the accessibility tests (measured: 207 s -> 165 s; the train page's
 * reliability, network and export files: 210 s -> 158 s). Its own tests
 * (offline.test.mjs, site.test.mjs, relaxed.test.mjs), the train page's main
 * path and its workers (train.test.mjs, train-workers.test.mjs: isolated by
 * it after a reload, as on a static host), lesson-trained.test.mjs and the
 * other engines' suite keep it.
 */
export function useSiteAndBrowser(mounts = {}, { serviceWorker = true } = {}) {
  const pages = [];
  const env = {
    url: null,
    browser: null,
    newPage: async (options) => {
      const page = await newPage(env.browser, { ...(serviceWorker ? {} : { serviceWorkers: 'block' }), ...options });
      pages.push(page);
      return page;
    },
  };
  // Whatever a test checks, a page that breaks its own Content-Security-Policy fails it.
  afterEach(() => {
    const found = pages.splice(0).flatMap(cspViolations);
    assert.deepEqual(found, [], 'Content-Security-Policy violations');
  });
  let site;
  before(async () => {
    site = await startSite(mounts);
    env.url = site.url;
    env.browser = await launchBrowser();
  });
  after(async () => {
    await env.browser?.close();
    site?.server.close();
  });
  return env;
}

/**
 * The RGBA bytes the canvas `selector` holds now: { width, height, data } (data a Buffer, 4 bytes a
 * pixel, row by row). They cross from the page as one base64 string: an array of numbers crosses
 * value by value (a 512 x 512 picture's took 30 s on a busy machine; its string, under one).
 */
export async function canvasPixels(page, selector) {
  const { width, height, b64 } = await page.evaluate((sel) => {
    const c = document.querySelector(sel);
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let s = '';
    for (let i = 0; i < d.length; i += 0x8000) s += String.fromCharCode.apply(null, d.subarray(i, i + 0x8000));
    return { width: c.width, height: c.height, b64: btoa(s) };
  }, selector);
  return { width, height, data: Buffer.from(b64, 'base64') };
}

/** The sizes a class uses: a phone, a tablet, a laptop, a projector (1920 x 1080 at 150%: 1280 x 720 CSS px, scale 1.5). */
export const SIZES = Object.freeze({
  phone: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true },
  tablet: { viewport: { width: 820, height: 1180 }, deviceScaleFactor: 2, hasTouch: true },
  laptop: { viewport: { width: 1366, height: 768 } },
  projector: { viewport: { width: 1280, height: 720 }, deviceScaleFactor: 1.5 },
});

/**
 * axe-core's accessibility violations on the page as it is now (WCAG 2.1 A
 * and AA rules and axe's best practices), as short lines: rule, and the first
 * elements at fault. `frames: false` leaves out what is inside the page's
 * iframes (the iframe elements themselves are still checked): for a second
 * look at a page whose frames have not changed since they were checked.
 */
export async function axeViolations(page, { frames = true } = {}) {
  // legacy mode: axe runs in each frame of the page itself (same-origin frames are still checked,
  // a violation inside an iframe is found) without opening a page to merge the results in: 2 to 3
  // times faster on the pixels page. resultTypes: the passes and the rest come back as one node
  // each, not every node (3.4 MB of results on the lesson page with its frame, 60 KB with it);
  // the violations are reported in full either way. pingWaitTime: a frame that has not answered axe's
  // ping in 500 ms (its default) is skipped without a word, which a busy machine made happen once.
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).setLegacyMode(true)
    .options({ resultTypes: ['violations'], pingWaitTime: 3000, ...(frames ? {} : { iframes: false }) }).analyze();
  return r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

/**
 * Makes the pages of a context see a browser without WebAssembly SIMD, as an
 * old one is: WebAssembly.validate() refuses SIMD modules on the page and in
 * every engine worker (each worker script is served wrapped: the wrapper
 * patches validate, then imports the real script, under ?real).
 */
export async function withoutSimd(context) {
  return refuseModulesWith(context, [0xfd, 0x0c]); // v128.const: every SIMD module has one
}

/**
 * As withoutSimd, for relaxed SIMD only, as WebKit (and Chromium before 114,
 * Firefox before 146): modules with f32x4.relaxed_madd (0xfd 0x85 0x02) do
 * not validate, others do: the loader then takes the SIMD build.
 */
export async function withoutRelaxedSimd(context) {
  return refuseModulesWith(context, [0xfd, 0x85, 0x02]);
}

/** WebAssembly.validate() refuses modules holding the byte sequence `seq`, on the pages and in their workers. */
async function refuseModulesWith(context, seq) {
  const patch = `{
    const validate = WebAssembly.validate, seq = ${JSON.stringify(seq)};
    WebAssembly.validate = (bytes) => {
      const b = new Uint8Array(bytes.buffer ?? bytes);
      for (let i = 0; i + seq.length <= b.length; i++) if (seq.every((v, j) => b[i + j] === v)) return false;
      return validate(bytes);
    };
  }`;
  await context.addInitScript({ content: patch });
  // A static import of the patch first, then of the real worker: modules run in
  // import order, so the patch is in place before the worker's code runs, and the
  // worker's message handler is set as the worker starts (no message is missed).
  await context.route('**/no-simd-patch.js', (route) => route.fulfill({ status: 200, contentType: 'text/javascript', body: patch }));
  await context.route('**/worker.js*', (route) => {
    const url = new URL(route.request().url());
    if (url.search === '?real') return route.continue();
    return route.fulfill({
      status: 200, contentType: 'text/javascript',
      body: `import '/no-simd-patch.js';\nimport ${JSON.stringify(`${url.pathname}?real`)};\n`,
    });
  });
}
