// train/progress.js - a download's progress in words: bytes, rate and time
// left ("Downloading: 3.1 of 9.2 MB (34%), 2.4 MB/s, about 3 s left"). Pure;
// tested in node (tests/node/train-progress.test.mjs). The rate is measured
// over the last few seconds of progress events, so a stall shows at once.
import { fmtBytes, fmtDuration } from '../lib/format.js';

/** The window the rate is measured over. */
const RATE_WINDOW_MS = 3000;

/**
 * A progress history: add() each download event's { at (ms), loaded }, then
 * rate() in bytes per second (null until it can tell).
 */
export function progressHistory() {
  /** @type {{ at: number, loaded: number }[]} */
  const points = [];
  return {
    add(at, loaded) {
      points.push({ at, loaded });
      while (points.length > 2 && at - points[1].at > RATE_WINDOW_MS) points.shift();
    },
    rate() {
      if (points.length < 2) return null;
      const a = points[0], b = points.at(-1);
      return b.at - a.at >= 250 ? ((b.loaded - a.loaded) * 1000) / (b.at - a.at) : null;
    },
    clear() { points.length = 0; },
  };
}

/**
 * The words for a download event { loaded, total, fromCache }, with the rate
 * in bytes per second (or null).
 * @param {{ loaded: number, total: number, fromCache?: boolean }} ev
 * @param {number | null} rate
 */
export function progressText(ev, rate) {
  if (ev.fromCache) return 'Reading from your browser’s copy…';
  const total = Math.max(ev.total, ev.loaded); // a server's length can be short of what arrives
  const frac = total ? ev.loaded / total : 0;
  let text = `Downloading: ${(ev.loaded / 1e6).toFixed(1)} of ${(total / 1e6).toFixed(1)} MB (${Math.round(100 * frac)}%)`;
  if (rate !== null && ev.loaded < total) {
    text += rate > 0
      ? `, ${fmtBytes(rate)}/s, about ${fmtDuration(Math.max(0, ev.total - ev.loaded) / rate)} left`
      : ', no data for a moment…';
  }
  return text;
}
