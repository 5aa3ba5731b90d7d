// keys.js - what the page's keys do: the lens over the picture, the
// editor's pixels and the MLP's vector are each one tab stop, moved with the
// arrow keys. Pure: the page passes the key and where things are; tested in
// node (tests/node/pixels-keys.test.mjs).

/**
 * The lens after a key, [x, y] (not yet kept inside the picture), or null
 * for a key that does not move it. Arrows: 1 pixel (Shift: 10); Home / End:
 * the start / end of the row (with Ctrl: of the picture).
 * @param {{ key: string, shiftKey?: boolean, ctrlKey?: boolean }} e
 * @param {number} x @param {number} y @param {number} width @param {number} height
 * @returns {[number, number] | null}
 */
export function lensKey(e, x, y, width, height) {
  const step = e.shiftKey ? 10 : 1;
  switch (e.key) {
    case 'ArrowLeft': return [x - step, y];
    case 'ArrowRight': return [x + step, y];
    case 'ArrowUp': return [x, y - step];
    case 'ArrowDown': return [x, y + step];
    case 'Home': return [0, e.ctrlKey ? 0 : y];
    case 'End': return [width - 1, e.ctrlKey ? height - 1 : y];
    default: return null;
  }
}

/**
 * The editor's pixel after an arrow key (it stays at the edges), or null for another key.
 * @param {string} key @param {number} i @param {number} rows @param {number} cols
 */
export function gridKey(key, i, rows, cols) {
  const r = Math.floor(i / cols), c = i % cols;
  switch (key) {
    case 'ArrowLeft': return c > 0 ? i - 1 : i;
    case 'ArrowRight': return c < cols - 1 ? i + 1 : i;
    case 'ArrowUp': return r > 0 ? i - cols : i;
    case 'ArrowDown': return r < rows - 1 ? i + cols : i;
    default: return null;
  }
}

/**
 * The vector's cell after a key, or null for another key: Left / Right one
 * cell, Up / Down a row of the picture (`side` cells), Home / End its ends;
 * never past them.
 * @param {string} key @param {number} i @param {number} n @param {number} side
 */
export function vectorKey(key, i, n, side) {
  const moves = { ArrowRight: i + 1, ArrowLeft: i - 1, ArrowDown: i + side, ArrowUp: i - side, Home: 0, End: n - 1 };
  return Object.hasOwn(moves, key) ? Math.max(0, Math.min(n - 1, moves[key])) : null;
}
