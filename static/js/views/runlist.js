// @ts-check
/**
 * One row of the recent runs: the scenario, its status, the verdict's sentence, how it
 * was made, when — and Open, and Delete for the run's creator.
 * @module views/runlist
 */

import { Mode, isControlled, policyLabel, statusLabel } from "../model/contract.js";
import { formatValue, timeAgo } from "../model/format.js";
import { h } from "../ui/dom.js";

/** @typedef {import("../net/apitypes.js").RunEntry} RunEntry */

/**
 * How a run was made, in one line: "Controlled · seed 7 · PCT · threads = 8 · 1,203 events"
 * (the mode and the policy in the run contract's short labels).
 * @param {RunEntry} run
 * @returns {string}
 */
export function runMeta(run) {
  const parts = [];
  if (isControlled(run)) {
    parts.push(Mode.CONTROLLED.short);
    if (run.seed !== null && run.seed !== undefined) parts.push(`seed ${run.seed}`);
    if (run.policy) parts.push(policyLabel(run.policy));
  } else if (run.mode === Mode.FREE.value) {
    parts.push(Mode.FREE.short);
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
