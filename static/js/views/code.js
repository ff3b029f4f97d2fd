// @ts-check
/**
 * The scenario's source, highlighted, with every thread's current line marked by a chip
 * in that thread's colour (plus its state's icon), and — at bytecode granularity — the
 * instruction a pre-empted thread stopped before. Only lines whose marks changed are
 * touched; the panel scrolls itself (never the page) to keep the running thread's line
 * in view.
 * @module views/code
 */

import { STATE_ICONS } from "../model/format.js";
import { h } from "../ui/dom.js";
import { threadColour } from "../ui/palette.js";
import { highlight } from "./highlight.js";

/** @typedef {import("../model/reducer.js").RunState} RunState */

const MAX_CHIPS = 4;

/**
 * @typedef {object} Mark
 * @property {string} name
 * @property {string} state
 * @property {number} colour
 * @property {string} stop the instruction it stopped before ("" if none)
 * @property {string} error the exception it died of, on the line that raised it ("" if none)
 */

export class CodeView {
  /** @param {HTMLElement} list the `<ol>` the lines go in */
  constructor(list) {
    this.list = list;
    /** @type {Map<number, {row: HTMLElement, marks: HTMLElement}>} */
    this.lines = new Map();
    /** @type {Map<number, string>} line → key of the marks drawn on it */
    this.drawn = new Map();
    /** @type {Map<number, Mark[]>} line → the marks drawn on it (kept across a new text) */
    this.marked = new Map();
    this.focusLine = 0;
    // Where each line sits and how the panel is scrolled, measured only when layout is
    // settled (resize, scroll), so following the running line never forces a layout.
    /** @type {number[] | null} */
    this.offsets = null;
    this.view = { top: 0, height: 0 };
    new ResizeObserver(() => {
      this.offsets = null;
      this.view.height = list.clientHeight;
    }).observe(list);
    list.addEventListener("scroll", () => { this.view.top = list.scrollTop; }, { passive: true });
  }

  /**
   * Show `source`; the threads' marks stay on their lines (a program with other
   * parameter values has the same lines).
   * @param {string} source
   */
  setSource(source) {
    const kept = [...this.marked];
    this.lines.clear();
    this.drawn.clear();
    this.marked.clear();
    const rows = highlight(source).map((tokens, i) => {
      const number = i + 1;
      const code = h("code", { class: "code-text" });
      for (const token of tokens) {
        code.append(token.type ? h("span", { class: `tok-${token.type}` }, token.text) : token.text);
      }
      const marks = h("span", { class: "code-marks" });
      const row = h(
        "li",
        { class: "code-line", "data-line": number },
        h("span", { class: "code-number", "aria-hidden": "true" }, String(number)),
        code,
        marks,
      );
      this.lines.set(number, { row, marks });
      return row;
    });
    this.list.replaceChildren(...rows);
    this.offsets = null;
    for (const [line, threads] of kept) this.mark(line, threads);
  }

  /** Remove every mark (a new run starts). */
  reset() {
    for (const line of this.drawn.keys()) this.mark(line, []);
    this.drawn.clear();
    this.focusLine = 0;
  }

  /** @param {RunState} state */
  render(state) {
    /** @type {Map<number, Mark[]>} */
    const wanted = new Map();
    let running = 0;
    for (const name of state.order) {
      const thread = state.threads[name];
      // A thread that died of an exception stays on the line that raised it.
      const error = thread.state === "Dead" ? thread.error ?? "" : "";
      if (thread.line === null || (thread.state === "Dead" && !error)) continue;
      const on = wanted.get(thread.line) ?? [];
      on.push({
        name, state: thread.state, colour: threadColour(thread.index), stop: thread.stop?.op ?? "", error,
      });
      wanted.set(thread.line, on);
      if (name === state.actor) running = thread.line;
    }
    for (const line of this.drawn.keys()) {
      if (!wanted.has(line)) this.mark(line, []);
    }
    for (const [line, threads] of wanted) this.mark(line, threads);
    if (running && running !== this.focusLine) this.reveal(running);
  }

  /**
   * @param {number} line
   * @param {Mark[]} threads
   */
  mark(line, threads) {
    const key = threads.map((t) => `${t.name}:${t.state}:${t.stop}:${t.error}`).join(" ");
    if ((this.drawn.get(line) ?? "") === key) return;
    const target = this.lines.get(line);
    if (key) {
      this.drawn.set(line, key);
      this.marked.set(line, threads);
    } else {
      this.drawn.delete(line);
      this.marked.delete(line);
    }
    if (!target) return;
    target.row.classList.toggle("is-current", threads.length > 0);
    if (threads.length) target.row.dataset.colour = String(threads[0].colour);
    else delete target.row.dataset.colour;
    // At most MAX_CHIPS chips fit beside a line; the rest are counted.
    const shown = threads.length > MAX_CHIPS ? threads.slice(0, MAX_CHIPS - 1) : threads;
    const more = threads.length - shown.length;
    target.marks.replaceChildren(
      ...shown.map((t) =>
        h("span", {
          class: "chip",
          "data-state": t.state,
          "data-colour": t.colour,
          title: `${t.name}: ${t.state}${t.stop ? `, stopped before ${t.stop}` : ""}${
            t.error ? `, raised ${t.error}` : ""}`,
        },
        h("span", { class: "state-icon", "aria-hidden": "true" },
          STATE_ICONS[/** @type {keyof typeof STATE_ICONS} */ (t.state)]),
        h("span", { class: "chip-name" }, t.name),
        t.stop ? h("span", { class: "chip-stop" }, `stopped before ${t.stop}`) : null,
        t.error ? h("span", { class: "chip-error" }, `raised ${t.error.split(":")[0]}`) : null),
      ),
      more ? h("span", { class: "chip chip-more", title: threads.slice(shown.length)
        .map((t) => t.name).join(", ") }, `+${more}`) : "",
    );
  }

  /**
   * Scroll the panel (not the page) so `line` is in view.
   * @param {number} line
   */
  reveal(line) {
    this.focusLine = line;
    if (this.offsets === null) this.measure();
    const offsets = /** @type {number[]} */ (this.offsets);
    const { top: scrolled, height } = this.view;
    const top = offsets[line - 1];
    const bottom = offsets[line] ?? top;
    if (top === undefined || height === 0 || (offsets.at(-1) ?? 0) <= height) return;
    if (top < scrolled || bottom > scrolled + height) {
      this.view.top = Math.max(0, top - height / 3);
      this.list.scrollTop = this.view.top;
    }
  }

  /** Each line's top, and the end (.code is position: relative: the rows' offset parent). */
  measure() {
    const rows = Array.from(this.lines.values(), (l) => l.row);
    this.offsets = rows.map((row) => row.offsetTop);
    const last = rows.at(-1);
    this.offsets.push(last ? last.offsetTop + last.offsetHeight : 0);
    this.view = { top: this.list.scrollTop, height: this.list.clientHeight };
  }
}
