// @ts-check
/**
 * The timeline: one swimlane per thread, state-coloured (and patterned) segments over
 * event order or time, marks for acquire / release / wait / notify / read / write, the
 * playhead, zoom (buttons, Ctrl + wheel), pan (drag), a tooltip for the event under the
 * pointer, and a click to go there.
 *
 * Drawn on a canvas in two layers: the lanes (redrawn only when the data, the view or
 * the size changes, at most once per DRAW_MS) and, every frame, a copy of that layer
 * with the not-yet-played part veiled and the playhead on top. Each lane paints at
 * most one segment and one mark of a kind per pixel column, so 100,000 events cost
 * what the canvas is wide. A row is at least MIN_ROW_H high: more lanes than fit scroll
 * inside the card, the GIL lane and the axis pinned at the visible part's top and bottom.
 * With the GIL lane measuring, a Running segment is drawn Running only while its thread
 * holds the GIL (model/gilstates.js).
 *
 * This module holds the view: its geometry, its layers and the shown window (zoom,
 * pan, follow). What each lane draws is views/timelinelanes.js, the gestures
 * views/timelineinput.js, the shapes and patterns views/timelinepaint.js.
 * @module views/timeline
 */

import { formatValue } from "../model/format.js";
import { laneRows } from "../model/processrows.js";
import { readPalette } from "../ui/palette.js";
import { GIL_H, drawGilLane, laneOf, laneTip, sharesText } from "./gillane.js";
import { bindTimelineInput } from "./timelineinput.js";
import { drawLane, drawMarks } from "./timelinelanes.js";
import { niceTicks, seconds, stateFills } from "./timelinepaint.js";

/** @typedef {import("../model/player.js").Player} Player */
/** @typedef {import("../model/tracks.js").Tracks} Tracks */
/** @typedef {import("../ui/palette.js").Palette} Palette */

const AXIS_H = 22;
const TOP = 4;
const MAX_PLOT_H = 340;
const MIN_ROW_H = 18; // a 12 px name with room above and below
const DRAW_MS = 200;
const MIN_SPAN = 8; // events (or the time of 8 events) across the whole width, at most zoom

export class TimelineView {
  /** @param {HTMLElement} root the timeline card's body */
  constructor(root) {
    this.root = root;
    this.canvas = /** @type {HTMLCanvasElement} */ (root.querySelector("canvas"));
    this.tip = /** @type {HTMLElement} */ (root.querySelector(".timeline-tip"));
    this.base = document.createElement("canvas");
    /** @type {Player | null} */
    this.player = null;
    /** @type {"steps" | "time"} */
    this.axis = "steps";
    this.view = { from: 0, to: 1 }; // the shown part, as fractions of the whole run
    this.size = { width: 0, height: 0, dpr: 1 };
    this.drawnCount = -1;
    this.drawnAt = 0;
    this.stale = true;
    /** @type {Palette | null} */
    this.palette = null;
    /** @type {Record<string, CanvasPattern | string>} */
    this.fills = {};
    this.labelWidth = 80;
    this.topKey = "";
    /** @type {string | null} the run's mode: the GIL lane shows the baton when controlled */
    this.mode = null;
    bindTimelineInput(this);
    new ResizeObserver(() => this.resize()).observe(this.root);
    // Scrolled (more lanes than fit): the GIL lane and the axis stay pinned in sight.
    this.root.addEventListener("scroll", () => {
      if (!this.pinned() && this.pinnedAt === 0) return;
      this.stale = true;
      this.draw();
    }, { passive: true });
    /** @type {number} the scroll offset the pinned parts were drawn at */
    this.pinnedAt = 0;
    /** @type {number} the scroll box's height when last sized */
    this.seenHeight = 0;
    globalThis.matchMedia?.("(prefers-color-scheme: dark)").addEventListener("change", () => this.restyle());
  }

  /** @param {Player | null} player */
  attach(player) {
    this.player = player;
    this.view = { from: 0, to: 1 };
    this.drawnCount = -1;
    this.stale = true;
    this.tip.hidden = true;
    this.draw();
  }

  /** The theme changed: read the colours again. */
  restyle() {
    this.palette = null;
    this.stale = true;
    this.draw();
  }

  // --- geometry --------------------------------------------------------------------

  get tracks() {
    return this.player?.tracks ?? null;
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

  /**
   * Say under the timeline how the GIL lane was measured, and at what resolution (or
   * why there is none).
   * @param {string | null} text
   */
  showGilNote(text) {
    const note = /** @type {HTMLElement | null} */ (this.root.closest(".timeline-card")?.querySelector("[data-role=gil-note]") ?? null);
    if (!note || note.textContent === (text ?? "")) return;
    note.textContent = text ?? "";
    note.hidden = text === null;
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

  /** @returns {{ count: number, tracks: unknown, rows: number[], byRow: number[] }} */
  rows() {
    const lanes = this.tracks?.lanes ?? [];
    /** @type {{ count: number, tracks: unknown, rows: number[], byRow: number[] } | undefined} */
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

  /** Axis position of event index `i` (its index, or its time). */
  /** @param {number} i */
  pos(i) {
    const tracks = /** @type {Tracks} */ (this.tracks);
    if (this.axis === "steps") return i;
    return tracks.t.at(Math.min(i, tracks.count - 1));
  }

  /** The whole run on the axis: [start, end]. */
  extent() {
    const tracks = this.tracks;
    if (!tracks || tracks.count === 0) return [0, 1];
    if (this.axis === "steps") return [0, Math.max(tracks.count, 1)];
    const [a, b] = tracks.timeSpan();
    return [a, b > a ? b : a + 1e-6];
  }

  /** The shown window on the axis. */
  window() {
    const [a, b] = this.extent();
    return [a + (b - a) * this.view.from, a + (b - a) * this.view.to];
  }

  /** @param {number} p axis position → x in CSS pixels */
  x(p) {
    const [a, b] = this.window();
    const left = this.labelWidth;
    return left + ((p - a) / (b - a)) * (this.size.width - left - 6);
  }

  /** @param {number} x CSS pixels → axis position */
  unx(x) {
    const [a, b] = this.window();
    const left = this.labelWidth;
    return a + ((x - left) / (this.size.width - left - 6)) * (b - a);
  }

  /** @param {number} p axis position → the event index there */
  indexAt(p) {
    const tracks = /** @type {Tracks} */ (this.tracks);
    if (this.axis === "steps") return Math.max(0, Math.min(tracks.count - 1, Math.floor(p)));
    return tracks.indexAtTime(p);
  }

  resize() {
    const width = Math.floor(this.root.clientWidth);
    const lanes = this.tracks?.lanes.length ?? 0;
    const height = this.lanesTop() + Math.max(lanes, 1) * this.laneHeight(lanes) + AXIS_H;
    const dpr = Math.min(globalThis.devicePixelRatio || 1, 2);
    if (width === this.size.width && height === this.size.height && dpr === this.size.dpr) {
      // The same canvas in a taller or lower scroll box: the pinned parts move.
      if (this.root.clientHeight !== this.seenHeight) {
        this.seenHeight = this.root.clientHeight;
        this.stale = true;
        this.draw();
      }
      return;
    }
    this.seenHeight = this.root.clientHeight;
    this.size = { width, height, dpr };
    for (const canvas of [this.canvas, this.base]) {
      canvas.width = Math.max(1, Math.round(width * dpr));
      canvas.height = Math.round(height * dpr);
    }
    this.canvas.style.height = `${height}px`;
    this.stale = true;
    this.draw();
  }

  // --- drawing -----------------------------------------------------------------------

  /** Draw this frame: the lanes if they are out of date, then the playhead. */
  draw() {
    const tracks = this.tracks;
    const lanes = tracks?.lanes.length ?? 0;
    const wantHeight = this.lanesTop() + Math.max(lanes, 1) * this.laneHeight(lanes) + AXIS_H;
    if (wantHeight !== this.size.height || this.size.width === 0) return this.resize();
    const now = performance.now();
    const grown = tracks !== null && tracks.count !== this.drawnCount;
    if (this.stale || (grown && now - this.drawnAt >= DRAW_MS)) {
      this.drawBase();
      this.drawnAt = now;
    }
    this.drawTop();
  }

  drawBase() {
    this.stale = false;
    this.topKey = "";
    const ctx = /** @type {CanvasRenderingContext2D} */ (this.base.getContext("2d"));
    const { width, height, dpr } = this.size;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const palette = this.colours(ctx);
    ctx.fillStyle = palette.bg;
    ctx.fillRect(0, 0, width, height);
    const tracks = this.tracks;
    this.drawnCount = tracks?.count ?? 0;
    if (!tracks || tracks.count === 0) return;
    ctx.font = `600 12px ${getComputedStyle(this.canvas).fontFamily}`;
    this.labelWidth = this.labelsWidth(ctx);
    const laneH = this.laneHeight();
    const gil = this.gilLane();
    this.showGilNote(gil?.note ?? null);
    const top = this.lanesTop();
    for (const lane of tracks.lanes) drawLane(this, ctx, lane, top + this.rowOf(lane.index) * laneH, laneH);
    drawMarks(this, ctx, laneH);
    // The GIL lane and the axis over the lanes, at the visible part's top and bottom.
    const [seenTop, seenBottom] = this.visible();
    this.pinnedAt = seenTop;
    ctx.fillStyle = palette.bg;
    if (gil) {
      ctx.fillRect(0, seenTop, width, TOP + GIL_H);
      ctx.font = `600 12px ${getComputedStyle(this.canvas).fontFamily}`;
      drawGilLane(this, ctx, gil, seenTop + TOP);
    }
    const axisY = this.pinned() ? seenBottom - AXIS_H : top + tracks.lanes.length * laneH;
    ctx.fillStyle = palette.bg;
    ctx.fillRect(0, axisY, width, AXIS_H);
    // Lanes below the visible part: say so, so that nobody misses them.
    const below = this.pinned() ? Math.ceil((top + tracks.lanes.length * laneH - axisY) / laneH) : 0;
    this.drawAxis(ctx, axisY, below > 0 ? `time · ↓ ${below} more` : "time");
  }

  /**
   * How wide the column of lane names is, in this font (two runs compared side by side
   * share one: views/compare.js).
   * @param {CanvasRenderingContext2D} ctx
   * @returns {number}
   */
  labelsWidth(ctx) {
    const lanes = this.tracks?.lanes ?? [];
    return Math.min(150, 26 + Math.max(0, ...lanes.map((l) => ctx.measureText(l.name).width)));
  }

  /**
   * @param {CanvasRenderingContext2D} ctx
   * @param {number} y
   * @param {string} [name] the time axis's name (and how many lanes are below it)
   */
  drawAxis(ctx, y, name = "time") {
    const palette = /** @type {Palette} */ (this.palette);
    const [a, b] = this.window();
    const ticks = niceTicks(a, b, Math.max(2, Math.floor((this.size.width - this.labelWidth) / 110)));
    ctx.fillStyle = palette.muted;
    ctx.textBaseline = "top";
    ctx.font = `12px ${getComputedStyle(this.canvas).fontFamily}`;
    for (const tick of ticks) {
      const x = this.x(tick);
      ctx.fillRect(x, y, 1, 4);
      const label = this.axis === "steps" ? `#${formatValue(Math.round(tick) + 1)}` : seconds(tick - this.extent()[0]);
      ctx.fillText(label, Math.min(x + 2, this.size.width - 48), y + 5);
    }
    const named = this.axis === "steps" ? name.replace(/^time/, "event") : name;
    ctx.fillText(named, 4, y + 5, this.labelWidth - 8);
  }

  drawTop() {
    const { width, height, dpr } = this.size;
    const key = `${this.player?.cursor}|${this.drawnAt}|${this.pinnedAt}|${width}x${height}`;
    if (key === this.topKey) return; // nothing moved: the canvas already shows it
    this.topKey = key;
    const ctx = /** @type {CanvasRenderingContext2D} */ (this.canvas.getContext("2d"));
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.drawImage(this.base, 0, 0);
    const player = this.player;
    const tracks = this.tracks;
    if (!player || !tracks || tracks.count === 0) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const palette = /** @type {Palette} */ (this.palette);
    const played = player.cursor;
    const x = played === 0 ? this.labelWidth : this.x(this.pos(this.axis === "steps" ? played : played - 1));
    const [seenTop, seenBottom] = this.visible();
    const plotBottom = Math.min(height, seenBottom) - AXIS_H;
    if (x < width) {
      ctx.globalAlpha = 0.6;
      ctx.fillStyle = palette.bg;
      const from = Math.max(x, this.labelWidth);
      ctx.fillRect(from, seenTop, width - from, plotBottom - seenTop);
      ctx.globalAlpha = 1;
    }
    if (x >= this.labelWidth && x <= width) {
      ctx.fillStyle = palette.playhead;
      ctx.fillRect(x - 1, seenTop, 2, plotBottom + 4 - seenTop);
    }
  }

  /**
   * The palette and the state fills (colour plus pattern) for the current theme.
   * @param {CanvasRenderingContext2D} ctx
   * @returns {Palette}
   */
  colours(ctx) {
    if (this.palette) return this.palette;
    const palette = readPalette(this.canvas);
    this.palette = palette;
    this.fills = stateFills(ctx, palette);
    return palette;
  }

  // --- the shown window ------------------------------------------------------------

  /** @param {"steps" | "time"} axis */
  setAxis(axis) {
    this.axis = axis;
    for (const button of this.root.closest(".timeline-card")?.querySelectorAll("[data-axis]") ?? []) {
      button.setAttribute("aria-pressed", String(/** @type {HTMLElement} */ (button).dataset.axis === axis));
    }
    this.setView(0, 1);
  }

  /** Where the playhead is, as a fraction of the whole run. */
  playheadFraction() {
    const tracks = this.tracks;
    if (!tracks || !this.player || tracks.count === 0) return 0.5;
    const [a, b] = this.extent();
    return (this.pos(Math.max(0, this.player.cursor - 1)) - a) / (b - a);
  }

  /**
   * @param {number} factor < 1 zooms in
   * @param {number} around a fraction of the whole run that stays put
   */
  zoom(factor, around) {
    const span = this.view.to - this.view.from;
    const [a, b] = this.extent();
    const min = this.axis === "steps" ? MIN_SPAN / Math.max(b - a, 1) : 1e-4;
    const next = Math.max(min, Math.min(1, span * factor));
    const at = (around - this.view.from) / span;
    const from = around - at * next;
    this.setView(from, from + next);
  }

  /**
   * @param {number} from
   * @param {number} to
   */
  setView(from, to) {
    const span = Math.min(1, to - from);
    const start = Math.max(0, Math.min(1 - span, from));
    this.view = { from: start, to: start + span };
    this.stale = true;
    this.draw();
  }

  /** Keep the playhead in view while playing a zoomed-in timeline. */
  follow() {
    if (this.view.to - this.view.from >= 1) return;
    const f = this.playheadFraction();
    if (f < this.view.from || f > this.view.to) {
      const span = this.view.to - this.view.from;
      this.setView(f - span * 0.1, f + span * 0.9);
    }
  }

  /**
   * The event under the pointer: its index, or -1.
   * @param {PointerEvent} event
   */
  eventAt(event) {
    const tracks = this.tracks;
    if (!tracks || tracks.count === 0 || event.offsetX < this.labelWidth) return -1;
    const laneH = this.laneHeight();
    const i = this.indexAt(this.unx(event.offsetX));
    if (this.overPinned(event.offsetY)) return i;
    const lane = this.laneAtRow(Math.floor((event.offsetY - this.lanesTop()) / laneH));
    if (!lane) return i;
    const near = tracks.nearestEvent(lane, i);
    return near >= 0 && Math.abs(this.x(this.pos(near)) - event.offsetX) < 14 ? near : i;
  }

  /**
   * True over the GIL lane or the axis drawn pinned over the lanes (not over a lane).
   * @param {number} y CSS pixels
   */
  overPinned(y) {
    if (!this.pinned()) return false;
    const [seenTop, seenBottom] = this.visible();
    const gilBottom = this.gilLane() ? seenTop + TOP + GIL_H : seenTop;
    return (seenTop > 0 && y < gilBottom) || y >= seenBottom - AXIS_H;
  }

  /**
   * The GIL lane's line for the tooltip at the pointer: who holds it there (over the
   * lane), or the thread's shares (over a thread's lane); null if there is none.
   * @param {PointerEvent} event
   * @param {number} i the event under the pointer
   * @returns {string | null}
   */
  gilTip(event, i) {
    const tracks = this.tracks;
    const gil = this.gilLane();
    if (!tracks || !gil || event.offsetX < this.labelWidth) return null;
    const gilY = this.gilTop();
    if (event.offsetY >= gilY && event.offsetY < gilY + GIL_H) return laneTip(tracks, gil, i);
    if (this.overPinned(event.offsetY)) return null;
    const lane = this.laneAtRow(Math.floor((event.offsetY - this.lanesTop()) / this.laneHeight()));
    return lane ? sharesText(tracks, lane.index) : null;
  }
}
