// @ts-check
/**
 * The stream's health and how far the page has played: "Live · event 1,234 of 8,005".
 * A stream that failed before the `end` event says so — the page never presents a
 * cut-off run as complete.
 * @module views/status
 */

import { formatValue } from "../model/format.js";
import { setText } from "../ui/dom.js";

/** @typedef {import("../net/stream.js").StreamStatus} StreamStatus */
/** @typedef {import("../model/player.js").Player} Player */

/**
 * What the pill can say: the stream's status, or "replaying" once the whole run has
 * arrived but the page is still playing it.
 * @typedef {StreamStatus | "idle" | "starting" | "replaying" | "cut"} Shown
 */

/** @type {Record<Shown, string>} */
const LABELS = {
  idle: "Not started",
  starting: "Starting…",
  connecting: "Connecting…",
  live: "Live",
  reconnecting: "Connection lost — reconnecting…",
  replaying: "Recorded run",
  ended: "Run complete",
  disconnected: "Disconnected",
  cut: "Disconnected — the run's end never arrived",
};

export class StatusView {
  /**
   * @param {HTMLElement} status the status pill
   * @param {HTMLElement} progress the progress text
   */
  constructor(status, progress) {
    this.status = status;
    this.progress = progress;
    this.set("idle");
  }

  /** @param {Shown} status */
  set(status) {
    if (this.status.dataset.status === status) return;
    this.status.dataset.status = status;
    setText(/** @type {Element} */ (this.status.querySelector(".status-text")), LABELS[status]);
  }

  /**
   * @param {Player} player
   * @param {StreamStatus | "idle" | "starting"} stream
   */
  render(player, stream) {
    if (stream === "disconnected" && !player.complete) this.set("cut");
    else this.set(stream === "ended" && !player.caughtUp ? "replaying" : stream);
    const shown = player.cursor;
    const received = player.log.length;
    let text = "";
    if (received > 0) {
      text = `event ${formatValue(shown)} of ${formatValue(received)}`;
      if (!player.complete && stream !== "disconnected") text += " so far";
    }
    setText(this.progress, text);
  }
}
