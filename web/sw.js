// sw.js - the lab's service worker: every page, module, engine build, style,
// icon and sample image kept in the browser at the first visit, so that the
// lab works with the network gone (the train page keeps the data it
// downloaded in IndexedDB itself, which also works where no service worker
// can run: a plain-http school server).
//
// `make dist` writes the built copy of this file (scripts/site-version.mjs):
// VERSION is a hash of the site's content and FILES the list to keep, so any
// change to the site makes a new worker; the browser notices it on the next
// visit (the page registers with updateViaCache 'none'), installs it beside
// the old one, and the page says "a new version is ready". The new version
// takes over when the page asks (skip-waiting: on reload, or the banner's
// button); it then deletes the old version's cache.
const VERSION = 'development';
const FILES = [];
const CACHE = `convlab-site-${VERSION}`;
const PREFIX = 'convlab-site-';

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // cache: 'reload' bypasses the HTTP cache, so the files are this version's
    await cache.addAll(FILES.map((f) => new Request(new URL(f, self.registration.scope), { cache: 'reload' })));
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  if (event.data?.type === 'skip-waiting') self.skipWaiting();
});

// Kept files from the cache (their query and the page's hash never matter);
// everything else (the data files, a dev server's extras) is left to the
// browser, as if there were no service worker: a request the worker does not
// answer cannot fail inside it (Firefox reports any such failure, even a load
// the page itself cancelled by moving on, as an error of the page).
const KEPT = new Set(FILES.map((f) => new URL(f, self.registration.scope).pathname));

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin || !KEPT.has(url.pathname)) return;
  event.respondWith(kept(req));
});

/** A kept file from this version's cache, or from the network if the browser has evicted it. */
async function kept(req) {
  const hit = await (await caches.open(CACHE)).match(req, { ignoreSearch: true });
  return isolated(hit ?? await fetch(req));
}

/**
 * The response with the headers that make a page cross-origin isolated
 * (COOP same-origin, COEP require-corp), which a static host cannot be asked
 * to send: on an isolated page the train page's workers trade gradients
 * through shared memory (web/train/exchange.js), elsewhere through messages.
 * The site loads nothing from another origin, so nothing it uses is blocked.
 * The page is isolated from its first load under this worker (a reload after
 * the first visit).
 */
function isolated(res) {
  if (res.type === 'opaque' || res.type === 'opaqueredirect' || res.status === 0) return res;
  const headers = new Headers(res.headers);
  headers.set('Cross-Origin-Opener-Policy', 'same-origin');
  headers.set('Cross-Origin-Embedder-Policy', 'require-corp');
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
}
