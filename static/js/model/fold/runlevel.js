// @ts-check
/**
 * Run-level events: what the scenario printed and measured, a deadlock, a limit, the end.
 * @module model/fold/runlevel
 */

import { Status } from "../contract.js";

/** @typedef {import("../events.js").Event} Event */
/** @typedef {import("./state.js").RunState} RunState */
/** @typedef {import("./state.js").RunEnd} RunEnd */
/** @typedef {import("./state.js").Measure} Measure */
/** @typedef {(state: RunState, event: Event) => RunState} Handler */

/** How many printed lines the state keeps (the event log keeps them all). */
export const OUTPUT_KEPT = 200;

/** @type {Record<string, Handler>} */
export const RUN_HANDLERS = {
  output(state, event) {
    const d = event.detail;
    const text = String(d.text ?? d.line ?? d.message ?? "");
    const lines = text.split("\n");
    const output = [...state.output, ...lines].slice(-OUTPUT_KEPT);
    return { ...state, output, outputCount: state.outputCount + lines.length };
  },

  measure(state, event) {
    const d = event.detail;
    /** @type {Measure} */
    const measure = {
      name: String(d.name ?? ""),
      value: Number(d.value),
      unit: String(d.unit ?? ""),
      thread: typeof d.by === "string" ? d.by : event.thread,
    };
    return { ...state, measures: [...state.measures, measure] };
  },

  gil(state, event) {
    // The GIL lane (app/instrument/gil.py): who executes bytecode; the board shows a
    // Running thread that does not hold it as Runnable (views/gillane.js).
    const d = event.detail;
    const was = state.gil ?? { holder: null, measuring: false };
    if ("unavailable" in d || "off" in d) return { ...state, gil: { holder: null, measuring: false } };
    // No GIL (a free-threaded build): nobody waits for it, a Running thread runs.
    if ("method" in d) return { ...state, gil: { holder: null, measuring: d.gil !== false } };
    return { ...state, gil: { ...was, holder: event.thread, held: was.held === true || event.thread !== null } };
  },

  deadlock(state, event) {
    return { ...state, deadlock: event.detail };
  },

  limit(state, event) {
    const d = event.detail;
    return { ...state, limit: String(d.message ?? d.reason ?? "The run hit a limit.") };
  },

  end(state, event) {
    const d = event.detail;
    const verdict = d.verdict && typeof d.verdict.summary === "string" ? d.verdict : null;
    const message = typeof d.message === "string" ? d.message : null;
    // The scheduler's own facts: in the end event's detail, or among the verdict's facts.
    const sources = [d, d.facts ?? {}, verdict?.facts ?? {}];
    const schedule = sources.map((s) => s.schedule).find(Array.isArray) ?? null;
    const steps = sources.map((s) => s.steps).find(Number.isInteger) ?? null;
    /** @type {RunEnd} */
    const end = {
      status: String(d.status ?? Status.FINISHED.value),
      verdict,
      message,
      schedule: schedule ? schedule.map(String) : null,
      steps,
    };
    return { ...state, end };
  },
};
