// A static file server for the built site: loopback only, GET/HEAD only, files
// under --root only (no directory listing, no path escaping the root).
//
//   node scripts/serve.mjs --root build/site --port 8000
//
// Also importable: startServer({ root, port, mounts }) returns { server, url }
// (tests and benchmarks start one on a free port; `mounts` maps extra URL
// prefixes to folders, e.g. the benchmark pages that are not part of the site).
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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
  '.gz': 'application/gzip',
  '.md': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.ico': 'image/x-icon',
};

function resolveFile(roots, urlPath) {
  let rel;
  try {
    rel = decodeURIComponent(urlPath.split('?')[0].split('#')[0]);
  } catch {
    return null;
  }
  for (const [prefix, dir] of roots) {
    if (!rel.startsWith(prefix)) continue;
    const base = path.resolve(dir);
    let file = path.resolve(base, '.' + path.posix.normalize('/' + rel.slice(prefix.length)));
    if (file !== base && !file.startsWith(base + path.sep)) return null;
    try {
      if (fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
      if (fs.statSync(file).isFile()) return file;
    } catch {
      /* try the next root */
    }
  }
  return null;
}

export function startServer({ root, port = 0, host = '127.0.0.1', mounts = {}, quiet = true } = {}) {
  if (!fs.existsSync(root)) throw new Error(`serve: ${root} does not exist (run make dist first)`);
  // longest prefix first, the site itself last
  const roots = [...Object.entries(mounts).sort((a, b) => b[0].length - a[0].length), ['/', root]];
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    const file = resolveFile(roots, req.url);
    if (!file) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
      if (!quiet) console.log(`404 ${req.url}`);
      return;
    }
    const type = TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
    const size = fs.statSync(file).size;
    res.writeHead(200, { 'Content-Type': type, 'Content-Length': size, 'Cache-Control': 'no-cache' });
    if (req.method === 'HEAD') res.end();
    else fs.createReadStream(file).pipe(res);
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
  startServer({ root, port, quiet: false })
    .then(({ url }) => console.log(`convlab: serving ${root} on ${url} (Ctrl-C to stop)`))
    .catch((e) => {
      console.error(`serve: ${e.code === 'EADDRINUSE' ? `port ${port} is in use; try make serve PORT=8001` : e.message}`);
      process.exit(1);
    });
}
