// @ts-check
/**
 * The code page (`/code`, and `/embed/code` in a frame): an editor with your program,
 * the run form's schedule, Run, "Break it", a code link — and the stage of the scenario
 * page, which plays the runs in place (pages/stagepage.js).
 *
 * The program comes from, first to last: the link's fragment (`#src=…`, a code link,
 * model/srclink.js — removed from the URL once read, the run it names stays), the
 * example the query names (`?example=…`, rendered by the server), the draft this
 * browser kept (every edit is saved), or the first example. The query's setup is
 * rendered into the form by the server (a demo link's keys), and `autorun=1` runs the
 * program once on open. A program that does not compile comes back as a 422 with its
 * line, shown there in the editor; a server that does not let this client run code
 * says so on the page instead of a Run button (and in a 403, if asked anyway).
 *
 * The stage's code panel shows the code of the run on the stage (until a run, what the
 * editor holds); Share gives the code link of that program and run, so whoever opens it
 * sees the same code and the same run, unless the link would be too long.
 * @module pages/code
 */

import { BreakIt } from "../controls/breakit.js";
import { EditLink, runSetup } from "../controls/editlink.js";
import { readSchedule, showScheduleErrors, syncSchedule, writeSchedule } from "../controls/schedule.js";
import { defaults, isOwnCode, limits, ownCode } from "../model/contract.js";
import { parsePlace } from "../model/deeplink.js";
import { codeLink, decodeSource, sourceToken, withoutSource } from "../model/srclink.js";
import { getRun } from "../net/api.js";
import { ApiError } from "../net/apierror.js";
import { copyWithFeedback } from "../ui/clipboard.js";
import { part, setText } from "../ui/dom.js";
import { Editor } from "../ui/editor.js";
import { StagePage, explain } from "./stagepage.js";

/** @typedef {import("../net/apitypes.js").RunRequest} RunRequest */
/** @typedef {{id: string, title: string, source: string}} Example */

const DRAFT = "threadlab:code-draft";
const page = part(document, "page");
const form = /** @type {HTMLFormElement} */ (part(document, "run-form"));
const textarea = /** @type {HTMLTextAreaElement} */ (part(form, "program"));
const formError = part(form, "form-error");
const syntaxError = part(form, "syntax-error");
const button = /** @type {HTMLButtonElement | null} */ (form.querySelector("[data-role=run-button]"));
const granularity = page.dataset.defaultGranularity ?? defaults().granularity;
/** @type {Example[]} */
const examples = JSON.parse(document.getElementById("code-examples")?.textContent ?? "[]");

/** The program the editor starts with, if not the one the server rendered. */
let initial = /** @type {string | undefined} */ (undefined);
const linkProblem = await programFromLink();
/** @type {EditLink | null} "Open in Threadlab" in a frame */
let openFull = null;
const editor = new Editor(textarea, {
  onChange: (text) => {
    saveDraft(text);
    openFull?.setSource(text, false);
    if (!syntaxError.hidden && editor.problem === null) showSyntax("");
    if (!stageRun()) mirrorEditor();
  },
  onRun: () => form.requestSubmit(),
  text: initial,
});

/** The program of the run on the stage (for Share), and the run's id. */
let shown = { id: "", source: "" };
const runs = new StagePage({
  button,
  accepts: (run) => isOwnCode(run),
  starting: (body) => {
    shown = { id: "", source: body.source ?? "" };
    runs.stage.setSource(shown.source);
  },
  opened: (run) => {
    writeSchedule(form, run);
    shown = { id: "", source: String(run.source ?? "") };
    runs.stage.setSource(shown.source);
  },
  played: (id, token) => {
    shown = { ...shown, id };
    void shareCode(id, token);
  },
  failed: (error) => failed(error),
});
const stage = runs.stage;
stage.setScenario({ id: ownCode(), title: "", concept: "", summary: "", params: [], goals: [] }, null);
stage.editLink.configure({ shown: false }); // this page is the editor
stage.setSource(editor.text);

syncSchedule(form);
form.addEventListener("change", () => syncSchedule(form));
form.addEventListener("submit", (event) => {
  event.preventDefault();
  if (!button) return; // this client may not run code here: the page says why
  form.querySelector("[data-role=link-note]")?.remove(); // a link's problems: now the form's
  const body = request();
  if (body) void runs.launch(body);
});

setUpExamples();
setUpCodeLink();
setUpEmbed();
const breakRoot = form.querySelector("[data-role=breakit]");
if (breakRoot instanceof HTMLElement) {
  new BreakIt(breakRoot, {
    source: () => checkedSource(),
    onFound: (run) => void runs.open(run.id, { autoplay: true }),
  });
}

if (linkProblem) showError(linkProblem);
else if (!parsePlace(location.hash).run && page.dataset.autorun === "true") runs.autorun(request());
if (parsePlace(location.hash).run) void runs.restore();

/**
 * The program a code link carries (or the draft), for the editor to start with: so its
 * history starts there, and its line breaks are kept (a textarea would make them LF).
 * @returns {Promise<string>} what went wrong reading the link ("" if nothing did)
 */
async function programFromLink() {
  const token = sourceToken(location.hash);
  if (token !== null) {
    history.replaceState(null, "", `${location.pathname}${location.search}${withoutSource(location.hash)}`);
    try {
      initial = await decodeSource(token, limits().source_bytes.max);
      return "";
    } catch (error) {
      return `This link's program cannot be read: ${error instanceof Error ? error.message : error} The editor has an example instead.`;
    }
  }
  if (page.dataset.example) {
    // The link named an example: it is in the editor; a reload keeps what you make of it.
    const url = new URL(location.href);
    url.searchParams.delete("example");
    history.replaceState(null, "", `${url.pathname}${url.search}${url.hash}`);
    return "";
  }
  const draft = readDraft();
  if (draft !== null) initial = draft;
  return "";
}

/** @returns {string | null} */
function readDraft() {
  try {
    return localStorage.getItem(DRAFT);
  } catch {
    return null; // storage is off (private mode)
  }
}

let draftTimer = 0;
/** @param {string} text */
function saveDraft(text) {
  clearTimeout(draftTimer);
  draftTimer = window.setTimeout(() => {
    try {
      localStorage.setItem(DRAFT, text);
    } catch {
      // Storage is off or full: the draft lives as long as the page.
    }
  }, 300);
}

let mirrorTimer = 0;
/** Until a run is on the stage, its code panel shows what the editor holds. */
function mirrorEditor() {
  clearTimeout(mirrorTimer);
  mirrorTimer = window.setTimeout(() => {
    if (!stageRun()) stage.setSource(editor.text);
  }, 400);
}

/** @returns {boolean} a run is on the stage (or being started) */
function stageRun() {
  return Boolean(stage.root.dataset.run) || stage.streamStatus === "starting";
}

/**
 * The program, if it can run: not empty, not too long (the error shown otherwise).
 * @returns {string | null}
 */
function checkedSource() {
  const source = editor.text;
  const max = limits().source_bytes.max;
  const size = new TextEncoder().encode(source).length;
  if (!source.trim()) {
    showError("The editor is empty: write a program (or load an example) first.");
    return null;
  }
  if (size > max) {
    showError(`Your program is ${formatKiB(size)}; at most ${formatKiB(max)} can run.`);
    return null;
  }
  return source;
}

/** @returns {RunRequest | null} the form as a request, or null (errors shown) */
function request() {
  showError("");
  showSyntax("");
  editor.clearProblem();
  const schedule = readSchedule(form);
  showScheduleErrors(form, schedule.errors);
  const source = checkedSource();
  if (source === null || Object.keys(schedule.errors).length) return null;
  return { source, ...schedule.values };
}

/**
 * A run did not start: a program that does not compile is shown on its line; a
 * refusal (403) says why; the rest goes next to its field or under Run.
 * @param {unknown} error
 */
function failed(error) {
  form.scrollIntoView({ block: "start" }); // back from the stage, to what went wrong
  const syntax = error instanceof ApiError && error.status === 422 ? error.body?.syntax : null;
  if (syntax && typeof syntax === "object" && Number.isInteger(syntax.line)) {
    editor.showProblem({ line: syntax.line, column: syntax.column ?? null, message: String(syntax.message ?? "") });
    showSyntax(error instanceof ApiError ? error.message : String(error));
    editor.focus();
    return;
  }
  const errors = explain(error, ["seed", "depth"]);
  showScheduleErrors(form, errors);
  showError(errors[""] ?? "");
}

/** @param {string} message */
function showError(message) {
  setText(formError, message);
  formError.hidden = !message;
}

/** @param {string} message */
function showSyntax(message) {
  setText(syntaxError, message);
  syntaxError.hidden = !message;
}

/** The examples menu: Load puts the chosen one in the editor (Ctrl+Z undoes it). */
function setUpExamples() {
  const select = /** @type {HTMLSelectElement | null} */ (form.querySelector("[data-role=example]"));
  const load = form.querySelector("[data-action=load-example]");
  if (!select || !load) return;
  load.addEventListener("click", () => {
    const example = examples.find((e) => e.id === select.value);
    if (!example) return;
    editor.load(example.source);
    showSyntax("");
    showError("");
    editor.focus();
  });
}

/** "Copy code link": this program and the form's setup, for a slide. */
function setUpCodeLink() {
  const root = form.querySelector("[data-role=code-link]");
  if (!(root instanceof HTMLElement)) return;
  const copy = /** @type {HTMLButtonElement} */ (root.querySelector("[data-action=code-link]"));
  const autorun = /** @type {HTMLInputElement} */ (part(root, "code-link-autorun"));
  const field = /** @type {HTMLInputElement} */ (part(root, "code-link-url"));
  const note = part(root, "code-link-note");
  copy.addEventListener("click", async () => {
    const schedule = readSchedule(form);
    showScheduleErrors(form, schedule.errors);
    if (Object.keys(schedule.errors).length) {
      setText(note, "Fix the values marked in red first.");
      return;
    }
    const setup = { ...schedule.values, options: schedule.values.options ?? {}, autorun: autorun.checked };
    const url = new URL(await codeLink(editor.text, { setup, defaultGranularity: granularity }), location.href).href;
    const max = limits().code_link.max;
    if (url.length > max) {
      field.hidden = true;
      setText(note, `This program is too long for a link (${url.length.toLocaleString("en")} characters; at most ${max.toLocaleString("en")}). Run it and Share the run instead: its link shows the code.`);
      return;
    }
    field.value = url;
    field.hidden = false;
    setText(note, "Put it in your slides: it opens this page with this program and setup.");
    void copyWithFeedback(copy, url, field);
  });
}

/**
 * Share: the code link of the run's program, the run in its fragment (whoever opens
 * it sees this code and this run); past the contract's `code_link` characters, the
 * run's own link, which shows the code too.
 * @param {string} id
 * @param {string | null} token
 */
async function shareCode(id, token) {
  const source = shown.source;
  let run;
  try {
    run = await getRun(id);
  } catch {
    return; // the stage says what went wrong; Share keeps the run's own link
  }
  if (shown.id !== id) return;
  const { mode, seed, policy, options } = /** @type {import("../controls/editlink.js").Setup} */ (runSetup(run));
  const setup = { mode, seed, policy, options: options ?? {}, autorun: false };
  const path = await codeLink(source || String(run.source ?? ""), { setup, run: id, defaultGranularity: granularity });
  if (shown.id !== id) return;
  const length = location.origin.length + path.length;
  const max = limits().code_link.max;
  if (length <= max) {
    stage.share.setRun(path, Boolean(token));
    return;
  }
  stage.share.setRun(`/runs/${encodeURIComponent(id)}`, Boolean(token),
    `This program is too long to travel in a link (${length.toLocaleString("en")} characters; at most ${max.toLocaleString("en")}): this is the recorded run's link, which shows its code, and "Edit a copy" there opens it in the editor.`);
}

/** In a frame: "Open in Threadlab" takes this program and setup to the full page. */
function setUpEmbed() {
  const open = document.querySelector("[data-role=open-full]");
  if (!(open instanceof HTMLAnchorElement)) return;
  openFull = new EditLink(open);
  openFull.configure({ setup: () => readSchedule(form).values });
  openFull.setSource(editor.text);
}

/** @param {number} bytes */
function formatKiB(bytes) {
  return `${(bytes / 1024).toLocaleString("en", { maximumFractionDigits: 1 })} KiB`;
}
