// @ts-check
/**
 * What a page that starts runs and plays them in place does — the scenario page and the
 * code page: start a run from the form (Run, Re-run, a manual run's Undo, a link's
 * autorun), play it on the stage, open an existing one (a seed "Break it" found, a
 * reloaded page), and keep the run and the position in the URL (`#run=…&seq=…`). What
 * differs — which runs belong on the page, what the form shows of a run or of a failed
 * start — the page says through `StagePageOptions`.
 * @module pages/stagepage
 */

import { Status } from "../model/contract.js";
import { formatPlace, parsePlace } from "../model/deeplink.js";
import { withoutAutorun } from "../model/demolink.js";
import { eventsUrl, getRun } from "../net/api.js";
import { ApiError, fieldErrors } from "../net/apierror.js";
import { sameRun, startRun } from "../net/rerun.js";
import { controlToken } from "../net/tokens.js";
import { part, setLabel } from "../ui/dom.js";
import { RunView } from "../views/runview.js";

/** @typedef {import("../net/apitypes.js").RunRequest} RunRequest */
/** @typedef {import("../net/apitypes.js").RunCreated} RunCreated */

/**
 * @typedef {object} StagePageOptions
 * @property {HTMLButtonElement | null} button the form's Run button (none: this client
 *   may not run anything here)
 * @property {(run: Record<string, any>) => boolean} accepts whether a run belongs here
 * @property {(run: Record<string, any>) => void} [opened] an existing run is opened
 *   (put its setup back into the form)
 * @property {(body: RunRequest) => void} [starting] a run is being started from `body`
 * @property {(error: unknown) => void} failed a run could not be started: say why
 * @property {(id: string, token: string | null) => void} [played] a run is on the stage
 */

export class StagePage {
  /** @param {StagePageOptions} options */
  constructor(options) {
    this.options = options;
    this.root = part(document, "stage");
    this.rerun = /** @type {HTMLButtonElement} */ (part(this.root, "rerun"));
    this.stage = new RunView(this.root, {
      onUndo: (choices, run) => void this.launch(sameRun(run, choices)),
      onPlace: (seq) => this.keepPlace(seq),
    });
    this.rerun.addEventListener("click", () => {
      if (this.stage.run) void this.launch(sameRun(this.stage.run));
    });
  }

  /**
   * Create a run and play it here.
   * @param {RunRequest} body
   * @returns {Promise<RunCreated | null>} the run, or null (the page was told why not)
   */
  async launch(body) {
    const button = this.options.button;
    if (button) button.disabled = true;
    this.rerun.disabled = true;
    this.stage.starting();
    this.options.starting?.(body);
    this.bringStageIntoView();
    try {
      const created = await startRun(body);
      this.play(created.id, created.links.events, created.control_token ?? null);
      if (button) setLabel(button, "▶ Run again");
      return created;
    } catch (error) {
      this.stage.reset();
      this.options.failed(error);
      return null;
    } finally {
      if (button) button.disabled = false;
      this.rerun.disabled = false;
    }
  }

  /**
   * @param {string} id
   * @param {string} events
   * @param {string | null} token
   * @param {{autoplay?: boolean, seq?: number | null}} [options]
   */
  play(id, events, token, options = {}) {
    this.rerun.hidden = false;
    history.replaceState(null, "", this.placeUrl({ run: id, seq: null }));
    this.stage.play(id, events, { token, autoplay: options.autoplay ?? true, seq: options.seq ?? null });
    this.options.played?.(id, token);
  }

  /**
   * Open an existing run (a found seed, a reloaded page), if it belongs here.
   * @param {string} id
   * @param {{autoplay?: boolean, seq?: number | null}} options
   * @returns {Promise<Record<string, any> | null>}
   */
  async open(id, options) {
    const run = await getRun(id);
    if (!this.options.accepts(run)) return null;
    this.options.opened?.(run);
    this.play(id, run.links?.events ?? eventsUrl(id), controlToken(id), {
      autoplay: options.autoplay ?? run.status === Status.RUNNING.value,
      seq: options.seq ?? null,
    });
    this.bringStageIntoView();
    return run;
  }

  /**
   * A reloaded page (or a link) with #run=…: show that run again.
   * @returns {Promise<boolean>} whether the URL named a run
   */
  async restore() {
    const place = parsePlace(location.hash);
    if (!place.run) return false;
    try {
      await this.open(place.run, { autoplay: false, seq: place.seq });
    } catch {
      history.replaceState(null, "", location.pathname); // the run is gone: start clean
    }
    return true;
  }

  /**
   * A link's autorun: once (a reload shows the run it started, not another).
   * @param {RunRequest | null} body the form's request (null: it has errors, shown)
   */
  autorun(body) {
    history.replaceState(null, "", withoutAutorun(location.href));
    if (body) void this.launch(body);
  }

  /** @param {number | null} seq */
  keepPlace(seq) {
    const run = this.root.dataset.run;
    if (run) history.replaceState(null, "", this.placeUrl({ run, seq }));
  }

  /**
   * The page's URL (its query kept) with this place in its fragment.
   * @param {import("../model/deeplink.js").Place} place
   */
  placeUrl(place) {
    return `${location.pathname}${location.search}${formatPlace(place)}`;
  }

  bringStageIntoView() {
    // The stage is below the form: bring its controls to the top of the screen.
    if (this.root.getBoundingClientRect().top > window.innerHeight * 0.3) {
      this.root.scrollIntoView({ behavior: "smooth", block: "start" });
    }
  }
}

/**
 * Errors of a failed POST, by field ("" for the form as a whole).
 * @param {unknown} error
 * @param {string[]} fields the form's field names (a 422 may name one)
 * @returns {Record<string, string>}
 */
export function explain(error, fields) {
  if (!(error instanceof ApiError)) return { "": String(error) };
  if (error.status === 422) {
    const param = typeof error.body?.param === "string" ? error.body.param : null;
    const errors = fieldErrors(error.body?.errors ?? error.detail, fields, param);
    if (!Object.keys(errors).length && typeof error.detail === "string") {
      return fieldErrors(error.detail, fields, param);
    }
    return Object.keys(errors).length ? errors : { "": error.message };
  }
  if (error.status === 429) {
    const wait = error.retryAfter ? ` (try again in ${Math.ceil(error.retryAfter)} s)` : "";
    return { "": `${error.message}${wait}` };
  }
  return { "": error.message };
}
