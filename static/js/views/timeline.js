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
 * what the canvas is wide. A row is never lower than a readable name: more lanes than
 * fit scroll inside the card, the GIL lane and the axis pinned at the visible part's
 * top and bottom. With the GIL lane measuring, a Running segment is drawn Running only
 * while its thread holds the GIL (model/gilstates.js).
 *
 * This module holds the view: its layers, what is drawn where, and what is under the
 * pointer. It stands on two layers of its class: the shown window (zoom, pan, follow:
 * views/timelinewindow.js) and the geometry (rows, heights, the pinned GIL lane and
 * axis, scrolling: views/timelinegeometry.js). What each lane draws is
 * views/timelinelanes.js, the gestures views/timelineinput.js, the shapes and patterns
 * views/timelinepaint.js.
 * @module views/timeline
 */

import { formatValue } from "../model/format.js";
import { readPalette } from "../ui/palette.js";
import { GIL_H, drawGilLane, laneTip, sharesText } from "./gillane.js";
import { AXIS_H, CUE_H, TOP, TimelineGeometry } from "./timelinegeometry.js";
import { bindTimelineInput } from "./timelineinput.js";
import { drawLane, drawMarks } from "./timelinelanes.js";
import { niceTicks, seconds, stateFills } from "./timelinepaint.js";

/** @typedef {import("../model/player.js").Player} Player */
/** @typedef {import("../model/tracks.js").Tracks} Tracks */
/** @typedef {import("../ui/palette.js").Palette} Palette */

const DRAW_MS = 200;

export class TimelineView extends TimelineGeometry {
  /** @param {HTMLElement} root the timeline card's body */
  constructor(root) {
    super(root);
    this.canvas = /** @type {HTMLCanvasElement} */ (root.querySelector("canvas"));
    this.tip = /** @type {HTMLElement} */ (root.querySelector(".timeline-tip"));
    this.base = document.createElement("canvas");
    this.drawnCount = -1;
    this.drawnAt = 0;
    /** @type {Palette | null} */
    this.palette = null;
    /** @type {Record<string, CanvasPattern | string>} */
    this.fills = {};
    this.topKey = "";
    bindTimelineInput(this);
    new ResizeObserver(() => this.resize()).observe(this.root);
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

  resize() {
    const width = Math.floor(this.root.clientWidth);
    const height = this.canvasHeight();
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

  /** Draw this frame: the lanes if they are out of date, then the playhead. */
  draw() {
    const tracks = this.tracks;
    if (this.canvasHeight() !== this.size.height || this.size.width === 0) return this.resize();
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
    // Lanes above and below the visible part: say so, so that nobody misses them.
    const above = this.lanesAbove();
    if (above > 0) this.drawCue(ctx, this.cueTop(), `↑ ${above} more`);
    const axisY = this.axisTop();
    ctx.fillStyle = palette.bg;
    ctx.fillRect(0, axisY, width, AXIS_H);
    const below = this.lanesBelow();
    this.drawAxis(ctx, axisY, below > 0 ? `time · ↓ ${below} more` : "time");
    // The same counts on the scroll box, where a test or a tool can read them.
    const data = this.root.dataset;
    if (data.lanesAbove !== String(above)) data.lanesAbove = String(above);
    if (data.lanesBelow !== String(below)) data.lanesBelow = String(below);
  }

  /**
   * The band over the lanes scrolled out at the top: what it says, and an edge.
   * @param {CanvasRenderingContext2D} ctx
   * @param {number} y
   * @param {string} text
   */
  drawCue(ctx, y, text) {
    const palette = /** @type {Palette} */ (this.palette);
    ctx.fillStyle = palette.bg;
    ctx.fillRect(0, y, this.size.width, CUE_H);
    ctx.fillStyle = palette.grid;
    ctx.fillRect(0, y + CUE_H - 1, this.size.width, 1);
    ctx.fillStyle = palette.muted;
    ctx.textBaseline = "middle";
    ctx.font = `12px ${getComputedStyle(this.canvas).fontFamily}`;
    ctx.fillText(text, 4, y + CUE_H / 2, this.labelWidth - 8);
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

  // --- under the pointer -----------------------------------------------------------

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
