// @ts-check
/**
 * How a run was made, in one line: "Controlled · seed 3 · seeded random · a step per
 * operation · Python 3.11.7", in the run contract's short labels (a free run that asked
 * for the GIL lane says so: it ran traced, slower). At bytecode
 * granularity it warns that bytecode differs between Python versions.
 * @module views/runinfo
 */

import { Granularity, Mode, isControlled, policyLabel } from "../model/contract.js";
import { h } from "../ui/dom.js";

/**
 * @param {Record<string, any>} run as GET /api/runs/{id} answers
 * @returns {Node[]}
 */
export function runInfo(run) {
  const parts = [];
  const bytecode = run.options?.granularity === Granularity.BYTECODE.value;
  if (isControlled(run)) {
    parts.push(Mode.CONTROLLED.short);
    parts.push(`seed ${run.seed}`);
    parts.push(policyLabel(run.policy));
    if (run.options?.depth) parts.push(`depth ${run.options.depth}`);
    parts.push((bytecode ? Granularity.BYTECODE : Granularity.OPERATION).short);
  } else if (run.mode === Mode.FREE.value) {
    parts.push(`${Mode.FREE.short}: the OS schedules`);
    if (run.options?.gil_lane === true) parts.push("GIL lane measured (traced: slower)");
  }
  if (run.python) parts.push(`Python ${run.python}`);
  const nodes = [h("span", { class: "run-facts" }, parts.join(" · "))];
  if (isControlled(run) && bytecode) {
    const version = run.python ? `CPython ${String(run.python).split(".").slice(0, 2).join(".")}` : "this Python";
    nodes.push(h("span", { class: "run-note" },
      ` Bytecode is ${version}'s: another Python version compiles the same code differently.`));
  }
  return nodes;
}
