// Runs every scenario of scenarios.mjs in one engine: the built site on a
// loopback server, one browser (drivers.mjs) for the whole file, one test per
// scenario. Each engine has its own test file (chromium.test.mjs, ...), so
// `node --test tests/engines/` runs them one after another, each in its process.
import { after, before, test } from 'node:test';
import path from 'node:path';
import { launch } from './drivers.mjs';
import { Page } from './page.mjs';
import { SCENARIOS } from './scenarios.mjs';
import { startServer } from '../../scripts/serve.mjs';

const ROOT = path.resolve(new URL('../..', import.meta.url).pathname);
const SITE = path.join(ROOT, 'build/site');
const TRAINER = path.join(ROOT, 'build/native/convlab-train');
const ARTIFACTS = path.join(ROOT, 'test-artifacts/engines');

export function runScenarios(engine) {
  let site, page;
  before(async () => {
    site = await startServer({ root: SITE });
    page = new Page(await launch(engine), site.url, ARTIFACTS);
    page.engine = engine;
  });
  after(async () => {
    await page?.close();
    site?.server.close();
  });

  test(`${engine}: the browser under test`, (t) => {
    t.diagnostic(`${page.driver.engine} ${page.driver.version}`);
  });
  for (const s of SCENARIOS) {
    test(`${engine}: ${s.name}`, (t) => s.run({
      page, engine, site: SITE, trainer: TRAINER, tmp: page.tmp,
      note: (text) => t.diagnostic(`known difference (${engine}): ${text}`),
    }));
  }
}
