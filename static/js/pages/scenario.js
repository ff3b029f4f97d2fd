// @ts-check
/**
 * The scenario page: the run form (parameters and scheduling), "Break it", "Copy demo
 * link", and the stage. A run plays in place; the URL keeps it and the position
 * (`#run=…&seq=…`). A demo link (`?threads=8&…&autorun=1`) arrives with the form filled
 * in by the server, and runs at once if the server found nothing wrong with it (the
 * page's `data-autorun`) and the form agrees. Starting, playing and reopening runs is
 * the code page's too (pages/stagepage.js); "Open in editor" takes the program as the
 * code panel shows it, with the form's schedule, to the code page.
 * @module pages/scenario
 */

import { BreakIt } from "../controls/breakit.js";
import { DemoLinkControl } from "../controls/democopy.js";
import { paramInputs, readParams, showErrors } from "../controls/params.js";
import { readSchedule, showScheduleErrors, syncSchedule, writeSchedule } from "../controls/schedule.js";
import { defaults } from "../model/contract.js";
import { parsePlace } from "../model/deeplink.js";
import { getProgram } from "../net/api.js";
import { part } from "../ui/dom.js";
import { StagePage, explain } from "./stagepage.js";

/** @typedef {import("../net/apitypes.js").RunRequest} RunRequest */

const page = part(document, "page");
const scenarioId = page.dataset.scenario ?? "";
const form = /** @type {HTMLFormElement} */ (part(document, "run-form"));
const button = /** @type {HTMLButtonElement} */ (part(form, "run-button"));
const runs = new StagePage({
  button,
  accepts: (run) => run.scenario === scenarioId,
  opened: (run) => {
    writeSchedule(form, run);
    if (run.params && typeof run.params === "object") void loadProgram(run.params);
  },
  failed: (error) => {
    const errors = explain(error, [...paramInputs(form).map((input) => input.name), "seed", "depth"]);
    showErrors(form, errors);
    showScheduleErrors(form, errors);
    form.scrollIntoView({ block: "start" });
  },
});
const stage = runs.stage;
let programTimer = 0;
let programTicket = 0;
let shownParams = JSON.stringify(readParams(form).values); // the server rendered the form's
const goals = (page.dataset.goals ?? "").split(" ").filter(Boolean);
const fix = page.dataset.fixId ? { id: page.dataset.fixId, title: page.dataset.fixTitle ?? page.dataset.fixId } : null;
stage.setScenario(/** @type {any} */ ({ id: scenarioId, goals }), fix);
stage.editLink.configure({ label: "Open in editor", setup: () => readSchedule(form).values });

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
  if (body) void runs.launch(body);
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
    onFound: (run) => void runs.open(run.id, { autoplay: true }),
  });
}

new DemoLinkControl(part(form, "demo-link"), scenarioId, () => {
  const body = request();
  return body && { params: body.params ?? {}, mode: body.mode, seed: body.seed, policy: body.policy, options: body.options ?? {} };
}, page.dataset.defaultGranularity ?? defaults().granularity);

if (!parsePlace(location.hash).run && page.dataset.autorun === "true") runs.autorun(request());
else void runs.restore();

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
