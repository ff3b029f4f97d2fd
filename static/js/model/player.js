// @ts-check
/**
 * Plays a run's event log into state: play/pause, step, seek, speed and live-follow.
 *
 * The stream appends to `log` (a cheap push per event, indexed once into `tracks`);
 * once per animation frame the player folds the events it has to show into the state
 * and hands it to `onFrame` — one draw per frame, however many events arrived. A free
 * run often produces thousands of events in a fraction of a second, so playback is
 * paced: at 1× a log plays at MIN_RATE events per second, or faster for a long log so
 * that it takes at most TARGET_SECONDS; the speed multiplies that (0.25× – 16×).
 *
 * Stepping back is cheap: every CHECKPOINT events the state is kept (the reducer shares
 * everything unchanged between states, so this costs little), and any position is at
 * most CHECKPOINT − 1 folds away from one.
 * @module model/player
 */

import { fold, initialState } from "./reducer.js";
import { Tracks } from "./tracks.js";

/** @typedef {import("./events.js").Event} Event */
/** @typedef {import("./reducer.js").RunState} RunState */

export const SPEEDS = Object.freeze([0.25, 0.5, 1, 2, 4, 8, 16]);
export const MIN_RATE = 5;
export const TARGET_SECONDS = 30;
export const CHECKPOINT = 256;

/**
 * @typedef {object} PlayerOptions
 * @property {(state: RunState, player: Player) => void} onFrame
 * @property {(callback: FrameRequestCallback) => number} [requestFrame] for tests
 * @property {() => number} [now] milliseconds, for tests
 */

export class Player {
  /** @param {PlayerOptions} options */
  constructor(options) {
    this.onFrame = options.onFrame;
    this.requestFrame = options.requestFrame ?? ((cb) => requestAnimationFrame(cb));
    this.now = options.now ?? (() => performance.now());
    /** @type {Event[]} */
    this.log = [];
    this.tracks = new Tracks();
    /** @type {RunState[]} state after k × CHECKPOINT events */
    this.checkpoints = [initialState()];
    this.cursor = 0; // events of `log` folded into `state`
    this.state = initialState();
    this.playing = false;
    this.follow = false;
    this.speed = 1;
    this.complete = false; // the `end` event is in the log
    /** @type {number | null} a seek waiting for its event to arrive */
    this.pending = null;
    this.scheduled = false;
    this.dirty = false;
    this.lastFrame = 0;
    this.credit = 0; // fractional events earned but not yet played
  }

  /** @param {Event} event */
  push(event) {
    this.log.push(event);
    this.tracks.append(event);
    if (event.kind === "end") this.complete = true;
    if (this.pending !== null && (this.log.length >= this.pending || this.complete)) {
      const target = this.pending;
      this.pending = null;
      this.seek(target);
      return;
    }
    if (this.playing || this.follow) this.schedule();
    else this.changed(); // the controls show how much has arrived
  }

  /** Events per second at the current speed. */
  get rate() {
    return Math.max(MIN_RATE, this.log.length / TARGET_SECONDS) * this.speed;
  }

  /** Whether every received event is on screen. */
  get caughtUp() {
    return this.cursor >= this.log.length;
  }

  play() {
    if (this.caughtUp && this.complete) this.seek(0); // play again from the start
    this.playing = true;
    this.lastFrame = this.now();
    this.credit = 0;
    this.changed();
  }

  pause() {
    this.playing = false;
    this.follow = false;
    this.changed();
  }

  toggle() {
    if (this.playing || this.follow) this.pause();
    else this.play();
  }

  /** @param {boolean} on stay on the newest event as events arrive */
  setFollow(on) {
    this.follow = on;
    if (on) this.playing = false;
    this.changed();
  }

  /** @param {number} speed one of SPEEDS (others are snapped to the nearest) */
  setSpeed(speed) {
    this.speed = SPEEDS.reduce((a, b) => (Math.abs(b - speed) < Math.abs(a - speed) ? b : a));
    this.changed();
  }

  /** @param {1 | -1} direction */
  changeSpeed(direction) {
    const i = SPEEDS.indexOf(this.speed) + direction;
    this.setSpeed(SPEEDS[Math.max(0, Math.min(SPEEDS.length - 1, i))]);
  }

  /**
   * Show the state after `n` events (clamped to what has arrived). A position past the
   * log is remembered and reached when its event arrives (a `#seq=` deep link).
   * @param {number} n
   */
  seek(n) {
    const target = Math.max(0, Math.round(n));
    if (target > this.log.length && !this.complete) {
      this.pending = target;
    }
    this.follow = false;
    this.show(Math.min(target, this.log.length));
  }

  /** @param {number} delta events to move, e.g. -1 or +1 (pauses) */
  step(delta) {
    this.playing = false;
    this.seek(this.cursor + delta);
  }

  /** Jump to the newest event and stay there. */
  toEnd() {
    this.playing = false;
    this.show(this.log.length);
  }

  /**
   * The state after `n` events, from the nearest checkpoint (or the current state).
   * @param {number} n 0 ≤ n ≤ log.length
   * @returns {RunState}
   */
  stateAt(n) {
    if (n === this.cursor) return this.state;
    let at = Math.min(Math.floor(n / CHECKPOINT), this.checkpoints.length - 1) * CHECKPOINT;
    let state = this.checkpoints[at / CHECKPOINT];
    if (n > this.cursor && this.cursor > at) [at, state] = [this.cursor, this.state];
    while (at < n) {
      const stop = Math.min(n, (Math.floor(at / CHECKPOINT) + 1) * CHECKPOINT);
      state = fold(state, this.log.slice(at, stop));
      at = stop;
      if (at % CHECKPOINT === 0 && at / CHECKPOINT === this.checkpoints.length) {
        this.checkpoints.push(state);
      }
    }
    return state;
  }

  /** @param {number} n */
  show(n) {
    this.state = this.stateAt(n);
    this.cursor = n;
    this.changed();
  }

  /** Something the page shows changed: draw it on the next frame. */
  changed() {
    this.dirty = true;
    this.schedule();
  }

  schedule() {
    if (this.scheduled) return;
    this.scheduled = true;
    this.requestFrame(() => this.frame());
  }

  frame() {
    this.scheduled = false;
    const now = this.now();
    const elapsed = Math.min(Math.max(now - this.lastFrame, 0), 100) / 1000;
    this.lastFrame = now;
    if (this.follow && !this.caughtUp) {
      this.show(this.log.length);
    } else if (this.playing && !this.caughtUp) {
      this.credit += this.rate * elapsed;
      const count = Math.floor(this.credit);
      this.credit -= count;
      if (count > 0) this.show(Math.min(this.cursor + count, this.log.length));
    }
    if ((this.playing || this.follow) && this.caughtUp && this.complete) {
      this.playing = false; // played to the end: nothing more will come
      this.follow = false;
      this.dirty = true;
    }
    if (this.dirty) {
      this.dirty = false;
      this.onFrame(this.state, this);
    }
    if ((this.playing || this.follow) && !this.caughtUp) this.schedule();
  }
}
