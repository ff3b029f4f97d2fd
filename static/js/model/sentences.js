// @ts-check
/**
 * Every event as one sentence a student reads ("T2 acquired lock_a"). No DOM, no state:
 * the sentence depends on the event alone, so the log, the tooltip and the screen-reader
 * announcements always say the same thing.
 * @module model/sentences
 */

import { Status, statusLabel } from "./contract.js";
import { formatValue } from "./format.js";
import { joined } from "./events.js";

/** @typedef {import("./events.js").Event} Event */

/**
 * @param {Event} event
 * @returns {string}
 */
export function sentence(event) {
  const say = Object.hasOwn(SAY, event.kind) ? SAY[event.kind] : null;
  const who = event.thread ?? "The program";
  if (say) return say(who, event.obj ?? "", event.detail ?? {}, event);
  return `${who}: ${event.kind}${event.obj ? ` ${event.obj}` : ""}`;
}

/** @param {number | undefined} n */
const plural = (n, one = "thread", many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** @param {any} value */
const seconds = (value) => (typeof value === "number" ? `${formatValue(value)} s` : "");

/** @param {string} text */
const lastLine = (text) => text.trim().split("\n").at(-1) ?? "";

/** @param {any} woken */
function wakes(woken) {
  if (Array.isArray(woken)) return woken.length ? ` — wakes ${woken.join(", ")}` : " — nobody was waiting";
  if (typeof woken === "number") return woken ? ` — wakes ${plural(woken)}` : " — nobody was waiting";
  return "";
}

/** @type {Record<string, (who: string, obj: string, d: Record<string, any>, e: Event) => string>} */
const SAY = {
  create: (who, _o, d) =>
    Number.isInteger(d.pid)
      ? `${who}: process ${d.pid} was started${d.target ? ` to run ${d.target}()` : ""}${
          d.free_running ? " — it runs free: the controlled scheduler steers only this process's threads" : ""
        }`
      : `${who} was created${d.target ? ` to run ${d.target}()` : ""}${d.daemon ? " (a daemon)" : ""}`,
  start: (who) => `${who} was started: it may run now`,
  run: (who) => `${who} runs`,
  preempt: (who, _o, d, e) => {
    const next = d.task ? "another task runs" : "another thread runs"; // a task yields its loop
    return typeof d.op === "string"
      ? `${who} stopped before ${d.op}${e.line ? ` on line ${e.line}` : ""} — ${next}`
      : `${who} was switched out — ${next}`;
  },
  block: (who, obj, d) => {
    switch (d.reason) {
      case "join": return `${who} waits for ${joined(obj)} to finish`;
      case "sleep": return `${who} sleeps${d.seconds !== undefined ? ` ${seconds(d.seconds)}` : ""}`;
      case "io": return `${who} waits for I/O`;
      case "put": return `${who} blocks: ${obj} is full`;
      case "get": return `${who} blocks: ${obj} is empty`;
      case "wait":
        if (d.loop) return `${who}: its event loop waits for another thread's call${typeof d.timeout === "number" ? ` or its next timer (${seconds(d.timeout)})` : ""}`;
        return obj ? `${who} waits on ${obj}` : `${who} waits`;
      default: return `${who} blocks: waits for ${obj}`;
    }
  },
  wake: (who, obj, d) =>
    d.timed_out ? `${who} wakes up: its wait${obj ? ` for ${obj}` : ""} timed out` : `${who} wakes up`,
  exit: (who, _o, d) => {
    if ("exitcode" in d) return `${who}: its process ended with exit code ${d.exitcode ?? "unknown"}`;
    const error = d.error ?? d.traceback;
    return error ? `${who} died: ${lastLine(String(error))}` : `${who} finished`;
  },
  declare: (who, obj, d) => `${who} created ${d.type ?? "resource"} ${obj}${declared(d)}`,
  acquire: (who, obj, d) => {
    const depth = Number.isInteger(d.depth) && d.depth > 1 ? ` again (depth ${d.depth})` : "";
    return `${who} acquired ${obj}${depth}${permits(d)}`;
  },
  release: (who, obj, d) => {
    const still = Number.isInteger(d.depth) && d.depth > 0 ? ` once (still holds it, depth ${d.depth})` : "";
    return `${who} released ${obj}${still}${permits(d)}`;
  },
  wait: (who, obj, d) => {
    if (Number.isInteger(d.arrived)) return `${who} arrived at ${obj} (${d.arrived} of ${d.parties})`;
    if (d.already_set === true) return `${who} checked ${obj}: already set, goes on`;
    const timeout = typeof d.timeout === "number" ? ` (at most ${seconds(d.timeout)})` : "";
    return `${who} waits on ${obj}${timeout}`;
  },
  notify: (who, obj, d) => `${who} notified ${obj}${wakes(d.woken)}`,
  notify_all: (who, obj, d) =>
    d.phase_done ? `Everyone arrived at ${obj}: it opens${wakes(d.woken)}` : `${who} notified all on ${obj}${wakes(d.woken)}`,
  set: (who, obj, d) => `${who} set ${obj}${wakes(d.woken)}`,
  clear: (who, obj, d) => (d.reset ? `${who} reset ${obj}` : `${who} cleared ${obj}`),
  put: (who, obj, d) => `${who} put ${d.item ?? "an item"} into ${obj}${size(d)}`,
  get: (who, obj, d) => `${who} got ${d.item ?? "an item"} from ${obj}${size(d)}`,
  read: (who, obj, d) => `${who} read ${obj} → ${formatValue(d.value)}`,
  write: (who, obj, d) => `${who} wrote ${obj} ← ${formatValue(d.value)}`,
  sleep: (who, _o, d) => (d.io ? `${who} waits for I/O: ${d.io}` : `${who} sleeps ${seconds(d.seconds)}`),
  join: (who, obj, d) => {
    if (d.unfinished !== undefined) return `${who} waits until every task of ${obj} is done`;
    return d.alive ? `${who} stopped waiting for ${obj}: it is still running` : `${who} joined ${obj}`;
  },
  abort: (who, obj) => `${who} aborted ${obj}: its waiters get BrokenBarrierError`,
  task_done: (who, obj, d) =>
    `${who} marked a task of ${obj} done${Number.isInteger(d.unfinished) ? ` (${d.unfinished} unfinished)` : ""}`,
  gil: (who, _o, d, e) => {
    if (e.thread !== null) return `${who} takes the GIL: it executes Python bytecode from here`;
    if (typeof d.unavailable === "string") return `No GIL lane in this run: ${d.unavailable}`;
    if (typeof d.method === "string") return `The GIL lane starts, measured by ${d.method}`;
    if ("off" in d) return `The GIL lane stops measuring (${d.off}): the rest runs without its tracer`;
    if (Array.isArray(d.holders)) return `Executing bytecode (no GIL): ${d.holders.join(", ") || "nobody"}`;
    return "Nobody holds the GIL: its holder blocked";
  },
  output: (_w, _o, d) => `${d.by ?? "The program"} printed: ${d.text ?? d.line ?? ""}`,
  measure: (_w, _o, d) => `Measured ${d.name}: ${formatValue(d.value)} ${d.unit ?? ""}`.trim(),
  deadlock: (_w, _o, d) => `Deadlock! ${d.text ?? "No thread can go on."}`,
  limit: (_w, _o, d) => `The run hit a limit: ${d.message ?? d.reason ?? ""}`,
  end: (_w, _o, d) => `The run ended: ${statusLabel(String(d.status ?? Status.FINISHED.value))}`,
};

/** @param {Record<string, any>} d */
function declared(d) {
  if (!("value" in d) || d.value === null) return "";
  const v = d.value;
  switch (d.type) {
    case "Semaphore":
    case "BoundedSemaphore": return ` with ${plural(v, "permit")}`;
    case "Queue": return v > 0 ? ` with room for ${plural(v, "item")}` : " (unbounded)";
    case "Barrier": return ` for ${plural(v)}`;
    default: return ` = ${formatValue(v)}`;
  }
}

/** @param {Record<string, any>} d */
function permits(d) {
  return typeof d.value === "number" ? ` — ${plural(d.value, "permit")} left` : "";
}

/** @param {Record<string, any>} d */
function size(d) {
  return Number.isInteger(d.size) ? ` (now ${plural(d.size, "item")})` : "";
}
