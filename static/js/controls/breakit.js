// @ts-check
/**
 * "Break it": ask the server to try seeds until one reaches the goal (a deadlock, a lost
 * update, any failure), with a progress bar; when one is found, open the run it made.
 * Hidden for scenarios without goals; says so, and hides, on a server without search.
 * @module controls/breakit
 */

import { SearchPolicy, SearchState, limits } from "../model/contract.js";
import { formatValue } from "../model/format.js";
import { getSearch, startSearch } from "../net/api.js";
import { ApiError, isMissingRoute } from "../net/apierror.js";
import { setText } from "../ui/dom.js";

/** @typedef {import("../net/apitypes.js").SearchStatus} SearchStatus */

const POLL_MS = 400;

/**
 * @typedef {object} BreakItOptions
 * @property {string} scenario
 * @property {() => Record<string, any> | null} params the form's parameters (null: invalid)
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
    this.button.addEventListener("click", () => void this.start());
  }

  async start() {
    const params = this.options.params();
    if (params === null) return;
    const budget = Number(this.budget.value);
    const { min, max } = limits().budget;
    if (!Number.isInteger(budget) || budget < min || budget > max) {
      setText(this.status, `'tries' must be a whole number between ${min} and ${max}.`);
      return;
    }
    this.busy(true);
    this.progress.max = budget;
    this.progress.value = 0;
    this.progress.hidden = false;
    setText(this.status, "Starting the search…");
    try {
      const started = await startSearch({
        scenario: this.options.scenario, params, goal: this.goal.value, policy: SearchPolicy.MIXED.value, budget,
      });
      this.poll(started.id);
    } catch (error) {
      this.fail(error);
    }
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
      setText(this.status, `Found it after ${formatValue(search.tries)} ${search.tries === 1 ? "try" : "tries"}: seed ${search.seed}. Opening that run…`);
      this.options.onFound(search.run);
    } else {
      setText(this.status, search.message ?? `No seed reached the goal in ${tried}. Try more seeds.`);
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
