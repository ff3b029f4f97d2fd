// @ts-check
/**
 * "Break it": ask the server to try seeds until one reaches the goal (a deadlock, a lost
 * update, any failure), with a progress bar; when one is found, open the run it made,
 * and offer to run the last try that passed (the search's `passed`) and show both on the
 * compare page (`/compare?found=…&passed=…`, where their schedules part).
 * Hidden for scenarios without goals; says so, and hides, on a server without search.
 * @module controls/breakit
 */

import { compareUrl } from "../model/compare.js";
import { Mode, SearchPolicy, SearchState, limits } from "../model/contract.js";
import { formatValue } from "../model/format.js";
import { getSearch, startSearch } from "../net/api.js";
import { ApiError, isMissingRoute } from "../net/apierror.js";
import { startRun } from "../net/rerun.js";
import { h, setText } from "../ui/dom.js";

/** @typedef {import("../net/apitypes.js").SearchStatus} SearchStatus */
/** @typedef {import("../net/apitypes.js").RunRequest} RunRequest */

const POLL_MS = 400;

/**
 * @typedef {object} BreakItOptions
 * @property {string} [scenario]
 * @property {() => Record<string, any> | null} [params] the form's parameters (null: invalid)
 * @property {() => string | null} [source] your own code instead of a scenario (null: none)
 * @property {(run: {id: string, links: {page: string}}) => void} onFound
 */

export class BreakIt {
  /**
   * @param {HTMLElement} root
   * @param {BreakItOptions} options
   */
  constructor(root, options) {
    this.root = root;
    this.options = options;
    this.button = /** @type {HTMLButtonElement} */ (root.querySelector("[data-action=break]"));
    this.goal = /** @type {HTMLSelectElement} */ (root.querySelector("[data-role=goal]"));
    this.budget = /** @type {HTMLInputElement} */ (root.querySelector("[data-role=budget]"));
    this.progress = /** @type {HTMLProgressElement} */ (root.querySelector("progress"));
    this.status = /** @type {HTMLElement} */ (root.querySelector("[data-role=search-status]"));
    this.timer = 0;
    /** @type {HTMLElement | null} the "Compare with a run that passed" offer */
    this.offer = null;
    this.button.addEventListener("click", () => void this.start());
  }

  async start() {
    const target = this.target();
    if (target === null) return;
    const budget = Number(this.budget.value);
    const { min, max } = limits().budget;
    if (!Number.isInteger(budget) || budget < min || budget > max) {
      setText(this.status, `'tries' must be a whole number between ${min} and ${max}.`);
      return;
    }
    this.busy(true);
    this.offer?.remove();
    this.offer = null;
    this.progress.max = budget;
    this.progress.value = 0;
    this.progress.hidden = false;
    setText(this.status, "Starting the search…");
    try {
      const started = await startSearch({
        ...target, goal: this.goal.value, policy: SearchPolicy.MIXED.value, budget,
      });
      this.poll(started.id);
    } catch (error) {
      this.fail(error);
    }
  }

  /**
   * What to search: the scenario and its parameters, or a program's source.
   * @returns {{scenario: string, params: Record<string, any>} | {source: string} | null}
   */
  target() {
    if (this.options.source) {
      const source = this.options.source();
      return source === null ? null : { source };
    }
    const params = this.options.params ? this.options.params() : {};
    return params === null ? null : { scenario: this.options.scenario ?? "", params };
  }

  /** @param {string} id */
  poll(id) {
    clearTimeout(this.timer);
    this.timer = window.setTimeout(async () => {
      try {
        const search = await getSearch(id);
        this.show(search);
        if (search.status === SearchState.RUNNING.value) this.poll(id);
      } catch (error) {
        this.fail(error);
      }
    }, POLL_MS);
  }

  /** @param {SearchStatus} search */
  show(search) {
    this.progress.max = search.budget;
    this.progress.value = search.tries;
    const tried = `${formatValue(search.tries)} of ${formatValue(search.budget)} seeds`;
    if (search.status === SearchState.RUNNING.value) {
      setText(this.status, `Trying seeds… ${tried}`);
      return;
    }
    this.busy(false);
    if (search.found && search.run) {
      // passed: null when the very first try failed (undefined: a server without it).
      const alone = search.passed === null ? " The first try already failed, so no passing run was seen to compare it with." : "";
      setText(this.status, `Found it after ${formatValue(search.tries)} ${search.tries === 1 ? "try" : "tries"}: seed ${search.seed}. Opening that run…${alone}`);
      this.offerCompare(search);
      this.options.onFound(search.run);
    } else {
      setText(this.status, search.message ?? `No seed reached the goal in ${tried}. Try more seeds.`);
    }
  }

  /**
   * Offer the found run beside the last try that passed, on the compare page.
   * @param {SearchStatus} search
   */
  offerCompare(search) {
    const passed = search.passed;
    const found = search.run;
    if (!passed || !found) return;
    const button = h("button", {
      type: "button",
      class: "button button-quiet",
      "data-action": "compare",
      title: `Run seed ${passed.seed} (the last try that did not go wrong) and show both runs on one timeline, where their schedules part marked`,
    }, "Compare with a run that passed");
    button.addEventListener("click", () => void this.compare(search, button));
    this.offer = h("p", { class: "breakit-compare" }, button);
    this.status.after(this.offer);
  }

  /**
   * Start the run that passed, then open both on the compare page.
   * @param {SearchStatus} search
   * @param {HTMLButtonElement} button
   */
  async compare(search, button) {
    const passed = search.passed;
    const found = search.run;
    if (!passed || !found) return;
    /** @type {RunRequest} the search's own program (the form may have changed since) */
    const body = {
      ...(typeof search.source === "string" ? { source: search.source }
        : { scenario: search.scenario ?? this.options.scenario ?? "", params: search.params ?? {} }),
      mode: Mode.CONTROLLED.value,
      seed: passed.seed,
      policy: passed.policy,
      options: passed.options ?? {},
    };
    button.disabled = true;
    setText(this.status, `Starting the run that passed (seed ${passed.seed})…`);
    try {
      const created = await startRun(body);
      location.assign(compareUrl(found.id, created.id));
    } catch (error) {
      button.disabled = false;
      setText(this.status, error instanceof ApiError ? error.message : String(error));
    }
  }

  /** @param {unknown} error */
  fail(error) {
    this.busy(false);
    this.progress.hidden = true;
    if (isMissingRoute(error)) {
      setText(this.status, "This server cannot search for seeds yet.");
      this.button.hidden = true;
      return;
    }
    setText(this.status, error instanceof ApiError ? error.message : String(error));
  }

  /** @param {boolean} on */
  busy(on) {
    this.button.disabled = on;
    this.root.dataset.busy = String(on);
  }
}
