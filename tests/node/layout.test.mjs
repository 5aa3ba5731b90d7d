// The layout of web/ a newcomer can live in (STYLE.md, issue 13): no module
// much over 400 lines, no import circles, no module imports a page's main.js,
// lib/ imports nothing from the pages, and no page reaches into another page's folder
// (shared code lives in lib/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const WEB = path.resolve(new URL('../../web', import.meta.url).pathname);
const MAX_LINES = 450; // "about 400"

function modules() {
  const out = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.js')) out.push(p);
    }
  };
  walk(WEB);
  return out.sort();
}

/** The modules a module imports statically (relative specifiers), resolved. */
function importsOf(file) {
  const text = fs.readFileSync(file, 'utf8');
  const found = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s[^'"`]*?from\s+['"](\.{1,2}\/[^'"]+)['"]/gm)) found.push(m[1]);
  for (const m of text.matchAll(/^\s*import\s+['"](\.{1,2}\/[^'"]+)['"]/gm)) found.push(m[1]);
  return found.map((s) => path.resolve(path.dirname(file), s));
}

const rel = (p) => path.relative(WEB, p);

test('no module in web/ is much over 400 lines', () => {
  const long = modules().map((f) => [rel(f), fs.readFileSync(f, 'utf8').split('\n').length]).filter(([, n]) => n > MAX_LINES);
  assert.deepEqual(long, []);
});

test('every import resolves, and there are no import circles', () => {
  const graph = new Map(modules().map((f) => [f, importsOf(f)]));
  for (const [f, deps] of graph) for (const d of deps) assert.ok(fs.existsSync(d), `${rel(f)} imports ${rel(d)}, which does not exist`);
  const state = new Map(); // 1 visiting, 2 done
  const cycles = [];
  const visit = (f, trail) => {
    if (state.get(f) === 2) return;
    if (state.get(f) === 1) { cycles.push([...trail.slice(trail.indexOf(f)), f].map(rel).join(' -> ')); return; }
    state.set(f, 1);
    for (const d of graph.get(f) ?? []) visit(d, [...trail, f]);
    state.set(f, 2);
  };
  for (const f of graph.keys()) visit(f, []);
  assert.deepEqual(cycles, []);
});

test('nothing imports a page’s main.js; lib/ imports no page; pages share code only through lib/', () => {
  const wrong = [];
  for (const f of modules()) {
    const folder = rel(f).split(path.sep)[0];
    for (const d of importsOf(f)) {
      const target = rel(d);
      if (path.basename(d) === 'main.js') wrong.push(`${rel(f)} imports ${target}`);
      const into = target.split(path.sep)[0];
      if (folder === 'lib' && into !== 'lib') wrong.push(`${rel(f)} (lib) imports the page module ${target}`);
      if (folder !== 'lib' && into !== 'lib' && into !== folder && !target.endsWith('.js') === false && fs.statSync(path.join(WEB, into)).isDirectory()) {
        wrong.push(`${rel(f)} reaches into another page's folder: ${target}`);
      }
    }
  }
  assert.deepEqual(wrong, []);
});
