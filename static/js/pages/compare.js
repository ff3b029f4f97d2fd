// @ts-check
/**
 * The compare page (`/compare?found=<run id>&passed=<run id>`): the run "Break it" found
 * beside a run of the same program that passed. The server has checked that both runs
 * exist and ran one program (app/api/compare_page.py); this page loads them through the
 * API, follows both event streams (a run still going is waited for), and once both have
 * ended marks where their schedules part (model/compare.js) and says it in a sentence.
 * @module pages/compare
 */

import { describeDifference, firstDifference } from "../model/compare.js";
import { isControlled, isEnded, statusLabel } from "../model/contract.js";
import { initialState, reduce } from "../model/reducer.js";
import { eventsUrl, getRun } from "../net/api.js";
import { ApiError } from "../net/apierror.js";
import { RunStream } from "../net/stream.js";
import { part, setText } from "../ui/dom.js";
import { CompareView } from "../views/compare.js";
import { outcome } from "../views/verdict.js";

/** @typedef {import("../model/reducer.js").RunEnd} RunEnd */
/** @typedef {"found" | "passed"} Role */

const ROLES = /** @type {const} */ (["found", "passed"]);
const NAMES = { found: "the failing run", passed: "the run that passed" };

const page = part(document, "page");
const ids = { found: page.dataset.found ?? "", passed: page.dataset.passed ?? "" };
const said = part(document, "difference");
const note = part(document, "difference-note");
const card = part(document, "compare");
const view = new CompareView(card);
/** @type {Record<Role, RunEnd | null>} */
const ends = { found: null, passed: null };
/** @type {Record<Role, boolean>} */
const controlled = { found: true, passed: true };
/** @type {Record<Role, boolean>} the run had ended when the page asked (its heading is final) */
const over = { found: false, passed: false };
let counting = 0;

void open();

async function open() {
  let runs;
  try {
    runs = await Promise.all(ROLES.map((role) => getRun(ids[role])));
  } catch (error) {
    const gone = error instanceof ApiError && error.status === 404;
    setText(said, gone
      ? "One of these runs is no longer on this server: it may have been deleted."
      : `The runs cannot be loaded: ${error instanceof Error ? error.message : error}`);
    page.dataset.state = "error";
    return;
  }
  ROLES.forEach((role, i) => {
    const run = runs[i];
    controlled[role] = isControlled(run);
    over[role] = isEnded(run.status);
    label(role, over[role]
      ? { status: run.status, verdict: run.verdict ?? null, message: run.message ?? null, schedule: null, steps: null }
      : null);
  });
  const free = ROLES.filter((role) => !controlled[role]);
  if (free.length) {
    setText(note, `${free.length === 2 ? "Both runs are" : `${capital(NAMES[free[0]])} is a`} free `
      + `run${free.length === 2 ? "s" : ""}: the operating system chose who ran, and only a controlled run `
      + "records the scheduler's choices. The timelines are shown, but no first difference can be marked.");
  }
  setText(said, "Waiting for both runs to end…");
  page.dataset.state = "waiting";
  ROLES.forEach((role, i) => follow(role, runs[i].links?.events ?? eventsUrl(ids[role])));
}

/**
 * Follow one run's events to its end.
 * @param {Role} role
 * @param {string} url
 */
function follow(role, url) {
  new RunStream(url, {
    onEvent: (event) => {
      view.push(role, event);
      if (event.kind === "end") ended(role, reduce(initialState(), event).end);
      else count();
    },
    onStatus: (status) => {
      if (status === "disconnected" && !ends[role]) {
        setText(said, `The events of ${NAMES[role]} stopped arriving: the server cannot be reached. Reload the page to try again.`);
        page.dataset.state = "error";
      }
    },
  });
}

/** While the runs stream: how far each has got, once a frame. */
function count() {
  if (counting) return;
  counting = requestAnimationFrame(() => {
    counting = 0;
    for (const role of ROLES) {
      if (!ends[role] && !over[role]) label(role, null);
    }
  });
}

/**
 * @param {Role} role
 * @param {RunEnd | null} end
 */
function ended(role, end) {
  ends[role] = end;
  label(role, end);
  const found = ends.found;
  const passed = ends.passed;
  if (!found || !passed) return;
  const diff = firstDifference(
    { schedule: controlled.found ? found.schedule : null, log: view.log("found") },
    { schedule: controlled.passed ? passed.schedule : null, log: view.log("passed") },
  );
  page.dataset.state = "ready";
  if (!diff) {
    setText(said, "These runs have no schedules to compare.");
    view.mark(-1);
    return;
  }
  setText(said, describeDifference(diff));
  page.dataset.difference = String(diff.index + 1);
  view.mark(diff.index);
  const at = (diff.index + 1).toLocaleString("en-US");
  if (diff.index < 0) setText(note, "");
  else if (diff.early) {
    setText(note, `The red line marks event #${at}, where their events first differ — yet no thread `
      + "switch happens there: the program does something the scheduler does not decide (it reads "
      + "the clock, or draws unseeded random numbers).");
  } else {
    setText(note, "A step is a point where more than one thread could run and the scheduler picked "
      + `one. The red line marks event #${at} on both timelines: up to it, both runs did exactly the same.`);
  }
}

/**
 * A run's heading: how it ended (or how far it has got), and its verdict.
 * @param {Role} role
 * @param {RunEnd | null} end
 */
function label(role, end) {
  const row = part(card, `run-${role}`);
  const status = part(row, "status");
  const verdict = part(row, "verdict");
  if (!end) {
    const n = view.log(role).length;
    setText(status, `still running… ${n.toLocaleString("en-US")} event${n === 1 ? "" : "s"} so far`);
    return;
  }
  row.dataset.outcome = outcome(end);
  row.dataset.status = end.status;
  setText(status, `— ${statusLabel(end.status)}`);
  setText(verdict, end.verdict?.summary ?? end.message ?? "The run ended.");
}

/** @param {string} text */
function capital(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
