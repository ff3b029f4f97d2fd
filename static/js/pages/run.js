// @ts-check
/**
 * The shared run page (`/runs/{id}`): replays a run from its recording (paused at the
 * start, or at `#seq=N`) and follows it live if it is still running. The creator of a
 * manual run can step it here too; Re-run and Undo start a new run and go to its page.
 * The code panel shows the scenario's program with the run's values ("Open in editor"),
 * or, for a run of someone's own code, the program as it ran ("Edit a copy").
 * @module pages/run
 */

import { runSetup } from "../controls/editlink.js";
import { isEnded, isOwnCode, ownCode } from "../model/contract.js";
import { formatPlace, parsePlace } from "../model/deeplink.js";
import { formatValue } from "../model/format.js";
import { eventsUrl, getProgram, getRun, getScenario } from "../net/api.js";
import { ApiError } from "../net/apierror.js";
import { sameRun, startRun } from "../net/rerun.js";
import { controlToken } from "../net/tokens.js";
import { h, part } from "../ui/dom.js";
import { RunView } from "../views/runview.js";

/** @typedef {import("../net/apitypes.js").RunRequest} RunRequest */

const page = part(document, "page");
const runId = page.dataset.run ?? "";
const stageRoot = part(document, "stage");
const rerun = /** @type {HTMLButtonElement} */ (part(stageRoot, "rerun"));
// In a frame (/embed/runs/{id}), links to other pages open outside it: they refuse frames.
if (document.body.classList.contains("embed")) {
  for (const link of document.querySelectorAll("[data-role=edit-code], [data-role=scenario-link]")) {
    link.setAttribute("target", "_blank");
    link.setAttribute("rel", "noopener");
  }
}
const stage = new RunView(stageRoot, {
  onUndo: (choices, run) => void go(sameRun(run, choices)),
  onPlace: (seq) => history.replaceState(null, "", formatPlace({ run: null, seq }) || location.pathname),
});

void open();

async function open() {
  let run;
  try {
    run = await getRun(runId);
  } catch (error) {
    const gone = error instanceof ApiError && error.status === 404;
    part(document, "title").textContent = gone ? "Run not found" : "This run cannot be loaded";
    part(document, "summary").textContent = gone
      ? `There is no run "${runId}" on this server: it may have been deleted.`
      : String(error instanceof Error ? error.message : error);
    stageRoot.hidden = true;
    return;
  }
  describe(run);
  if (isOwnCode(run)) showOwnCode(run);
  else if (typeof run.scenario === "string") await showScenario(run.scenario, run.params ?? {});
  rerun.hidden = false;
  rerun.addEventListener("click", () => void go(sameRun(run)));
  const over = isEnded(run.status);
  stage.play(runId, run.links?.events ?? eventsUrl(runId), {
    autoplay: !over,
    seq: parsePlace(location.hash).seq,
    token: controlToken(runId),
  });
  window.addEventListener("hashchange", () => {
    const seq = parsePlace(location.hash).seq;
    if (seq !== null && stage.player && seq !== stage.player.cursor) stage.player.seek(seq);
  });
}

/**
 * @param {string} id
 * @param {Record<string, unknown>} params the run's: the code shows them in main()
 */
async function showScenario(id, params) {
  try {
    const scenario = await getScenario(id);
    part(document, "title").textContent = scenario.title;
    part(document, "summary").textContent = scenario.summary;
    const link = /** @type {HTMLAnchorElement} */ (part(document, "scenario-link"));
    link.href = `/scenarios/${encodeURIComponent(scenario.id)}`;
    link.hidden = false;
    stage.editLink.configure({ label: "Open in editor", setup: () => runSetup(stage.run) });
    stage.setSource(await getProgram(id, params).catch(() => scenario.source ?? ""));
    let fix = null;
    if (scenario.fixed_by) {
      const fixed = await getScenario(scenario.fixed_by).catch(() => null);
      fix = { id: scenario.fixed_by, title: fixed?.title ?? scenario.fixed_by };
    }
    stage.setScenario(scenario, fix);
  } catch {
    // The scenario is gone from this server: the run still plays, without its code.
  }
}

/**
 * A run of someone's own code: the code panel shows the program as it ran, and "Edit a
 * copy" takes it to the code page (with the run's setup).
 * @param {Record<string, any>} run
 */
function showOwnCode(run) {
  part(document, "title").textContent = "Your own code";
  part(document, "summary").textContent = "A program written in Threadlab's code editor, run on this server.";
  stage.setScenario({ id: ownCode(), title: "", concept: "", summary: "", params: [], goals: [] }, null);
  stage.editLink.configure({ label: "Edit a copy", setup: () => runSetup(stage.run ?? run) });
  stage.setSource(String(run.source ?? ""));
}

/**
 * Start a new run and go to its page.
 * @param {RunRequest} body
 */
async function go(body) {
  rerun.disabled = true;
  try {
    const created = await startRun(body);
    location.assign(created.links.page);
  } catch (error) {
    rerun.disabled = false;
    part(document, "summary").textContent = error instanceof Error ? error.message : String(error);
  }
}

/**
 * Show how the run was made: its parameters.
 * @param {Record<string, any>} run
 */
function describe(run) {
  const items = Object.entries(run.params ?? {}).map(([name, value]) =>
    h("li", {}, h("span", { class: "param-name" }, name), ` = ${formatValue(value)}`));
  part(document, "run-params").replaceChildren(...items);
}
