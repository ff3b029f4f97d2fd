// @ts-check
/**
 * The verdict, large, once the run's `end` event has been played — never before, so a
 * half-played or cut-off run never looks final. A measured table (the GIL scenarios)
 * is drawn as a table with bars.
 * @module views/verdict
 */

import { Mode, Status, statusLabel } from "../model/contract.js";
import { formatValue } from "../model/format.js";
import { h } from "../ui/dom.js";
import { factsTable, isSeries, isTable, seriesChart } from "./chart.js";

/** @typedef {import("../model/reducer.js").RunState} RunState */
/** @typedef {import("../model/reducer.js").RunEnd} RunEnd */

export class VerdictView {
  /** @param {HTMLElement} root */
  constructor(root) {
    this.root = root;
    /** @type {RunEnd | null} */
    this.drawn = null;
    /** @type {string | null} the run's mode, once GET /api/runs/{id} has said */
    this.mode = null;
    /** @type {RunState | null} */
    this.state = null;
  }

  /**
   * The run's mode (null: not known yet); the note on tracing depends on it.
   * @param {string | null} mode
   */
  setMode(mode) {
    if (mode === this.mode) return;
    this.mode = mode;
    if (this.state?.end) {
      this.drawn = null;
      this.render(this.state);
    }
  }

  reset() {
    this.drawn = null;
    this.root.hidden = true;
    this.root.replaceChildren();
  }

  /** @param {RunState} state */
  render(state) {
    this.state = state;
    if (state.end === this.drawn) return;
    this.drawn = state.end;
    if (!state.end) return this.reset();
    const { status, verdict, message } = state.end;
    // A deadlock's banner already says who waits for whom: the verdict stays short.
    const compact = Boolean(state.deadlock);
    this.root.classList.toggle("is-compact", compact);
    this.root.dataset.status = status;
    this.root.dataset.outcome = outcome(state.end);
    const all = verdict?.facts ?? {};
    const facts = Object.entries(all).filter(
      ([, value]) => value !== null && value !== undefined && typeof value !== "object",
    );
    const texts = Object.entries(all).filter(
      ([, value]) => value && typeof value === "object" && !Array.isArray(value)
        && Object.values(value).every((v) => typeof v === "string"),
    );
    const parts = [
      h("p", { class: "verdict-status" }, statusLabel(status)),
      h("p", { class: "verdict-summary" }, verdict?.summary ?? message ?? "The run ended."),
      ...details(all.details).map((text) => h("p", { class: "verdict-detail" }, text)),
      !compact && verdict && message && message !== verdict.summary ? h("p", { class: "verdict-message" }, message) : null,
      isTable(all.table) ? factsTable(all.table) : null,
      isSeries(all.each_reply_us) ? repliesChart(all) : null,
      ...texts.flatMap(([, value]) => Object.values(value).map((v) => h("p", { class: "verdict-message" }, v))),
      facts.length && !compact
        ? h("dl", { class: "verdict-facts" },
            ...facts.map(([name, value]) =>
              h("div", { class: "fact", "data-fact": name },
                h("dt", {}, name.replaceAll("_", " ")),
                h("dd", {}, formatValue(value)))))
        : null,
      tracingNote(state, this.mode),
      asyncioNote(state, this.mode),
    ];
    this.root.replaceChildren(...parts.filter((p) => p !== null));
    this.root.hidden = false;
  }
}

/**
 * What the tracing changes, beside the verdict of a free run that read and wrote shared
 * data: recording each read and write takes time, so a switch between a read and its
 * write (`counter += 1`) is likelier than in the plain program. Controlled runs switch
 * where the scheduler says, and runs without reads or writes are left alone.
 * @param {RunState} state
 * @param {string | null} mode
 * @returns {HTMLElement | null}
 */
export function tracingNote(state, mode) {
  if (!tracingMatters(state, mode)) return null;
  return h("p", { class: "verdict-note", "data-role": "tracing-note" },
    h("strong", {}, "Note: "),
    "Threadlab records every read and write of shared data, and that takes time, so a thread "
    + "switch between a read and its write (as in ", h("code", {}, "counter += 1"),
    ") is likelier here than in the plain program. Copy the code and run it with ",
    h("code", {}, "python3"), " to see how it behaves untraced.");
}

/**
 * The sentences that follow the summary (`facts.details`: how it was measured, what the
 * GIL lane saw), shown in plain type so the summary stays one sentence to read first.
 * @param {unknown} value
 * @returns {string[]}
 */
function details(value) {
  return Array.isArray(value) ? value.filter((v) => typeof v === "string") : [];
}

/**
 * @param {RunState} state
 * @param {string | null} mode
 * @returns {boolean} a free run that read or wrote shared data: the note applies
 */
export function tracingMatters(state, mode) {
  return mode === Mode.FREE.value
    && Object.values(state.resources).some((r) => r.reads > 0 || r.writes > 0);
}

/**
 * Beside the verdict of a controlled run with asyncio tasks: a loop is one thread, and
 * which of its ready tasks runs next is a scheduling point of its own, in the schedule
 * like a thread switch (docs/contracts.md, "asyncio tasks as lanes").
 * @param {RunState} state
 * @param {string | null} mode
 * @returns {HTMLElement | null}
 */
export function asyncioNote(state, mode) {
  if (!asyncioMatters(state, mode)) return null;
  return h("p", { class: "verdict-note", "data-role": "asyncio-note" },
    h("strong", {}, "Note: "),
    "an event loop is one thread; each time it was about to resume a task, the scheduler "
    + "picked which ready task it ran (by the seed, in turn for round_robin, or yours in a "
    + "manual run), so those picks are in the schedule like thread switches and undo and "
    + "reruns repeat them; ", h("code", {}, "asyncio.sleep"),
    " took the run's virtual time. A task switches only at an ", h("code", {}, "await"),
    ", as it would untraced.");
}

/**
 * @param {RunState} state
 * @param {string | null} mode
 * @returns {boolean} a controlled run with asyncio tasks: the note applies
 */
export function asyncioMatters(state, mode) {
  return mode === Mode.CONTROLLED.value
    && Object.values(state.threads).some((t) => typeof t.loop === "string");
}

/**
 * gil-convoy's wait for the GIL after each reply, drawn reply by reply, with half the
 * switch interval marked: the waits the verdict counts are the bars above the line.
 * @param {Record<string, any>} facts
 * @returns {HTMLElement}
 */
function repliesChart(facts) {
  const interval = typeof facts.switch_interval_us === "number" ? facts.switch_interval_us : null;
  return seriesChart(facts.each_reply_us, {
    caption: "Each reply's wait for the GIL, in order (from the server's send to the thread "
      + "running again)" + (interval ? "; the dashed line is half the switch interval" : ""),
    unit: "µs",
    limit: interval ? interval / 2 : null,
  });
}

/** @returns {string[]} the statuses of a run that went wrong (not one that was cancelled) */
function errorStatuses() {
  return [Status.DEADLOCKED, Status.FAILED, Status.TIMED_OUT, Status.INTERRUPTED].map((s) => s.value);
}

/**
 * good / bad / error / neutral: how the verdict should look. A run can finish and still
 * show the problem it is about (a race that lost updates).
 * @param {RunEnd} end
 * @returns {string}
 */
export function outcome(end) {
  if (errorStatuses().includes(end.status)) return "error";
  const facts = end.verdict?.facts ?? {};
  if (facts.ok === true) return "good";
  if (facts.ok === false) return "bad";
  if (facts.broken === true) return "bad";
  if (typeof facts.lost === "number") return facts.lost > 0 ? "bad" : "good";
  return "neutral";
}
