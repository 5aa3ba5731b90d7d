// train/page-view.js - what the page says at its top: the engine's badge, the
// page's message (start-up can have several things to say: they add up, the
// gravest kind colours them) and the offer of a kept model that a link's
// settings did not restore (its button carries data-restore-kept).
import { $, h, say } from '../lib/dom.js';

/** The page-wide elements. */
export function find(root = document) {
  return { badge: $('[data-engine-badge]', root), message: $('[data-page-message]', root), offer: $('[data-restore-offer]', root) };
}

/** The engine's badge: which build runs, or that none does. */
export function renderBadge(els, text) {
  els.badge.textContent = text;
}

const RANK = { info: 0, ok: 1, warning: 2, error: 3 };

/**
 * Adds a sentence to the page's message, which takes the graver kind of the two.
 * @param {ReturnType<typeof find>} els
 * @param {string} text
 * @param {'info'|'ok'|'warning'|'error'} kind
 */
export function pageNote(els, text, kind) {
  const el = els.message;
  const was = el.textContent ? el.dataset.kind : 'info';
  say(el, el.textContent ? `${el.textContent} ${text}` : text, RANK[kind] > RANK[was] ? kind : was);
}

/** A kept model for another network than the link's: said, with a button to restore it. */
export function renderOffer(els, spec) {
  const button = h('button', { type: 'button', className: 'secondary', text: 'Restore my last model', dataset: { restoreKept: '' } });
  els.offer.replaceChildren(`This link opens other settings than your last model’s (${spec}), `
    + 'so the page shows the link’s and holds no model yet. Your last model is still kept: ', button);
  els.offer.hidden = false;
}

/** The offer's button, while a restore is tried (busy) or after it failed. */
export function renderOfferBusy(els, busy) {
  const button = $('[data-restore-kept]', els.offer);
  if (button) button.disabled = busy;
}

/** The offer goes: the kept model was restored. */
export function hideOffer(els) {
  els.offer.hidden = true;
}
