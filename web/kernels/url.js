// url.js - the page's URL hash as the page keeps it: rewritten a moment after
// an edit (at once for a share), without a history entry per edit, and told
// apart from a hash someone pasted (link.js makes and reads its text).

export class UrlHash {
  /** @param {() => string | null} text  the hash the page's view makes now ('#...'), or null for none */
  constructor(text) {
    this.text = text;
    this.timer = null;
    this.last = ''; // the hash the page wrote or read last
  }

  /** Writes the hash a moment from now: edits in a row write it once. */
  soon() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.now(), 200);
  }

  /** Writes the hash now. */
  now() {
    clearTimeout(this.timer);
    const hash = this.text();
    if (hash === null) return;
    this.last = hash;
    if (location.hash !== hash) history.replaceState(null, '', hash);
  }

  /** The hash in the address bar is the page's own (as read or written). */
  taken() {
    this.last = location.hash;
  }

  /** Whether the hash in the address bar is one the page did not write or read (pasted, or edited by hand). */
  isNew() {
    return location.hash !== this.last;
  }
}
