// @ts-check
/**
 * The scheduling part of the run form: mode (free / controlled, as the scenario allows),
 * and for a controlled run its seed, policy, PCT depth and granularity. Fields that do
 * not apply are hidden; values are checked like the server checks them, and errors are
 * shown next to their field.
 * @module controls/schedule
 */

import { checkNumber } from "../params.js";

/** @typedef {import("../api.js").RunOptions} RunOptions */

export const MAX_SEED = 2 ** 32 - 1;

/**
 * @typedef {object} Schedule
 * @property {"free" | "controlled"} mode
 * @property {number | null} seed null: the server picks one
 * @property {string} policy
 * @property {RunOptions} options
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
 * The chosen mode: a checked radio, or the form's only mode.
 * @param {ParentNode} form
 * @returns {"free" | "controlled"}
 */
function mode(form) {
  const checked = /** @type {HTMLInputElement | null} */ (form.querySelector("[data-sched=mode]:checked"));
  const only = /** @type {HTMLElement | null} */ (form.querySelector("[data-modes]"));
  const value = checked?.value ?? only?.dataset.modes?.split(" ")[0] ?? "free";
  return value === "controlled" ? "controlled" : "free";
}

/**
 * Show the fields the chosen mode and policy use; hide the others.
 * @param {ParentNode} form
 */
export function syncSchedule(form) {
  const controlled = mode(form) === "controlled";
  const policy = field(form, "policy")?.value ?? "random";
  for (const el of form.querySelectorAll("[data-when]")) {
    const when = /** @type {HTMLElement} */ (el).dataset.when;
    /** @type {HTMLElement} */ (el).hidden = !controlled || (when === "pct" && policy !== "pct");
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
  const values = { mode: chosen, seed: null, policy: "random", options: {} };
  if (chosen === "free") return { values, errors };
  const seedText = field(form, "seed")?.value.trim() ?? "";
  if (seedText !== "") {
    const seed = checkNumber("seed", seedText, true, 0, MAX_SEED);
    if (typeof seed === "string") errors.seed = seed;
    else values.seed = seed;
  }
  values.policy = field(form, "policy")?.value || "random";
  const granularity = field(form, "granularity")?.value;
  if (granularity === "bytecode" || granularity === "operation") values.options.granularity = granularity;
  if (values.policy === "pct") {
    const depth = checkNumber("PCT depth", field(form, "depth")?.value ?? "", true, 1, 10);
    if (typeof depth === "string") errors.depth = depth;
    else values.options.depth = depth;
  }
  return { values, errors };
}

/**
 * Put a run's scheduling back into the form (a Re-run of a shared run, a deep link).
 * @param {ParentNode} form
 * @param {Partial<Schedule>} schedule
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
