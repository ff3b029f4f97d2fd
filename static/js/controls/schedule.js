// @ts-check
/**
 * The scheduling part of the run form: the mode (free or controlled, as the scenario
 * allows), and for a controlled run its seed, policy, the options that policy reads
 * (PCT's depth) and granularity; for a free run, the GIL lane (a checkbox, which the
 * request carries as `gil_lane: true` and the run's options keep). The server renders the choices from the run contract;
 * a field marked `data-for-mode` shows only in that mode, one marked `data-option`
 * only for a policy whose contract `options` name it. Values are checked against the
 * contract's bounds like the server checks them, and errors are shown next to their
 * field.
 * @module controls/schedule
 */

import { defaults, isControlled, limits, member, takesOption } from "../model/contract.js";
import { checkNumber } from "./params.js";

/** @typedef {import("../net/apitypes.js").RunOptions} RunOptions */

/**
 * @typedef {object} Schedule
 * @property {string} mode a Mode value
 * @property {number | null} seed null: the server picks one
 * @property {string} policy a Policy value (a free run: the default one)
 * @property {RunOptions} [options] a controlled run's options (a free run has none)
 * @property {boolean} [gil_lane] a free run: measure the GIL lane (slows pure-Python code)
 */

/**
 * @param {ParentNode} form
 * @param {string} name
 * @returns {HTMLInputElement | HTMLSelectElement | null}
 */
function field(form, name) {
  return form.querySelector(`[data-sched="${name}"]`);
}

/**
 * The chosen mode: a checked radio, or the form's only mode (the default mode if the
 * form names none the contract knows).
 * @param {ParentNode} form
 * @returns {string} a Mode value
 */
function mode(form) {
  const checked = /** @type {HTMLInputElement | null} */ (form.querySelector("[data-sched=mode]:checked"));
  const only = /** @type {HTMLElement | null} */ (form.querySelector("[data-modes]"));
  const value = checked?.value ?? only?.dataset.modes?.split(" ")[0];
  return member("Mode", value) ? String(value) : defaults().mode;
}

/**
 * Show the fields the chosen mode and policy use; hide the others.
 * @param {ParentNode} form
 */
export function syncSchedule(form) {
  const chosen = mode(form);
  const policy = field(form, "policy")?.value ?? defaults().policy;
  for (const el of form.querySelectorAll("[data-for-mode], [data-option]")) {
    const { forMode, option } = /** @type {HTMLElement} */ (el).dataset;
    /** @type {HTMLElement} */ (el).hidden = (forMode !== undefined && forMode !== chosen)
      || (option !== undefined && !takesOption(policy, option));
  }
}

/**
 * The form's scheduling choices, and an error sentence per bad field.
 * @param {ParentNode} form
 * @returns {{values: Schedule, errors: Record<string, string>}}
 */
export function readSchedule(form) {
  /** @type {Record<string, string>} */
  const errors = {};
  const chosen = mode(form);
  /** @type {Schedule} */
  const values = { mode: chosen, seed: null, policy: defaults().policy };
  if (!isControlled(values)) {
    const lane = /** @type {HTMLInputElement | null} */ (field(form, "gil_lane"));
    if (lane?.checked) values.gil_lane = true;
    return { values, errors };
  }
  /** @type {RunOptions} */
  const options = {};
  values.options = options;
  const { seed: seedBounds, depth: depthBounds } = limits();
  const seedText = field(form, "seed")?.value.trim() ?? "";
  if (seedText !== "") {
    const seed = checkNumber("seed", seedText, true, seedBounds.min, seedBounds.max);
    if (typeof seed === "string") errors.seed = seed;
    else values.seed = seed;
  }
  values.policy = field(form, "policy")?.value || defaults().policy;
  const granularity = field(form, "granularity")?.value;
  if (granularity && member("Granularity", granularity)) options.granularity = granularity;
  if (takesOption(values.policy, "depth")) {
    const depth = checkNumber("PCT depth", field(form, "depth")?.value ?? "", true, depthBounds.min, depthBounds.max);
    if (typeof depth === "string") errors.depth = depth;
    else options.depth = depth;
  }
  return { values, errors };
}

/**
 * Put a run's scheduling back into the form (a Re-run of a shared run, a deep link): a
 * request's schedule, or a run as GET /api/runs/{id} describes it (a free run's GIL lane
 * in its `options`).
 * @param {ParentNode} form
 * @param {Partial<Schedule> & {options?: Record<string, any>}} schedule
 */
export function writeSchedule(form, schedule) {
  const radio = /** @type {HTMLInputElement | null} */ (form.querySelector(`[data-sched=mode][value="${schedule.mode}"]`));
  if (radio) radio.checked = true;
  const set = (/** @type {string} */ name, /** @type {any} */ value) => {
    const el = field(form, name);
    if (el && value !== undefined && value !== null) el.value = String(value);
  };
  set("seed", schedule.seed);
  set("policy", schedule.policy);
  set("granularity", schedule.options?.granularity);
  set("depth", schedule.options?.depth);
  const lane = /** @type {HTMLInputElement | null} */ (field(form, "gil_lane"));
  if (lane) lane.checked = !isControlled(schedule) && Boolean(schedule.gil_lane ?? schedule.options?.gil_lane);
  syncSchedule(form);
}

/**
 * Errors next to the scheduling fields ("" or unknown names are left to the caller).
 * @param {ParentNode} form
 * @param {Record<string, string>} errors
 */
export function showScheduleErrors(form, errors) {
  for (const name of ["seed", "depth", "policy", "granularity", "mode"]) {
    const slot = /** @type {HTMLElement | null} */ (form.querySelector(`[data-error-for="sched-${name}"]`));
    if (!slot) continue;
    slot.textContent = errors[name] ?? "";
    slot.hidden = !errors[name];
    field(form, name)?.setAttribute("aria-invalid", String(Boolean(errors[name])));
  }
}
