// @ts-check
/**
 * The timeline's geometry, top to bottom: the GIL lane (views/gillane.js), the rows of
 * the lanes (a child process's lanes grouped under it: model/processrows.js), their
 * height, and the time axis. A row is at least MIN_ROW_H high: more lanes than fit
 * scroll inside the card, the GIL lane and the axis pinned at the visible part's top
 * and bottom; this layer knows where those are as the box scrolls. Scrolled down, a cue
 * band under the GIL lane says how many lanes are above, as the axis says how many are
 * below.
 *
 * A layer of the timeline's class, over its shown window (views/timelinewindow.js);
 * views/timeline.js draws with it.
 * @module views/timelinegeometry
 */

import { laneRows } from "../model/processrows.js";
import { GIL_H, laneOf } from "./gillane.js";
import { TimelineWindow } from "./timelinewindow.js";

export const AXIS_H = 22; // the time axis band under the lanes
export const TOP = 4; // room above the first lane (or the GIL lane)
export const CUE_H = 18; // the "↑ N more" band, pinned under the GIL lane when scrolled
const MAX_PLOT_H = 340;
const MIN_ROW_H = 18; // a 12 px name with room above and below

/** @typedef {{ count: number, tracks: unknown, rows: number[], byRow: number[] }} Rows */

export class TimelineGeometry extends TimelineWindow {
  /** @param {HTMLElement} root the timeline card's body: the box that scrolls */
  constructor(root) {
    super(root);
    /** @type {string | null} the run's mode: the GIL lane shows the baton when controlled */
    this.mode = null;
    /** @type {number} the scroll offset the pinned parts were drawn at */
    this.pinnedAt = 0;
    /** @type {number} the scroll box's height when last sized */
    this.seenHeight = 0;
    /** @type {Rows | undefined} */
    this._rows = undefined;
    // Scrolled (more lanes than fit): the GIL lane and the axis stay pinned in sight.
    this.root.addEventListener("scroll", () => {
      if (!this.pinned() && this.pinnedAt === 0) return;
      this.stale = true;
      this.draw();
    }, { passive: true });
  }

  /** @param {string | null} mode the run's mode ("free", "controlled") */
  setMode(mode) {
    if (mode === this.mode) return;
    this.mode = mode;
    this.stale = true;
    this.draw();
  }

  /** The GIL lane at the top (views/gillane.js), or null. */
  gilLane() {
    return this.tracks ? laneOf(this.tracks, this.mode) : null;
  }

  /** True when the lanes do not all fit in the timeline's visible part: it scrolls. */
  pinned() {
    return this.root.clientHeight > 0 && this.size.height > this.root.clientHeight + 1;
  }

  /** The visible part of the canvas, [top, bottom) in CSS pixels. */
  visible() {
    if (!this.pinned()) return [0, this.size.height];
    const top = Math.max(0, Math.min(this.root.scrollTop, this.size.height - this.root.clientHeight));
    return [top, top + this.root.clientHeight];
  }

  /** Where the GIL lane is drawn: at the top of the visible part. */
  gilTop() {
    return this.visible()[0] + TOP;
  }

  /** Where the thread lanes start: below the GIL lane, if there is one. */
  lanesTop() {
    return TOP + (this.gilLane() ? GIL_H : 0);
  }

  /** The canvas's height for the lanes there are: GIL lane, rows, axis. */
  canvasHeight() {
    const lanes = this.tracks?.lanes.length ?? 0;
    return this.lanesTop() + Math.max(lanes, 1) * this.laneHeight(lanes) + AXIS_H;
  }

  /** Where the axis is drawn: under the last lane, or pinned at the visible bottom. */
  axisTop() {
    const lanes = this.tracks?.lanes.length ?? 0;
    return this.pinned() ? this.visible()[1] - AXIS_H : this.lanesTop() + lanes * this.laneHeight();
  }

  /** How many lanes are (even partly) hidden below the pinned axis. */
  lanesBelow() {
    if (!this.pinned()) return 0;
    const laneH = this.laneHeight();
    const lanes = this.tracks?.lanes.length ?? 0;
    return Math.max(0, Math.ceil((this.lanesTop() + lanes * laneH - this.axisTop()) / laneH));
  }

  /** Where the "↑ N more" band is drawn: under the GIL lane, at the visible top. */
  cueTop() {
    return this.visible()[0] + (this.gilLane() ? TOP + GIL_H : 0);
  }

  /** How many lanes are (even partly) hidden above, under the GIL lane and the band. */
  lanesAbove() {
    if (!this.pinned() || this.visible()[0] <= 0) return 0;
    const laneH = this.laneHeight();
    const lanes = this.tracks?.lanes.length ?? 0;
    return Math.max(0, Math.min(lanes, Math.ceil((this.cueTop() + CUE_H - this.lanesTop()) / laneH)));
  }

  /**
   * The row a lane is drawn on: a child process's lanes grouped under its MainThread
   * lane (model/processrows.js); recomputed when a lane is added.
   * @param {number} index the lane's index
   */
  rowOf(index) {
    return this.rows().rows[index] ?? index;
  }

  /** @param {number} row @returns {import("../model/tracks.js").Lane | undefined} */
  laneAtRow(row) {
    const lanes = this.tracks?.lanes ?? [];
    const at = this.rows().byRow[row];
    return at === undefined ? undefined : lanes[at];
  }

  /** @returns {Rows} */
  rows() {
    const lanes = this.tracks?.lanes ?? [];
    let cache = this._rows;
    if (!cache || cache.count !== lanes.length || cache.tracks !== this.tracks) {
      const rows = laneRows(lanes.map((l) => l.name));
      const byRow = new Array(rows.length);
      rows.forEach((row, lane) => {
        byRow[row] = lane;
      });
      cache = this._rows = { count: lanes.length, tracks: this.tracks, rows, byRow };
    }
    return cache;
  }

  /**
   * Lane height for `n` lanes: they share MAX_PLOT_H, but a row is never lower than
   * MIN_ROW_H (its name readable on a projector); more lanes than fit make the timeline
   * scroll inside its card (views.css).
   */
  laneHeight(n = this.tracks?.lanes.length ?? 0) {
    const narrow = this.size.width < 560;
    const max = narrow ? 240 : MAX_PLOT_H;
    return Math.max(narrow ? 12 : MIN_ROW_H, Math.min(30, Math.floor(max / Math.max(n, 1))));
  }

  /**
   * True over the GIL lane, the cue band or the axis drawn pinned over the lanes (not
   * over a lane).
   * @param {number} y CSS pixels
   */
  overPinned(y) {
    if (!this.pinned()) return false;
    const [seenTop, seenBottom] = this.visible();
    const topBottom = this.cueTop() + (this.lanesAbove() > 0 ? CUE_H : 0);
    return (seenTop > 0 && y < topBottom) || y >= seenBottom - AXIS_H;
  }
}
