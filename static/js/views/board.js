// @ts-check
/**
 * The lifecycle board: a column per state (New | Runnable | Running | Blocked | Dead)
 * and a token per thread, in the thread's own colour, that moves between columns as
 * events play — animated (FLIP: measure, move, slide from the old place) when a few
 * tokens move at a watchable speed. A blocked token says what it waits for.
 *
 * A child process's threads (`Process-1/MainThread`: docs/contracts.md, "Child processes
 * as lanes") are grouped as the timeline groups them: in each column its tokens sit
 * together, in the timeline's row order (model/processrows.js), under a band that names
 * the process in its MainThread's colour; the token shows the thread's own name, and
 * its accessible label names the process.
 * @module views/board
 */

import { PROCESS_SEPARATOR, STATES, processOf } from "../model/events.js";
import { STATE_ICONS, describeOp } from "../model/format.js";
import { laneRows } from "../model/processrows.js";
import { stateCounts, waitText } from "../model/queries.js";
import { h, setText } from "../ui/dom.js";
import { threadColour } from "../ui/palette.js";
import { withGil } from "./gillane.js";

/** @typedef {import("../model/reducer.js").RunState} RunState */
/** @typedef {import("../model/reducer.js").ThreadView} ThreadView */

/** More tokens than this moving in one frame are not animated (it would only flicker). */
const MAX_ANIMATED = 12;
const SLIDE_MS = 380;

/**
 * @typedef {object} Token
 * @property {HTMLLIElement} item
 * @property {HTMLElement} line
 * @property {HTMLElement} doing
 * @property {HTMLElement} holds
 * @property {ThreadView | null} drawn
 * @property {string} text the doing-text last drawn
 * @property {string} name what the token calls its thread (no process prefix)
 * @property {string | null} process the child process it runs in, or null
 */

export class BoardView {
  /**
   * @param {HTMLElement} root holds one `[data-column=<state>]` per state
   * @param {HTMLElement} empty shown while there is no thread
   */
  constructor(root, empty) {
    this.root = root;
    this.empty = empty;
    this.hint = empty.textContent ?? "";
    /** @type {Map<string, {list: HTMLElement, count: HTMLElement}>} */
    this.columns = new Map();
    for (const state of STATES) {
      const column = /** @type {HTMLElement} */ (root.querySelector(`[data-column="${state}"]`));
      this.columns.set(state, {
        list: /** @type {HTMLElement} */ (column.querySelector(".board-tokens")),
        count: /** @type {HTMLElement} */ (column.querySelector(".board-count")),
      });
    }
    /** @type {Map<string, Token>} */
    this.tokens = new Map();
    /** @type {string | null} the thread of the last event, highlighted */
    this.actor = null;
    /** @type {Map<string, number>} each thread's row (the timeline's order), by name */
    this.rows = new Map();
    this.motion = !globalThis.matchMedia?.("(prefers-reduced-motion: reduce)").matches;
  }

  reset() {
    this.tokens.clear();
    this.actor = null;
    this.rows = new Map();
    for (const { list, count } of this.columns.values()) {
      list.replaceChildren();
      setText(count, "0");
    }
    this.empty.hidden = false;
    setText(this.empty, this.hint);
  }

  /**
   * @param {RunState} state
   * @param {{animate?: boolean}} [options] slide tokens to their new column
   */
  render(state, options = {}) {
    state = withGil(state); // with the GIL lane: Running means holding the GIL
    this.empty.hidden = state.order.length > 0;
    if (state.end && state.order.length === 0) setText(this.empty, "No thread ran.");
    for (const [name, token] of this.tokens) {
      if (state.threads[name]) continue; // stepped back to before it was created
      token.item.remove();
      this.tokens.delete(name);
    }
    if (this.rows.size !== state.order.length || !state.order.every((name) => this.rows.has(name))) {
      this.reorder(state.order);
    }
    /** @type {{token: Token, thread: ThreadView}[]} */
    const moves = [];
    for (const name of state.order) {
      const thread = state.threads[name];
      const token = this.tokens.get(name) ?? this.add(thread, state);
      const text = doingText(state, thread);
      if (token.drawn === thread && token.text === text) continue;
      if (token.drawn?.state !== thread.state) moves.push({ token, thread });
      draw(token, thread, text);
      token.drawn = thread;
      token.text = text;
    }
    if (this.actor !== state.actor) {
      this.tokens.get(this.actor ?? "")?.item.classList.remove("is-actor");
      this.tokens.get(state.actor ?? "")?.item.classList.add("is-actor");
      this.actor = state.actor;
    }
    if (moves.length) this.move(moves, Boolean(options.animate) && this.motion && moves.length <= MAX_ANIMATED);
    const counts = stateCounts(state);
    for (const [name, { count }] of this.columns) {
      setText(count, String(counts[/** @type {keyof typeof counts} */ (name)]));
    }
  }

  /**
   * Each thread's row, as the timeline orders its lanes: a child process's threads right
   * after its MainThread. Adding a lane never swaps two others, so the columns already
   * drawn stay in order; only the numbers they compare by move.
   * @param {readonly string[]} order the threads' names, in creation order
   */
  reorder(order) {
    const rows = laneRows(order);
    this.rows = new Map(order.map((name, i) => [name, rows[i]]));
    for (const [name, token] of this.tokens) token.item.dataset.row = String(this.rows.get(name) ?? 0);
  }

  /**
   * Put tokens in their new columns, in row order; slide them there if asked.
   * @param {{token: Token, thread: ThreadView}[]} moves
   * @param {boolean} animate
   */
  move(moves, animate) {
    const before = animate ? this.positions() : null;
    for (const { token, thread } of moves) {
      const list = /** @type {{list: HTMLElement}} */ (this.columns.get(thread.state)).list;
      const row = Number(token.item.dataset.row);
      const next = Array.from(list.children).find((el) => Number(/** @type {HTMLElement} */ (el).dataset.row) > row);
      list.insertBefore(token.item, next ?? null);
      token.item.dataset.state = thread.state;
    }
    if (!before) return;
    for (const [item, old] of before) {
      const now = item.getBoundingClientRect();
      const dx = old.left - now.left;
      const dy = old.top - now.top;
      if (Math.abs(dx) < 1 && Math.abs(dy) < 1) continue;
      item.animate(
        [{ transform: `translate(${dx}px, ${dy}px)` }, { transform: "translate(0, 0)" }],
        { duration: SLIDE_MS, easing: "cubic-bezier(.2,.7,.3,1)" },
      );
    }
  }

  /** @returns {Map<HTMLElement, DOMRect>} where every token is now */
  positions() {
    const out = new Map();
    for (const { item } of this.tokens.values()) out.set(item, item.getBoundingClientRect());
    return out;
  }

  /**
   * @param {ThreadView} thread
   * @param {RunState} state
   * @returns {Token}
   */
  add(thread, state) {
    const process = processOf(thread.name);
    const name = process === null ? thread.name : thread.name.slice(process.length + PROCESS_SEPARATOR.length);
    const line = h("span", { class: "token-line" });
    const doing = h("span", { class: "token-doing" });
    const holds = h("span", { class: "token-holds" });
    const item = h(
      "li",
      {
        class: "token",
        "data-thread": thread.name,
        "data-row": this.rows.get(thread.name) ?? thread.index,
        "data-colour": threadColour(thread.index),
      },
      h("span", { class: "token-head" },
        h("span", { class: "token-name" }, name),
        line),
      doing,
      holds,
    );
    if (process !== null) {
      // The band every token of this process shares: its name, its MainThread's colour.
      const main = state.threads[`${process}${PROCESS_SEPARATOR}MainThread`] ?? thread;
      item.dataset.process = process;
      item.prepend(h("span", { class: "token-process", "data-colour": threadColour(main.index), "aria-hidden": "true" },
        processTitle(process)));
    }
    /** @type {Token} */
    const token = { item, line, doing, holds, drawn: null, text: "", name, process };
    this.tokens.set(thread.name, token);
    return token;
  }
}

/**
 * A process as its band says it: a grandchild after its parent ("Process-1 › Process-1:1").
 * @param {string} process
 */
function processTitle(process) {
  return process.split(PROCESS_SEPARATOR).join(" › ");
}

/**
 * @param {Token} token
 * @param {ThreadView} thread
 * @param {string} text
 */
function draw(token, thread, text) {
  setText(token.line, thread.line === null || thread.state === "Dead" ? "" : `line ${thread.line}`);
  setText(token.doing, text);
  setText(token.holds, thread.holding.length ? `holds ${thread.holding.join(", ")}` : "");
  token.item.classList.toggle("has-error", thread.error !== null);
  token.item.classList.toggle("is-daemon", thread.daemon);
  token.item.classList.toggle("is-task", thread.loop !== null);
  token.item.classList.toggle("is-internal", thread.internal);
  const icon = STATE_ICONS[thread.state];
  const who = token.process === null ? token.name : `${token.name} of process ${processTitle(token.process)}`;
  token.item.setAttribute("aria-label", `${who}: ${icon} ${thread.state}. ${text}`);
}

/**
 * What the token says under the name.
 * @param {RunState} state
 * @param {ThreadView} thread
 * @returns {string}
 */
export function doingText(state, thread) {
  switch (thread.state) {
    case "Blocked":
      return waitText(state, thread.name);
    case "Dead":
      return thread.error ? `died: ${lastLine(thread.error)}` : "ended";
    case "New":
      if (thread.loop !== null) return `created (a task on ${thread.loop})`;
      return thread.daemon ? "created (daemon)" : "created";
    default:
      if (thread.stop) return `stopped before ${thread.stop.op}`;
      return describeOp(thread.last);
  }
}

/** @param {string} text */
function lastLine(text) {
  const lines = text.trim().split("\n");
  return lines[lines.length - 1];
}
