// @ts-check
/**
 * The GIL lane at the top of the timeline: who executes Python bytecode when, measured
 * in the worker (free mode, `gil` events: app/instrument/gil.py), or the controlled
 * scheduler's baton (derived from `run` / `preempt`: there the scheduler decides, not
 * the GIL). On a build without a GIL it shows every thread executing at once, stacked.
 * Where the lane was not measured it says so. Also: a thread's shares
 * (holding / wanting / not wanting) for its tooltip, and the board's view of a run with
 * the lane (a Running thread that does not hold the GIL is shown Runnable).
 * @module views/gillane
 */

import { processOf } from "../model/events.js";
import { formatValue } from "../model/format.js";
import { eachShownPiece, gilOwner, measuredSpan } from "../model/gilstates.js";
import { threadColour } from "../ui/palette.js";

/** @typedef {import("../model/tracks.js").Tracks} Tracks */
/** @typedef {import("../model/giltrack.js").HandOffs} HandOffs */
/** @typedef {import("../model/giltrack.js").Together} Together */
/**
 * @typedef {object} Lane
 * @property {string} label
 * @property {HandOffs | null} track hand-offs to draw (null: none)
 * @property {string} note how it was measured, or why not
 * @property {Together} [together] no GIL: who executes at once
 */
/** @typedef {import("../ui/palette.js").Palette} Palette */
/** @typedef {import("../model/reducer.js").RunState} RunState */
/** @typedef {import("./timeline.js").TimelineView} TimelineView */

export const GIL_H = 20;

/**
 * What the lane shows for this run: its label, its hand-offs (null: none to draw) and
 * a note that says how it was measured, or why not.
 * @param {Tracks} tracks
 * @param {string | null} mode the run's mode ("free", "controlled"), null if unknown
 * @returns {Lane | null} null: no lane
 */
export function laneOf(tracks, mode) {
  const gil = tracks.gil;
  const info = gil.info;
  if (info && typeof info.unavailable === "string") {
    return { label: "GIL", track: null, note: `GIL lane not measured: ${info.unavailable}` };
  }
  if (gil.measured && gil.noGil) {
    const how = info && typeof info.method === "string" ? info.method : "the worker's trace hook";
    const note = `Measured in the worker: ${how}. No GIL (a free-threaded build): the threads shown here execute bytecode at the same time.`;
    return { label: "no GIL", track: null, note, together: gil.together };
  }
  if (gil.measured) {
    const how = info && typeof info.method === "string" ? info.method : "the worker's trace hook";
    const res = info && typeof info.resolution === "string" ? info.resolution : "a line";
    const off = gil.offAt >= 0 ? "; it stops measuring where the timed part begins" : "";
    return { label: "GIL", track: gil.gil, note: `Measured in the worker: ${how}. Resolution: ${res}${off}.` };
  }
  if (mode === "controlled") {
    return {
      label: "baton",
      track: gil.baton,
      note: "The scheduler's baton (from run / preempt events): in controlled mode the scheduler, not the GIL, decides who runs.",
    };
  }
  if (mode === "free") {
    return { label: "GIL", track: null, note: "GIL lane: not measured in this run (the GIL scenarios measure it; tick \"Show the GIL lane\" for any free run)." };
  }
  return null;
}

/**
 * Draw the lane at `y`.
 * @param {TimelineView} view
 * @param {CanvasRenderingContext2D} ctx
 * @param {Lane} lane
 * @param {number} y
 */
export function drawGilLane(view, ctx, lane, y) {
  const tracks = /** @type {Tracks} */ (view.tracks);
  const palette = /** @type {Palette} */ (view.palette);
  const right = view.size.width - 6;
  ctx.fillStyle = palette.fg;
  ctx.textBaseline = "middle";
  ctx.fillText(lane.label, 12, y + GIL_H / 2, view.labelWidth - 16);
  const track = lane.track;
  if (lane.together && lane.together.at.length) {
    drawTogether(view, ctx, lane.together, y);
  } else if (!track || track.at.length === 0) {
    ctx.fillStyle = palette.muted;
    // The note under the timeline says why, in text a screen reader reads: not twice here.
    const text = track ? "nobody has held it yet" : "not measured in this run (see the note below)";
    ctx.fillText(text, view.labelWidth + 4, y + GIL_H / 2, right - view.labelWidth - 8);
  } else {
    const end = tracks.gil.offAt >= 0 && track === tracks.gil.gil ? tracks.gil.offAt : tracks.count;
    let painted = -Infinity;
    for (let k = 0; k < track.at.length; k += 1) {
      const holder = track.holder[k];
      const a = track.at[k];
      const b = Math.min(k + 1 < track.at.length ? track.at[k + 1] : tracks.count, end);
      if (holder < 0 || b <= a) continue;
      const x0 = Math.max(view.x(view.pos(a)), view.labelWidth);
      const x1 = Math.min(view.x(view.pos(b)), right);
      if (x1 <= view.labelWidth || x0 > right || (Math.floor(x1) <= painted && x1 - x0 < 1)) continue;
      const from = Math.max(x0, painted);
      ctx.fillStyle = palette.threads[threadColour(holder)];
      ctx.fillRect(from, y + 3, Math.max(x1 - from, 1), GIL_H - 6);
      painted = Math.max(painted, Math.floor(x1));
    }
    const offX = end < tracks.count ? view.x(view.pos(end)) : Infinity;
    if (offX < right - 60) {
      ctx.fillStyle = palette.muted;
      const from = Math.max(offX, view.labelWidth) + 6;
      ctx.fillText("not measured from here: the timed part runs without the lane", from, y + GIL_H / 2, right - from);
    }
  }
  ctx.fillStyle = palette.grid;
  ctx.fillRect(view.labelWidth, y + GIL_H - 0.5, right - view.labelWidth, 0.5);
}

/**
 * No GIL: each span of the lane split in stripes, one per thread executing then.
 * @param {TimelineView} view
 * @param {CanvasRenderingContext2D} ctx
 * @param {Together} together
 * @param {number} y
 */
function drawTogether(view, ctx, together, y) {
  const tracks = /** @type {Tracks} */ (view.tracks);
  const palette = /** @type {Palette} */ (view.palette);
  const right = view.size.width - 6;
  const end = tracks.gil.offAt >= 0 ? tracks.gil.offAt : tracks.count;
  for (let k = 0; k < together.at.length; k += 1) {
    const lanes = together.lanes[k];
    const a = together.at[k];
    const b = Math.min(k + 1 < together.at.length ? together.at[k + 1] : tracks.count, end);
    if (!lanes.length || b <= a) continue;
    const x0 = Math.max(view.x(view.pos(a)), view.labelWidth);
    const x1 = Math.min(view.x(view.pos(b)), right);
    if (x1 <= view.labelWidth || x0 > right) continue;
    const h = (GIL_H - 6) / lanes.length;
    lanes.forEach((holder, n) => {
      ctx.fillStyle = palette.threads[threadColour(holder)];
      ctx.fillRect(x0, y + 3 + n * h, Math.max(x1 - x0, 1), Math.max(h, 1));
    });
  }
}

/**
 * Who executes at event index `i` without a GIL (lane indices).
 * @param {Together} together
 * @param {number} i
 * @returns {number[]}
 */
function togetherAt(together, i) {
  let found = -1;
  for (let k = 0; k < together.at.length && together.at[k] <= i; k += 1) found = k;
  return found < 0 ? [] : together.lanes[found];
}

/**
 * The tooltip line of the lane at event index `i`.
 * @param {Tracks} tracks
 * @param {Lane} lane
 * @param {number} i
 * @returns {string}
 */
export function laneTip(tracks, lane, i) {
  if (lane.together) {
    const names = togetherAt(lane.together, i).map((k) => tracks.lanes[k].name);
    const who = names.length > 1 ? `${names.join(", ")} execute at once` : names.length ? `${names[0]} executes` : "Nobody executes";
    return `${who} here. ${lane.note}`;
  }
  if (!lane.track) return lane.note;
  const holder = tracks.gil.holderAt(lane.track, i);
  const who = holder >= 0 ? tracks.lanes[holder].name : "nobody";
  const what = lane.label === "baton" ? "holds the scheduler's baton" : "holds the GIL";
  return `${who} ${what} here. ${lane.note}`;
}

/**
 * A thread's shares of the lane's time: holding, wanting (alive, not Blocked, not
 * holding — plus its measured waits after a wait ended) and not wanting (Blocked).
 * @param {Tracks} tracks
 * @param {number} index the thread's lane
 * @returns {string | null} null without a measured lane
 */
export function sharesText(tracks, index) {
  const gil = tracks.gil;
  if (!gil.measured || gil.noGil || gil.gil.at.length === 0) return null;
  const lane = tracks.lanes[index];
  const span = measuredSpan(tracks);
  if (!lane || span === null || gilOwner(lane) < 0) return null; // a child process: its own GIL
  const [start, end] = span;
  const t = (/** @type {number} */ i) => tracks.t.at(Math.min(i, tracks.count - 1));
  // Summed from what the timeline draws (model/gilstates.js): Running is holding.
  let holding = 0;
  let ready = 0;
  let blocked = 0;
  eachShownPiece(tracks, lane, 0, (a, b, state) => {
    if (a >= end) return true;
    const from = Math.max(a, start);
    const to = Math.min(b, end);
    if (to <= from) return false;
    const dt = t(to) - t(from);
    if (state === 2) holding += dt;
    else if (state === 1) ready += dt;
    else if (state === 3) blocked += dt;
    return false;
  });
  const after = gil.waitAfter.get(index) ?? 0;
  const inferred = gil.inferred.get(index) ?? 0;
  const wanting = ready + after;
  const notWanting = Math.max(blocked - after, 0);
  const total = holding + wanting + notWanting;
  if (total <= 0) return null;
  const pct = (/** @type {number} */ v) => `${Math.round((100 * v) / total)}%`;
  let text = `GIL: holding ${pct(holding)} · wanting ${pct(wanting)} · not wanting ${pct(notWanting)} of ${formatValue(Number(total.toFixed(3)))} s`;
  if (after > 0) {
    text += ` (wanting includes ${formatValue(Number((after * 1e3).toFixed(2)))} ms after its waits ended, timed from the release`;
    text += inferred > 0 ? `; ${formatValue(Number((inferred * 1e3).toFixed(2)))} ms of it inferred from sleep deadlines)` : ")";
  }
  return text;
}

/** @type {WeakMap<object, RunState>} */
const shownStates = new WeakMap();
/** @type {WeakMap<object, any>} a thread view → the same, Runnable (one copy each) */
const runnable = new WeakMap();

/**
 * The state as the board shows it: with the GIL lane measuring, a Running thread that
 * does not hold the GIL is Runnable (it wants the GIL, and waits for it); an asyncio
 * task holds it while its loop's thread does, a child process's lane is not measured
 * (as the timeline draws them: model/gilstates.js).
 * @param {RunState} state
 * @returns {RunState}
 */
export function withGil(state) {
  const gil = state.gil;
  if (!gil || !gil.measuring || !gil.held) return state;
  const cached = shownStates.get(state);
  if (cached) return cached;
  const threads = { ...state.threads };
  for (const name of state.order) {
    const thread = threads[name];
    if (thread.state !== "Running" || processOf(name) !== null) continue; // a child process: its own GIL
    if ((thread.loop ?? name) === gil.holder) continue; // a task holds it while its loop's thread does
    if (!runnable.has(thread)) runnable.set(thread, { ...thread, state: "Runnable" });
    threads[name] = runnable.get(thread);
  }
  const shown = { ...state, threads };
  shownStates.set(state, shown);
  return shown;
}
