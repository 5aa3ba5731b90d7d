// train/confusion-colour.js - a confusion-matrix cell's colours: green on the
// diagonal (right), red off it (wrong), stronger as the share of the row grows,
// and the ink (white or near-black) that reads best on it, always with the
// WCAG AA contrast of 4.5 (the colour is made lighter where neither ink has it).

const GREEN = [27, 122, 58];
const RED = [179, 38, 30];
const WHITE = [255, 255, 255];
const DARK = [17, 17, 17];
export const MIN_CONTRAST = 4.5;

/** WCAG relative luminance of sRGB bytes. @param {number[]} rgb */
function relativeLuminance(rgb) {
  const [r, g, b] = rgb.map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio of two sRGB colours. */
function contrast(a, b) {
  const la = relativeLuminance(a), lb = relativeLuminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

const css = (rgb) => `rgb(${rgb.join(', ')})`;

/**
 * The colours of a cell holding the share f (0 to 1) of its row: { background, color }.
 * @param {number} f
 * @param {boolean} diagonal the true class predicted
 */
export function cellColours(f, diagonal) {
  const base = diagonal ? GREEN : RED;
  let alpha = diagonal ? 0.1 + 0.8 * f : Math.min(0.85, 3 * f);
  for (;;) {
    const bg = base.map((v) => Math.round(alpha * v + (1 - alpha) * 255));
    const ink = contrast(bg, WHITE) >= contrast(bg, DARK) ? WHITE : DARK;
    if (contrast(bg, ink) >= MIN_CONTRAST || alpha <= 0) return { background: css(bg), color: css(ink) };
    alpha = Math.max(0, alpha - 0.02);
  }
}
