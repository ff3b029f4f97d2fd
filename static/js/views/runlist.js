// @ts-check
/**
 * One row of the recent runs: the scenario, its status, the verdict's sentence, how it
 * was made, when — and Open, and Delete for the run's creator.
 * @module views/runlist
 */

import { h } from "../dom.js";
import { formatValue, statusLabel, timeAgo } from "../format.js";

/** @typedef {import("../api.js").RunEntry} RunEntry */

/** @type {Record<string, string>} */
const POLICIES = { random: "seeded random", round_robin: "round robin", pct: "PCT", manual: "stepped by hand" };

/**
 * How a run was made, in one line: "Controlled · seed 7 · PCT · threads = 8 · 1,203 events".
 * @param {RunEntry} run
 * @returns {string}
 */
export function runMeta(run) {
  const parts = [];
  if (run.mode === "controlled") {
    parts.push("Controlled");
    if (run.seed !== null && run.seed !== undefined) parts.push(`seed ${run.seed}`);
    if (run.policy) parts.push(POLICIES[run.policy] ?? run.policy);
  } else if (run.mode === "free") {
    parts.push("Free");
  }
  const params = Object.entries(run.params ?? {}).map(([k, v]) => `${k} = ${formatValue(v)}`);
  if (params.length) parts.push(params.join(", "));
  const events = run.counts?.events;
  if (typeof events === "number") parts.push(`${formatValue(events)} event${events === 1 ? "" : "s"}`);
  return parts.join(" · ");
}

/**
 * @param {RunEntry} run
 * @param {boolean} mine this browser started it (and may delete it)
 * @param {number} [now] ms, for "5 min ago"
 * @returns {HTMLLIElement}
 */
export function runRow(run, mine, now = Date.now()) {
  const page = run.links?.page ?? `/runs/${encodeURIComponent(run.id)}`;
  const when = timeAgo(run.created, now);
  return h("li", { class: "run-row", "data-run": run.id, "data-status": run.status },
    h("div", { class: "run-main" },
      h("p", { class: "run-head" },
        h("a", { class: "run-title", href: page }, run.title ?? run.scenario),
        " ",
        h("span", { class: "run-status", "data-status": run.status }, statusLabel(run.status)),
        mine ? h("span", { class: "run-mine" }, "yours") : null),
      run.summary ? h("p", { class: "run-summary" }, run.summary) : null,
      h("p", { class: "run-meta" },
        runMeta(run),
        when ? h("time", { datetime: run.created ?? "", title: run.created ?? "" }, ` · ${when}`) : null)),
    h("div", { class: "run-actions" },
      h("a", { class: "button button-quiet", href: page }, "Open"),
      mine ? h("button", { type: "button", class: "button button-quiet button-danger", "data-action": "delete" }, "Delete") : null));
}
