// Stamps the built site with its version: writes build/site/sw.js from
// web/sw.js with VERSION, a hash of every file the service worker keeps, and
// FILES, their list. Run by `make dist` after everything else is in place;
// the file is rewritten only when its text changes.
//
//   node scripts/site-version.mjs --site build/site --template web/sw.js
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** Files under the site the offline copy needs: all but the data files (kept by the train page) and sw.js itself. */
export function siteFiles(site) {
  const out = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(path.join(site, dir), { withFileTypes: true })) {
      const rel = dir ? `${dir}/${e.name}` : e.name;
      // the data files are kept by the train page itself (IndexedDB); their sizes' list is small and kept here
      if (e.isDirectory()) walk(rel);
      else if (rel !== 'sw.js' && !rel.endsWith('.md') && !(rel.startsWith('data/') && rel.endsWith('.gz'))) out.push(rel);
    }
  };
  walk('');
  return out.sort();
}

/** A short hash of the files' names and bytes. */
export function versionOf(site, files) {
  const h = crypto.createHash('sha256');
  for (const f of files) {
    h.update(f);
    h.update('\0');
    h.update(fs.readFileSync(path.join(site, f)));
    h.update('\0');
  }
  return h.digest('hex').slice(0, 16);
}

/** The worker's text for the site: the template with VERSION and FILES filled in. */
export function stamp(template, version, files) {
  const list = ['./', ...files];
  const out = template
    .replace(/^const VERSION = '[^']*';$/m, `const VERSION = '${version}';`)
    .replace(/^const FILES = \[\];$/m, `const FILES = ${JSON.stringify(list, null, 0)};`);
  if (!out.includes(version) || !out.includes('"./"')) throw new Error('sw.js template: VERSION or FILES line not found');
  return out;
}

function main() {
  const args = process.argv.slice(2);
  const opt = (name, def) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : def; };
  const site = opt('--site', 'build/site');
  const template = fs.readFileSync(opt('--template', 'web/sw.js'), 'utf8');
  const files = siteFiles(site);
  const text = stamp(template, versionOf(site, files), files);
  const target = path.join(site, 'sw.js');
  if (!fs.existsSync(target) || fs.readFileSync(target, 'utf8') !== text) fs.writeFileSync(target, text);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) main();
