// @ts-check
/**
 * Event contract v1, mirrored from app/instrument/events.py (the one place that
 * defines it). tests/unit/test_js.py checks that the constants below equal the
 * Python ones, so the two cannot drift apart silently.
 * @module model/events
 */

/**
 * A thread's lifecycle state.
 * @typedef {"New" | "Runnable" | "Running" | "Blocked" | "Dead"} ThreadState
 */

/**
 * One event of a run's log.
 * @typedef {object} Event
 * @property {number} seq 1, 2, 3… per run, no gaps; the SSE id
 * @property {number} t seconds since the run started; never decreases
 * @property {string} kind what happened: one of KINDS (new kinds may be added)
 * @property {string | null} thread the thread's name; null for run-level events
 * @property {ThreadState | null} state that thread's state after the event
 * @property {string | null} obj the resource or variable involved
 * @property {number | null} line line in the scenario source
 * @property {Record<string, any>} detail anything else
 */

/**
 * The analysis verdict carried by the `end` event.
 * @typedef {object} Verdict
 * @property {string} summary one sentence a student reads
 * @property {Record<string, any>} facts the numbers behind it
 */

/** Every event has exactly these fields, in this order. */
export const FIELDS = Object.freeze([
  "seq", "t", "kind", "thread", "state", "obj", "line", "detail",
]);

/** @type {ReadonlyArray<ThreadState>} Thread states, in lifecycle order. */
export const STATES = Object.freeze(["New", "Runnable", "Running", "Blocked", "Dead"]);

/**
 * The lifecycle diagram: every state change an event may carry, as "from>to"
 * ("" for "not yet created"). Staying in the same state is always allowed.
 */
export const TRANSITIONS = Object.freeze([
  ">New", // create
  "New>Runnable", // start
  "Runnable>Running", // run
  "Running>Runnable", // preempt
  "Running>Blocked", // block
  "Blocked>Runnable", // wake
  "Running>Dead", // exit
  "Runnable>Dead", // exit of a thread cut off while not running
  "Blocked>Dead", // exit of a daemon cut off while blocked
  "New>Dead", // a thread that never started, reported at the end
]);

const TRANSITION_SET = new Set(TRANSITIONS);

// What happened. This module is the browser's one spelling of the event kinds: the
// kind "deadlock" equals the run contract's goal of that name (model/contract.js), a
// different contract; elsewhere it is `KIND.deadlock`.
export const LIFECYCLE_KINDS = Object.freeze([
  "create", "start", "run", "preempt", "block", "wake", "exit",
]);
export const RESOURCE_KINDS = Object.freeze([
  "declare", "acquire", "release", "wait", "notify", "notify_all", "set", "clear",
  "put", "get", "read", "write", "sleep", "join", "abort", "task_done",
]);
// "gil": a hand-off of the GIL lane (thread: who executes bytecode from then on, null:
// nobody; state null; docs/contracts.md).
export const RUN_KINDS = Object.freeze(["output", "measure", "deadlock", "limit", "end", "gil"]);
export const KINDS = Object.freeze([...LIFECYCLE_KINDS, ...RESOURCE_KINDS, ...RUN_KINDS]);
// A child process's lanes: "<process name>/<thread name>" ("Process-1/MainThread");
// its start and end: the create (detail pid) and exit (pid, exitcode) of its MainThread.
export const PROCESS_SEPARATOR = "/";

/**
 * The process a lane belongs to ("Process-1" for "Process-1/MainThread"), or null for a
 * thread of the run's own process.
 * @param {string | null} lane
 * @returns {string | null}
 */
export function processOf(lane) {
  if (!lane) return null;
  const at = lane.lastIndexOf(PROCESS_SEPARATOR);
  return at > 0 ? lane.slice(0, at) : null;
}

/**
 * What a join waits for, as a student names it: a child process's MainThread lane is
 * the process ("process Process-1"), any other lane itself.
 * @param {string} lane
 * @returns {string}
 */
export function joined(lane) {
  const process = processOf(lane);
  return process !== null && lane === `${process}${PROCESS_SEPARATOR}MainThread` ? `process ${process}` : lane;
}

/**
 * Every kind by its own name, for a module that names one the run contract also
 * spells: `KIND.deadlock`.
 * @type {Readonly<Record<string, string>>}
 */
export const KIND = Object.freeze(Object.fromEntries(KINDS.map((kind) => [kind, kind])));

export const RESOURCE_TYPES = Object.freeze([
  "Lock", "RLock", "Semaphore", "BoundedSemaphore", "Condition", "Event", "Barrier",
  "Queue", "Future", "Shared",
]);

/**
 * Whether a thread may go from `from` to `to` (null: not yet created).
 * @param {ThreadState | null} from
 * @param {ThreadState} to
 * @returns {boolean}
 */
export function allowedTransition(from, to) {
  return from === to || TRANSITION_SET.has(`${from ?? ""}>${to}`);
}

/**
 * Why `event` breaks the contract, or null if it keeps to it (as events.validate).
 * @param {any} event
 * @returns {string | null}
 */
export function validate(event) {
  if (event === null || typeof event !== "object" || Array.isArray(event)) {
    return "an event must be a JSON object";
  }
  const missing = FIELDS.filter((f) => !(f in event));
  if (missing.length) return `event is missing field(s) ${missing.join(", ")}`;
  if (!Number.isInteger(event.seq) || event.seq < 1) {
    return `seq must be a positive integer, not ${JSON.stringify(event.seq)}`;
  }
  if (typeof event.t !== "number" || event.t < 0) {
    return `t must be a non-negative number, not ${JSON.stringify(event.t)}`;
  }
  if (!KINDS.includes(event.kind)) return `unknown event kind ${JSON.stringify(event.kind)}`;
  if (event.state !== null && !STATES.includes(event.state)) {
    return `unknown thread state ${JSON.stringify(event.state)}`;
  }
  for (const name of ["thread", "obj"]) {
    if (event[name] !== null && typeof event[name] !== "string") {
      return `${name} must be a string or null, not ${JSON.stringify(event[name])}`;
    }
  }
  if (event.line !== null && !Number.isInteger(event.line)) {
    return `line must be an integer or null, not ${JSON.stringify(event.line)}`;
  }
  if (event.detail === null || typeof event.detail !== "object" || Array.isArray(event.detail)) {
    return "detail must be an object";
  }
  return null;
}
