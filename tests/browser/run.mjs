// Runs the browser test files JOBS at a time (node:test's run(), a process per file, as
// `node --test` does), the longest first, so that the lanes end together: `node --test`
// runs its files in the order of their names, and with train*.test.mjs last one core sat
// idle at the end while the other ran a long file. A file not in LONGEST runs after them.
// Usage: node tests/browser/run.mjs [--jobs N] [file ...] (no files: every *.test.mjs here).
import fs from 'node:fs';
import path from 'node:path';
import { run } from 'node:test';
import { spec, tap } from 'node:test/reporters';

const HERE = path.dirname(new URL(import.meta.url).pathname);

// The longest files, longest first: test time of each file, measured 2026-12-02 on the
// 2-core machine (`make test-browser`, the machine also loaded by other work).
const LONGEST = [
  'accessibility.test.mjs', 'kernels.test.mjs', 'train-reliability.test.mjs', 'train.test.mjs',
  'pixels.test.mjs', 'kernels-newcomer.test.mjs', 'kernels-layer.test.mjs', 'offline.test.mjs',
  'lesson-teacher.test.mjs', 'lesson-trained.test.mjs', 'relaxed.test.mjs', 'lesson.test.mjs',
  'pixels-lesson.test.mjs', 'kernels-cores.test.mjs',
];

const args = process.argv.slice(2);
const at = args.indexOf('--jobs');
const jobs = at >= 0 ? Number(args.splice(at, 2)[1]) : 2;
const named = args.length ? args.map((f) => path.resolve(f)) : fs.readdirSync(HERE).filter((f) => f.endsWith('.test.mjs')).sort().map((f) => path.join(HERE, f));
const rank = (f) => { const i = LONGEST.indexOf(path.basename(f)); return i < 0 ? LONGEST.length : i; };
const files = named.sort((a, b) => rank(a) - rank(b));

const stream = run({ files, concurrency: jobs });
stream.on('test:fail', () => { process.exitCode = 1; });
stream.compose(process.stdout.isTTY ? new spec() : tap).pipe(process.stdout);
