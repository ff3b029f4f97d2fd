// @ts-check
/**
 * The recent runs page (`/runs`): `GET /api/runs`, newest first, filtered by scenario
 * (kept in the URL: `/runs?scenario=race`), older ones on demand. The creator of a run
 * (this browser holds its control token) can delete it: a first click asks, a second
 * deletes (`DELETE /api/runs/{id}` → 204).
 * @module pages/runs
 */

import { deleteRun, listRuns } from "../net/api.js";
import { ApiError, isMissingRoute } from "../net/apierror.js";
import { controlToken, forgetControlToken } from "../net/tokens.js";
import { part, setText } from "../ui/dom.js";
import { runRow } from "../views/runlist.js";

/** @typedef {import("../net/apitypes.js").RunList} RunList */

const CONFIRM_MS = 4000;

const list = part(document, "runs");
const status = part(document, "runs-status");
const more = /** @type {HTMLButtonElement} */ (part(document, "more"));
const filter = /** @type {HTMLSelectElement} */ (part(document, "scenario"));
/** @type {string | null} */
let next = null;
let generation = 0;

filter.addEventListener("change", () => {
  const query = filter.value ? `?scenario=${encodeURIComponent(filter.value)}` : "";
  history.replaceState(null, "", `/runs${query}`);
  void load(false);
});
more.addEventListener("click", () => void load(true));
list.addEventListener("click", (event) => {
  const button = /** @type {HTMLElement} */ (event.target).closest("[data-action=delete]");
  if (button instanceof HTMLButtonElement) void remove(button);
});

void load(false);

/** @param {boolean} older add the next page (else start again) */
async function load(older) {
  const mine = ++generation;
  more.disabled = true;
  if (!older) setText(status, "Loading the runs…");
  /** @type {RunList} */
  let page;
  try {
    page = await listRuns(older ? { url: next } : { scenario: filter.value, limit: 50 });
  } catch (error) {
    if (mine !== generation) return;
    setText(status, isMissingRoute(error)
      ? "This server does not list its runs yet."
      : `The runs cannot be loaded: ${error instanceof Error ? error.message : error}`);
    return;
  }
  if (mine !== generation) return;
  const rows = page.runs.map((run) => runRow(run, controlToken(run.id) !== null));
  if (older) list.append(...rows);
  else list.replaceChildren(...rows);
  next = page.next;
  more.hidden = !next;
  more.disabled = false;
  setText(part(document, "retention"), page.retention ?? "");
  say();
}

function say() {
  const count = list.children.length;
  const which = filter.value ? ` of ${filter.selectedOptions[0]?.textContent ?? filter.value}` : "";
  setText(status, count
    ? `${count}${next ? "+" : ""} run${count === 1 ? "" : "s"}${which}, newest first.`
    : `No runs${which} yet: pick a scenario and press Run.`);
}

/** @param {HTMLButtonElement} button a row's Delete */
async function remove(button) {
  const row = /** @type {HTMLElement} */ (button.closest("[data-run]"));
  const id = row.dataset.run ?? "";
  const token = controlToken(id);
  if (!token) return;
  if (button.dataset.armed !== "true") {
    button.dataset.armed = "true";
    button.textContent = "Really delete?";
    window.setTimeout(() => {
      button.dataset.armed = "false";
      button.textContent = "Delete";
    }, CONFIRM_MS);
    return;
  }
  button.disabled = true;
  try {
    await deleteRun(id, token);
  } catch (error) {
    button.disabled = false;
    if (!(error instanceof ApiError && error.status === 404)) {
      setText(status, error instanceof Error ? error.message : String(error));
      return;
    }
  }
  forgetControlToken(id);
  row.remove();
  say();
  setText(status, `Deleted. ${status.textContent}`);
}
