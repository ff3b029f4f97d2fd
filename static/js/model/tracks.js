// @ts-check
/**
 * An index of the event log for the views that show history rather than one moment —
 * the timeline and the event log: per thread, the segments of equal state and the events
 * it took part in; per event, its time, thread and mark. Built by appending each event
 * once (typed arrays: a 100,000-event run costs about 2 MB here), never changed after.
 * It holds no truth of its own: it is a function of the log, like the reducer's state.
 * @module model/tracks
 */

import { STATES } from "./events.js";
import { GilTrack } from "./giltrack.js";

/** @typedef {import("./events.js").Event} Event */

/** Marks the timeline draws over a lane; 0 is "no mark". */
export const MARKS = Object.freeze(["", "acquire", "release", "wait", "notify", "read", "write"]);

/** @type {Record<string, number>} event kind → mark code */
const MARK_OF = {
  acquire: 1,
  release: 2,
  wait: 3,
  notify: 4,
  notify_all: 4,
  set: 4,
  read: 5,
  get: 5,
  write: 6,
  put: 6,
};

/** @type {Record<string, number>} */
const STATE_CODE = Object.fromEntries(STATES.map((s, i) => [s, i]));

/** A growable column of numbers over a typed array. */
class Column {
  /** @param {Int32ArrayConstructor | Uint8ArrayConstructor | Int16ArrayConstructor | Float64ArrayConstructor} Type */
  constructor(Type, capacity = 256) {
    this.Type = Type;
    this.data = new Type(capacity);
    this.length = 0;
  }

  /** @param {number} value */
  push(value) {
    if (this.length === this.data.length) {
      const bigger = new this.Type(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }

  /** @param {number} i */
  at(i) {
    return this.data[i];
  }

  /** The last index whose value is ≤ `value` (the column must be sorted), or -1. */
  /** @param {number} value */
  floor(value) {
    let lo = 0;
    let hi = this.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.data[mid] <= value) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }
}

/**
 * One thread's track.
 * @typedef {object} Lane
 * @property {string} name
 * @property {number} index creation order
 * @property {Column} segStart event index where each segment starts
 * @property {Column} segState its state (index into STATES)
 * @property {Column} events indices of the thread's events
 * @property {number} state the current state's code (-1 before any)
 * @property {boolean} task an asyncio task (its create says `task: true`), not a thread
 * @property {boolean} internal a thread a library started for itself: drawn quieter
 * @property {number} loop a task's loop's thread's lane (-1: not a task, or unknown)
 */

export class Tracks {
  constructor() {
    this.count = 0;
    this.t = new Column(Float64Array, 1024);
    this.thread = new Column(Int16Array, 1024);
    this.mark = new Column(Uint8Array, 1024);
    /** @type {Lane[]} */
    this.lanes = [];
    /** @type {Map<string, Lane>} */
    this.byName = new Map();
    this.gil = new GilTrack(); // the GIL lane (or the controlled scheduler's baton)
  }

  /** @param {string | null} name @returns {number} its lane's index (-1: none) */
  laneOf(name) {
    return name === null ? -1 : (this.byName.get(name) ?? this.addLane(name)).index;
  }

  /** @param {Event} event */
  append(event) {
    const i = this.count;
    this.count += 1;
    this.t.push(event.t);
    this.mark.push(MARK_OF[event.kind] ?? 0);
    if (event.thread === null || event.kind === "gil") {
      this.thread.push(-1); // a GIL hand-off belongs to the GIL lane, not its holder's
      if (event.kind === "gil") {
        const holders = event.detail?.holders; // no GIL: every thread executing (gil.py)
        const together = Array.isArray(holders) ? holders.map((n) => this.laneOf(String(n))) : null;
        this.gil.append(i, event, this.laneOf(event.thread), together);
      }
      return;
    }
    const lane = this.byName.get(event.thread) ?? this.addLane(event.thread);
    this.gil.append(i, event, lane.index);
    if (event.kind === "create") {
      lane.task = event.detail.task === true;
      lane.internal = event.detail.internal === true;
      const loop = lane.task && typeof event.detail.loop === "string" ? this.byName.get(event.detail.loop) : undefined;
      lane.loop = loop ? loop.index : -1;
    }
    this.thread.push(lane.index);
    lane.events.push(i);
    const state = event.state === null ? lane.state : (STATE_CODE[event.state] ?? lane.state);
    if (state !== lane.state) {
      lane.segStart.push(i);
      lane.segState.push(state);
      lane.state = state;
    }
  }

  /** @param {string} name @returns {Lane} */
  addLane(name) {
    /** @type {Lane} */
    const lane = {
      name,
      index: this.lanes.length,
      segStart: new Column(Int32Array, 16),
      segState: new Column(Uint8Array, 16),
      events: new Column(Int32Array, 64),
      state: -1,
      task: false,
      internal: false,
      loop: -1,
    };
    this.lanes.push(lane);
    this.byName.set(name, lane);
    return lane;
  }

  /**
   * Where segment `k` of `lane` ends (exclusive event index).
   * @param {Lane} lane
   * @param {number} k
   */
  segmentEnd(lane, k) {
    return k + 1 < lane.segStart.length ? lane.segStart.at(k + 1) : this.count;
  }

  /**
   * The lane's segment that covers event index `i`, or -1 before the thread existed.
   * @param {Lane} lane
   * @param {number} i
   */
  segmentAt(lane, i) {
    return lane.segStart.floor(i);
  }

  /**
   * The thread's event closest to event index `i` (-1 if it has none).
   * @param {Lane} lane
   * @param {number} i
   */
  nearestEvent(lane, i) {
    const k = lane.events.floor(i);
    const before = k >= 0 ? lane.events.at(k) : -1;
    const after = k + 1 < lane.events.length ? lane.events.at(k + 1) : -1;
    if (before < 0) return after;
    if (after < 0) return before;
    return i - before <= after - i ? before : after;
  }

  /**
   * The last event index at or before time `t` (0 if none).
   * @param {number} t
   */
  indexAtTime(t) {
    return Math.max(this.t.floor(t), 0);
  }

  /** Time of the first and the last event ([0, 0] while empty). */
  timeSpan() {
    if (this.count === 0) return [0, 0];
    return [this.t.at(0), this.t.at(this.count - 1)];
  }
}
