// The three browser engines behind one small interface, so that each scenario
// (scenarios.mjs) is written once and run in every engine a class has:
//
//   Chromium (Chromebooks)      Debian's chromium,    driven by playwright-core (CDP)
//   Firefox (school laptops)    Debian's firefox-esr, driven by puppeteer-core (WebDriver BiDi)
//   WebKit (iPads: Safari)      Debian's WebKitGTK MiniBrowser, driven by selenium-webdriver
//                               through WebKitWebDriver, on an Xvfb display started here
//
// Nothing is downloaded: each driver runs the Debian browser that install.sh put there.
// A driver is one browser process with one tab, for the whole suite:
//
//   const d = await launch('firefox');
//   await d.goto(url);
//   const n = await d.evaluate((arg) => arg + 1, 41);        // runs in the page
//   const el = await d.evaluateElement((sel) => document.querySelector(sel), 'button');
//   await d.click(el);  await d.type(el, '12');  await d.press('Shift+ArrowRight');
//   await d.setFiles(el, '/tmp/x.png');  await d.screenshot('/tmp/shot.png');
//   await d.close();
//
// Functions given to evaluate* are sent as source text: they may use only their
// arguments, never variables of the test. Keys are named as in Playwright
// ('Enter', 'ArrowDown', 'Control+Home', 'Shift+ArrowRight').
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';

export const ENGINES = ['chromium', 'firefox', 'webkit'];

const FIREFOX = process.env.FIREFOX ?? '/usr/bin/firefox-esr';
const WEBKIT_DRIVER = process.env.WEBKIT_DRIVER ?? '/usr/bin/WebKitWebDriver';
const MINIBROWSER = process.env.MINIBROWSER ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
const VIEWPORT = { width: 1280, height: 900 };

/** Starts the engine's browser; resolves to a driver (the interface above). */
export async function launch(engine) {
  switch (engine) {
    case 'chromium': return launchChromium();
    case 'firefox': return launchFirefox();
    case 'webkit': return launchWebKit();
    default: throw new Error(`unknown engine ${engine}: one of ${ENGINES.join(', ')}`);
  }
}

/** 'Shift+ArrowRight' -> { mods: ['Shift'], key: 'ArrowRight' } */
function splitKey(combo) {
  const parts = combo.split('+');
  return { mods: parts.slice(0, -1), key: parts[parts.length - 1] };
}

// ---- Chromium: playwright-core ----

async function launchChromium() {
  const { launchBrowser } = await import('../browser/helpers.mjs');
  const browser = await launchBrowser();
  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  return {
    engine: 'Chromium',
    version: browser.version(),
    goto: (url) => page.goto(url, { waitUntil: 'load' }),
    reload: () => page.reload({ waitUntil: 'load' }),
    url: () => page.url(),
    evaluate: (fn, arg) => page.evaluate(fn, arg),
    evaluateElement: async (fn, arg) => (await page.evaluateHandle(fn, arg)).asElement(),
    evaluateOn: (el, fn, arg) => el.evaluate(fn, arg),
    click: (el) => el.click(),
    type: (el, text) => el.type(text),
    press: (combo) => page.keyboard.press(combo),
    setFiles: (el, file) => el.setInputFiles(file),
    screenshot: (file) => page.screenshot({ path: file, fullPage: true }),
    problems: () => problems.splice(0),
    close: () => browser.close(),
  };
}

// ---- Firefox: puppeteer-core over WebDriver BiDi ----

async function launchFirefox() {
  const { default: puppeteer } = await import('puppeteer-core');
  const browser = await puppeteer.launch({
    browser: 'firefox', executablePath: FIREFOX, headless: true,
    // no update checks, telemetry or captive-portal probes: this network only reaches localhost
    extraPrefsFirefox: { 'network.captive-portal-service.enabled': false, 'network.connectivity-service.enabled': false },
  });
  const page = (await browser.pages())[0] ?? await browser.newPage();
  await page.setViewport(VIEWPORT);
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  const keys = async (combo) => {
    const { mods, key } = splitKey(combo);
    for (const m of mods) await page.keyboard.down(m);
    await page.keyboard.press(key);
    for (const m of mods.reverse()) await page.keyboard.up(m);
  };
  return {
    engine: 'Firefox ESR',
    version: (await browser.version()).replace(/^firefox\//i, ''),
    goto: (url) => page.goto(url, { waitUntil: 'load' }),
    reload: () => page.reload({ waitUntil: 'load' }),
    url: () => page.url(),
    evaluate: (fn, arg) => page.evaluate(fn, arg),
    evaluateElement: async (fn, arg) => (await page.evaluateHandle(fn, arg)).asElement(),
    evaluateOn: (el, fn, arg) => el.evaluate(fn, arg),
    click: (el) => el.click(),
    type: (el, text) => el.type(text),
    press: keys,
    setFiles: (el, file) => el.uploadFile(file),
    screenshot: (file) => page.screenshot({ path: file, fullPage: true }),
    problems: () => problems.splice(0),
    close: () => browser.close(),
  };
}

// ---- WebKit: selenium-webdriver, WebKitWebDriver, MiniBrowser on Xvfb ----

/** A free TCP port on the loopback interface. */
function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Spawns Xvfb on the first free display; resolves to { display, process }. */
function startXvfb() {
  return new Promise((resolve, reject) => {
    const xvfb = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1600x1200x24', '-nolisten', 'tcp'],
      { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
    let err = '';
    xvfb.stderr.on('data', (d) => { err += d; });
    xvfb.once('error', reject);
    xvfb.once('exit', (code) => reject(new Error(`Xvfb exited (${code}): ${err.trim()}`)));
    xvfb.stdio[3].once('data', (d) => resolve({ display: `:${String(d).trim()}`, process: xvfb }));
  });
}

async function waitForHttp(url, ms = 20_000) {
  const end = Date.now() + ms;
  for (;;) {
    try {
      await fetch(url);
      return;
    } catch (e) {
      if (Date.now() > end) throw new Error(`${url} did not answer: ${e.message}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

async function launchWebKit() {
  const { Builder, Key } = await import('selenium-webdriver');
  const children = [];
  // WebKitWebDriver first (it reaps MiniBrowser), then Xvfb; each given 5 s to go
  const stopChildren = () => Promise.all(children.reverse().map((c) => {
    if (c.exitCode !== null || c.signalCode !== null) return null;
    const gone = new Promise((resolve) => c.once('exit', resolve));
    c.kill();
    return Promise.race([gone, new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
  }));
  try {
    const x = await startXvfb();
    children.push(x.process);
    const port = await freePort();
    const wd = spawn(WEBKIT_DRIVER, [`--port=${port}`, '--host=127.0.0.1'],
      { stdio: 'ignore', env: { ...process.env, DISPLAY: x.display } });
    children.push(wd);
    await waitForHttp(`http://127.0.0.1:${port}/status`);
    const driver = await new Builder()
      .withCapabilities({
        browserName: 'MiniBrowser',
        'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] },
      })
      .usingServer(`http://127.0.0.1:${port}`)
      .build();
    await driver.manage().window().setRect(VIEWPORT);
    const caps = await driver.getCapabilities();
    const KEYS = {
      Shift: Key.SHIFT, Control: Key.CONTROL, Alt: Key.ALT, Enter: Key.ENTER, Tab: Key.TAB, Escape: Key.ESCAPE,
      Backspace: Key.BACK_SPACE, Home: Key.HOME, End: Key.END, ArrowUp: Key.ARROW_UP, ArrowDown: Key.ARROW_DOWN,
      ArrowLeft: Key.ARROW_LEFT, ArrowRight: Key.ARROW_RIGHT, PageUp: Key.PAGE_UP, PageDown: Key.PAGE_DOWN, Space: Key.SPACE,
    };
    const code = (name) => KEYS[name] ?? name;
    const press = async (combo) => {
      const { mods, key } = splitKey(combo);
      let a = driver.actions();
      for (const m of mods) a = a.keyDown(code(m));
      a = a.keyDown(code(key)).keyUp(code(key));
      for (const m of [...mods].reverse()) a = a.keyUp(code(m));
      await a.perform();
    };
    // selenium sends a function as `return (fn).apply(null, arguments)`
    return {
      engine: 'WebKitGTK',
      version: caps.get('browserVersion'),
      goto: (url) => driver.get(url),
      reload: () => driver.navigate().refresh(),
      url: () => driver.getCurrentUrl(),
      evaluate: (fn, arg) => driver.executeScript(fn, arg),
      evaluateElement: (fn, arg) => driver.executeScript(fn, arg),
      evaluateOn: (el, fn, arg) => driver.executeScript(`return (${fn}).apply(null, arguments)`, el, arg),
      click: (el) => el.click(),
      type: (el, text) => el.sendKeys(text),
      press,
      setFiles: (el, file) => el.sendKeys(file),
      screenshot: async (file) => fs.writeFileSync(file, Buffer.from(await driver.takeScreenshot(), 'base64')),
      // WebKitWebDriver has no log endpoint: page errors are caught in the page (see page.mjs)
      problems: () => [],
      close: async () => {
        try { await driver.quit(); } finally { await stopChildren(); }
      },
    };
  } catch (e) {
    await stopChildren();
    throw e;
  }
}
