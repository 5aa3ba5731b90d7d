// The static server of `make serve`: serves the built site and nothing else.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer } from '../../scripts/serve.mjs';

let site, root;
before(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'convlab-serve-'));
  fs.mkdirSync(path.join(root, 'site/sub'), { recursive: true });
  fs.writeFileSync(path.join(root, 'site/index.html'), '<p>home</p>');
  fs.writeFileSync(path.join(root, 'site/sub/index.html'), '<p>sub</p>');
  fs.writeFileSync(path.join(root, 'site/m.wasm'), Buffer.from([0, 97, 115, 109]));
  fs.writeFileSync(path.join(root, 'secret.txt'), 'outside the site');
  site = await startServer({ root: path.join(root, 'site') });
});
after(() => {
  site?.server.close();
  fs.rmSync(root, { recursive: true, force: true });
});

// raw requests, so that "../" reaches the server as written
function get(pathname, method = 'GET') {
  const { port } = site.server.address();
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: pathname, method }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, type: res.headers['content-type'], body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('binds to loopback only', () => {
  assert.equal(site.server.address().address, '127.0.0.1');
});

test('serves files with their types, index.html for folders', async () => {
  assert.deepEqual(await get('/'), { status: 200, type: 'text/html; charset=utf-8', body: '<p>home</p>' });
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
