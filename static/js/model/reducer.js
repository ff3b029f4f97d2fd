// @ts-check
/**
 * The one place that turns the event log into what the page shows.
 *
 * `reduce(state, event)` is a pure function: it never touches the DOM, never mutates
 * its arguments, and returns a new state that shares every unchanged part with the old
 * one. So a view can skip a thread whose object is identical (===) to the one it drew
 * last time, and a player can keep old states as free checkpoints to step back to.
 *
 * The state's shape is in `fold/state.js`; one handler per kind lives in
 * `fold/threads.js`, `fold/resources.js` and `fold/runlevel.js`.
 * @module model/reducer
 */

import { RESOURCE_HANDLERS } from "./fold/resources.js";
import { RUN_HANDLERS } from "./fold/runlevel.js";
import { endDraft, initialState, moveThread, problem } from "./fold/state.js";
import { THREAD_HANDLERS } from "./fold/threads.js";

export { ITEMS_KEPT } from "./fold/resources.js";
export { OUTPUT_KEPT } from "./fold/runlevel.js";
export { initialState };

/** @typedef {import("./events.js").Event} Event */
/** @typedef {import("./events.js").ThreadState} ThreadState */
/** @typedef {import("./fold/state.js").RunState} RunState */
/** @typedef {import("./fold/state.js").ThreadView} ThreadView */
/** @typedef {import("./fold/state.js").ResourceView} ResourceView */
/** @typedef {import("./fold/state.js").LastOp} LastOp */
/** @typedef {import("./fold/state.js").RunEnd} RunEnd */
/** @typedef {import("./fold/state.js").Measure} Measure */
/** @typedef {import("./fold/state.js").Stop} Stop */
/** @typedef {(state: RunState, event: Event) => RunState} Handler */

/** @type {Readonly<Record<string, Handler>>} */
const HANDLERS = Object.freeze({ ...THREAD_HANDLERS, ...RESOURCE_HANDLERS, ...RUN_HANDLERS });

/**
 * Fold a batch of events into a state.
 * @param {RunState} state
 * @param {Iterable<Event>} events
 * @returns {RunState}
 */
export function fold(state, events) {
  let next = state;
  for (const event of events) next = reduce(next, event);
  return next;
}

/**
 * The state after `event`. Events at or before `state.seq` are ignored (a resumed
 * stream may repeat one); unknown kinds only move `seq` and the thread's state/line.
 * @param {RunState} state
 * @param {Event} event
 * @returns {RunState}
 */
export function reduce(state, event) {
  if (event.seq <= state.seq) return state;
  /** @type {RunState} */
  let next = { ...state, seq: event.seq, t: event.t, actor: event.thread };
  try {
    if (event.seq !== state.seq + 1) {
      next = problem(next, `event ${event.seq} came after ${state.seq}: events are missing`);
    }
    if (event.thread !== null) next = moveThread(next, event);
    const handler = Object.hasOwn(HANDLERS, event.kind) ? HANDLERS[event.kind] : undefined;
    return handler ? handler(next, event) : next;
  } finally {
    endDraft();
  }
}
