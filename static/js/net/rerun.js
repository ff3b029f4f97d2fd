// @ts-check
/**
 * Starting a run again: the same request (a Re-run — identical in controlled mode), or
 * the same with a shorter list of manual picks (Undo replays all but the last).
 * @module rerun
 */

import { createRun, rememberControlToken } from "./api.js";

/** @typedef {import("./api.js").RunRequest} RunRequest */
/** @typedef {import("./api.js").RunCreated} RunCreated */

/**
 * The request that makes the same run as `run` (as GET /api/runs/{id} describes it).
 * @param {Record<string, any>} run
 * @param {string[] | null} [choices] manual picks to replay instead of the run's own
 * @returns {RunRequest}
 */
export function sameRun(run, choices = null) {
  const options = { ...(run.options ?? {}) };
  if (choices !== null) options.choices = choices;
  const controlled = run.mode === "controlled";
  return {
    scenario: String(run.scenario),
    params: { ...(run.params ?? {}) },
    mode: controlled ? "controlled" : "free",
    seed: controlled && Number.isInteger(run.seed) ? run.seed : null,
    policy: controlled ? String(run.policy ?? "random") : "random",
    ...(controlled ? { options } : {}),
  };
}

/**
 * Create a run and keep its control token (this page is its creator).
 * @param {RunRequest} body
 * @returns {Promise<RunCreated>}
 */
export async function startRun(body) {
  const created = await createRun(body);
  if (created.control_token) rememberControlToken(created.id, created.control_token);
  return created;
}
