// The static server of `make serve`: serves the built site and nothing else,
// with the site's security headers, and stays up whatever the files and the
// clients do.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer } from '../../scripts/serve.mjs';
import { CSP } from '../../scripts/csp.mjs';

const REPO = path.resolve(new URL('../..', import.meta.url).pathname);
const SERVE = path.join(REPO, 'scripts/serve.mjs');

let site, root;
before(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'convlab-serve-'));
  fs.mkdirSync(path.join(root, 'site/sub'), { recursive: true });
  fs.mkdirSync(path.join(root, 'bench'));
  fs.mkdirSync(path.join(root, 'outside'));
  fs.writeFileSync(path.join(root, 'site/index.html'), '<p>home</p>');
  fs.writeFileSync(path.join(root, 'site/sub/index.html'), '<p>sub</p>');
  fs.writeFileSync(path.join(root, 'site/m.wasm'), Buffer.from([0, 97, 115, 109]));
  fs.writeFileSync(path.join(root, 'site/empty.txt'), '');
  fs.writeFileSync(path.join(root, 'bench/page.html'), '<p>bench</p>');
  fs.writeFileSync(path.join(root, 'secret.txt'), 'outside the site');
  fs.writeFileSync(path.join(root, 'outside/index.html'), '<p>outside</p>');
  // links out of the site (refused) and one inside it (served)
  fs.symlinkSync(path.join(root, 'secret.txt'), path.join(root, 'site/link-out.txt'));
  fs.symlinkSync(path.join(root, 'outside'), path.join(root, 'site/dir-out'));
  fs.symlinkSync('../index.html', path.join(root, 'site/sub/link-in.html'));
  site = await startServer({
    root: path.join(root, 'site'),
    mounts: { '/__bench/': path.join(root, 'bench'), '/deep/path/': path.join(root, 'site') },
  });
});
after(() => {
  site?.server.close();
  fs.rmSync(root, { recursive: true, force: true });
});

// raw requests, so that "../" reaches the server as written
function request(base, pathname, method = 'GET') {
  const { port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: pathname, method }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, type: res.headers['content-type'], headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
const get = (pathname, method) => request(site.url, pathname, method);

test('binds to loopback only', () => {
  assert.equal(site.server.address().address, '127.0.0.1');
});

test('serves files with their types, index.html for folders', async () => {
  const home = await get('/');
  assert.deepEqual({ status: home.status, type: home.type, body: home.body },
    { status: 200, type: 'text/html; charset=utf-8', body: '<p>home</p>' });
  assert.equal((await get('/sub/')).body, '<p>sub</p>');
  assert.equal((await get('/m.wasm')).type, 'application/wasm');
  assert.equal((await get('/index.html?x=1#y')).status, 200);
});

test('nothing outside the root, no other methods', async () => {
  for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/sub/../../secret.txt', '/..%2fsecret.txt', '/%00', '/nope.html', '/%E0%A4%A'])
    assert.equal((await get(p)).status, 404, p);
  assert.equal((await get('/', 'POST')).status, 405);
  assert.equal((await get('/', 'DELETE')).status, 405);
});

test('symbolic links: only to files whose real path is inside the root', async () => {
  assert.equal((await get('/link-out.txt')).status, 404, 'a link to a file outside');
  assert.equal((await get('/dir-out/')).status, 404, 'a link to a folder outside');
  assert.equal((await get('/dir-out/index.html')).status, 404, 'a file in a linked folder outside');
  assert.equal((await get('/sub/link-in.html')).body, '<p>home</p>', 'a link inside the root');
  assert.equal((await get('/deep/path/link-out.txt')).status, 404, 'the same through a mount');
});

test('headers: no-cache, length, nosniff, the site\'s CSP; HEAD sends them without a body', async () => {
  for (const p of ['/', '/m.wasm', '/empty.txt', '/deep/path/sub/']) {
    const r = await get(p);
    assert.equal(r.headers['cache-control'], 'no-cache', p);
    assert.equal(r.headers['x-content-type-options'], 'nosniff', p);
    assert.equal(r.headers['content-security-policy'], CSP, p);
    assert.equal(r.status, 200, p);
    assert.equal(Number(r.headers['content-length']), Buffer.byteLength(r.body), p);
  }
  const head = await get('/', 'HEAD');
  assert.equal(head.status, 200);
  assert.equal(head.body, '');
  assert.equal(head.headers['content-length'], String('<p>home</p>'.length));
  assert.equal(head.headers['content-security-policy'], CSP);
  assert.equal((await get('/nope')).headers['x-content-type-options'], 'nosniff');
});

test('a mount that is not the site (the benchmark pages) gets nosniff but not the site\'s CSP', async () => {
  const r = await get('/__bench/page.html');
  assert.equal(r.body, '<p>bench</p>');
  assert.equal(r.headers['x-content-type-options'], 'nosniff');
  assert.equal(r.headers['content-security-policy'], undefined);
});

test('no cross-origin isolation headers unless asked for ({ isolate: true })', async () => {
  const plain = await get('/');
  assert.equal(plain.headers['cross-origin-opener-policy'], undefined);
  assert.equal(plain.headers['cross-origin-embedder-policy'], undefined);
  const iso = await startServer({ root: path.join(root, 'site'), isolate: true });
  try {
    const r = await request(iso.url, '/');
    assert.equal(r.status, 200);
    assert.equal(r.headers['cross-origin-opener-policy'], 'same-origin');
    assert.equal(r.headers['cross-origin-embedder-policy'], 'require-corp');
  } finally {
    iso.server.close();
  }
});

test('every page in web/ carries the server\'s CSP in its meta', () => {
  const pages = fs.readdirSync(path.join(REPO, 'web')).filter((f) => f.endsWith('.html'));
  assert.ok(pages.length >= 4, 'the pages are there');
  for (const f of pages) {
    const html = fs.readFileSync(path.join(REPO, 'web', f), 'utf8');
    const meta = html.match(/<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/i);
    assert.ok(meta, `${f} has a CSP meta`);
    assert.equal(meta[1], CSP, f);
  }
});

// ---- the server as `make serve` runs it, in its own process ----

/** Starts scripts/serve.mjs on a free port; `preload` is a module run first. */
async function serveProcess(dir, preload) {
  const args = [...(preload ? ['--import', preload] : []), SERVE, '--root', dir, '--port', '0'];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise((resolve, reject) => {
    child.stdout.on('data', () => {
      const m = out.match(/on (http:\/\/127\.0\.0\.1:\d+\/)/);
      if (m) resolve(m[1]);
    });
    exited.then((code) => reject(new Error(`the server exited (${code}): ${out}`)));
  });
  return { child, url, exited, output: () => out, stop: () => child.kill() };
}

/** Resolves when check() holds; fails after `seconds` (a deadline, not a measurement). */
async function eventually(check, what, seconds = 20) {
  for (let i = 0; i < seconds * 20; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.fail(`never: ${what}`);
}

test('a file that vanishes between stat and read: 404, and the server keeps serving', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convlab-vanish-'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<p>still here</p>');
  fs.writeFileSync(path.join(dir, 'vanish.js'), 'gone');
  const srv = await serveProcess(dir, path.join(REPO, 'tests/node/fixtures/vanish-on-open.mjs'));
  try {
    const r = await request(srv.url, '/vanish.js').catch((e) => ({ status: e.code }));
    assert.ok(r.status === 404 || r.status === 500, `status ${r.status}; server said: ${srv.output()}`);
    assert.equal(fs.existsSync(path.join(dir, 'vanish.js')), false, 'the file did vanish');
    assert.equal((await request(srv.url, '/')).body, '<p>still here</p>');
  } finally {
    srv.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('clients that stop mid-download: the server closes the file and keeps serving', { skip: process.platform !== 'linux' && 'reads /proc' }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convlab-abort-'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<p>still here</p>');
  // far more than the socket buffers hold, so the server is mid-file when the client goes
  fs.writeFileSync(path.join(dir, 'big.bin'), Buffer.alloc(32 << 20, 7));
  const srv = await serveProcess(dir);
  const openOnBig = () => {
    const fds = path.join('/proc', String(srv.child.pid), 'fd');
    return fs.readdirSync(fds).filter((fd) => {
      try { return fs.readlinkSync(path.join(fds, fd)).endsWith('big.bin'); } catch { return false; }
    }).length;
  };
  try {
    const { port } = new URL(srv.url);
    for (let i = 0; i < 8; i++) {
      await new Promise((resolve) => {
        const req = http.get({ host: '127.0.0.1', port, path: '/big.bin' }, (res) => {
          res.once('data', () => { req.destroy(); resolve(); });
        });
        req.on('error', resolve);
      });
    }
    assert.equal((await request(srv.url, '/')).body, '<p>still here</p>');
    // an open file per aborted download would, after about a thousand, leave the
    // server unable to open anything (EMFILE)
    await eventually(() => openOnBig() === 0, 'the server closed big.bin after the clients left');
    assert.equal(srv.child.exitCode, null, 'the server is running');
  } finally {
    srv.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
