// A Playwright-like page over any driver of drivers.mjs, so the scenarios read
// like the Chromium tests in tests/browser/ and run unchanged in every engine:
//
//   const page = new Page(driver, siteUrl);
//   await page.goto('kernels.html');
//   const status = page.getByRole('status', { name: 'The engine' });
//   await status.waitFor({ hasText: 'Engine loaded' });
//   await page.getByLabel('Output row j1', { exact: true }).fill('3');
//   await page.getByRole('button', { name: 'Start', exact: true }).click();
//
// Roles and accessible names are found by a small lookup run in the page
// (inPage below: implicit roles of the HTML elements the lab uses, names from
// aria-labelledby, aria-label, <label for>, wrapping labels, legends and text),
// the same code in every engine. Matching follows Playwright: a string name
// matches a case-insensitive substring unless exact; a RegExp is tested as is.
// Reads and actions wait (poll) until their element is there; more than one
// match is an error (use .nth(i) or .first()), as in Playwright.
//
// How each engine does the person's part: clicks, typing and key presses are the
// driver's native input; files are set through the driver's file-input command.
// Choosing in a <select> sets its value and fires input and change, as
// Playwright's selectOption does (native drop-down lists differ per OS).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const TIMEOUT = 20_000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A RegExp or string made safe to send into the page. */
function matcher(m) {
  if (m === undefined || m === null) return null;
  return m instanceof RegExp ? { re: m.source, flags: m.flags } : { text: String(m) };
}

/** Polls check() until it returns something other than undefined; throws after ms. */
export async function until(check, what, ms = TIMEOUT) {
  const end = Date.now() + ms;
  let last;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? ` (${last.message})` : ''}`);
    await sleep(100);
  }
}

export class Page {
  /** driver: from drivers.mjs; baseUrl: the site; artifacts: where screenshots go. */
  constructor(driver, baseUrl, artifacts) {
    this.driver = driver;
    this.baseUrl = baseUrl;
    this.artifacts = artifacts;
    this.tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'convlab-engines-'));
    this.keyboard = { press: (key) => driver.press(key) };
  }

  /** Closes the browser and removes the files written for uploads. */
  async close() {
    try {
      await this.driver.close();
    } finally {
      fs.rmSync(this.tmp, { recursive: true, force: true });
    }
  }

  /** Opens a path of the site (e.g. 'pixels.html#sample=coffee') or an absolute URL. */
  async goto(where) {
    await this.driver.goto(new URL(where, this.baseUrl).href);
    await this.watchErrors();
  }

  async reload() {
    await this.driver.reload();
    await this.watchErrors();
  }

  url() {
    return this.driver.url();
  }

  evaluate(fn, arg = null) {
    return this.driver.evaluate(fn, arg);
  }

  /** Waits until fn(arg), run in the page, is truthy; returns it. */
  waitForFunction(fn, arg = null, { timeout = TIMEOUT } = {}) {
    return until(async () => (await this.driver.evaluate(fn, arg)) || undefined, `${fn}`, timeout);
  }

  getByRole(role, options = {}) { return new Locator(this, [{ by: 'role', role, name: matcher(options.name), exact: !!options.exact }]); }
  getByLabel(label, options = {}) { return new Locator(this, [{ by: 'label', name: matcher(label), exact: !!options.exact }]); }
  locator(css) { return new Locator(this, [{ by: 'css', css }]); }

  async screenshot(name) {
    fs.mkdirSync(this.artifacts, { recursive: true });
    const file = path.join(this.artifacts, `${name}.png`);
    await this.driver.screenshot(file);
    return file;
  }

  /**
   * Errors the page reported since the last call: uncaught errors and rejections
   * (caught in the page, in every engine) and console errors (where the driver
   * reports them: Chromium, Firefox).
   */
  async problems() {
    const inPageErrors = await this.driver.evaluate(() => (window.__engineTestErrors ?? []).splice(0));
    return [...new Set([...this.driver.problems(), ...inPageErrors])]; // an error both saw, once
  }

  async watchErrors() {
    await this.driver.evaluate(() => {
      if (window.__engineTestErrors) return;
      const errors = window.__engineTestErrors = [];
      window.addEventListener('error', (e) => errors.push(`page error: ${e.message}`));
      window.addEventListener('unhandledrejection', (e) => errors.push(`unhandled rejection: ${e.reason?.message ?? e.reason}`));
    });
  }
}

export class Locator {
  constructor(page, steps, index = null) {
    this.page = page;
    this.steps = steps;
    this.index = index;
  }

  /** For messages: role button "Start" >> filter /^Finished/ [0] */
  toString() {
    const describe = (q) => {
      if (q.by === 'css') return q.css;
      if (q.by === 'nth') return `[${q.index}]`;
      const m = q.name ?? q.hasText;
      const what = m?.re !== undefined ? `/${m.re}/` : JSON.stringify(m?.text ?? '');
      return q.role ? `${q.by} ${q.role} ${what}` : `${q.by} ${what}`;
    };
    return this.steps.map(describe).join(' >> ') + (this.index === null ? '' : ` [${this.index}]`);
  }

  getByRole(role, options = {}) { return this.#then({ by: 'role', role, name: matcher(options.name), exact: !!options.exact }); }
  getByLabel(label, options = {}) { return this.#then({ by: 'label', name: matcher(label), exact: !!options.exact }); }
  locator(css) { return this.#then({ by: 'css', css }); }
  /** Only the matches whose text matches (a substring, case-insensitive, or a RegExp). */
  filter({ hasText }) { return new Locator(this.page, [...this.steps, { by: 'filter', hasText: matcher(hasText) }], this.index); }
  nth(i) { return new Locator(this.page, this.steps, i); }
  first() { return this.nth(0); }

  #then(step) {
    const steps = this.index === null ? this.steps : [...this.steps, { by: 'nth', index: this.index }];
    return new Locator(this.page, [...steps, step]);
  }

  #query(op, arg) {
    return { op, steps: this.steps, index: this.index, arg };
  }

  /** Runs op on the one element, once; { missing } or { many } or { value }. */
  #once(op, arg) {
    return this.page.driver.evaluate(inPage, this.#query(op, arg));
  }

  /** Runs op on the one element, waiting for it to be there. */
  async #read(op, arg, ms = TIMEOUT) {
    return until(async () => {
      const r = await this.#once(op, arg);
      if (r.many) throw new Error(`${this} matches ${r.many} elements`);
      return r.missing ? undefined : r.value;
    }, `${this}`, ms);
  }

  /** The driver's handle of the one element (for clicks, typing, files). */
  async #element() {
    await this.#read('exists');
    const el = await this.page.driver.evaluateElement(inPage, this.#query('element'));
    if (!el) throw new Error(`${this} went away`);
    return el;
  }

  count() { return this.page.driver.evaluate(inPage, { op: 'count', steps: this.steps, index: null }); }
  textContent() { return this.#read('text'); }
  inputValue() { return this.#read('value'); }
  getAttribute(name) { return this.#read('attr', name); }
  isChecked() { return this.#read('checked'); }
  isDisabled() { return this.#read('disabled'); }
  async isVisible() {
    const r = await this.#once('visible');
    return !r.missing && !r.many && r.value;
  }
  allTextContents() { return this.page.driver.evaluate(inPage, { op: 'texts', steps: this.steps, index: null }); }

  /** Waits until the element is there (and, with hasText, its text matches). */
  async waitFor({ hasText, timeout = TIMEOUT } = {}) {
    const target = hasText === undefined ? this : this.filter({ hasText });
    await target.#read('exists', null, timeout);
  }

  async click() { await this.page.driver.click(await this.#element()); }
  async focus() { await this.#read('focus'); }
  async press(key) {
    await this.focus();
    await this.page.driver.press(key);
  }

  /** Replaces the field's text by typing `text` (an empty text clears it). */
  async fill(text) {
    await this.#read('clear', text === '');
    if (text !== '') await this.page.driver.type(await this.#element(), String(text));
  }

  async selectOption(value) { await this.#read('select', value); }

  async check() {
    if (!(await this.isChecked())) await this.click();
    if (!(await this.isChecked())) throw new Error(`${this} did not become checked`);
  }

  async uncheck() {
    if (await this.isChecked()) await this.click();
    if (await this.isChecked()) throw new Error(`${this} did not become unchecked`);
  }

  /** Sets a file input's file: `file` is a path, or { name, buffer } (written to a file of that name first). */
  async setInputFiles(file) {
    let where = file;
    if (typeof file !== 'string') {
      // a folder per upload: the same name may come again with other bytes
      where = path.join(fs.mkdtempSync(path.join(this.page.tmp, 'upload-')), file.name);
      fs.writeFileSync(where, file.buffer);
    }
    await this.page.driver.setFiles(await this.#element(), where);
  }

  /** Runs fn(element, arg) in the page. */
  async evaluate(fn, arg = null) {
    return this.page.driver.evaluateOn(await this.#element(), fn, arg);
  }
}

// ---- in the page ----

// Self-contained (sent as source to every engine): finds the elements of a
// query and does one small thing with one of them.
function inPage({ op, steps, index, arg }) {
  const norm = (s) => (s ?? '').replace(/\s+/g, ' ').trim();
  const matches = (m, text, exact) => {
    if (!m) return true;
    const t = norm(text);
    if (m.re !== undefined) return new RegExp(m.re, m.flags).test(t);
    return exact ? t === norm(m.text) : t.toLowerCase().includes(norm(m.text).toLowerCase());
  };
  const IMPLICIT = {
    button: 'button, input[type=button], input[type=submit], input[type=reset]',
    link: 'a[href]',
    radio: 'input[type=radio]',
    checkbox: 'input[type=checkbox]',
    textbox: 'input:not([type]), input[type=text], input[type=search], input[type=email], input[type=url], textarea',
    spinbutton: 'input[type=number]',
    combobox: 'select',
    status: 'output',
    heading: 'h1, h2, h3, h4, h5, h6',
    img: 'img[alt]:not([alt=""])',
    table: 'table',
    row: 'tr',
    cell: 'td',
    list: 'ul, ol',
    listitem: 'li',
    group: 'fieldset, details',
    region: 'section[aria-label], section[aria-labelledby]',
    progressbar: 'progress',
    navigation: 'nav',
    main: 'main',
  };
  const roleOf = (el) => {
    const explicit = el.getAttribute('role');
    if (explicit) return explicit.split(/\s+/)[0];
    for (const [role, sel] of Object.entries(IMPLICIT)) if (el.matches(sel)) return role;
    return null;
  };
  const text = (el) => norm(el.textContent);
  const nameOf = (el) => {
    const ids = el.getAttribute('aria-labelledby');
    if (ids) return norm(ids.split(/\s+/).map((id) => document.getElementById(id)).filter(Boolean).map(text).join(' '));
    const aria = el.getAttribute('aria-label');
    if (aria) return norm(aria);
    if (el.labels?.length) return norm([...el.labels].map(text).join(' '));
    if (el.matches('fieldset')) return text(el.querySelector(':scope > legend') ?? document.createElement('p'));
    if (el.matches('table') && el.caption) return text(el.caption);
    if (el.matches('img')) return norm(el.alt);
    if (el.matches('button, a, h1, h2, h3, h4, h5, h6, li, td, th, option, summary, [role=button], [role=tab], [role=option]')) return text(el);
    if (el.matches('input[type=button], input[type=submit], input[type=reset]')) return norm(el.value);
    return norm(el.getAttribute('title'));
  };
  const hidden = (el) => Boolean(el.closest('[hidden], [aria-hidden="true"]')) || el.getClientRects().length === 0
    || getComputedStyle(el).visibility === 'hidden';
  const below = (roots, sel) => {
    const out = [];
    for (const r of roots) for (const el of r.querySelectorAll(sel)) if (!out.includes(el)) out.push(el);
    return out;
  };
  let found = [document];
  for (const s of steps) {
    if (s.by === 'css') found = below(found, s.css);
    else if (s.by === 'role') {
      found = below(found, '*').filter((el) => roleOf(el) === s.role && !hidden(el) && matches(s.name, nameOf(el), s.exact));
    } else if (s.by === 'label') {
      // a form control, output or other element named by a <label>, aria-labelledby or aria-label
      found = below(found, 'input, select, textarea, output, button, meter, progress, [aria-label], [aria-labelledby]')
        .filter((el) => matches(s.name, nameOf(el), s.exact));
    } else if (s.by === 'filter') found = found.filter((el) => matches(s.hasText, el.textContent, false));
    else if (s.by === 'nth') found = found[s.index] ? [found[s.index]] : [];
  }
  if (op === 'count') return found.length;
  if (op === 'texts') return found.map((el) => el.textContent);
  if (index === null && found.length > 1) return { many: found.length };
  const el = found[index ?? 0];
  if (op === 'element') return el ?? null;
  if (!el) return { missing: true };
  const value = (() => {
    switch (op) {
      case 'exists': return true;
      case 'text': return el.textContent;
      case 'value': return el.value;
      case 'attr': return el.getAttribute(arg);
      case 'checked': return el.checked;
      case 'disabled': return el.disabled;
      case 'visible': return !hidden(el);
      case 'focus': el.focus(); return document.activeElement === el;
      case 'clear': {
        // the typing that follows is the driver's; an empty field is announced as a person's delete would
        el.focus();
        el.value = '';
        if (arg) el.dispatchEvent(new Event('input', { bubbles: true }));
        if (arg) el.dispatchEvent(new Event('change', { bubbles: true }));
        return true;
      }
      case 'select': {
        if (![...el.options].some((o) => o.value === arg)) throw new Error(`no option ${arg}`);
        el.focus();
        el.value = arg;
        el.dispatchEvent(new Event('input', { bubbles: true }));
        el.dispatchEvent(new Event('change', { bubbles: true }));
        return true;
      }
      default: throw new Error(`unknown op ${op}`);
    }
  })();
  return { value };
}
