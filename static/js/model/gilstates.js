// @ts-check
/**
 * A lane's states as drawn with the measured GIL lane (issue 12): where the lane
 * measures, a `Running` segment is `Running` only while the thread holds the GIL and
 * `Runnable` (ready, wanting the GIL) while it does not; outside the measured part (before
 * a thread first holds it, after the lane's budget ends: "not measured from here") and
 * on a build without a GIL, the events' own states. The board does the same for one moment
 * (views/gillane.js, `withGil`) and the thread's shares are summed from these pieces, so
 * the timeline, the board and the tooltip agree.
 *
 * Whose GIL: a thread of the run's process holds it itself; an asyncio task runs on its
 * loop's thread, so it holds the GIL while that thread does; a child process's lanes have
 * a GIL of their own that the lane does not measure: their states stay as they are.
 * @module model/gilstates
 */

import { processOf } from "./events.js";

/** @typedef {import("./tracks.js").Tracks} Tracks */
/** @typedef {import("./tracks.js").Lane} Lane */

const RUNNABLE = 1;
const RUNNING = 2;

/**
 * The lane whose holding the GIL lets `lane` run: itself, its loop's thread for a task,
 * -1 if the lane does not measure it (a child process's lane).
 * @param {Lane} lane
 * @returns {number}
 */
export function gilOwner(lane) {
  if (processOf(lane.name) !== null) return -1;
  if (lane.task) return lane.loop;
  return lane.index;
}

/**
 * The event indices where the GIL lane measures a GIL: [from, to), or null.
 * @param {Tracks} tracks
 * @returns {[number, number] | null}
 */
export function measuredSpan(tracks) {
  const gil = tracks.gil;
  if (gil.onAt < 0 || gil.noGil) return null;
  const to = gil.offAt >= 0 ? gil.offAt : tracks.count;
  return to > gil.onAt ? [gil.onAt, to] : null;
}

/**
 * The lane's drawn pieces from its segment `first` on, in order: `visit(a, b, state)`
 * for event indices [a, b) and a state code (index into STATES). `visit` returns true
 * to stop.
 * @param {Tracks} tracks
 * @param {Lane} lane
 * @param {number} first the first segment to visit
 * @param {(a: number, b: number, state: number) => boolean | void} visit
 */
export function eachShownPiece(tracks, lane, first, visit) {
  const span = measuredSpan(tracks);
  const owner = gilOwner(lane);
  const hand = tracks.gil.gil;
  for (let k = Math.max(first, 0); k < lane.segStart.length; k += 1) {
    const a = lane.segStart.at(k);
    const b = tracks.segmentEnd(lane, k);
    const state = lane.segState.at(k);
    if (state !== RUNNING || span === null || owner < 0 || b <= span[0] || a >= span[1]) {
      if (visit(a, b, state)) return;
      continue;
    }
    // Before the measured part: as the events say.
    if (a < span[0] && visit(a, span[0], state)) return;
    const to = Math.min(b, span[1]);
    let at = Math.max(a, span[0]);
    // The hand-off in force at `at`, then each one up to `to`.
    let h = handOffAt(hand.at, at);
    while (at < to) {
      const next = h + 1 < hand.at.length ? Math.min(hand.at[h + 1], to) : to;
      const holds = h >= 0 && hand.holder[h] === owner;
      if (next > at && visit(at, next, holds ? RUNNING : RUNNABLE)) return;
      at = next;
      h += 1;
    }
    // After the lane's budget: as the events say.
    if (b > span[1] && visit(span[1], b, state)) return;
  }
}

/**
 * The index of the last hand-off at or before event index `i` (-1: none yet).
 * @param {number[]} at
 * @param {number} i
 */
function handOffAt(at, i) {
  let lo = 0;
  let hi = at.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (at[mid] <= i) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}
