// @ts-check
/**
 * Starting a run again: the same request (a Re-run — identical in controlled mode), or
 * the same with a shorter list of manual picks (Undo replays all but the last).
 * @module net/rerun
 */

import { Mode, defaults, isControlled, isOwnCode } from "../model/contract.js";
import { createRun } from "./api.js";
import { rememberControlToken } from "./tokens.js";

/** @typedef {import("./apitypes.js").RunRequest} RunRequest */
/** @typedef {import("./apitypes.js").RunCreated} RunCreated */

/**
 * The request that makes the same run as `run` (as GET /api/runs/{id} describes it): the
 * same scenario and parameters, or the same program (its `source`); a free run's GIL
 * lane (its options' `gil_lane`) is asked for again.
 * @param {Record<string, any>} run
 * @param {string[] | null} [choices] manual picks to replay instead of the run's own
 * @returns {RunRequest}
 */
export function sameRun(run, choices = null) {
  const options = { ...(run.options ?? {}) };
  if (choices !== null) options.choices = choices;
  const controlled = isControlled(run);
  const defaultPolicy = defaults().policy;
  const program = isOwnCode(run) ? { source: String(run.source ?? "") }
    : { scenario: String(run.scenario), params: { ...(run.params ?? {}) } };
  return {
    ...program,
    mode: (controlled ? Mode.CONTROLLED : Mode.FREE).value,
    seed: controlled && Number.isInteger(run.seed) ? run.seed : null,
    policy: controlled ? String(run.policy ?? defaultPolicy) : defaultPolicy,
    ...(controlled ? { options } : {}),
    ...(!controlled && options.gil_lane === true ? { gil_lane: true } : {}),
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
