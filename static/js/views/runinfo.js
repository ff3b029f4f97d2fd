// @ts-check
/**
 * How a run was made, in one line: "Controlled · seed 3 · random · Python 3.11.7".
 * At bytecode granularity it warns that bytecode differs between Python versions.
 * @module views/runinfo
 */

import { h } from "../dom.js";

/** @type {Record<string, string>} */
const POLICIES = {
  random: "seeded random",
  round_robin: "round robin",
  pct: "PCT",
  manual: "stepped by hand",
};

/**
 * @param {Record<string, any>} run as GET /api/runs/{id} answers
 * @returns {Node[]}
 */
export function runInfo(run) {
  const parts = [];
  if (run.mode === "controlled") {
    parts.push("Controlled");
    parts.push(`seed ${run.seed}`);
    parts.push(POLICIES[run.policy] ?? String(run.policy));
    if (run.options?.depth) parts.push(`depth ${run.options.depth}`);
    parts.push(run.options?.granularity === "bytecode" ? "bytecode steps" : "a step per operation");
  } else if (run.mode === "free") {
    parts.push("Free: the OS schedules");
  }
  if (run.python) parts.push(`Python ${run.python}`);
  const nodes = [h("span", { class: "run-facts" }, parts.join(" · "))];
  if (run.mode === "controlled" && run.options?.granularity === "bytecode") {
    const version = run.python ? `CPython ${String(run.python).split(".").slice(0, 2).join(".")}` : "this Python";
    nodes.push(h("span", { class: "run-note" },
      ` Bytecode is ${version}'s: another Python version compiles the same code differently.`));
  }
  return nodes;
}
