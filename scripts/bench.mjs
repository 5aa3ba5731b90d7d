// make bench: runs every tests/bench/*.bench.mjs in one headless Chromium
// session against the built site, and writes the results as JSON and as a
// Markdown table (bench-results/latest.json, bench-results/latest.md).
//
//   node scripts/bench.mjs [--only NAME] [--quick]
//
// Each bench module exports `title` and `run({ browser, siteUrl, newPage, log, quick })`
// returning rows { name, unit, median, min, max, runs, note? }.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execSync } from 'node:child_process';
import { startServer } from './serve.mjs';
import { launchBrowser, newPage } from '../tests/browser/helpers.mjs';

const ROOT = path.resolve(new URL('..', import.meta.url).pathname);
const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : null;
const quick = args.includes('--quick');

function machine() {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  let chromium = 'unknown';
  try {
    chromium = execSync('/usr/bin/chromium --version', { encoding: 'utf8' }).trim();
  } catch { /* not fatal */ }
  // the load average (1, 5, 15 min) when the run starts: other work on the machine skews timings
  const load = os.loadavg().map((v) => Number(v.toFixed(2)));
  return { cpu, cores: os.cpus().length, node: process.version, chromium, date: new Date().toISOString(), load };
}

function fmt(v) {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  if (typeof v !== 'number') return String(v);
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2);
}

async function main() {
  const dir = path.join(ROOT, 'tests/bench');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.bench.mjs')).sort()
    .filter((f) => !only || f.includes(only));
  // Benchmark-only mounts, never part of the site: the bench pages, TensorFlow.js
  // from node_modules (its .wasm files included) and Debian's Fashion-MNIST files.
  const site = await startServer({
    root: path.join(ROOT, 'build/site'),
    mounts: {
      '/__bench/': dir,
      '/__tfjs/': path.join(ROOT, 'node_modules/@tensorflow'),
      '/__data/': process.env.FASHION_MNIST ?? '/usr/share/datasets/fashion-mnist',
    },
  });
  const browser = await launchBrowser();
  const results = { machine: machine(), sections: [] };
  try {
    for (const f of files) {
      const mod = await import(path.join(dir, f));
      console.log(`\n## ${mod.title}`);
      const rows = await mod.run({
        browser, siteUrl: site.url, quick,
        newPage: (opts) => newPage(browser, opts),
        log: (...a) => console.log('  ', ...a),
      });
      for (const r of rows) console.log(`  ${r.name}: median ${fmt(r.median)} ${r.unit} (min ${fmt(r.min)}, max ${fmt(r.max)}, ${r.runs} runs)${r.note ? ` ${r.note}` : ''}`);
      // A module may also export summary(rows) -> Markdown shown above its table.
      results.sections.push({ file: f, title: mod.title, rows, ...(mod.summary ? { summary: mod.summary(rows) } : {}) });
    }
  } finally {
    await browser.close();
    site.server.close();
  }
  const out = path.join(ROOT, 'bench-results');
  fs.mkdirSync(out, { recursive: true });
  const m = results.machine;
  let md = `Measured ${m.date.slice(0, 10)} on ${m.cpu} (${m.cores} cores, load average ${m.load.join(' / ')} at the start), ${m.chromium}, node ${m.node}; \`make bench\`.\n`;
  for (const s of results.sections) {
    md += `\n### ${s.title}\n\n${s.summary ? `${s.summary}\n` : ''}| workload | median | min | max | runs | note |\n| --- | ---: | ---: | ---: | ---: | --- |\n`;
    for (const r of s.rows) md += `| ${r.name} | ${fmt(r.median)} ${r.unit} | ${fmt(r.min)} | ${fmt(r.max)} | ${r.runs} | ${r.note ?? ''} |\n`;
  }
  const name = only ? `latest-${only}` : 'latest';
  fs.writeFileSync(path.join(out, `${name}.json`), JSON.stringify(results, null, 2));
  fs.writeFileSync(path.join(out, `${name}.md`), md);
  console.log(`\nbench: wrote bench-results/${name}.json and .md`);
}

main().catch((e) => {
  console.error(`bench: ${e.stack ?? e}`);
  process.exit(1);
});
