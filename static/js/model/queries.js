// @ts-check
/**
 * Questions the views ask of a state — who waits for whom, what a blocked thread waits
 * for in words, the wait-for graph, whether a goal was reached. Pure functions, no DOM.
 * @module model/queries
 */

import { Goal, Status } from "./contract.js";
import { formatValue } from "./format.js";
import { joined } from "./events.js";

/** @typedef {import("./reducer.js").RunState} RunState */
/** @typedef {import("./reducer.js").RunEnd} RunEnd */
/** @typedef {import("./events.js").ThreadState} ThreadState */

/**
 * @typedef {object} Wait
 * @property {string} obj the resource, or the thread being joined
 * @property {boolean} isThread obj is a thread (a join)
 * @property {string[]} heldBy the threads that hold the resource
 */

/**
 * What a blocked thread waits for, and who holds it.
 * @param {RunState} state
 * @param {string} name a thread
 * @returns {Wait | null}
 */
export function waitsFor(state, name) {
  const thread = state.threads[name];
  if (!thread || thread.state !== "Blocked" || thread.waitingFor === null) return null;
  const obj = thread.waitingFor;
  const resource = state.resources[obj];
  const heldBy = resource ? Object.keys(resource.owners).filter((t) => t !== name) : [];
  return { obj, isThread: obj in state.threads, heldBy };
}

/**
 * What a blocked thread waits for, as a student reads it: "waits for lock_a, held by
 * T2", "waits for room in jobs (3 of 3)", "waits for T1 to finish", "sleeping". Empty
 * for a thread that is not blocked.
 * @param {RunState} state
 * @param {string} name
 * @returns {string}
 */
export function waitText(state, name) {
  const thread = state.threads[name];
  if (!thread || thread.state !== "Blocked") return "";
  const reason = thread.reason;
  if (reason === "sleep") return "sleeping";
  if (reason === "io") {
    const note = thread.last?.kind === "sleep" ? thread.last.note : undefined;
    return note ? `waiting for I/O: ${note}` : "waiting for I/O";
  }
  const wait = waitsFor(state, name);
  if (!wait) {
    // A controlled run's event loop, with no ready task: waiting for a call or a timer.
    if (reason === "wait" && Object.values(state.threads).some((t) => t.loop === name)) {
      return "its event loop waits for a call or a timer";
    }
    return reason ? `waiting (${reason})` : "waiting";
  }
  if (wait.isThread) return `waits for ${joined(wait.obj)} to finish`;
  const r = state.resources[wait.obj];
  const held = wait.heldBy.length ? `, held by ${wait.heldBy.join(", ")}` : "";
  switch (r?.type) {
    case "Semaphore":
    case "BoundedSemaphore":
      return `waits for a permit of ${wait.obj}${held}`;
    case "Condition":
      return `waits on ${wait.obj} to be notified`;
    case "Event":
      return `waits for ${wait.obj} to be set`;
    case "Barrier":
      return `waits at ${wait.obj} (${r.arrived} of ${formatValue(r.initial)} arrived)`;
    case "Queue":
      if (reason === "put") return `waits for room in ${wait.obj}${queueFill(r)}`;
      if (reason === "get") return `waits for an item in ${wait.obj} (empty)`;
      return `waits until every task in ${wait.obj} is done`;
    default:
      return `waits for ${wait.obj}${held}`;
  }
}

/** @param {import("./reducer.js").ResourceView} r */
function queueFill(r) {
  return typeof r.initial === "number" && r.initial > 0 && r.size !== null
    ? ` (${r.size} of ${r.initial})`
    : "";
}

/**
 * How many threads are in each state.
 * @param {RunState} state
 * @returns {Record<ThreadState, number>}
 */
export function stateCounts(state) {
  /** @type {Record<ThreadState, number>} */
  const counts = { New: 0, Runnable: 0, Running: 0, Blocked: 0, Dead: 0 };
  for (const name of state.order) counts[state.threads[name].state] += 1;
  return counts;
}

// --- the wait-for graph ----------------------------------------------------------------

/**
 * @typedef {object} GraphNode
 * @property {string} id
 * @property {"thread" | "resource"} kind
 * @property {string} label
 * @property {boolean} cycle on the deadlock's cycle
 */

/**
 * "waits": a thread waits for a resource (or a thread it joins);
 * "holds": a resource is held by a thread (the arrow points at the holder).
 * @typedef {object} GraphEdge
 * @property {string} from
 * @property {string} to
 * @property {"waits" | "holds"} kind
 * @property {boolean} cycle
 */

/**
 * @typedef {object} Graph
 * @property {GraphNode[]} nodes in an order that walks the cycle first
 * @property {GraphEdge[]} edges
 * @property {string} key changes exactly when the picture would
 */

/** Resources that can be held, and so can close a wait-for cycle. */
const HOLDABLE = new Set(["Lock", "RLock", "Semaphore", "BoundedSemaphore", "Unknown"]);

/**
 * Threads and the resources they hold or wait for, with "holds" and "waits" edges. The
 * edges of the deadlock event's cycle (once played) are marked `cycle`.
 * @param {RunState} state
 * @returns {Graph}
 */
export function waitGraph(state) {
  /** @type {GraphEdge[]} */
  const edges = [];
  const cycle = cycleOf(state);
  for (const name of state.order) {
    const thread = state.threads[name];
    if (thread.state === "Dead") continue;
    for (const obj of thread.holding) {
      if (!HOLDABLE.has(state.resources[obj]?.type ?? "Unknown")) continue;
      const onCycle = cycle.threads.has(name) && cycle.wanted.has(obj);
      edges.push({ from: obj, to: name, kind: "holds", cycle: onCycle });
    }
    if (thread.state === "Blocked" && thread.waitingFor !== null) {
      const obj = thread.waitingFor;
      const onCycle = cycle.threads.has(name) && cycle.waits.get(name) === obj;
      edges.push({ from: name, to: obj, kind: "waits", cycle: onCycle });
    }
  }
  const nodes = orderNodes(state, edges, cycle);
  const key = edges.map((e) => `${e.from}>${e.to}:${e.kind}${e.cycle ? "!" : ""}`).join(" ");
  return { nodes, edges, key };
}

/**
 * @typedef {object} Cycle
 * @property {string[]} order threads in cycle order
 * @property {Set<string>} threads
 * @property {Map<string, string>} waits thread → what it waits for
 * @property {Set<string>} wanted resources some thread on the cycle waits for
 */

/**
 * The deadlock event's cycle, if one was played.
 * @param {RunState} state
 * @returns {Cycle}
 */
export function cycleOf(state) {
  /** @type {Cycle} */
  const out = { order: [], threads: new Set(), waits: new Map(), wanted: new Set() };
  const entries = Array.isArray(state.deadlock?.cycle) ? state.deadlock.cycle : [];
  for (const entry of entries) {
    if (typeof entry?.thread !== "string") continue;
    out.order.push(entry.thread);
    out.threads.add(entry.thread);
    if (typeof entry.waits_for === "string") {
      out.waits.set(entry.thread, entry.waits_for);
      out.wanted.add(entry.waits_for);
    }
  }
  return out;
}

/**
 * Nodes in drawing order: the cycle's threads each followed by what it waits for, then
 * every other node in the order its edges appear.
 * @param {RunState} state
 * @param {GraphEdge[]} edges
 * @param {Cycle} cycle
 * @returns {GraphNode[]}
 */
function orderNodes(state, edges, cycle) {
  /** @type {string[]} */
  const ids = [];
  /** @param {string} id */
  const add = (id) => { if (!ids.includes(id)) ids.push(id); };
  for (const name of cycle.order) {
    add(name);
    const obj = cycle.waits.get(name);
    if (obj !== undefined) add(obj);
  }
  for (const edge of edges) {
    add(edge.kind === "waits" ? edge.from : edge.to);
    add(edge.kind === "waits" ? edge.to : edge.from);
  }
  const onCycle = new Set([...cycle.threads, ...cycle.wanted]);
  return ids.map((id) => ({
    id,
    kind: id in state.threads ? "thread" : "resource",
    label: id,
    cycle: onCycle.has(id),
  }));
}

// --- goals -----------------------------------------------------------------------------

/**
 * Whether a run's end reaches `goal` (a Goal value: what "Break it" and manual stepping
 * aim for) — the same rule as app/analysis/goals.py.
 * @param {string} goal
 * @param {RunEnd | null} end
 * @returns {boolean}
 */
export function goalReached(goal, end) {
  if (!end) return false;
  const facts = end.verdict?.facts ?? {};
  const deadlock = end.status === Status.DEADLOCKED.value;
  const lost = Number.isInteger(facts.lost) && facts.lost > 0;
  if (goal === Goal.DEADLOCK.value) return deadlock;
  if (goal === Goal.LOST_UPDATE.value) return lost;
  if (goal === Goal.ANY_FAILURE.value) return deadlock || lost || truthy(facts.errors) || truthy(facts.broken);
  return false;
}

/**
 * Python's bool() for a JSON value.
 * @param {any} value
 * @returns {boolean}
 */
function truthy(value) {
  if (Array.isArray(value)) return value.length > 0;
  if (value && typeof value === "object") return Object.keys(value).length > 0;
  return Boolean(value);
}
