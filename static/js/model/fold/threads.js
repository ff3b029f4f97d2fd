// @ts-check
/**
 * How lifecycle events change a thread: create, start/run, preempt, block, wake, exit.
 * (The thread's new state and line are applied before these, by `moveThread`.)
 * @module model/fold/threads
 */

import { updateResource, updateThread, without } from "./state.js";

/** @typedef {import("../events.js").Event} Event */
/** @typedef {import("./state.js").RunState} RunState */
/** @typedef {import("./state.js").Stop} Stop */
/** @typedef {(state: RunState, event: Event) => RunState} Handler */

/** @type {Record<string, Handler>} */
export const THREAD_HANDLERS = {
  create(state, event) {
    if (event.thread === null || !("daemon" in event.detail)) return state;
    return updateThread(state, event.thread, { daemon: Boolean(event.detail.daemon) });
  },

  run(state, event) {
    if (event.thread === null || state.threads[event.thread].stop === null) return state;
    return updateThread(state, event.thread, { stop: null });
  },

  preempt(state, event) {
    if (event.thread === null) return state;
    const { op, offset } = event.detail;
    /** @type {Stop | null} */
    const stop = typeof op === "string"
      ? { op, offset: Number.isInteger(offset) ? offset : null }
      : null;
    return updateThread(state, event.thread, { stop });
  },

  block(state, event) {
    if (event.thread === null) return state;
    const thread = event.thread;
    const reason = typeof event.detail.reason === "string" ? event.detail.reason : null;
    state = updateThread(state, thread, { waitingFor: event.obj, reason });
    // A join waits for a thread, not a resource: nothing to queue on.
    if (event.obj === null || state.threads[event.obj]) return state;
    return updateResource(state, event.obj, (r) => ({ waiters: [...without(r.waiters, thread), thread] }));
  },

  wake(state, event) {
    return unblock(state, event);
  },

  exit(state, event) {
    state = unblock(state, event);
    if (event.thread === null) return state;
    const error = event.detail.error ?? event.detail.traceback ?? null;
    return updateThread(state, event.thread, { error: error === null ? null : String(error) });
  },
};

/**
 * The thread stops waiting (woken, timed out or dead).
 * @type {Handler}
 */
function unblock(state, event) {
  if (event.thread === null) return state;
  const thread = state.threads[event.thread];
  const obj = thread.waitingFor ?? event.obj;
  state = updateThread(state, event.thread, { waitingFor: null, reason: null });
  if (obj === null || !state.resources[obj]) return state;
  return updateResource(state, obj, (r) => ({ waiters: without(r.waiters, event.thread ?? "") }));
}
