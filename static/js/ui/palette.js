// @ts-check
/**
 * Colours. Thread states use Okabe–Ito colours and always come with a pattern, an icon
 * and a word; each thread has its own colour (Paul Tol's "muted" scheme, readable with
 * the common colour-vision deficiencies) that always comes with its name.
 *
 * The CSS owns the actual colours (custom properties, per theme); the canvas reads them
 * from there, so a theme switch recolours everything.
 * @module ui/palette
 */

/** How many thread colours there are; thread i gets colour i mod THREAD_COLOURS. */
export const THREAD_COLOURS = 10;

/**
 * The colour slot of the thread created `index`-th (0-based).
 * @param {number} index
 * @returns {number}
 */
export function threadColour(index) {
  return ((index % THREAD_COLOURS) + THREAD_COLOURS) % THREAD_COLOURS;
}

/**
 * @typedef {object} Palette
 * @property {Record<string, string>} states state name → fill colour
 * @property {string[]} threads thread colours, by slot
 * @property {string} fg
 * @property {string} muted
 * @property {string} bg
 * @property {string} grid
 * @property {string} playhead
 * @property {string} danger
 */

/**
 * The current theme's colours, read from CSS custom properties on `element`.
 * @param {Element} element
 * @returns {Palette}
 */
export function readPalette(element) {
  const css = getComputedStyle(element);
  /** @param {string} name @param {string} fallback */
  const v = (name, fallback) => css.getPropertyValue(name).trim() || fallback;
  return {
    states: {
      New: v("--new-fill", "#d9dce1"),
      Runnable: v("--runnable", "#56b4e9"),
      Running: v("--running", "#009e73"),
      Blocked: v("--blocked", "#d55e00"),
      Dead: v("--dead", "#5c5c5c"),
    },
    threads: Array.from({ length: THREAD_COLOURS }, (_, i) => v(`--thread-${i}`, "#888888")),
    fg: v("--fg", "#111111"),
    muted: v("--muted", "#4a4f57"),
    bg: v("--bg", "#ffffff"),
    grid: v("--border", "#c4c9d1"),
    playhead: v("--playhead", "#111111"),
    danger: v("--danger", "#a4190f"),
  };
}
