// @ts-check
/**
 * The GIL lane's data, indexed as the log arrives (kept by model/tracks.js): who holds
 * the GIL from which event on, from `gil` events (free mode, measured in the worker:
 * app/instrument/gil.py); or, with no `gil` event, the controlled scheduler's baton,
 * derived from `run` / `preempt` / `block` / `exit` (there the scheduler decides who
 * runs, not the GIL). On a build without a GIL (free-threaded, `gil: false`) the `gil`
 * events list every thread executing bytecode (`holders`): several at once.
 *
 * It also keeps what a thread's shares need: its waits for the GIL after a wait ended,
 * measured against a timestamp taken outside the waiting thread — a lock's release by
 * the releasing thread (measured), or a sleep's deadline (its block time plus its
 * seconds: inferred). A thread cannot see its own wait for the GIL: the `wake` it
 * records is written after it got the GIL back.
 * @module model/giltrack
 */

/** @typedef {import("./events.js").Event} Event */

/**
 * One hand-off track: `holder[k]` (a lane index, -1: nobody) holds from event index
 * `at[k]` on.
 * @typedef {object} HandOffs
 * @property {number[]} at
 * @property {number[]} holder
 */

/** @returns {HandOffs} */
const handOffs = () => ({ at: [], holder: [] });

/**
 * No GIL: `lanes[k]` (lane indices, maybe several, maybe none) execute bytecode from
 * event index `at[k]` on.
 * @typedef {object} Together
 * @property {number[]} at
 * @property {number[][]} lanes
 */

/**
 * @param {HandOffs} track
 * @param {number} i
 * @param {number} holder
 */
function push(track, i, holder) {
  if (track.holder.length && track.holder[track.holder.length - 1] === holder) return;
  track.at.push(i);
  track.holder.push(holder);
}

export class GilTrack {
  constructor() {
    /** @type {HandOffs} the measured GIL */
    this.gil = handOffs();
    /** @type {HandOffs} the controlled scheduler's baton */
    this.baton = handOffs();
    /** @type {Record<string, any> | null} the lane's first event's detail: how it was measured, or why not */
    this.info = null;
    /** @type {number} event index where the measured GIL was first held (-1: not yet) */
    this.onAt = -1;
    /** @type {number} event index where the lane stopped measuring (-1: it did not) */
    this.offAt = -1;
    /** @type {Map<number, number>} lane → seconds it waited for the GIL after a wait ended */
    this.waitAfter = new Map();
    /** @type {Map<number, number>} lane → how much of that was inferred (a sleep's deadline) */
    this.inferred = new Map();
    /** @type {Map<number, {t: number, obj: string | null, deadline: number | null}>} */
    this.blockedAt = new Map();
    /** @type {Map<string, number>} obj → time of its last release */
    this.released = new Map();
    /** @type {Together} no GIL: who executes at once */
    this.together = { at: [], lanes: [] };
  }

  /** True when the lane measured a build without a GIL (its first event says `gil: false`). */
  get noGil() {
    return this.info !== null && this.info.gil === false;
  }

  /** True when the log has a measured lane (or says why it has none). */
  get measured() {
    return this.info !== null || this.gil.at.length > 0;
  }

  /**
   * @param {number} i the event's index
   * @param {Event} event
   * @param {number} lane the event's thread's lane (-1: none)
   * @param {number[] | null} [together] a no-GIL `gil` event's `holders`, as lanes
   */
  append(i, event, lane, together = null) {
    const d = event.detail ?? {};
    switch (event.kind) {
      case "gil":
        if (event.thread === null && this.info === null && ("method" in d || "unavailable" in d)) {
          this.info = d;
        }
        if ("off" in d && this.offAt < 0) this.offAt = i;
        if (together !== null) {
          this.together.at.push(i);
          this.together.lanes.push(together);
        } else {
          push(this.gil, i, lane);
          if (lane >= 0 && this.onAt < 0 && this.offAt < 0 && !this.noGil) this.onAt = i;
        }
        return;
      case "run":
        push(this.baton, i, lane);
        return;
      case "preempt":
      case "exit":
        if (this.baton.holder.at(-1) === lane) push(this.baton, i, -1);
        this.blockedAt.delete(lane);
        return;
      case "block": {
        if (this.baton.holder.at(-1) === lane) push(this.baton, i, -1);
        const deadline = d.reason === "sleep" && typeof d.seconds === "number" ? event.t + d.seconds : null;
        this.blockedAt.set(lane, { t: event.t, obj: event.obj, deadline });
        return;
      }
      case "release":
        if (event.obj !== null) this.released.set(event.obj, event.t);
        return;
      case "wake": {
        const blocked = this.blockedAt.get(lane);
        this.blockedAt.delete(lane);
        if (!blocked) return;
        const freed = blocked.obj !== null ? this.released.get(blocked.obj) : undefined;
        let from = null;
        let guessed = false;
        if (freed !== undefined && freed >= blocked.t) from = freed;
        else if (blocked.deadline !== null) [from, guessed] = [blocked.deadline, true];
        if (from === null || event.t <= from) return;
        this.waitAfter.set(lane, (this.waitAfter.get(lane) ?? 0) + event.t - from);
        if (guessed) this.inferred.set(lane, (this.inferred.get(lane) ?? 0) + event.t - from);
        return;
      }
      default:
    }
  }

  /**
   * The track to draw: the measured GIL if the log has one, else the baton if `controlled`.
   * @param {boolean} controlled
   * @returns {HandOffs | null}
   */
  shown(controlled) {
    if (this.measured) return this.gil;
    return controlled ? this.baton : null;
  }

  /**
   * Who holds at event index `i` (-1: nobody, or before the first hand-off).
   * @param {HandOffs} track
   * @param {number} i
   */
  holderAt(track, i) {
    let lo = 0;
    let hi = track.at.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (track.at[mid] <= i) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found < 0 ? -1 : track.holder[found];
  }
}
