// @ts-check
/**
 * What the timeline draws in each lane: its colour and name, its state pieces (Running
 * only while it holds the GIL where the GIL lane measures: model/gilstates.js), and the
 * marks of the operations on it.
 * @module views/timelinelanes
 */

import { PROCESS_SEPARATOR, STATES, processOf } from "../model/events.js";
import { eachShownPiece } from "../model/gilstates.js";
import { MARKS } from "../model/tracks.js";
import { threadColour } from "../ui/palette.js";
import { drawMark } from "./timelinepaint.js";

/** @typedef {import("./timeline.js").TimelineView} TimelineView */
/** @typedef {import("../model/tracks.js").Tracks} Tracks */
/** @typedef {import("../ui/palette.js").Palette} Palette */

/**
 * @param {TimelineView} view
 * @param {CanvasRenderingContext2D} ctx
 * @param {import("../model/tracks.js").Lane} lane
 * @param {number} y
 * @param {number} laneH
 */
export function drawLane(view, ctx, lane, y, laneH) {
  const tracks = /** @type {Tracks} */ (view.tracks);
  const palette = /** @type {Palette} */ (view.palette);
  const colour = palette.threads[threadColour(lane.index)];
  ctx.globalAlpha = lane.internal ? 0.45 : 1; // a library's own thread: quieter
  ctx.fillStyle = colour;
  ctx.fillRect(2, y + 1, 6, laneH - 2);
  if (laneH >= 10) {
    ctx.fillStyle = palette.fg;
    ctx.textBaseline = "middle";
    // A task runs on its loop's thread: its name is set in under the threads'.
    ctx.fillText(laneLabel(lane), 12, y + laneH / 2, view.labelWidth - 16);
  }
  const barY = y + Math.floor(laneH * (laneH >= 16 ? 0.38 : 0.15));
  const barH = Math.max(3, y + laneH - 1 - barY);
  /** @type {Path2D[]} */
  const paths = STATES.map(() => new Path2D());
  const [wa, wb] = view.window();
  const first = Math.max(0, tracks.segmentAt(lane, view.indexAt(wa)));
  const right = view.size.width - 6;
  let painted = -Infinity;
  // With the GIL lane measuring, Running only while it holds the GIL (model/gilstates.js).
  eachShownPiece(tracks, lane, first, (a, b, state) => {
    const x0 = Math.max(view.x(view.pos(a)), view.labelWidth);
    const x1 = Math.min(view.x(view.pos(b)), right);
    if (x0 > right) return true;
    if (x1 <= view.labelWidth || (Math.floor(x1) <= painted && x1 - x0 < 1)) return false;
    const from = Math.max(x0, painted);
    paths[state].rect(from, barY, Math.max(x1 - from, 1), barH);
    painted = Math.max(painted, Math.floor(x1));
    return wb <= view.pos(b);
  });
  STATES.forEach((state, i) => {
    if (state === "Dead") return; // a dead thread's lane stays empty
    ctx.fillStyle = view.fills[state];
    ctx.fill(paths[i]);
  });
  ctx.globalAlpha = 1;
  ctx.fillStyle = palette.grid;
  ctx.fillRect(view.labelWidth, y + laneH - 0.5, right - view.labelWidth, 0.5);
}

/**
 * @param {TimelineView} view
 * @param {CanvasRenderingContext2D} ctx
 * @param {number} laneH
 */
export function drawMarks(view, ctx, laneH) {
  if (laneH < 14) return;
  const tracks = /** @type {Tracks} */ (view.tracks);
  const palette = /** @type {Palette} */ (view.palette);
  const [wa, wb] = view.window();
  const from = view.indexAt(wa);
  const to = Math.min(tracks.count - 1, view.indexAt(wb) + 1);
  const last = new Float64Array(tracks.lanes.length * MARKS.length).fill(-1);
  const top = view.lanesTop();
  const size = Math.min(5, laneH * 0.2);
  ctx.lineWidth = 1.25;
  for (let i = from; i <= to; i += 1) {
    const mark = tracks.mark.at(i);
    const lane = tracks.thread.at(i);
    if (mark === 0 || lane < 0) continue;
    const x = Math.round(view.x(view.pos(i)));
    const slot = lane * MARKS.length + mark;
    if (last[slot] === x) continue;
    last[slot] = x;
    // Reads and writes are many: muted, so the lock operations stand out.
    const ink = mark >= 5 ? palette.muted : palette.fg;
    ctx.fillStyle = ink;
    ctx.strokeStyle = ink;
    drawMark(ctx, MARKS[mark], x, top + view.rowOf(lane) * laneH + size + 2, size);
  }
}

/**
 * A lane's label: a task set in under the threads (it runs on its loop's thread); a
 * child process's lane as "Process-1 · MainThread", its process named first.
 * @param {import("../model/tracks.js").Lane} lane
 * @returns {string}
 */
function laneLabel(lane) {
  if (lane.task) return `↳ ${lane.name}`;
  const process = processOf(lane.name);
  if (process === null) return lane.name;
  return `${process} · ${lane.name.slice(process.length + PROCESS_SEPARATOR.length)}`;
}
