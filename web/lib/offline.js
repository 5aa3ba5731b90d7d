// offline.js - the lab after the first visit: registers the service worker
// (sw.js at the site's root) where the browser allows one, and tells the page
// when a new version of the site is ready.
//
//   import { startOffline } from '../lib/offline.js';
//   const offline = await startOffline();   // never throws
//   offline.available   // false where no service worker can run ...
//   offline.why         // ... and why, in words for the page
//
// Browsers run service workers only in a secure context: https, or the
// machine itself (localhost). A school server on plain http gets none: the
// lab then works online only (the train page still keeps its data in
// IndexedDB, so it is downloaded once per browser). Firefox's private
// windows have no service workers either: nothing breaks, the lab is online.
//
// A new version: the browser finds a changed sw.js on a visit (never from its
// HTTP cache: updateViaCache 'none'), installs it beside the running one, and
// this module shows "A new version of the lab is ready" with a button. On a
// reload with a new version waiting, the new one takes over at once (and the
// page loads again, once): a teacher's fixed link works on the next reload.
import { h } from './dom.js';

/** @typedef {{ available: boolean, why: string, registration: ServiceWorkerRegistration | null }} Offline */

const SITE_ROOT = new URL('../', import.meta.url);

/** Why this page can have no service worker ('' when it can). */
export function offlineUnavailable(loc = globalThis.location, nav = globalThis.navigator, secure = globalThis.isSecureContext) {
  if (!/^https?:$/.test(loc.protocol)) return 'the lab is not served by a web server here (open it from one: make serve, or any static host)';
  if (!secure) {
    return `this page comes over plain http from ${loc.hostname}, and browsers allow offline use only over https `
      + '(or on the machine itself, localhost)';
  }
  if (!nav.serviceWorker) return 'this browser (or this private window) does not allow it';
  return '';
}

let reloading = false;

/** Takes the waiting version now and loads the page again with it (once). */
function useWaiting(reg) {
  if (!reg.waiting) return;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (reloading) return;
    reloading = true;
    location.reload();
  }, { once: true });
  reg.waiting.postMessage({ type: 'skip-waiting' });
}

/** The banner under the site's header: a new version is ready. */
function showUpdate(reg) {
  if (document.querySelector('[data-update-message]')) return;
  const button = h('button', { type: 'button', className: 'secondary', text: 'Reload with it' });
  button.addEventListener('click', () => useWaiting(reg));
  const banner = h('p', { className: 'message update-message', dataset: { updateMessage: '', kind: 'info' }, attrs: { role: 'status' } },
    'A new version of the lab is ready. ', button, ' (or reload the page)');
  const main = document.querySelector('main');
  main?.prepend(banner);
}

/**
 * Registers the service worker where it can run. Resolves to an Offline;
 * never rejects (a failed registration is a reason, not an error).
 * @returns {Promise<Offline>}
 */
export async function startOffline() {
  const why = offlineUnavailable();
  if (why) return { available: false, why, registration: null };
  // the page's own files first: the worker's first install fetches every file of the
  // site (3.5 MB), which on a class's shared wifi and a small laptop's cores would
  // compete with what the student is waiting for
  if (document.readyState !== 'complete') await new Promise((done) => addEventListener('load', done, { once: true }));
  let reg;
  try {
    reg = await navigator.serviceWorker.register(new URL('sw.js', SITE_ROOT), { scope: SITE_ROOT.href, updateViaCache: 'none' });
  } catch (e) {
    return { available: false, why: `the browser refused it (${e.message})`, registration: null };
  }
  // a browser that blocks service workers without saying so (a policy, or an automation
  // tool's setting) resolves with no registration: nothing to follow then
  if (!reg) return { available: false, why: 'the browser did not register it', registration: null };
  // A reload (or any new load) with a new version waiting: use it now.
  if (reg.waiting && navigator.serviceWorker.controller) useWaiting(reg);
  // A new version found while the page is open: say so, and let the student choose when.
  reg.addEventListener('updatefound', () => {
    const incoming = reg.installing;
    incoming?.addEventListener('statechange', () => {
      if (incoming.state === 'installed' && navigator.serviceWorker.controller) showUpdate(reg);
    });
  });
  return { available: true, why: '', registration: reg };
}
