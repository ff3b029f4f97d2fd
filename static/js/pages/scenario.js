// @ts-check
/**
 * The scenario page: the run form (parameters and scheduling), "Break it", "Copy demo
 * link", and the stage. A run plays in place; the URL keeps it and the position
 * (`#run=…&seq=…`). A demo link (`?threads=8&…&autorun=1`) arrives with the form filled
 * in by the server, and runs at once if the server found nothing wrong with it (the
 * page's `data-autorun`) and the form agrees.
 * @module pages/scenario
 */

import { BreakIt } from "../controls/breakit.js";
import { DemoLinkControl } from "../controls/democopy.js";
import { paramInputs, readParams, showErrors } from "../controls/params.js";
import { readSchedule, showScheduleErrors, syncSchedule, writeSchedule } from "../controls/schedule.js";
import { Status, defaults } from "../model/contract.js";
import { formatPlace, parsePlace } from "../model/deeplink.js";
import { withoutAutorun } from "../model/demolink.js";
import { eventsUrl, getProgram, getRun } from "../net/api.js";
import { ApiError, fieldErrors } from "../net/apierror.js";
import { sameRun, startRun } from "../net/rerun.js";
import { controlToken } from "../net/tokens.js";
import { part } from "../ui/dom.js";
import { RunView } from "../views/runview.js";

/** @typedef {import("../net/apitypes.js").RunRequest} RunRequest */
/** @typedef {import("../net/apitypes.js").RunCreated} RunCreated */

const page = part(document, "page");
const scenarioId = page.dataset.scenario ?? "";
const form = /** @type {HTMLFormElement} */ (part(document, "run-form"));
const button = /** @type {HTMLButtonElement} */ (part(form, "run-button"));
const stageRoot = part(document, "stage");
const rerun = /** @type {HTMLButtonElement} */ (part(stageRoot, "rerun"));
const stage = new RunView(stageRoot, {
  onUndo: (choices, run) => void launch(sameRun(run, choices)),
  onPlace: (seq) => keepPlace(seq),
});
let programTimer = 0;
let programTicket = 0;
let shownParams = JSON.stringify(readParams(form).values); // the server rendered the form's
const goals = (page.dataset.goals ?? "").split(" ").filter(Boolean);
const fix = page.dataset.fixId ? { id: page.dataset.fixId, title: page.dataset.fixTitle ?? page.dataset.fixId } : null;
stage.setScenario(/** @type {any} */ ({ id: scenarioId, goals }), fix);

syncSchedule(form);
form.addEventListener("change", () => {
  syncSchedule(form);
  showProgram();
});
form.addEventListener("input", () => {
  clearTimeout(programTimer);
  programTimer = window.setTimeout(showProgram, 300);
});
form.addEventListener("submit", (event) => {
  event.preventDefault();
  form.querySelector("[data-role=link-note]")?.remove(); // a demo link's problems: now the form's
  const body = request();
  if (body) void launch(body);
});
rerun.addEventListener("click", () => {
  if (stage.run) void launch(sameRun(stage.run));
});

const breakRoot = form.querySelector("[data-role=breakit]");
if (breakRoot instanceof HTMLElement) {
  new BreakIt(breakRoot, {
    scenario: scenarioId,
    params: () => {
      const { values, errors } = readParams(form);
      showErrors(form, errors);
      return Object.keys(errors).length ? null : values;
    },
    onFound: (run) => void open(run.id, { autoplay: true }),
  });
}

new DemoLinkControl(part(form, "demo-link"), scenarioId, () => {
  const body = request();
  return body && { params: body.params, mode: body.mode, seed: body.seed, policy: body.policy, options: body.options ?? {} };
}, page.dataset.defaultGranularity ?? defaults().granularity);

if (!parsePlace(location.hash).run && page.dataset.autorun === "true") autorun();
else void restore();

/** A demo link's autorun: once (a reload shows the run it started, not another). */
function autorun() {
  history.replaceState(null, "", withoutAutorun(location.href));
  const body = request();
  if (body) void launch(body);
}

/**
 * The code panel (and "Copy") with the form's parameter values written into main's
 * signature, as the next run will run it. Values the form rejects leave it as it is.
 */
function showProgram() {
  clearTimeout(programTimer);
  const { values, errors } = readParams(form);
  if (!Object.keys(errors).length) void loadProgram(values);
}

/**
 * Show the program with `params` (the form's, or a run's); a failure leaves the code
 * panel as it is.
 * @param {Record<string, unknown>} params
 */
async function loadProgram(params) {
  const ticket = ++programTicket;
  const key = JSON.stringify(params);
  if (key === shownParams) return;
  try {
    const text = await getProgram(scenarioId, params);
    if (ticket !== programTicket) return; // a newer request answers for the panel
    shownParams = key;
    stage.setSource(text);
  } catch {
    // The server rejects these values (the run would say why) or is unreachable.
  }
}

/** @returns {RunRequest | null} the form as a request, or null (errors shown) */
function request() {
  const params = readParams(form);
  const schedule = readSchedule(form);
  const errors = { ...params.errors, ...schedule.errors };
  showErrors(form, params.errors);
  showScheduleErrors(form, schedule.errors);
  if (Object.keys(errors).length) return null;
  return { scenario: scenarioId, params: params.values, ...schedule.values };
}

/**
 * Create a run and play it here.
 * @param {RunRequest} body
 */
async function launch(body) {
  button.disabled = true;
  rerun.disabled = true;
  stage.starting();
  bringStageIntoView();
  try {
    const created = await startRun(body);
    play(created.id, created.links.events, created.control_token ?? null);
    button.textContent = "▶ Run again";
  } catch (error) {
    stage.reset();
    const errors = explain(error);
    showErrors(form, errors);
    showScheduleErrors(form, errors);
    form.scrollIntoView({ block: "start" });
  } finally {
    button.disabled = false;
    rerun.disabled = false;
  }
}

/**
 * @param {string} id
 * @param {string} events
 * @param {string | null} token
 * @param {{autoplay?: boolean, seq?: number | null}} [options]
 */
function play(id, events, token, options = {}) {
  rerun.hidden = false;
  history.replaceState(null, "", formatPlace({ run: id, seq: null }) || location.pathname);
  stage.play(id, events, { token, autoplay: options.autoplay ?? true, seq: options.seq ?? null });
}

/**
 * Open an existing run (a found seed, a reloaded page).
 * @param {string} id
 * @param {{autoplay?: boolean, seq?: number | null}} options
 */
async function open(id, options) {
  const run = await getRun(id);
  if (run.scenario !== scenarioId) return;
  writeSchedule(form, run);
  if (run.params && typeof run.params === "object") void loadProgram(run.params);
  play(id, run.links?.events ?? eventsUrl(id), controlToken(id), {
    autoplay: options.autoplay ?? run.status === Status.RUNNING.value,
    seq: options.seq ?? null,
  });
  bringStageIntoView();
}

/** A reloaded page (or a link) with #run=…: show that run again. */
async function restore() {
  const place = parsePlace(location.hash);
  if (!place.run) return;
  try {
    await open(place.run, { autoplay: false, seq: place.seq });
  } catch {
    history.replaceState(null, "", location.pathname); // the run is gone: start clean
  }
}

/** @param {number | null} seq */
function keepPlace(seq) {
  const run = stageRoot.dataset.run;
  if (run) history.replaceState(null, "", formatPlace({ run, seq }));
}

function bringStageIntoView() {
  // The stage is below the form: bring its controls to the top of the screen.
  if (stageRoot.getBoundingClientRect().top > window.innerHeight * 0.3) {
    stageRoot.scrollIntoView({ behavior: "smooth", block: "start" });
  }
}

/**
 * Errors of a failed POST, by field ("" for the form as a whole).
 * @param {unknown} error
 * @returns {Record<string, string>}
 */
function explain(error) {
  if (!(error instanceof ApiError)) return { "": String(error) };
  if (error.status === 422) {
    const names = [...paramInputs(form).map((input) => input.name), "seed", "depth"];
    const param = typeof error.body?.param === "string" ? error.body.param : null;
    const errors = fieldErrors(error.body?.errors ?? error.detail, names, param);
    if (!Object.keys(errors).length && typeof error.detail === "string") {
      return fieldErrors(error.detail, names, param);
    }
    return Object.keys(errors).length ? errors : { "": error.message };
  }
  if (error.status === 429) {
    const wait = error.retryAfter ? ` (try again in ${Math.ceil(error.retryAfter)} s)` : "";
    return { "": `${error.message}${wait}` };
  }
  return { "": error.message };
}
