// @ts-check
/**
 * Demo links: a scenario page's URL carrying its whole setup, for a teacher's slides.
 *
 *   /scenarios/race?threads=8&iterations=500&mode=controlled&seed=7&policy=pct&autorun=1
 *
 * The server reads them (app/api/pages.py fills the form and shows bad values as form
 * errors); this module writes them from the form, with the same keys. PCT's depth is
 * `pct_depth` (some scenarios have a parameter called `depth`).
 * @module model/demolink
 */

import { defaults, isControlled, takesOption } from "./contract.js";

/** The query keys of the schedule, beside the scenario's own parameter names. */
export const DEMO_KEYS = Object.freeze(["mode", "seed", "policy", "pct_depth", "granularity", "gil_lane", "autorun"]);

/**
 * @typedef {object} DemoSetup
 * @property {Record<string, any>} params every parameter's value
 * @property {string} mode a Mode value
 * @property {number | null} seed null: a new random seed on every opening
 * @property {string} policy a Policy value
 * @property {{depth?: number, granularity?: string, gil_lane?: boolean}} options a run's
 * @property {boolean} [gil_lane] a free run's GIL lane, as the form reads it
 * @property {boolean} autorun run as soon as the page opens
 */

/**
 * The demo link of a setup: every parameter (so the link means the same if a default
 * changes), then the schedule (`setupQuery`).
 * @param {string} scenario
 * @param {DemoSetup} setup
 * @param {string} [defaultGranularity] the scenario's own (else the contract's default)
 * @returns {string} a path with its query, e.g. /scenarios/race?threads=8&…
 */
export function demoLink(scenario, setup, defaultGranularity = defaults().granularity) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(setup.params)) query.set(name, queryValue(value));
  for (const [key, value] of setupQuery(setup, defaultGranularity)) query.set(key, value);
  return `/scenarios/${encodeURIComponent(scenario)}?${query}`;
}

/**
 * A setup's schedule as a link's query (a demo link's, a code link's): the mode, and
 * for a controlled run its seed, policy, depth (for a policy that reads one: PCT) and a
 * granularity that is not the page's default; for a free run `gil_lane=1` if it shows
 * the GIL lane (the form's `gil_lane`, or a run's options'); `autorun=1` if it runs on open.
 * @param {Omit<DemoSetup, "params">} setup
 * @param {string} [defaultGranularity] the page's own (else the contract's default)
 * @returns {URLSearchParams}
 */
export function setupQuery(setup, defaultGranularity = defaults().granularity) {
  const query = new URLSearchParams();
  query.set("mode", setup.mode);
  if (isControlled(setup)) {
    if (setup.seed !== null) query.set("seed", String(setup.seed));
    query.set("policy", setup.policy);
    if (takesOption(setup.policy, "depth") && setup.options.depth !== undefined) {
      query.set("pct_depth", String(setup.options.depth));
    }
    const granularity = setup.options.granularity ?? defaults().granularity;
    if (granularity !== defaultGranularity) query.set("granularity", granularity);
  } else if (setup.gil_lane || setup.options.gil_lane) {
    query.set("gil_lane", "1");
  }
  if (setup.autorun) query.set("autorun", "1");
  return query;
}

/** @param {any} value @returns {string} */
function queryValue(value) {
  if (typeof value === "boolean") return value ? "true" : "false";
  return String(value);
}

/**
 * The page's URL without `autorun`, so reloading it does not start another run.
 * @param {string} href
 * @returns {string} path, query and fragment
 */
export function withoutAutorun(href) {
  const url = new URL(href, "http://x");
  url.searchParams.delete("autorun");
  const query = url.searchParams.toString();
  return `${url.pathname}${query ? `?${query}` : ""}${url.hash}`;
}
