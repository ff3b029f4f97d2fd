// @ts-check
/**
 * Keyboard shortcuts: which key does what, in one table that both the key handler and
 * the `?` overlay read, so the overlay can never list a key that does not work.
 * @module ui/keys
 */

/**
 * @typedef {"toggle" | "back" | "forward" | "start" | "end" | "faster" | "slower"
 *   | "help" | "close" | "follow" | "step"} Action
 */

/**
 * @typedef {object} Shortcut
 * @property {string[]} keys KeyboardEvent.key values
 * @property {string} label how the overlay writes them
 * @property {Action} action
 * @property {string} does what the overlay says it does
 */

/** @type {ReadonlyArray<Shortcut>} */
export const SHORTCUTS = Object.freeze([
  { keys: [" ", "k"], label: "Space", action: "toggle", does: "Play / pause" },
  { keys: ["ArrowLeft", "j"], label: "←", action: "back", does: "One event back" },
  { keys: ["ArrowRight", "l"], label: "→", action: "forward", does: "One event forward" },
  { keys: ["Home"], label: "Home", action: "start", does: "Go to the start" },
  { keys: ["End"], label: "End", action: "end", does: "Go to the newest event" },
  { keys: ["+", "="], label: "+", action: "faster", does: "Play faster" },
  { keys: ["-", "_"], label: "−", action: "slower", does: "Play slower" },
  { keys: ["f"], label: "F", action: "follow", does: "Follow the live run" },
  { keys: ["1", "2", "3", "4", "5", "6", "7", "8", "9"], label: "1 – 9", action: "step",
    does: "Manual runs: let thread 1–9 take the next step" },
  { keys: ["?"], label: "?", action: "help", does: "Show or hide this list" },
  { keys: ["Escape"], label: "Esc", action: "close", does: "Close this list" },
]);

/** @type {Map<string, Action>} */
const BY_KEY = new Map(SHORTCUTS.flatMap((s) => s.keys.map((k) => [k, s.action])));

/**
 * The action a key press asks for, or null. Keys typed into a field, or pressed with
 * Ctrl/Alt/Meta (browser shortcuts), are never taken.
 * @param {{key: string, ctrlKey?: boolean, altKey?: boolean, metaKey?: boolean, target?: any}} event
 * @returns {Action | null}
 */
export function actionFor(event) {
  if (event.ctrlKey || event.altKey || event.metaKey) return null;
  if (isTyping(event.target, event.key)) return null;
  return BY_KEY.get(event.key) ?? null;
}

/** Keys a slider handles itself. */
const SLIDER_KEYS = new Set(["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home", "End", "PageUp", "PageDown"]);

/**
 * @param {any} target
 * @param {string} key
 * @returns {boolean}
 */
function isTyping(target, key) {
  if (!target || typeof target.closest !== "function") return false;
  if (target.isContentEditable) return true;
  // The scrubber (a slider) moves itself with arrows; other fields take text.
  if (target.matches?.("input[type=range]")) return SLIDER_KEYS.has(key);
  return target.closest("input, select, textarea") !== null;
}
