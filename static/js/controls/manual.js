// @ts-check
/**
 * Manual stepping (a controlled run with the MANUAL policy): one Step button per runnable
 * thread, in its colour (keys 1–9), Undo (a new run replaying every pick but the last),
 * and the scenario's goal — "reached in 7 steps" once the verdict reaches it.
 *
 * Only the run's creator (who holds its control token) gets buttons; everyone else sees
 * which threads could run next. The threads that may step come from the stream's
 * `waiting` messages; after a step, if none arrives within POLL_MS, from
 * GET /api/runs/{id} (`waiting`), polled until the run asks again or ends.
 * @module controls/manual
 */

import { memberName } from "../model/contract.js";
import { goalReached } from "../model/queries.js";
import { stepRun } from "../net/api.js";
import { ApiError } from "../net/apierror.js";
import { h, setText } from "../ui/dom.js";
import { threadColour } from "../ui/palette.js";

/** @typedef {import("../model/reducer.js").RunState} RunState */
/** @typedef {import("../model/reducer.js").RunEnd} RunEnd */
/** @typedef {import("../net/stream.js").Waiting} Waiting */

/**
 * Asks the server what the run waits for now.
 * @typedef {() => Promise<{waiting: Waiting | null, over: boolean}>} Poll
 */

const POLL_MS = 300;

/**
 * What the panel says of each goal, by the Goal's member name: the goal itself, once it
 * is reached, and once the run ended without it.
 * @type {Record<string, {aim: string, made: string, missed: string}>}
 */
const GOAL_WORDS = {
  DEADLOCK: { aim: "make it deadlock", made: "you made it deadlock", missed: "it did not deadlock" },
  LOST_UPDATE: { aim: "make it lose an update", made: "you made it lose an update", missed: "it did not lose an update" },
  ANY_FAILURE: {
    aim: "make it fail (a deadlock, a lost update, an error or a broken rule)",
    made: "you made it fail",
    missed: "it did not fail",
  },
};

/**
 * @typedef {object} ManualRun
 * @property {string} id
 * @property {string | null} token the creator's control token (null: a viewer)
 * @property {string[]} prefix picks replayed from an earlier run (`options.choices`)
 * @property {string | null} goal what the scenario challenges you to reach
 */

export class ManualControls {
  /**
   * @param {HTMLElement} root
   * @param {(choices: string[]) => void} onUndo start a run replaying `choices`
   * @param {Poll} poll
   */
  constructor(root, onUndo, poll) {
    this.root = root;
    this.onUndo = onUndo;
    this.poll = poll;
    /** A step was taken and the next wait is not known yet. */
    this.expecting = false;
    this.timer = 0;
    this.buttons = /** @type {HTMLElement} */ (root.querySelector("[data-role=step-buttons]"));
    this.prompt = /** @type {HTMLElement} */ (root.querySelector("[data-role=step-prompt]"));
    this.note = /** @type {HTMLElement} */ (root.querySelector("[data-role=step-note]"));
    this.goal = /** @type {HTMLElement} */ (root.querySelector("[data-role=manual-goal]"));
    this.undo = /** @type {HTMLButtonElement} */ (root.querySelector("[data-action=undo]"));
    /** @type {ManualRun | null} */
    this.run = null;
    /** @type {string[]} */
    this.runnable = [];
    /** @type {string[]} */
    this.picks = [];
    this.busy = false;
    /** @type {RunState | null} */
    this.state = null;
    /** @type {RunEnd | null} the run's end once seen: a replay scrubbed back keeps it */
    this.over = null;
    this.buttons.addEventListener("click", (event) => {
      const button = /** @type {HTMLElement} */ (event.target).closest("[data-thread]");
      if (button instanceof HTMLButtonElement) void this.step(button.dataset.thread ?? "");
    });
    this.undo.addEventListener("click", () => this.undoLast());
  }

  /** @param {ManualRun | null} run null: not a manual run (the panel hides) */
  setRun(run) {
    this.run = run;
    this.runnable = [];
    this.picks = run ? [...run.prefix] : [];
    this.busy = false;
    this.expecting = false;
    this.over = null;
    clearTimeout(this.timer);
    this.root.hidden = run === null;
    setText(this.note, "");
    this.draw();
  }

  /** @param {Waiting} waiting the worker waits for one of these to step */
  waiting(waiting) {
    if (!this.run) return;
    clearTimeout(this.timer);
    this.runnable = waiting.runnable;
    this.expecting = false;
    this.busy = false;
    this.draw();
  }

  /**
   * After a step: ask the server what comes next, unless the stream says it first. The
   * server forgets a wait as it accepts a step, so any wait it reports after our step
   * was accepted is the next one.
   */
  watch() {
    clearTimeout(this.timer);
    this.timer = window.setTimeout(async () => {
      if (!this.run || this.state?.end || !this.expecting) return;
      try {
        const { waiting, over } = await this.poll();
        if (!this.expecting) return; // the stream said it meanwhile
        if (waiting) this.waiting(waiting);
        else if (!over) this.watch();
      } catch {
        this.watch();
      }
    }, POLL_MS);
  }

  /**
   * The thread on key `n` (1-based) takes the step.
   * @param {number} n
   */
  stepKey(n) {
    const name = this.runnable[n - 1];
    if (name && this.run?.token) void this.step(name);
  }

  /** @param {string} thread */
  async step(thread) {
    const run = this.run;
    if (!run?.token || this.busy || !this.runnable.includes(thread)) return;
    this.busy = true;
    this.draw();
    try {
      await stepRun(run.id, thread, run.token);
      this.picks.push(thread);
      this.runnable = [];
      this.expecting = true;
      setText(this.note, `${thread} took a step.`);
      this.watch();
    } catch (error) {
      this.busy = false;
      setText(this.note, explain(error));
    }
    this.draw();
  }

  undoLast() {
    const schedule = this.state?.end?.schedule ?? this.picks;
    if (schedule.length === 0) return;
    this.onUndo(schedule.slice(0, -1));
  }

  /** @param {RunState} state */
  render(state) {
    if (!this.run || state === this.state) return;
    const ended = state.end !== null && this.state?.end !== state.end;
    this.state = state;
    if (ended) {
      this.runnable = [];
      this.over = state.end;
      this.busy = false;
    }
    this.draw();
  }

  draw() {
    const run = this.run;
    if (!run) return;
    const state = this.state;
    // The run's end, even where the replay is scrubbed back to before it.
    const ended = state?.end ?? this.over;
    const picks = ended?.schedule?.length ?? this.picks.length;
    this.undo.disabled = picks === 0 || !run.token;
    if (run.goal) {
      const reached = goalReached(run.goal, ended);
      this.goal.dataset.reached = String(reached);
      const steps = `${picks} ${picks === 1 ? "step" : "steps"}`;
      const words = goalWords(run.goal);
      setText(this.goal, reached
        ? `Goal reached: ${words.made} in ${steps}.`
        : ended
          ? `Not this time: ${words.missed}. Undo a step and pick another thread.`
          : `Your goal: ${words.aim}.`);
    }
    this.goal.hidden = !run.goal;
    if (ended) {
      setText(this.prompt, `The run is over after ${picks} ${picks === 1 ? "pick" : "picks"}.`);
      this.buttons.replaceChildren();
      return;
    }
    if (this.runnable.length === 0) {
      setText(this.prompt, this.busy ? "Stepping…" : "Waiting for the program to reach a choice…");
      this.buttons.replaceChildren();
      return;
    }
    // An event loop's ready tasks are picked here too (their lanes carry `loop`).
    const what = this.runnable.every((name) => typeof state?.threads[name]?.loop === "string")
      ? "task"
      : this.runnable.some((name) => typeof state?.threads[name]?.loop === "string")
        ? "thread or task"
        : "thread";
    setText(this.prompt, run.token ? `Pick the ${what} that runs next:` : `The run's creator picks the ${what} that runs next:`);
    this.buttons.replaceChildren(...this.runnable.map((name, i) => {
      const index = state?.threads[name]?.index ?? i;
      const key = i < 9 ? `${i + 1}` : "";
      return run.token
        ? h("button", {
            type: "button",
            class: "step-button",
            "data-thread": name,
            "data-colour": threadColour(index),
            disabled: this.busy,
            "aria-keyshortcuts": key || null,
          }, key ? h("kbd", {}, key) : null, `Step ${name}`)
        : h("span", { class: "thread-chip", "data-colour": threadColour(index) }, name);
    }));
  }
}

/**
 * @param {string} goal a Goal value
 * @returns {{aim: string, made: string, missed: string}}
 */
function goalWords(goal) {
  const words = GOAL_WORDS[memberName("Goal", goal) ?? ""];
  return words ?? { aim: goal, made: `you made it ${goal}`, missed: `it did not ${goal}` };
}

/** @param {unknown} error */
function explain(error) {
  if (!(error instanceof ApiError)) return String(error);
  if (error.status === 403) return "Only the person who started this run can step it.";
  return error.message;
}
