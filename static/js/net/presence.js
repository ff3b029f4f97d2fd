// @ts-check
/**
 * Presenter mode, without the page: what the presenter sends, how often, and what a
 * follower does with it.
 *
 *   presenter's Player ──each frame──▶ PositionSender ──POST /api/runs/{id}/presenter──▶ server
 *        (one request at a time; a change of play/pause/speed/live or a move while
 *         paused goes at once, the position while playing at most every SEND_INTERVAL)
 *
 *   server ──GET /api/runs/{id}/presence (SSE, `event: presenter`)──▶ PresenceStream
 *        ──▶ followPlan(player, message) ──▶ applyPlan(player, plan)
 *
 * A follower plays on its own between messages, at the presenter's speed; it only
 * jumps when it has drifted more than DRIFT_SECONDS of playback from the presenter,
 * so the board does not stutter ten times a second. Paused, it goes to the exact event.
 * @module net/presence
 */

/** @typedef {import("./apitypes.js").Position} Position */

export const SEND_INTERVAL = 100; // ms: at most ~10 positions a second while playing
export const DRIFT_SECONDS = 0.5;
export const RETRIES = 8;

/**
 * The part of a Player presence needs (the real one, or a stand-in in tests).
 * @typedef {object} PlayerLike
 * @property {number} cursor events shown
 * @property {{length: number}} log
 * @property {boolean} complete
 * @property {boolean} playing
 * @property {boolean} follow
 * @property {number} speed
 * @property {number} rate events per second at the current speed
 */

/**
 * @param {PlayerLike} player
 * @returns {Position}
 */
export function positionOf(player) {
  return {
    seq: player.cursor,
    playing: player.playing || player.follow,
    speed: player.speed,
    live: player.follow,
  };
}

/**
 * @param {Position} a
 * @param {Position} b
 */
export function samePosition(a, b) {
  return a.seq === b.seq && a.playing === b.playing && a.speed === b.speed && a.live === b.live;
}

/**
 * @typedef {object} SenderOptions
 * @property {number} [interval] ms between positions while playing
 * @property {() => number} [now] ms
 * @property {(fn: () => void, ms: number) => any} [later]
 * @property {(timer: any) => void} [cancel]
 * @property {(error: unknown) => void} [onError]
 */

/** Sends the presenter's position: every change, throttled while playing, in order. */
export class PositionSender {
  /**
   * @param {(position: Position) => Promise<unknown>} send
   * @param {SenderOptions} [options]
   */
  constructor(send, options = {}) {
    this.send = send;
    this.interval = options.interval ?? SEND_INTERVAL;
    this.now = options.now ?? (() => performance.now());
    this.later = options.later ?? ((fn, ms) => setTimeout(fn, ms));
    this.cancel = options.cancel ?? ((timer) => clearTimeout(timer));
    this.onError = options.onError ?? (() => {});
    /** @type {Position | null} the newest position */
    this.latest = null;
    /** @type {Position | null} the last one sent */
    this.sent = null;
    this.lastSent = -Infinity;
    this.inflight = false;
    /** @type {any} */
    this.timer = null;
    this.stopped = false;
  }

  /** @param {Position} position where the presenter is now */
  update(position) {
    if (this.stopped) return;
    this.latest = position;
    if (this.inflight) return; // sent when the request in flight is answered
    if (this.sent && samePosition(position, this.sent)) {
      this.clearTimer();
      return;
    }
    const wait = this.urgent(position) ? 0 : this.lastSent + this.interval - this.now();
    if (wait <= 0) {
      this.clearTimer();
      void this.flush();
    } else if (this.timer === null) {
      this.timer = this.later(() => {
        this.timer = null;
        void this.flush();
      }, wait);
    }
  }

  /**
   * A change followers should see at once (not only the position moving on in play).
   * @param {Position} position
   */
  urgent(position) {
    const sent = this.sent;
    return !sent || !position.playing || position.playing !== sent.playing
      || position.speed !== sent.speed || position.live !== sent.live;
  }

  async flush() {
    const position = this.latest;
    if (this.stopped || this.inflight || !position) return;
    this.inflight = true;
    this.sent = position;
    this.lastSent = this.now();
    try {
      await this.send(position);
    } catch (error) {
      this.onError(error);
    } finally {
      this.inflight = false;
    }
    if (this.latest && !samePosition(this.latest, position)) this.update(this.latest);
  }

  clearTimer() {
    if (this.timer !== null) this.cancel(this.timer);
    this.timer = null;
  }

  stop() {
    this.stopped = true;
    this.clearTimer();
  }
}

/**
 * A presenter message from the presence stream.
 * @typedef {object} PresenterMessage
 * @property {boolean} active false: the presenter stopped (followers stay, paused)
 * @property {number} seq
 * @property {boolean} playing
 * @property {number} speed
 * @property {boolean} live
 */

/**
 * @param {string} data the message's JSON
 * @returns {PresenterMessage | null} null if it is not one
 */
export function parsePresenter(data) {
  let body;
  try {
    body = JSON.parse(data);
  } catch {
    return null;
  }
  if (!body || typeof body !== "object" || !Number.isInteger(body.seq) || body.seq < 0) return null;
  const speed = Number(body.speed);
  return {
    active: body.active !== false,
    seq: body.seq,
    playing: body.playing === true,
    speed: Number.isFinite(speed) && speed > 0 ? speed : 1,
    live: body.live === true,
  };
}

/**
 * What a follower does to match the presenter.
 * @typedef {object} Plan
 * @property {number | null} seek go to this event first (null: stay)
 * @property {"play" | "pause" | "live"} motion
 * @property {number} speed
 */

/**
 * @param {PlayerLike} player the follower's
 * @param {PresenterMessage} message
 * @returns {Plan}
 */
export function followPlan(player, message) {
  const speed = message.speed;
  if (message.active && message.live) return { seek: null, motion: "live", speed };
  if (!message.active || !message.playing) return { seek: message.seq, motion: "pause", speed };
  const perSecond = (player.rate / (player.speed || 1)) * speed;
  const slack = Math.max(2, Math.ceil(perSecond * DRIFT_SECONDS));
  const seek = Math.abs(player.cursor - message.seq) > slack || player.follow ? message.seq : null;
  const at = seek ?? player.cursor;
  // Played to the end: nothing more to play (and play() at the end would start over).
  const over = player.complete && at >= player.log.length;
  return { seek, motion: over ? "pause" : "play", speed };
}

/**
 * The commands a Player needs for a plan (the follower's own position is its own).
 * @typedef {object} Playable
 * @property {boolean} playing
 * @property {boolean} follow
 * @property {(speed: number) => void} setSpeed
 * @property {(on: boolean) => void} setFollow
 * @property {(n: number) => void} seek
 * @property {() => void} play
 * @property {() => void} pause
 */

/**
 * @param {Playable} player
 * @param {Plan} plan
 */
export function applyPlan(player, plan) {
  player.setSpeed(plan.speed);
  if (plan.motion === "live") {
    if (!player.follow) player.setFollow(true);
    return;
  }
  if (plan.seek !== null) player.seek(plan.seek);
  if (plan.motion === "play") {
    if (!player.playing) player.play(); // play() again would reset the pace
  } else if (player.playing || player.follow) {
    player.pause();
  }
}

/**
 * @typedef {object} PresenceHandlers
 * @property {(message: PresenterMessage) => void} onPresenter
 * @property {(count: number) => void} [onViewers] how many have the run open
 * @property {(ok: boolean) => void} [onStatus] connected, or lost for good
 * @property {typeof EventSource} [EventSource] for tests
 * @property {(fn: () => void, ms: number) => any} [setTimeout] for tests
 */

/**
 * A run's presence stream. EventSource reconnects by itself after a drop; when the
 * browser gives up, a new one is opened after 1, 2, 4… s (at most 30 s), RETRIES times.
 */
export class PresenceStream {
  /**
   * @param {string} url
   * @param {PresenceHandlers} handlers
   */
  constructor(url, handlers) {
    this.url = url;
    this.handlers = handlers;
    this.Source = handlers.EventSource ?? globalThis.EventSource;
    this.later = handlers.setTimeout ?? ((fn, ms) => setTimeout(fn, ms));
    this.retries = 0;
    this.closed = false;
    this.source = this.open();
  }

  /** @returns {EventSource} */
  open() {
    const source = new this.Source(this.url);
    source.onopen = () => {
      this.retries = 0;
      this.handlers.onStatus?.(true);
    };
    source.addEventListener("presenter", (message) => {
      const body = parsePresenter(/** @type {MessageEvent} */ (message).data);
      if (body) this.handlers.onPresenter(body);
    });
    source.addEventListener("viewers", (message) => {
      try {
        const count = JSON.parse(/** @type {MessageEvent} */ (message).data).count;
        if (Number.isInteger(count)) this.handlers.onViewers?.(count);
      } catch {
        // not a viewers message: ignore it
      }
    });
    source.onerror = () => {
      if (this.closed || source !== this.source) return;
      if (source.readyState === this.Source.CLOSED) this.retry();
    };
    return source;
  }

  retry() {
    if (this.retries >= RETRIES) {
      this.handlers.onStatus?.(false);
      return;
    }
    const delay = Math.min(30_000, 1000 * 2 ** this.retries);
    this.retries += 1;
    this.later(() => {
      if (!this.closed) this.source = this.open();
    }, delay);
  }

  close() {
    this.closed = true;
    this.source.close();
  }
}
