// @ts-check
/**
 * Two runs' timelines stacked on one event axis (the compare page): the same lanes,
 * patterns and marks as a run's timeline (views/timeline.js), with one extent for both
 * (the longer run's event count), one label column, zoom and pan moving both together,
 * the first difference drawn as a red line on both with a flag above it (down to the
 * axis, which stays pinned when many lanes scroll in the card), and a click on
 * either reading both runs' event at that point. Nothing plays here: each timeline shows
 * its whole log as it arrives.
 * @module views/compare
 */

import { Player } from "../model/player.js";
import { sentence } from "../model/sentences.js";
import { h, part } from "../ui/dom.js";
import { DISPLAY_EVENT } from "../ui/prefs.js";
import { TimelineView } from "./timeline.js";

/** @typedef {import("../model/events.js").Event} Event */
/** @typedef {"found" | "passed"} Role */

const REDRAW_MS = 200; // while streaming, both timelines follow a growing extent this often
const AROUND = 40; // events across the width after "Go to the difference" (at most)
const MIN_AROUND = 8; // (and at least; a third of a short run)
const ROLES = /** @type {const} */ (["found", "passed"]);

/** A player that never plays: it holds the log and its index; a click picks an event. */
class Trace extends Player {
  /**
   * @param {() => void} onChange something arrived: draw on this frame
   * @param {(index: number) => void} onPick an event was clicked
   */
  constructor(onChange, onPick) {
    super({ onFrame: () => onChange() });
    this.onPick = onPick;
  }

  /** @param {number} n the timeline asks to show `n` events: it means event n − 1 */
  seek(n) {
    this.onPick(n - 1);
  }
}

/** One run's timeline, on the axis the two share. */
class SharedTimeline extends TimelineView {
  /**
   * @param {HTMLElement} root
   * @param {HTMLElement} flag the label over the first difference
   * @param {CompareView} group
   */
  constructor(root, flag, group) {
    super(root);
    this.flag = flag;
    this.group = group;
  }

  /** @returns {[number, number]} the longer run, on both */
  extent() {
    return [0, Math.max(1, this.group?.length() ?? 1)];
  }

  /** @param {CanvasRenderingContext2D} ctx */
  labelsWidth(ctx) {
    return this.group ? this.group.labelsWidth(ctx) : super.labelsWidth(ctx);
  }

  /** Zoom in and out around the first difference (else the middle). */
  playheadFraction() {
    return this.group?.focus() ?? 0.5;
  }

  /**
   * @param {number} from
   * @param {number} to
   */
  setView(from, to) {
    super.setView(from, to);
    this.group?.viewChanged(this);
  }

  /** @param {PointerEvent} event past this run's end: nothing */
  eventAt(event) {
    const tracks = this.tracks;
    if (!tracks || this.unx(event.offsetX) >= tracks.count) return -1;
    return super.eventAt(event);
  }

  /** The lanes, then the first difference and the picked event over them. */
  drawTop() {
    const { width, height, dpr } = this.size;
    const group = this.group;
    const key = `${group?.diff}|${group?.picked}|${this.drawnAt}|${this.pinnedAt}|${width}x${height}`;
    if (key === this.topKey) return;
    this.topKey = key;
    const ctx = /** @type {CanvasRenderingContext2D} */ (this.canvas.getContext("2d"));
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.drawImage(this.base, 0, 0);
    const palette = this.palette;
    if (!group || !palette || !this.tracks?.count) return this.placeFlag(null);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    // From the visible top (the flag is right above it) to the axis, pinned if it scrolls.
    const top = this.visible()[0];
    const bottom = this.axisTop() + 4;
    const inside = /** @param {number} x */ (x) => x >= this.labelWidth - 0.5 && x <= width - 5;
    if (group.picked >= 0) {
      const x = this.x(group.picked);
      if (inside(x)) {
        ctx.fillStyle = palette.fg;
        for (let y = top; y < bottom; y += 6) ctx.fillRect(x - 0.75, y, 1.5, Math.min(3, bottom - y));
      }
    }
    const x = group.diff >= 0 ? this.x(group.diff) : NaN;
    if (!inside(x)) return this.placeFlag(null);
    ctx.fillStyle = palette.bg;
    ctx.fillRect(x - 3.5, top, 7, bottom - top);
    ctx.fillStyle = palette.danger;
    ctx.fillRect(x - 2, top, 4, bottom - top);
    this.placeFlag(x);
  }

  /**
   * The flag over the line: its ▼ right above it, its words beside it — on the right if
   * they fit, else on the left, else as near as the width allows.
   * @param {number | null} x where the line is, in CSS pixels (null: no flag)
   */
  placeFlag(x) {
    if (x === null) {
      this.flag.hidden = true;
      return;
    }
    this.flag.hidden = false;
    const [arrow, text] = /** @type {HTMLElement[]} */ ([...this.flag.children]);
    if (!arrow || !text) return;
    const half = arrow.offsetWidth / 2;
    arrow.style.left = `${x - half}px`;
    const fits = /** @param {number} width */ (width) => x + half + width <= this.size.width || x - half - width >= 0;
    delete this.flag.dataset.short;
    if (!fits(text.offsetWidth)) this.flag.dataset.short = "true"; // "first difference" alone
    const width = text.offsetWidth;
    const right = x + half;
    const left = x - half - width;
    const at = right + width <= this.size.width ? right : left >= 0 ? left : this.size.width - width;
    text.style.left = `${Math.max(0, at)}px`;
  }
}

/**
 * One run's row: its heading, its timeline and its log.
 * @typedef {object} Row
 * @property {HTMLElement} root
 * @property {Trace} trace
 * @property {SharedTimeline} timeline
 */

export class CompareView {
  /** @param {HTMLElement} root the compare card */
  constructor(root) {
    this.root = root;
    this.diff = -1; // the first event that differs, once both runs have ended
    this.picked = -1; // the event a click picked, on both
    this.drawnLength = 0;
    this.refittedAt = 0;
    this.tools = part(root, "compare-tools");
    this.readout = part(root, "picked");
    /** @type {Record<Role, Row>} */
    this.rows = /** @type {any} */ ({});
    for (const role of ROLES) {
      const row = part(root, `run-${role}`);
      const trace = new Trace(() => this.draw(), (index) => this.pick(index));
      const timeline = new SharedTimeline(part(row, "timeline"), part(row, "flag"), this);
      timeline.attach(trace);
      this.rows[role] = { root: row, trace, timeline };
    }
    // The theme or projector mode changed: the canvases read their colours again.
    document.addEventListener(DISPLAY_EVENT, () => {
      for (const role of ROLES) this.rows[role].timeline.restyle();
    });
    this.tools.addEventListener("click", (event) => {
      const button = /** @type {HTMLElement} */ (event.target).closest("[data-zoom]");
      if (button instanceof HTMLElement) this.zoom(button.dataset.zoom ?? "");
    });
  }

  /**
   * @param {Role} role
   * @param {Event} event
   */
  push(role, event) {
    this.rows[role].trace.push(event);
  }

  /** @param {Role} role @returns {Event[]} */
  log(role) {
    return this.rows[role].trace.log;
  }

  /** The longer run's event count: the shared axis. */
  length() {
    return Math.max(...ROLES.map((role) => this.rows[role]?.trace.tracks.count ?? 0));
  }

  /**
   * The label column both timelines use: wide enough for every lane name of either.
   * @param {CanvasRenderingContext2D} ctx
   */
  labelsWidth(ctx) {
    const names = ROLES.flatMap((role) => this.rows[role]?.trace.tracks.lanes.map((l) => l.name) ?? []);
    return Math.min(150, 26 + Math.max(0, ...names.map((name) => ctx.measureText(name).width)));
  }

  /** Where zooming centres, as a fraction of the axis: the difference, else the middle. */
  focus() {
    const at = this.diff >= 0 ? this.diff : this.picked;
    return at >= 0 ? at / Math.max(1, this.length()) : 0.5;
  }

  /**
   * One timeline's window moved (zoom, pan): the other follows.
   * @param {SharedTimeline} source
   */
  viewChanged(source) {
    for (const role of ROLES) {
      const timeline = this.rows[role]?.timeline;
      if (!timeline || timeline === source) continue;
      if (timeline.view.from === source.view.from && timeline.view.to === source.view.to) continue;
      timeline.view = { ...source.view };
      timeline.stale = true;
      timeline.draw();
    }
  }

  /** Draw both; while the runs grow, redraw both lanes now and then (the extent moves). */
  draw() {
    const length = this.length();
    const now = performance.now();
    const done = ROLES.every((role) => this.rows[role].trace.complete);
    if (length !== this.drawnLength && (done || now - this.refittedAt >= REDRAW_MS)) {
      this.drawnLength = length;
      this.refittedAt = now;
      for (const role of ROLES) this.rows[role].timeline.stale = true;
    }
    for (const role of ROLES) this.rows[role].timeline.draw();
  }

  /**
   * Mark the first difference on both (an event index; -1: none).
   * @param {number} index
   */
  mark(index) {
    this.diff = index;
    const go = this.tools.querySelector("[data-zoom=difference]");
    if (go instanceof HTMLButtonElement) go.disabled = index < 0;
    for (const role of ROLES) {
      const { timeline } = this.rows[role];
      if (index >= 0) {
        timeline.flag.replaceChildren(h("span", { class: "compare-flag-arrow", "aria-hidden": "true" }, "▼"),
          h("span", { class: "compare-flag-text" }, "first difference",
            h("span", { class: "compare-flag-where" }, ` · event #${(index + 1).toLocaleString("en-US")}`)));
      }
      timeline.stale = true;
    }
    this.draw();
  }

  /** @param {string} how "in", "out", "fit" or "difference" */
  zoom(how) {
    const timeline = this.rows.found.timeline;
    if (how === "fit") timeline.setView(0, 1);
    else if (how === "difference") {
      const length = Math.max(1, this.length());
      const span = Math.min(1, Math.min(AROUND, Math.max(MIN_AROUND, length / 3)) / length);
      const at = this.focus();
      timeline.setView(at - span / 2, at + span / 2);
    } else if (how === "in" || how === "out") timeline.zoom(how === "in" ? 0.5 : 2, this.focus());
  }

  /**
   * A click on either timeline: both show that event, and the readout says what each
   * run did there.
   * @param {number} index
   */
  pick(index) {
    this.picked = index;
    const say = /** @param {Role} role @param {string} label */ (role, label) => {
      const event = this.log(role)[index];
      return h("span", { class: "compare-picked-run" }, h("strong", {}, `${label}: `),
        event ? sentence(event) : "it had ended by then.");
    };
    const where = h("strong", {}, `Event #${(index + 1).toLocaleString("en-US")}`);
    if (index < this.diff) {
      this.readout.replaceChildren(where, " (the same in both runs): ", sentence(this.log("found")[index]));
    } else {
      this.readout.replaceChildren(where, " — ", say("found", "failing run"), " · ", say("passed", "run that passed"));
    }
    this.draw();
  }
}
