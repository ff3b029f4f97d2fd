import assert from "node:assert/strict";
import { test } from "node:test";

import "./helpers.js";
import { RETRIES, RunStream } from "../../static/js/net/stream.js";

/** A stand-in for the browser's EventSource that the test drives by hand. */
class FakeSource {
  static CONNECTING = 0;
  static OPEN = 1;
  static CLOSED = 2;
  static last = /** @type {FakeSource | null} */ (null);

  constructor(url) {
    this.url = url;
    this.readyState = FakeSource.CONNECTING;
    this.listeners = new Map();
    this.onopen = null;
    this.onmessage = null;
    this.onerror = null;
    FakeSource.last = this;
  }
  addEventListener(name, fn) { this.listeners.set(name, fn); }
  close() { this.readyState = FakeSource.CLOSED; }
  open() { this.readyState = FakeSource.OPEN; this.onopen?.(); }
  message(event) { this.onmessage?.({ data: JSON.stringify(event) }); }
  named(name, event) { this.listeners.get(name)?.({ data: JSON.stringify(event) }); }
  drop(closed = false) {
    this.readyState = closed ? FakeSource.CLOSED : FakeSource.CONNECTING;
    this.onerror?.();
  }
}

const ev = (seq, kind = "run") => ({ seq, t: seq, kind, thread: "T1", state: "Running", obj: null, line: null, detail: {} });

function start() {
  const got = [];
  const statuses = [];
  const waits = [];
  const timers = [];
  const stream = new RunStream("/api/runs/x/events", {
    onEvent: (e) => got.push(e.seq),
    onStatus: (s) => statuses.push(s),
    onWaiting: (w) => waits.push(w),
    EventSource: /** @type {any} */ (FakeSource),
    setTimeout: (fn, ms) => timers.push({ fn, ms }),
  });
  return { stream, got, statuses, waits, timers, source: /** @type {FakeSource} */ (FakeSource.last) };
}

test("events arrive once each, in order; `end` closes the stream", () => {
  const { stream, got, statuses, source } = start();
  assert.equal(source.url, "/api/runs/x/events");
  source.open();
  source.message(ev(1));
  source.message(ev(2));
  source.drop(); // the connection drops; EventSource reconnects with Last-Event-ID: 2
  source.message(ev(2)); // a server that repeats itself
  source.message(ev(3));
  source.named("end", ev(4, "end"));
  assert.deepEqual(got, [1, 2, 3, 4]);
  assert.deepEqual(statuses, ["live", "reconnecting", "live", "ended"]);
  assert.equal(source.readyState, FakeSource.CLOSED);
  assert.equal(stream.status, "ended");
});

test("a stream the browser gives up on is resumed with ?after=, then reported disconnected", () => {
  const { stream, got, statuses, timers, source } = start();
  source.open();
  source.message(ev(1));
  source.message(ev(2));
  source.drop(true); // e.g. the server answered 503: EventSource will not retry
  assert.deepEqual(statuses, ["live", "reconnecting"]);
  assert.equal(timers[0].ms, 1000);
  timers.shift().fn();
  const again = /** @type {FakeSource} */ (FakeSource.last);
  assert.equal(again.url, "/api/runs/x/events?after=2");
  again.open();
  again.message(ev(3));
  assert.deepEqual(got, [1, 2, 3]);
  for (let i = 0; i < RETRIES; i += 1) {
    FakeSource.last.drop(true);
    timers.shift()?.fn();
  }
  FakeSource.last.drop(true);
  assert.equal(stream.status, "disconnected");
  assert.ok(timers.length === 0);
  assert.equal(statuses.at(-1), "disconnected");
});

test("a manual run's waiting messages are passed on, and never taken for events", () => {
  const { got, waits, source } = start();
  source.open();
  source.named("waiting", { runnable: ["T1", "T2"], step: 4 });
  source.named("waiting", { nonsense: true });
  assert.deepEqual(waits, [{ runnable: ["T1", "T2"], step: 4 }]);
  assert.deepEqual(got, []);
});

test("a message that is not an event is ignored", () => {
  const { got, source } = start();
  source.onmessage?.({ data: "not json" });
  source.onmessage?.({ data: "{}" });
  source.message(ev(1));
  assert.deepEqual(got, [1]);
});
