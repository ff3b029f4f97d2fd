// @ts-check
/**
 * The stage of a run: wires the stream to the player and the player to every view.
 * Used by the scenario page (after Run) and the shared run page (`/runs/{id}`).
 *
 *   RunStream ──onEvent──▶ Player.log (+ tracks) ──one fold per frame──▶ state
 *        │                                                        ├─▶ board, code, primitives,
 *        └──onWaiting──▶ manual controls                          │   wait-for graph, deadlock,
 *                                                                 │   verdict, output
 *                                        Player (log, cursor) ────┴─▶ timeline, event log,
 *                                                                     playback bar, status
 * Every view draws from the state (or the log) it is handed and keeps nothing else.
 * Around the run: Share (link, QR code), Present / follow the presenter (presence
 * stream, opened once the run is known to exist) and the downloads.
 * @module views/runview
 */

import { CodeCopy } from "../controls/codecopy.js";
import { EditLink } from "../controls/editlink.js";
import { ManualControls } from "../controls/manual.js";
import { PlaybackControls } from "../controls/playback.js";
import { PresenterControls } from "../controls/presenter.js";
import { ShareDialog } from "../controls/share.js";
import { isEnded, isManual } from "../model/contract.js";
import { Player } from "../model/player.js";
import { getRun } from "../net/api.js";
import { RunStream } from "../net/stream.js";
import { part } from "../ui/dom.js";
import { DISPLAY_EVENT } from "../ui/prefs.js";
import { BoardView } from "./board.js";
import { CodeView } from "./code.js";
import { DeadlockView } from "./deadlock.js";
import { DownloadsView } from "./downloads.js";
import { EventLogView } from "./eventlog.js";
import { OutputView } from "./output.js";
import { PrimitivesView } from "./primitives.js";
import { runInfo } from "./runinfo.js";
import { StatusView } from "./status.js";
import { TimelineView } from "./timeline.js";
import { VerdictView } from "./verdict.js";
import { WaitGraphView } from "./waitgraph.js";

/** @typedef {import("../model/reducer.js").RunState} RunState */
/** @typedef {import("../net/stream.js").StreamStatus} StreamStatus */
/** @typedef {import("../net/apitypes.js").ScenarioInfo} ScenarioInfo */

/**
 * @typedef {object} StageOptions
 * @property {(choices: string[], run: Record<string, any>) => void} [onUndo] a manual
 *   run's Undo: start a run that replays `choices`
 * @property {(seq: number | null) => void} [onPlace] the position to keep in the URL
 */

/**
 * @typedef {object} PlayOptions
 * @property {boolean} [autoplay] start playing at once (default: yes)
 * @property {number | null} [seq] start paused at this event (a `#seq=` link)
 * @property {string | null} [token] the creator's control token, if this page has it
 */

export class RunView {
  /**
   * @param {HTMLElement} root the element holding the stage's `data-role` parts
   * @param {StageOptions} [options]
   */
  constructor(root, options = {}) {
    this.root = root;
    this.options = options;
    this.code = new CodeView(part(root, "code"));
    // The server may have rendered the source as plain text (readable without JS).
    this.copy = new CodeCopy(
      /** @type {HTMLButtonElement} */ (part(root, "copy-code")),
      /** @type {HTMLTextAreaElement} */ (part(root, "code-text")),
    );
    const edit = root.querySelector("[data-role=edit-code]");
    // "Open in editor": the code page with the panel's program (pages say with what setup).
    this.editLink = new EditLink(/** @type {HTMLAnchorElement} */ (edit ?? document.createElement("a")));
    const plain = part(root, "source");
    if (plain.textContent?.trim()) this.setSource(plain.textContent);
    plain.hidden = true;
    this.board = new BoardView(part(root, "board"), part(root, "board-empty"));
    this.verdict = new VerdictView(part(root, "verdict"));
    this.deadlock = new DeadlockView(part(root, "deadlock-banner"));
    this.primitives = new PrimitivesView(part(root, "prims"), part(root, "prims-card"));
    this.graph = new WaitGraphView(part(root, "graph"), part(root, "graph-empty"));
    this.output = new OutputView(part(root, "output"), part(root, "output-card"));
    this.timeline = new TimelineView(part(root, "timeline"));
    this.log = new EventLogView(
      part(root, "log"),
      /** @type {HTMLSelectElement} */ (part(root, "log-thread")),
      /** @type {HTMLSelectElement} */ (part(root, "log-kind")),
      part(root, "live"),
    );
    this.status = new StatusView(part(root, "status"), part(root, "progress"));
    this.info = part(root, "run-info");
    this.manual = new ManualControls(
      part(root, "manual-panel"),
      (choices) => this.undo(choices),
      () => this.pollWaiting(),
    );
    this.playback = new PlaybackControls(
      part(root, "playback"),
      /** @type {HTMLDialogElement} */ (part(document, "keys-help")),
      (n) => this.manual.stepKey(n),
    );
    this.presenter = new PresenterControls(root);
    this.share = new ShareDialog(
      /** @type {HTMLDialogElement} */ (part(root, "share-dialog")),
      /** @type {HTMLButtonElement} */ (part(root, "share-button")),
    );
    this.downloads = new DownloadsView(part(root, "downloads"));
    document.addEventListener(DISPLAY_EVENT, () => this.timeline.restyle());
    /** @type {StreamStatus | "idle" | "starting"} */
    this.streamStatus = "idle";
    /** @type {Player | null} */
    this.player = null;
    /** @type {RunStream | null} */
    this.stream = null;
    /** @type {ScenarioInfo | null} */
    this.scenario = null;
    /** @type {Record<string, any> | null} the run, as GET /api/runs/{id} last said */
    this.run = null;
    this.runId = "";
    this.token = /** @type {string | null} */ (null);
    this.lastSeq = 0;
    this.placeTimer = 0;
  }

  /** @param {string} source */
  setSource(source) {
    this.code.setSource(source);
    this.copy.set(source);
    this.editLink.setSource(source);
  }

  /**
   * The scenario the runs belong to: its fix (for the deadlock banner) and its goals.
   * @param {ScenarioInfo} scenario
   * @param {{id: string, title: string} | null} fix
   */
  setScenario(scenario, fix) {
    this.scenario = scenario;
    this.deadlock.setFix(fix);
  }

  /** Clear the stage for a new run. */
  reset() {
    this.stream?.close();
    this.stream = null;
    this.player?.pause(); // a run still playing stops scheduling frames
    this.player = null;
    this.run = null;
    this.board.reset();
    this.code.reset();
    this.verdict.reset();
    this.verdict.setMode(null);
    this.deadlock.reset();
    this.primitives.reset();
    this.graph.reset();
    this.output.reset();
    this.manual.setRun(null);
    this.presenter.reset();
    this.share.setRun("", false);
    this.downloads.reset();
    this.timeline.attach(null);
    this.log.attach(null);
    this.playback.attach(null);
    this.info.textContent = "";
    this.root.dataset.run = "";
    this.root.dataset.played = "0";
    this.root.dataset.ended = "false";
    this.setStreamStatus("idle");
  }

  /** Say a run is being created (before its stream exists). */
  starting() {
    this.reset();
    this.setStreamStatus("starting");
  }

  /**
   * Play a run's events from its stream.
   * @param {string} runId
   * @param {string} eventsUrl
   * @param {PlayOptions} [options]
   */
  play(runId, eventsUrl, options = {}) {
    this.reset();
    this.runId = runId;
    this.token = options.token ?? null;
    this.root.dataset.run = runId;
    this.share.setRun(`/runs/${encodeURIComponent(runId)}`, Boolean(this.token));
    this.downloads.setRun(runId);
    // A frame the player had scheduled may come after a newer run replaced it: not drawn.
    const player = new Player({ onFrame: (state) => { if (this.player === player) this.draw(state); } });
    this.player = player;
    this.lastSeq = 0;
    if (options.seq !== null && options.seq !== undefined) player.seek(options.seq);
    else if (options.autoplay !== false) player.play();
    this.timeline.attach(player);
    this.log.attach(player);
    this.playback.attach(player);
    this.setStreamStatus("connecting");
    this.stream = new RunStream(eventsUrl, {
      onEvent: (event) => {
        player.push(event);
        if (event.seq === 1 || event.kind === "end") void this.describe();
      },
      onStatus: (status) => this.setStreamStatus(status),
      onWaiting: (waiting) => this.manual.waiting(waiting),
    });
    void this.describe();
  }

  /** Fetch the run (mode, seed, policy, Python…) and show it; set up manual stepping. */
  async describe() {
    const id = this.runId;
    let run;
    try {
      run = await getRun(id);
    } catch {
      return; // the stream says what went wrong, if anything did
    }
    if (id !== this.runId) return;
    const first = this.run === null;
    this.run = run;
    this.info.replaceChildren(...runInfo(run));
    this.verdict.setMode(typeof run.mode === "string" ? run.mode : null);
    this.timeline.setMode(typeof run.mode === "string" ? run.mode : null); // the GIL lane
    if (first && this.player) {
      this.presenter.attach(id, this.token, this.player);
      this.downloads.setRun(id, run.links ?? {});
    }
    if (first && isManual(run)) {
      this.manual.setRun({
        id,
        token: this.token,
        prefix: Array.isArray(run.options?.choices) ? run.options.choices.map(String) : [],
        goal: this.scenario?.goals?.[0] ?? null,
      });
      const waiting = waitingOf(run);
      if (waiting) this.manual.waiting(waiting);
      if (!this.player?.complete) this.player?.setFollow(true);
    }
  }

  /** What the run waits for now, as GET /api/runs/{id} says. */
  async pollWaiting() {
    const run = await getRun(this.runId);
    return { waiting: waitingOf(run), over: isEnded(run.status) };
  }

  /** @param {string[]} choices */
  undo(choices) {
    if (this.run) this.options.onUndo?.(choices, this.run);
  }

  /** @param {StreamStatus | "idle" | "starting"} status */
  setStreamStatus(status) {
    this.streamStatus = status;
    this.status.set(status);
    if (this.player) this.status.render(this.player, status);
    this.root.dataset.stream = status;
  }

  /** @param {RunState} state */
  draw(state) {
    const player = /** @type {Player} */ (this.player);
    const delta = state.seq - this.lastSeq;
    const animate = Math.abs(delta) <= 2 || (player.playing && player.speed <= 4 && delta <= 8);
    this.lastSeq = state.seq;
    this.board.render(state, { animate });
    this.code.render(state);
    this.primitives.render(state);
    this.graph.render(state);
    this.deadlock.render(state);
    this.output.render(state);
    this.verdict.render(state);
    this.manual.render(state);
    if (player.playing) this.timeline.follow();
    this.timeline.draw();
    this.log.render();
    this.log.announce(player, state.end?.verdict?.summary ?? null);
    this.status.render(player, this.streamStatus);
    this.playback.render(player);
    this.presenter.frame(player);
    this.downloads.render(player.complete);
    this.root.dataset.played = String(state.seq);
    this.root.dataset.ended = String(state.end !== null);
    this.root.dataset.playing = String(player.playing || player.follow);
    this.keepPlace(player);
  }

  /**
   * Keep the position in the URL while paused (not on every frame of playback).
   * @param {Player} player
   */
  keepPlace(player) {
    clearTimeout(this.placeTimer);
    if (player.playing || player.follow || !this.options.onPlace) return;
    const seq = player.cursor;
    this.placeTimer = window.setTimeout(() => this.options.onPlace?.(seq), 250);
  }
}

/**
 * A manual run's wait for a step, from GET /api/runs/{id}: `waiting: {runnable, step}`
 * (or `runnable` and `steps` at the top level).
 * @param {Record<string, any>} run
 * @returns {import("../net/stream.js").Waiting | null}
 */
export function waitingOf(run) {
  const w = run.waiting && typeof run.waiting === "object" ? run.waiting : run;
  if (!Array.isArray(w.runnable) || w.runnable.length === 0) return null;
  const step = Number.isInteger(w.step) ? w.step : Number.isInteger(w.steps) ? w.steps : null;
  return { runnable: w.runnable.map(String), step };
}
