// @ts-check
/**
 * The timeline's shown window: which axis it runs on (events or time), which part of
 * the run is in view (zoom, pan, follow the playhead), and where a point of the axis
 * falls across the canvas (x, and back).
 *
 * A layer of the timeline's class (views/timeline.js extends views/timelinegeometry.js
 * extends this), not an object of its own: the drawing modules read one view
 * (`view.x(view.pos(i))`), and the compare page's timelines (views/compare.js) share an
 * axis by overriding `extent` and `setView` alone.
 * @module views/timelinewindow
 */

/** @typedef {import("../model/player.js").Player} Player */
/** @typedef {import("../model/tracks.js").Tracks} Tracks */

const MIN_SPAN = 8; // events (or the time of 8 events) across the whole width, at most zoom

export class TimelineWindow {
  /** @param {HTMLElement} root the timeline card's body */
  constructor(root) {
    this.root = root;
    /** @type {Player | null} */
    this.player = null;
    /** @type {"steps" | "time"} */
    this.axis = "steps";
    this.view = { from: 0, to: 1 }; // the shown part, as fractions of the whole run
    this.size = { width: 0, height: 0, dpr: 1 };
    this.labelWidth = 80; // the column of lane names, left of the plot
    this.stale = true; // the lanes' layer is out of date
  }

  get tracks() {
    return this.player?.tracks ?? null;
  }

  /** Draw what changed: the view (views/timeline.js) does; the window only asks. */
  draw() {}

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
}
