// @ts-check
/**
 * How resource events change locks, semaphores, conditions, events, barriers, queues and
 * shared variables (and the thread that operated on them).
 * @module model/fold/resources
 */

import {
  ensureResource, noteOp, updateResource, updateThread, valueOf, without,
} from "./state.js";

/** @typedef {import("../events.js").Event} Event */
/** @typedef {import("./state.js").RunState} RunState */
/** @typedef {import("./state.js").ResourceView} ResourceView */
/** @typedef {(state: RunState, event: Event) => RunState} Handler */

/** How many items of a queue the state keeps (its size is always known). */
export const ITEMS_KEPT = 64;

/** @type {Record<string, Handler>} */
export const RESOURCE_HANDLERS = {
  declare(state, event) {
    if (event.obj === null) return state;
    const d = event.detail;
    const type = typeof d.type === "string" ? d.type : "Unknown";
    state = ensureResource(state, event.obj, type);
    const value = "value" in d ? d.value : null;
    const lock = typeof d.lock === "string" ? d.lock : null;
    return updateResource(state, event.obj, () => ({
      type, value, initial: value, lock, intended: type === "Shared" ? value : null,
    }));
  },

  acquire(state, event) {
    if (event.obj === null || event.thread === null) return noteOp(state, event);
    const [obj, thread] = [event.obj, event.thread];
    state = updateResource(state, obj, (r) => {
      const depth = Number.isInteger(event.detail.depth)
        ? event.detail.depth
        : (r.owners[thread] ?? 0) + 1;
      return {
        ...valueOf(event)(r),
        owners: { ...r.owners, [thread]: depth },
        waiters: without(r.waiters, thread),
      };
    });
    const holding = state.threads[thread].holding;
    state = updateThread(state, thread, {
      holding: holding.includes(obj) ? holding : [...holding, obj],
      waitingFor: null,
      reason: null,
    });
    return noteOp(state, event);
  },

  release(state, event) {
    if (event.obj === null || event.thread === null) return noteOp(state, event);
    const [obj, thread] = [event.obj, event.thread];
    let stillHeld = false;
    state = updateResource(state, obj, (r) => {
      const owners = { ...r.owners };
      const depth = Number.isInteger(event.detail.depth)
        ? event.detail.depth
        : (owners[thread] ?? 1) - 1;
      if (depth > 0) owners[thread] = depth;
      else delete owners[thread];
      stillHeld = depth > 0;
      return { ...valueOf(event)(r), owners };
    });
    if (!stillHeld) {
      state = updateThread(state, thread, { holding: without(state.threads[thread].holding, obj) });
    }
    return noteOp(state, event);
  },

  read(state, event) {
    if (event.obj !== null) {
      const [obj, thread] = [event.obj, event.thread];
      state = ensureResource(state, obj, "Shared");
      state = updateResource(state, obj, (r) => ({
        ...valueOf(event)(r),
        reads: r.reads + 1,
        lastRead: thread !== null && "value" in event.detail
          ? { ...r.lastRead, [thread]: event.detail.value }
          : r.lastRead,
      }));
    }
    return noteOp(state, event);
  },

  write(state, event) {
    if (event.obj !== null) {
      const obj = event.obj;
      state = ensureResource(state, obj, "Shared");
      state = updateResource(state, obj, (r) => ({
        ...valueOf(event)(r),
        writes: r.writes + 1,
        ...intendedAfterWrite(r, event),
      }));
    }
    return noteOp(state, event);
  },

  set: flag(true),
  clear(state, event) {
    if (event.obj !== null && state.resources[event.obj]?.type === "Barrier") {
      state = updateResource(state, event.obj, () => ({ arrived: 0, broken: false }));
      return noteOp(state, event);
    }
    return flag(false)(state, event);
  },

  put(state, event) {
    return queueOp(state, event, (items, item) =>
      items.length < ITEMS_KEPT ? [...items, item] : items);
  },

  get(state, event) {
    return queueOp(state, event, (items, item) => {
      if (items.length === 0) return items;
      const at = items.indexOf(item);
      return items.filter((_, i) => i !== (at < 0 ? 0 : at));
    });
  },

  wait(state, event) {
    const arrived = event.detail.arrived;
    if (event.obj !== null && Number.isInteger(arrived)) {
      state = updateResource(state, event.obj, () => ({ arrived }));
    }
    return operation(state, event);
  },

  notify_all(state, event) {
    if (event.obj !== null && event.detail.phase_done === true) {
      state = updateResource(state, event.obj, (r) => ({ arrived: 0, phase: r.phase + 1 }));
    }
    return operation(state, event);
  },

  abort(state, event) {
    if (event.obj !== null) state = updateResource(state, event.obj, () => ({ broken: true }));
    return operation(state, event);
  },

  notify: operation,
  sleep: operation,
  join: operation,
  task_done: operation,
};

/**
 * A resource operation whose only effect here is the value it reports.
 * @type {Handler}
 */
function operation(state, event) {
  if (event.obj !== null && "value" in event.detail) {
    state = updateResource(state, event.obj, valueOf(event));
  }
  return noteOp(state, event);
}

/**
 * Event.set() / Event.clear().
 * @param {boolean} value
 * @returns {Handler}
 */
function flag(value) {
  return (state, event) => {
    if (event.obj !== null) state = updateResource(state, event.obj, () => ({ value }));
    return noteOp(state, event);
  };
}

/**
 * A queue's put or get: its items change by `change`, its size is what the worker says.
 * @param {RunState} state
 * @param {Event} event
 * @param {(items: ReadonlyArray<string>, item: string) => ReadonlyArray<string>} change
 * @returns {RunState}
 */
function queueOp(state, event, change) {
  if (event.obj === null) return noteOp(state, event);
  const d = event.detail;
  const item = String(d.item ?? "");
  state = updateResource(state, event.obj, (r) => ({
    items: change(r.items, item),
    size: Number.isInteger(d.size) ? d.size : r.size,
  }));
  return noteOp(state, event);
}

/**
 * What a shared value should be after a write, had no update been lost: a write of a
 * number the writer computed from its last read adds (written − read) to the value
 * intended so far; any other write simply sets it.
 * @param {ResourceView} r
 * @param {Event} event
 * @returns {Partial<ResourceView>}
 */
function intendedAfterWrite(r, event) {
  if (!("value" in event.detail)) return {};
  const written = event.detail.value;
  const thread = event.thread;
  if (thread === null || !(thread in r.lastRead)) return { intended: written };
  const read = r.lastRead[thread];
  const lastRead = { ...r.lastRead };
  delete lastRead[thread];
  const base = r.intended ?? r.initial;
  const numbers = [written, read, base].every((v) => typeof v === "number");
  return { intended: numbers ? base + (written - read) : written, lastRead };
}
