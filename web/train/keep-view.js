// train/keep-view.js - section 8, save, load and share: the section's message,
// a model file's refusal next to its field, the file a save gives, and the
// link to the settings.
import { $, h } from '../lib/dom.js';

/** The section's elements. */
export function find(root = document) {
  return {
    message: $('[data-keep-message]', root), file: $('#tr-model-file', root),
    fileError: $('[data-error-for="model-file"]', root), link: $('[data-link]', root),
  };
}

/** Why a model file was refused ('' when it was not). */
export function renderFileError(els, error) {
  els.fileError.textContent = error;
  els.file.setAttribute('aria-invalid', error ? 'true' : 'false');
}

/** The link to these settings (the page's address). */
export function renderLink(els, href) {
  els.link.value = href;
}

/** Gives the student a file of these bytes to save, named `name`. */
export function offerDownload(bytes, name) {
  const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
  const a = h('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
