// @ts-check
/**
 * Presenter mode on the stage: the creator's Present button, and for everyone else the
 * "Following the teacher" badge with Detach and Re-join.
 *
 *   idle ──Present──▶ presenting ──Stop──▶ idle                       (the creator)
 *   idle ──presenter message──▶ following ──Detach / own controls──▶ detached
 *                                   ▲                                     │
 *                                   └──────────────Re-join────────────────┘
 *   following ──presenter stops──▶ ended (paused where the teacher left it)
 *
 * Taking the controls (play, step, scrub, a click on the timeline or the log, a key)
 * detaches: the page never fights a student who wants to look at something.
 * @module controls/presenter
 */

import { presenceUrl, sendPosition, stopPresenting } from "../net/api.js";
import { ApiError, isMissingRoute } from "../net/apierror.js";
import { PositionSender, PresenceStream, applyPlan, followPlan, positionOf } from "../net/presence.js";
import { part, setLabel, setText } from "../ui/dom.js";
import { actionFor } from "../ui/keys.js";

/** @typedef {import("../model/player.js").Player} Player */
/** @typedef {import("../net/presence.js").PresenterMessage} PresenterMessage */
/** @typedef {"idle" | "presenting" | "following" | "detached" | "ended"} Presence */

const PASSIVE_ACTIONS = new Set(["help", "close", "step"]);

export class PresenterControls {
  /** @param {HTMLElement} root the stage */
  constructor(root) {
    this.root = root;
    this.button = /** @type {HTMLButtonElement} */ (part(root, "present"));
    this.bar = part(root, "presence");
    this.text = part(root, "presence-text");
    this.action = /** @type {HTMLButtonElement} */ (part(root, "presence-action"));
    /** @type {Presence} */
    this.mode = "idle";
    this.runId = "";
    /** @type {string | null} */
    this.token = null;
    /** @type {Player | null} */
    this.player = null;
    /** @type {PresenceStream | null} */
    this.stream = null;
    /** @type {PositionSender | null} */
    this.sender = null;
    /** @type {PresenterMessage | null} the newest presenter message */
    this.last = null;
    this.viewers = 0;
    this.received = 0; // presenter messages so far
    this.note = "";
    this.button.addEventListener("click", () => void (this.mode === "presenting" ? this.stop() : this.start()));
    this.action.addEventListener("click", () => this.act());
    this.watchOwnControls();
    document.addEventListener("visibilitychange", () => this.visibility());
    window.addEventListener("pagehide", () => {
      if (this.mode === "presenting" && this.token) {
        stopPresenting(this.runId, this.token, true).catch(() => {});
      }
    });
  }

  /**
   * Watch a run's presence; the creator (with `token`) may present it.
   * @param {string} runId
   * @param {string | null} token
   * @param {Player} player
   */
  attach(runId, token, player) {
    this.reset();
    this.runId = runId;
    this.token = token;
    this.player = player;
    this.button.hidden = !token;
    if (!document.hidden) this.listen();
  }

  /** Open the run's presence stream (the server sends where the presenter is at once). */
  listen() {
    if (this.stream || !this.player) return;
    this.stream = new PresenceStream(presenceUrl(this.runId), {
      onPresenter: (message) => this.receive(message),
      onViewers: (count) => {
        this.viewers = count;
        this.render();
      },
    });
  }

  /**
   * A tab in the background lets go of its stream: a browser opens at most six
   * connections to a server, and a student may have a few runs open.
   */
  visibility() {
    if (!document.hidden) {
      this.listen();
    } else if (this.mode !== "presenting") {
      this.stream?.close();
      this.stream = null;
    }
  }

  /** Stop watching (a new run, or none). */
  reset() {
    if (this.mode === "presenting") void this.stop();
    this.stream?.close();
    this.stream = null;
    this.sender?.stop();
    this.sender = null;
    this.player = null;
    this.last = null;
    this.note = "";
    this.mode = "idle";
    this.button.hidden = true;
    this.render();
  }

  /** @param {Player} player a frame was drawn: send where the presenter is now */
  frame(player) {
    if (this.mode === "presenting" && player === this.player) this.sender?.update(positionOf(player));
  }

  start() {
    const player = this.player;
    const token = this.token;
    if (!player || !token) return;
    const runId = this.runId;
    this.sender = new PositionSender((position) => sendPosition(runId, token, position), {
      onError: (error) => this.failed(error),
    });
    this.mode = "presenting";
    this.note = "";
    this.sender.update(positionOf(player));
    this.render();
  }

  async stop() {
    this.sender?.stop();
    this.sender = null;
    this.mode = "idle";
    this.render();
    if (!this.token) return;
    try {
      await stopPresenting(this.runId, this.token);
    } catch {
      // Followers keep the last position they got; nothing else to undo.
    }
  }

  /** @param {unknown} error a position the server refused */
  failed(error) {
    if (!(error instanceof ApiError)) return;
    if (isMissingRoute(error)) {
      this.note = "This server cannot present runs yet.";
      this.button.hidden = true;
    } else if (error.status === 403) {
      this.note = "Only the browser that started this run can present it.";
      this.button.hidden = true;
    } else if (error.status === 0) {
      this.note = "The server cannot be reached: your class does not follow right now.";
      this.render();
      return; // the next change tries again
    } else {
      this.note = error.message;
    }
    this.sender?.stop();
    this.sender = null;
    this.mode = "idle";
    this.render();
  }

  /** @param {PresenterMessage} message */
  receive(message) {
    this.last = message;
    this.received += 1;
    this.root.dataset.presenterMessages = String(this.received); // for the curious (and tests)
    if (this.mode === "presenting") return; // our own position, coming back
    if (!message.active) {
      if (this.mode === "following") this.follow(message);
      this.mode = this.mode === "following" ? "ended" : "idle";
    } else if (this.mode !== "detached") {
      this.mode = "following";
      this.follow(message);
    }
    this.render();
  }

  /** @param {PresenterMessage} message */
  follow(message) {
    const player = this.player;
    if (player) applyPlan(player, followPlan(player, message));
  }

  act() {
    if (this.mode === "following") {
      this.mode = "detached";
    } else if (this.mode === "detached" && this.last?.active) {
      this.mode = "following";
      this.follow(this.last);
    }
    this.render();
  }

  /** The viewer used the playback controls: they leave the teacher's playback. */
  ownControl() {
    if (this.mode !== "following") return;
    this.mode = "detached";
    this.render();
  }

  watchOwnControls() {
    const own = () => this.ownControl();
    for (const role of ["playback", "timeline", "log"]) {
      const element = part(this.root, role);
      element.addEventListener("pointerdown", own, { capture: true });
      element.addEventListener("input", own, { capture: true });
      element.addEventListener("change", own, { capture: true });
    }
    document.addEventListener("keydown", (event) => {
      const action = actionFor(event);
      if (action && !PASSIVE_ACTIONS.has(action) && !document.querySelector("dialog[open]")) own();
    }, { capture: true });
  }

  render() {
    const presenting = this.mode === "presenting";
    setLabel(this.button, presenting ? "■ Stop presenting" : "◉ Present");
    this.button.setAttribute("aria-pressed", String(presenting));
    this.root.dataset.presence = this.mode;
    const others = Math.max(0, this.viewers - 1); // less this page's own stream
    /** @type {Record<Presence, [string, string]>} text, action */
    const shown = {
      idle: [this.note, ""],
      presenting: [`◉ Presenting: ${others === 1 ? "1 other screen follows" : `${others} other screens follow`} your playback.`, ""],
      following: [`● Following the teacher${this.viewers > 1 ? ` · ${this.viewers} watching` : ""}`, "Detach"],
      detached: this.last?.active
        ? ["You left the teacher's playback.", "↩ Re-join the teacher"]
        : ["", ""],
      ended: ["The teacher stopped presenting: you are where they left off.", ""],
    };
    const [text, action] = shown[this.mode];
    const note = this.mode === "presenting" && this.note ? ` ${this.note}` : "";
    setText(this.text, text + note);
    this.bar.hidden = !text;
    this.bar.dataset.mode = this.mode;
    setLabel(this.action, action);
    this.action.hidden = !action;
  }
}
