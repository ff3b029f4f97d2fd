// @ts-check
/**
 * A run's event stream (`GET /api/runs/{id}/events`, server-sent events).
 *
 * Each default message is one event; the final one arrives as `event: end`, after
 * which the stream is closed here (otherwise EventSource would reconnect). A manual
 * run also sends `event: waiting` messages (no id) when the worker waits for a step.
 *
 * Reconnecting: on a dropped connection EventSource reconnects by itself and sends
 * `Last-Event-ID`, so the server resumes after the last event we got; a repeated event
 * is dropped by its `seq`. If the browser gives up (the server answered with an error,
 * or went away), this module opens a new EventSource with `?after=<last seq>` after
 * 1, 2, 4… seconds, up to RETRIES times, before it reports the stream disconnected.
 *
 *   connecting ─open─▶ live ─drop─▶ reconnecting ─open─▶ live ─end─▶ ended
 *                                        └─ RETRIES failed ─▶ disconnected
 * @module net/stream
 */

/** @typedef {import("../model/events.js").Event} Event */

/**
 * connecting: not yet open · live: receiving · reconnecting: lost, retrying ·
 * ended: the end event arrived · disconnected: the stream could not be resumed.
 * @typedef {"connecting" | "live" | "reconnecting" | "ended" | "disconnected"} StreamStatus
 */

/**
 * What a manual run's worker waits for: a step by one of `runnable`.
 * @typedef {object} Waiting
 * @property {string[]} runnable
 * @property {number | null} step
 */

/**
 * @typedef {object} StreamHandlers
 * @property {(event: Event) => void} onEvent every event once, in seq order
 * @property {(status: StreamStatus) => void} [onStatus]
 * @property {(waiting: Waiting) => void} [onWaiting]
 * @property {typeof EventSource} [EventSource] for tests
 * @property {(fn: () => void, ms: number) => any} [setTimeout] for tests
 */

export const RETRIES = 5;

export class RunStream {
  /**
   * @param {string} url the run's `links.events`
   * @param {StreamHandlers} handlers
   */
  constructor(url, handlers) {
    this.url = url;
    this.handlers = handlers;
    /** @type {StreamStatus} */
    this.status = "connecting";
    this.lastSeq = 0;
    this.retries = 0;
    this.closed = false;
    this.Source = handlers.EventSource ?? globalThis.EventSource;
    this.later = handlers.setTimeout ?? ((fn, ms) => setTimeout(fn, ms));
    this.source = this.open(url);
  }

  /**
   * @param {string} url
   * @returns {EventSource}
   */
  open(url) {
    const source = new this.Source(url);
    source.onopen = () => {
      this.retries = 0;
      this.setStatus("live");
    };
    source.onmessage = (message) => this.receive(message.data);
    source.addEventListener("end", (message) => {
      this.receive(/** @type {MessageEvent} */ (message).data);
      this.close("ended");
    });
    source.addEventListener("waiting", (message) => {
      this.waiting(/** @type {MessageEvent} */ (message).data);
    });
    source.onerror = () => {
      if (this.closed || source !== this.source) return;
      if (source.readyState === this.Source.CLOSED) this.retry();
      else this.setStatus("reconnecting");
    };
    return source;
  }

  /** The browser gave up on the connection: open a new one that resumes, or fail. */
  retry() {
    if (this.retries >= RETRIES) {
      this.setStatus("disconnected");
      return;
    }
    this.setStatus("reconnecting");
    const delay = 1000 * 2 ** this.retries;
    this.retries += 1;
    this.later(() => {
      if (this.closed) return;
      const sep = this.url.includes("?") ? "&" : "?";
      this.source = this.open(`${this.url}${sep}after=${this.lastSeq}`);
    }, delay);
  }

  /** @param {string} data */
  receive(data) {
    /** @type {Event} */
    let event;
    try {
      event = JSON.parse(data);
    } catch {
      return; // not an event (the contract sends only JSON); ignore rather than crash
    }
    if (typeof event?.seq !== "number" || event.seq <= this.lastSeq) return;
    this.lastSeq = event.seq;
    if (this.status !== "live") this.setStatus("live");
    this.handlers.onEvent(event);
  }

  /** @param {string} data */
  waiting(data) {
    let body;
    try {
      body = JSON.parse(data);
    } catch {
      return;
    }
    if (!Array.isArray(body?.runnable)) return;
    const step = Number.isInteger(body.step) ? body.step : null;
    this.handlers.onWaiting?.({ runnable: body.runnable.map(String), step });
  }

  /** @param {StreamStatus} status */
  setStatus(status) {
    if (status === this.status) return;
    this.status = status;
    this.handlers.onStatus?.(status);
  }

  /**
   * Stop listening.
   * @param {StreamStatus} [status] what to report (default: leave as it is)
   */
  close(status) {
    this.closed = true;
    this.source.close();
    if (status) this.setStatus(status);
  }
}
