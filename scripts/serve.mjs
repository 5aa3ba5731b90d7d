// A static file server for the built site: loopback only, GET/HEAD only,
// only files whose real path (symbolic links resolved) lies inside --root or
// a mount (no directory listing, no path escaping them).
//
//   node scripts/serve.mjs --root build/site --port 8000 [--isolate]
//
// Also importable: startServer({ root, port, mounts, isolate }) returns
// { server, url } (tests and benchmarks start one on a free port; `mounts`
// maps extra URL prefixes to folders, e.g. the benchmark pages that are not
// part of the site). Every response says nosniff; the site's files (under
// root, whatever the prefix) carry the site's Content-Security-Policy, the
// same text as the pages' meta (scripts/csp.mjs); mounts of other folders do
// not (the TensorFlow.js benchmark page is not held to it). `isolate: true`
// adds the cross-origin isolation headers (COOP same-origin, COEP
// require-corp) that SharedArrayBuffer needs: the train page's workers then
// trade gradients through shared memory (web/train/team.js); `make serve`
// sends them (--isolate; ISOLATE=0 serves as a plain static host does).
//
// A file is opened once and its size and bytes are read from that handle: a
// file deleted before that (make clean during make serve) is a 404, one
// deleted after it is still sent whole, one cut short meanwhile gives a cut
// response; a client that leaves mid-download gets its file closed. None of
// it stops the server.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { CSP } from './csp.mjs';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.webmanifest': 'application/manifest+json',
  '.gz': 'application/gzip',
  '.md': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.ico': 'image/x-icon',
};

const inside = (dir, file) => file === dir || file.startsWith(dir + path.sep);

/**
 * The real path of the file a URL names, and whether it is one of the site's:
 * { file, site } or null. Roots are tried in order; a name that resolves
 * outside its root's real folder (through "..", or a symbolic link) is refused.
 */
async function resolveFile(roots, urlPath) {
  let rel;
  try {
    rel = decodeURIComponent(urlPath.split('?')[0].split('#')[0]);
  } catch {
    return null;
  }
  if (rel.includes('\0')) return null;
  for (const { prefix, dir, site } of roots) {
    if (!rel.startsWith(prefix)) continue;
    const base = path.resolve(dir);
    const named = path.resolve(base, '.' + path.posix.normalize('/' + rel.slice(prefix.length)));
    if (!inside(base, named)) return null;
    try {
      const realBase = await fs.promises.realpath(base);
      let file = await fs.promises.realpath(named);
      if ((await fs.promises.stat(file)).isDirectory())
        file = await fs.promises.realpath(path.join(file, 'index.html'));
      if (inside(realBase, file)) return { file, site };
    } catch {
      /* not there: try the next root */
    }
  }
  return null;
}

export function startServer({ root, port = 0, host = '127.0.0.1', mounts = {}, isolate = false, quiet = true } = {}) {
  if (!fs.existsSync(root)) throw new Error(`serve: ${root} does not exist (run make dist first)`);
  const siteDir = path.resolve(root);
  // longest prefix first, the site itself last; a mount of the site folder is the site
  const roots = [...Object.entries(mounts).sort((a, b) => b[0].length - a[0].length), ['/', root]]
    .map(([prefix, dir]) => ({ prefix, dir, site: path.resolve(dir) === siteDir }));
  const common = {
    'X-Content-Type-Options': 'nosniff',
    ...(isolate ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } : {}),
  };
  const fail = (res, status, text) => {
    if (res.headersSent) res.destroy();
    else res.writeHead(status, { ...common, 'Content-Type': 'text/plain' }).end(text);
  };

  async function serve(req, res) {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...common, Allow: 'GET, HEAD' }).end();
      return;
    }
    const found = await resolveFile(roots, req.url);
    let handle;
    try {
      if (found) handle = await fs.promises.open(found.file, 'r');
    } catch {
      /* gone since it was found */
    }
    const stat = handle && (await handle.stat().catch(() => null));
    if (!stat?.isFile()) {
      await handle?.close();
      fail(res, 404, 'not found\n');
      if (!quiet) console.log(`404 ${req.url}`);
      return;
    }
    res.writeHead(200, {
      ...common,
      'Content-Type': TYPES[path.extname(found.file).toLowerCase()] ?? 'application/octet-stream',
      'Content-Length': stat.size,
      'Cache-Control': 'no-cache',
      ...(found.site ? { 'Content-Security-Policy': CSP } : {}),
    });
    if (req.method === 'HEAD' || stat.size === 0) {
      await handle.close();
      res.end();
      return;
    }
    // Never more bytes than Content-Length said, even if the file grows now.
    // pipeline closes the file and ends the response whatever happens: the
    // client leaving, or a read error (then the response is cut short).
    pipeline(handle.createReadStream({ start: 0, end: stat.size - 1 }), res, (err) => {
      if (err && !quiet && err.code !== 'ERR_STREAM_PREMATURE_CLOSE') console.log(`cut ${req.url}: ${err.message}`);
    });
  }

  const server = http.createServer((req, res) => {
    serve(req, res).catch((e) => {
      if (!quiet) console.log(`500 ${req.url}: ${e.message}`);
      fail(res, 500, 'server error\n');
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const { port: p } = server.address();
      resolve({ server, url: `http://${host}:${p}/` });
    });
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name, def) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : def;
  };
  const root = opt('--root', 'build/site');
  const port = Number(opt('--port', process.env.PORT ?? 8000));
  startServer({ root, port, quiet: false, isolate: args.includes('--isolate') })
    .then(({ url }) => console.log(`convlab: serving ${root} on ${url} (Ctrl-C to stop)`))
    .catch((e) => {
      console.error(`serve: ${e.code === 'EADDRINUSE' ? `port ${port} is in use; try make serve PORT=8001` : e.message}`);
      process.exit(1);
    });
}
