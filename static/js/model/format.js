// @ts-check
/**
 * Words and numbers as a student reads them. No DOM.
 * @module model/format
 */

/** @typedef {import("./reducer.js").LastOp} LastOp */
/** @typedef {import("./events.js").ThreadState} ThreadState */

const NUMBER = new Intl.NumberFormat("en");

/**
 * 12345 → "12,345"; other values as JSON-ish text.
 * @param {any} value
 * @returns {string}
 */
export function formatValue(value) {
  if (typeof value === "number") return NUMBER.format(value);
  if (typeof value === "string") return JSON.stringify(value);
  if (value === null || value === undefined) return "None";
  if (typeof value === "boolean") return value ? "True" : "False";
  return JSON.stringify(value);
}

/** A symbol per state, so that a state reads without its colour. */
export const STATE_ICONS = Object.freeze({
  New: "○",
  Runnable: "▷",
  Running: "▶",
  Blocked: "■",
  Dead: "✕",
});

/** @type {Record<string, string>} past tense of each resource operation */
const VERBS = {
  acquire: "acquired",
  release: "released",
  wait: "waits on",
  notify: "notified",
  notify_all: "notified all on",
  set: "set",
  clear: "cleared",
  put: "put into",
  get: "got from",
  read: "read",
  write: "wrote",
  sleep: "slept",
  join: "joined",
  abort: "aborted",
  task_done: "task done on",
};

/**
 * "read counter → 41", "wrote counter ← 42", "acquired lock_a".
 * @param {LastOp | null} op
 * @returns {string}
 */
export function describeOp(op) {
  if (!op) return "";
  const verb = VERBS[op.kind] ?? op.kind;
  const target = op.obj ? ` ${op.obj}` : "";
  if (!("value" in op)) return `${verb}${target}`;
  const arrow = op.kind === "write" || op.kind === "put" ? "←" : "→";
  return `${verb}${target} ${arrow} ${formatValue(op.value)}`;
}

/**
 * How long ago a moment was, as a person says it: "just now", "5 min ago", "3 h ago",
 * "yesterday", "4 days ago", then the date ("12 Mar 2026").
 * @param {string | null | undefined} iso an ISO 8601 time
 * @param {number} [now] ms since the epoch
 * @returns {string} "" if there is no valid time
 */
export function timeAgo(iso, now = Date.now()) {
  const at = iso ? Date.parse(iso) : Number.NaN;
  if (!Number.isFinite(at)) return "";
  const seconds = Math.max(0, (now - at) / 1000);
  if (seconds < 45) return "just now";
  if (seconds < 3600) return `${Math.max(1, Math.round(seconds / 60))} min ago`;
  if (seconds < 86_400) return `${Math.round(seconds / 3600)} h ago`;
  const days = Math.floor(seconds / 86_400);
  if (days === 1) return "yesterday";
  if (days < 7) return `${days} days ago`;
  return new Date(at).toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric" });
}
