// @ts-check
/**
 * The shape of the state the reducer folds the event log into, and the few pure helpers
 * every handler uses to change it without mutating anything.
 * @module model/fold/state
 */

import { allowedTransition } from "../events.js";

/** @typedef {import("../events.js").Event} Event */
/** @typedef {import("../events.js").ThreadState} ThreadState */
/** @typedef {import("../events.js").Verdict} Verdict */

/**
 * The last thing a thread did, in words the lane can show.
 * @typedef {object} LastOp
 * @property {number} seq
 * @property {string} kind
 * @property {string | null} obj
 * @property {any} [value] the value read or written, if the event carried one
 * @property {string} [note] what an I/O wait is for ("SELECT … (request 1)")
 */

/**
 * @typedef {object} ThreadView
 * @property {string} name
 * @property {number} index creation order, 0-based (a stable colour for the thread)
 * @property {ThreadState} state
 * @property {number | null} line the scenario line it is on
 * @property {boolean} daemon
 * @property {string | null} loop for an asyncio task: the thread of its event loop
 * @property {boolean} internal a thread a library started for itself (drawn quieter)
 * @property {ReadonlyArray<string>} holding resources it holds, in the order it got them
 * @property {string | null} waitingFor the resource it is blocked on (null: none, or a sleep)
 * @property {string | null} reason why it is blocked ("acquire", "join", "sleep"…)
 * @property {LastOp | null} last
 * @property {string | null} error the exception that ended it, if any
 * @property {Stop | null} stop where a bytecode-level pre-emption stopped it, until it runs again
 */

/**
 * A thread pre-empted between two bytecodes (controlled mode, bytecode granularity).
 * @typedef {object} Stop
 * @property {string} op the instruction it will run next ("LOAD_ATTR")
 * @property {number | null} offset that instruction's offset in its code object
 */

/**
 * @typedef {object} ResourceView
 * @property {string} name
 * @property {string} type Lock, RLock, Semaphore, … or Shared
 * @property {any} value current value: a shared variable's value, permits left, a flag…
 * @property {any} initial the value it was declared with
 * @property {Readonly<Record<string, number>>} owners holder → how many times it holds it
 * @property {ReadonlyArray<string>} waiters threads blocked on it, in the order they blocked
 * @property {number} reads
 * @property {number} writes
 * @property {ReadonlyArray<string>} items a queue's contents, head first (at most ITEMS_KEPT)
 * @property {number | null} size a queue's size as the worker last reported it
 * @property {number} arrived threads waiting at a barrier in this phase
 * @property {boolean} broken a barrier was aborted (BrokenBarrierError for its waiters)
 * @property {number} phase a barrier's completed phases
 * @property {any} intended a shared value as it would be had no update been lost
 * @property {Readonly<Record<string, any>>} lastRead thread → value it last read here
 * @property {string | null} lock a Condition's lock
 */

/**
 * @typedef {object} RunEnd
 * @property {string} status how the run ended: a Status value (model/contract.js)
 * @property {Verdict | null} verdict
 * @property {string | null} message
 * @property {ReadonlyArray<string> | null} schedule controlled mode: the scheduler's picks
 * @property {number | null} steps controlled mode: scheduling points passed
 */

/**
 * A number the scenario measured (e.g. the wall time of a GIL demo's threaded version).
 * @typedef {object} Measure
 * @property {string} name
 * @property {number} value
 * @property {string} unit
 * @property {string | null} thread
 */

/**
 * @typedef {object} RunState
 * @property {number} seq the last event folded in (0: none)
 * @property {number} t its time
 * @property {string | null} actor the thread of the last event played (null: run-level)
 * @property {Readonly<Record<string, ThreadView>>} threads
 * @property {ReadonlyArray<string>} order thread names in creation order
 * @property {Readonly<Record<string, ResourceView>>} resources
 * @property {ReadonlyArray<string>} resourceOrder resource names in declaration order
 * @property {ReadonlyArray<string>} output the last OUTPUT_KEPT printed lines
 * @property {number} outputCount every line printed so far
 * @property {ReadonlyArray<Measure>} measures numbers the scenario measured, in order
 * @property {any} deadlock the deadlock event's detail, once there is one
 * @property {string | null} limit why the run was stopped early, if it was
 * @property {RunEnd | null} end set by the final `end` event
 * @property {ReadonlyArray<string>} problems contract breaches noticed (should stay empty)
 * @property {GilView} [gil] the GIL lane, once a `gil` event came (free mode)
 */

/**
 * @typedef {object} GilView
 * @property {string | null} holder the thread executing bytecode (null: nobody)
 * @property {boolean} measuring the lane is measuring now
 * @property {boolean} [held] a thread has held it since the lane started (before that,
 *   nobody is known to hold it: the states are shown as the events say)
 */

// --- drafts ---------------------------------------------------------------------------
//
// Copying the map of 64 threads for every change made folding 100,000 events the main
// cost of playing at 16×. So within one `reduce` call, the first change copies the map
// and later changes in the same call write into that copy: it was created by this call,
// is seen by no one else yet, and `endDraft()` (at the end of `reduce`) forgets it, so
// a state once returned is never written to again.

/** @type {Set<object>} maps created by the reduce call in progress */
const drafts = new Set();

/** Forget this call's drafts: from now on they are part of a returned state. */
export function endDraft() {
  drafts.clear();
}

/**
 * `map`, or a copy of it that the current reduce call may write into.
 * @template T
 * @param {Readonly<Record<string, T>>} map
 * @returns {Record<string, T>}
 */
function writable(map) {
  if (drafts.has(map)) return /** @type {Record<string, T>} */ (map);
  const copy = { ...map };
  drafts.add(copy);
  return copy;
}

/** @returns {RunState} the state before any event. */
export function initialState() {
  return {
    seq: 0,
    t: 0,
    actor: null,
    threads: {},
    order: [],
    resources: {},
    resourceOrder: [],
    output: [],
    outputCount: 0,
    measures: [],
    deadlock: null,
    limit: null,
    end: null,
    problems: [],
  };
}

/**
 * @param {RunState} state
 * @param {string} text
 * @returns {RunState}
 */
export function problem(state, text) {
  return { ...state, problems: [...state.problems, text] };
}

// --- threads -----------------------------------------------------------------------

/**
 * Apply the state and line every thread event carries.
 * @param {RunState} state
 * @param {Event} event
 * @returns {RunState}
 */
export function moveThread(state, event) {
  const name = /** @type {string} */ (event.thread);
  const known = state.threads[name];
  const to = event.state ?? known?.state ?? "New";
  const from = known ? known.state : null;
  if (!allowedTransition(from, to)) {
    const was = from ?? "not yet created";
    state = problem(state, `event ${event.seq}: ${name} went from ${was} to ${to}`);
  }
  /** @type {ThreadView} */
  const thread = known
    ? { ...known, state: to, line: event.line ?? known.line }
    : {
        name,
        index: state.order.length,
        state: to,
        line: event.line,
        daemon: Boolean(event.detail.daemon),
        loop: event.detail.task === true && typeof event.detail.loop === "string" ? event.detail.loop : null,
        internal: event.detail.internal === true,
        holding: [],
        waitingFor: null,
        reason: null,
        last: null,
        error: null,
        stop: null,
      };
  const order = known ? state.order : [...state.order, name];
  const threads = writable(state.threads);
  threads[name] = thread;
  return { ...state, order, threads };
}

/**
 * Replace some fields of one thread.
 * @param {RunState} state
 * @param {string} name
 * @param {Partial<ThreadView>} changes
 * @returns {RunState}
 */
export function updateThread(state, name, changes) {
  const threads = writable(state.threads);
  threads[name] = { ...state.threads[name], ...changes };
  return threads === state.threads ? state : { ...state, threads };
}

/**
 * Remember the thread's last resource operation.
 * @param {RunState} state
 * @param {Event} event
 * @returns {RunState}
 */
export function noteOp(state, event) {
  if (event.thread === null) return state;
  /** @type {LastOp} */
  const last = { seq: event.seq, kind: event.kind, obj: event.obj };
  if ("value" in event.detail) last.value = event.detail.value;
  if (typeof event.detail.io === "string") last.note = event.detail.io;
  return updateThread(state, event.thread, { last });
}

// --- resources ---------------------------------------------------------------------

/**
 * The resource named `name`, created on first sight if it was never declared.
 * @param {RunState} state
 * @param {string} name
 * @param {string} [type]
 * @returns {RunState}
 */
export function ensureResource(state, name, type = "Unknown") {
  if (state.resources[name]) return state;
  /** @type {ResourceView} */
  const resource = {
    name,
    type,
    value: null,
    initial: null,
    owners: {},
    waiters: [],
    reads: 0,
    writes: 0,
    items: [],
    size: null,
    arrived: 0,
    broken: false,
    phase: 0,
    intended: null,
    lastRead: {},
    lock: null,
  };
  const resources = writable(state.resources);
  resources[name] = resource;
  return { ...state, resources, resourceOrder: [...state.resourceOrder, name] };
}

/**
 * Replace some fields of one resource (created if unknown).
 * @param {RunState} state
 * @param {string} name
 * @param {(r: ResourceView) => Partial<ResourceView>} change
 * @returns {RunState}
 */
export function updateResource(state, name, change) {
  state = ensureResource(state, name);
  const old = state.resources[name];
  const resources = writable(state.resources);
  resources[name] = { ...old, ...change(old) };
  return resources === state.resources ? state : { ...state, resources };
}

/**
 * Take the value the event reports (a read, a write, permits left…), if any.
 * @param {Event} event
 * @returns {(r: ResourceView) => Partial<ResourceView>}
 */
export function valueOf(event) {
  return (r) => ("value" in event.detail ? { value: event.detail.value } : { value: r.value });
}

/**
 * @param {ReadonlyArray<string>} list
 * @param {string} item
 * @returns {ReadonlyArray<string>}
 */
export function without(list, item) {
  return list.includes(item) ? list.filter((x) => x !== item) : list;
}
