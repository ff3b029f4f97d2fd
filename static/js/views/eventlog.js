// @ts-check
/**
 * The event log as sentences, newest first, up to the playhead; filters by thread and
 * by kind; a click on a row goes to that event. A polite `aria-live` region follows the
 * run for screen readers: each single step is read out, and while playing at most one
 * notable event every ANNOUNCE_MS (reading every event of a fast run would drown it).
 * @module views/eventlog
 */

import { KIND, RUN_KINDS } from "../model/events.js";
import { sentence } from "../model/sentences.js";
import { h, setText } from "../ui/dom.js";
import { threadColour } from "../ui/palette.js";

/** @typedef {import("../model/player.js").Player} Player */
/** @typedef {import("../model/events.js").Event} Event */

const ROWS = 40;
const SCAN = 20_000; // events looked at per render, at most, to find ROWS that match
const ANNOUNCE_MS = 2500;

/** @type {Record<string, ReadonlyArray<string>>} filter name → kinds */
export const KIND_GROUPS = Object.freeze({
  "": [],
  lifecycle: ["create", "start", "run", "preempt", "block", "wake", "exit", "join"],
  sync: ["acquire", "release", "wait", "notify", "notify_all", "set", "clear", "abort"],
  data: ["read", "write", "put", "get", "task_done"],
  run: RUN_KINDS,
});

/** Kinds worth announcing while a run plays. */
const NOTABLE = new Set(["block", "acquire", "exit", KIND.deadlock, "end", "limit", "notify", "notify_all", "set"]);

export class EventLogView {
  /**
   * @param {HTMLElement} list the `<ol>` of rows
   * @param {HTMLSelectElement} threadFilter
   * @param {HTMLSelectElement} kindFilter
   * @param {HTMLElement} live the aria-live region
   */
  constructor(list, threadFilter, kindFilter, live) {
    this.list = list;
    this.threadFilter = threadFilter;
    this.kindFilter = kindFilter;
    this.live = live;
    /** @type {Player | null} */
    this.player = null;
    this.drawn = "";
    this.threads = 0;
    this.announced = { cursor: 0, at: 0 };
    threadFilter.addEventListener("change", () => this.render());
    kindFilter.addEventListener("change", () => this.render());
    list.addEventListener("click", (event) => {
      const row = /** @type {HTMLElement} */ (event.target).closest("[data-seq]");
      if (row instanceof HTMLElement) this.player?.seek(Number(row.dataset.seq));
    });
  }

  /** @param {Player | null} player */
  attach(player) {
    this.player = player;
    this.drawn = "";
    this.threads = 0;
    this.threadFilter.replaceChildren(h("option", { value: "" }, "all threads"));
    this.list.replaceChildren();
    this.announced = { cursor: 0, at: 0 };
    setText(this.live, "");
  }

  render() {
    const player = this.player;
    if (!player) return;
    this.syncThreads(player);
    const thread = this.threadFilter.value;
    const kinds = KIND_GROUPS[this.kindFilter.value] ?? [];
    const key = `${player.cursor}|${thread}|${this.kindFilter.value}`;
    if (key === this.drawn) return;
    this.drawn = key;
    const rows = this.rows(player, thread, new Set(kinds)).map((i) => row(player.log[i], i === player.cursor - 1, player));
    if (rows.length === 0) {
      rows.push(h("li", { class: "log-none" }, player.cursor === 0 ? "Nothing has happened yet." : "No event matches the filters."));
    }
    this.list.replaceChildren(...rows);
  }

  /**
   * Indices of the ROWS newest matching events at or before the playhead.
   * @param {Player} player
   * @param {string} thread
   * @param {Set<string>} kinds
   * @returns {number[]}
   */
  rows(player, thread, kinds) {
    const out = [];
    const lane = thread ? player.tracks.byName.get(thread) : undefined;
    if (lane) {
      for (let k = lane.events.floor(player.cursor - 1); k >= 0 && out.length < ROWS; k -= 1) {
        const i = lane.events.at(k);
        if (kinds.size === 0 || kinds.has(player.log[i].kind)) out.push(i);
      }
      return out;
    }
    const stop = Math.max(0, player.cursor - SCAN);
    for (let i = player.cursor - 1; i >= stop && out.length < ROWS; i -= 1) {
      if (kinds.size === 0 || kinds.has(player.log[i].kind)) out.push(i);
    }
    return out;
  }

  /** @param {Player} player */
  syncThreads(player) {
    const lanes = player.tracks.lanes;
    for (; this.threads < lanes.length; this.threads += 1) {
      const name = lanes[this.threads].name;
      this.threadFilter.append(h("option", { value: name }, name));
    }
  }

  /**
   * Tell a screen reader what just happened (see the module comment).
   * @param {Player} player
   * @param {string | null} [verdict] the verdict's summary, once the end is played
   */
  announce(player, verdict = null) {
    const { cursor } = player;
    const moved = cursor - this.announced.cursor;
    if (moved === 0) return;
    const now = performance.now();
    let text = "";
    if (cursor === 0) {
      // Back at the start (a step back from event 1, or a jump there before the last
      // announcement was due: log[-1] is no event).
      text = "Back at the start: nothing has happened yet.";
    } else if (Math.abs(moved) === 1 && !player.playing) {
      text = sentence(player.log[cursor - 1]);
    } else if (verdict && player.log[cursor - 1]?.kind === "end") {
      text = `The run ended. ${verdict}`;
    } else if (now - this.announced.at >= ANNOUNCE_MS) {
      for (let i = cursor - 1; i >= Math.max(0, this.announced.cursor, cursor - 500); i -= 1) {
        if (NOTABLE.has(player.log[i].kind)) {
          text = sentence(player.log[i]);
          break;
        }
      }
    } else {
      return; // too soon: keep the old position so the next announcement covers this one
    }
    this.announced = { cursor, at: now };
    if (text) setText(this.live, text);
  }
}

/**
 * @param {Event} event
 * @param {boolean} current
 * @param {Player} player
 */
function row(event, current, player) {
  const lane = event.thread === null ? undefined : player.tracks.byName.get(event.thread);
  return h("li", { class: `log-row${current ? " is-current" : ""}`, "data-seq": event.seq, "data-kind": event.kind },
    h("span", { class: "log-seq" }, `#${event.seq}`),
    lane ? h("span", { class: "log-dot", "data-colour": threadColour(lane.index), "aria-hidden": "true" }) : null,
    h("span", { class: "log-text" }, sentence(event)));
}
