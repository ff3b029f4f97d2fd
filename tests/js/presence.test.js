import assert from "node:assert/strict";
import { test } from "node:test";

import "./helpers.js";
import {
  PositionSender, PresenceStream, RETRIES, SEND_INTERVAL, applyPlan, followPlan, parsePresenter, positionOf,
} from "../../static/js/net/presence.js";

/** A clock and timers the test moves by hand. */
function fakeTime() {
  const clock = { now: 0, timers: /** @type {{at: number, fn: () => void}[]} */ ([]) };
  return {
    clock,
    now: () => clock.now,
    later: (fn, ms) => {
      const timer = { at: clock.now + ms, fn };
      clock.timers.push(timer);
      return timer;
    },
    cancel: (timer) => { clock.timers = clock.timers.filter((t) => t !== timer); },
    /** @param {number} ms */
    async advance(ms) {
      clock.now += ms;
      for (const timer of clock.timers.filter((t) => t.at <= clock.now)) {
        clock.timers = clock.timers.filter((t) => t !== timer);
        timer.fn();
      }
      await settle();
    },
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));
const at = (seq, playing = true, speed = 1, live = false) => ({ seq, playing, speed, live });

function sender(time, answer = () => Promise.resolve()) {
  const sent = [];
  const s = new PositionSender((p) => {
    sent.push(p);
    return answer(p);
  }, { now: time.now, later: time.later, cancel: time.cancel });
  return { s, sent };
}

test("play, pause, speed and moves while paused go at once; the same position never twice", async () => {
  const time = fakeTime();
  const { s, sent } = sender(time);
  s.update(at(0, false));
  await settle();
  s.update(at(0, false));
  s.update(at(3, false)); // a step while paused
  await settle();
  s.update(at(3, true)); // play
  await settle();
  s.update(at(3, true, 2)); // faster
  await settle();
  assert.deepEqual(sent, [at(0, false), at(3, false), at(3, true), at(3, true, 2)]);
});

test("while playing, at most one position per SEND_INTERVAL, and the last one always goes", async () => {
  const time = fakeTime();
  const { s, sent } = sender(time);
  s.update(at(0, true));
  await settle();
  for (let seq = 1; seq <= 30; seq += 1) {
    s.update(at(seq, true)); // a frame every 16 ms, one event each
    await time.advance(16);
  }
  await time.advance(SEND_INTERVAL);
  const seqs = sent.map((p) => p.seq);
  assert.ok(sent.length <= 2 + Math.ceil((30 * 16) / SEND_INTERVAL), `${sent.length} sent: ${seqs}`);
  assert.equal(seqs.at(-1), 30, "the final position arrives");
  for (let i = 2; i < sent.length; i += 1) assert.ok(seqs[i] > seqs[i - 1], "in order");
});

test("one request at a time: a slow server gets the newest position next, not a backlog", async () => {
  const time = fakeTime();
  /** @type {(() => void)[]} */
  const pending = [];
  const { s, sent } = sender(time, () => new Promise((resolve) => pending.push(() => resolve(undefined))));
  s.update(at(1, false));
  s.update(at(2, false));
  s.update(at(3, false));
  s.update(at(4, false));
  await settle();
  assert.deepEqual(sent.map((p) => p.seq), [1]);
  pending.shift()?.();
  await settle();
  assert.deepEqual(sent.map((p) => p.seq), [1, 4]);
  pending.shift()?.();
  await settle();
  assert.equal(sent.length, 2);
});

test("a refused position is reported, and stop() sends nothing more", async () => {
  const time = fakeTime();
  const errors = [];
  const s = new PositionSender(() => Promise.reject(new Error("403")), {
    now: time.now, later: time.later, cancel: time.cancel, onError: (e) => errors.push(e.message),
  });
  s.update(at(1, false));
  await settle();
  assert.deepEqual(errors, ["403"]);
  s.stop();
  s.update(at(2, false));
  await time.advance(1000);
  assert.equal(errors.length, 1);
});

/** A stand-in Player with the commands presence uses. */
function player(fields = {}) {
  const calls = [];
  const p = {
    cursor: 0, log: { length: 100 }, complete: true, playing: false, follow: false, speed: 1, rate: 10, calls,
    setSpeed(s) { calls.push(["speed", s]); p.speed = s; },
    setFollow(on) { calls.push(["follow", on]); p.follow = on; p.playing = false; },
    seek(n) { calls.push(["seek", n]); p.cursor = Math.min(n, p.log.length); p.follow = false; },
    play() { calls.push(["play"]); p.playing = true; },
    pause() { calls.push(["pause"]); p.playing = false; p.follow = false; },
    ...fields,
  };
  return p;
}

test("positionOf: a live-following player counts as playing", () => {
  assert.deepEqual(positionOf(player({ cursor: 5, follow: true, speed: 2 })), at(5, true, 2, true));
});

test("paused: the follower goes to the exact event", () => {
  const p = player({ cursor: 40, playing: true });
  applyPlan(p, followPlan(p, { active: true, seq: 42, playing: false, speed: 1, live: false }));
  assert.deepEqual(p.calls, [["speed", 1], ["seek", 42], ["pause"]]);
  assert.equal(p.cursor, 42);
});

test("playing: a follower close enough keeps playing on its own; a far one jumps", () => {
  const near = player({ cursor: 40, playing: true });
  applyPlan(near, followPlan(near, { active: true, seq: 43, playing: true, speed: 1, live: false }));
  assert.deepEqual(near.calls, [["speed", 1]], "no seek, no play(): it would reset the pace");
  const far = player({ cursor: 10 });
  applyPlan(far, followPlan(far, { active: true, seq: 60, playing: true, speed: 2, live: false }));
  assert.deepEqual(far.calls, [["speed", 2], ["seek", 60], ["play"]]);
});

test("at the very end a follower does not start over; live follows the newest event", () => {
  const end = player({ cursor: 90 });
  applyPlan(end, followPlan(end, { active: true, seq: 100, playing: true, speed: 1, live: false }));
  assert.deepEqual(end.calls, [["speed", 1], ["seek", 100]]);
  const live = player({ complete: false });
  applyPlan(live, followPlan(live, { active: true, seq: 7, playing: true, speed: 1, live: true }));
  assert.deepEqual(live.calls, [["speed", 1], ["follow", true]]);
});

test("the presenter stopped: followers stay where it ended, paused", () => {
  const p = player({ cursor: 30, playing: true });
  applyPlan(p, followPlan(p, { active: false, seq: 33, playing: false, speed: 1, live: false }));
  assert.equal(p.cursor, 33);
  assert.equal(p.playing, false);
});

test("presenter messages are checked", () => {
  assert.deepEqual(parsePresenter('{"active":true,"seq":5,"playing":true,"speed":2.0,"live":false,"version":3}'),
    { active: true, seq: 5, playing: true, speed: 2, live: false });
  assert.equal(parsePresenter("{"), null);
  assert.equal(parsePresenter('{"seq":-1}'), null);
  assert.equal(parsePresenter('{"seq":1,"speed":"fast"}')?.speed, 1);
});

class FakeSource {
  static CLOSED = 2;
  static opened = [];
  constructor(url) {
    this.url = url;
    this.readyState = 0;
    this.listeners = {};
    FakeSource.opened.push(this);
  }
  addEventListener(name, fn) { this.listeners[name] = fn; }
  emit(name, data) { this.listeners[name]?.({ data }); }
  close() { this.readyState = FakeSource.CLOSED; }
}

test("the presence stream hands on presenter and viewers messages, and retries when it is lost", () => {
  FakeSource.opened = [];
  const got = [];
  const timers = [];
  const statuses = [];
  const stream = new PresenceStream("/api/runs/a/presence", {
    onPresenter: (m) => got.push(m.seq),
    onViewers: (n) => got.push(`viewers ${n}`),
    onStatus: (ok) => statuses.push(ok),
    EventSource: /** @type {any} */ (FakeSource),
    setTimeout: (fn, ms) => timers.push([fn, ms]),
  });
  const first = FakeSource.opened[0];
  first.emit("presenter", '{"active":true,"seq":9,"playing":false,"speed":1,"live":false}');
  first.emit("viewers", '{"count":3}');
  first.emit("viewers", "junk");
  assert.deepEqual(got, [9, "viewers 3"]);
  for (let i = 0; i < RETRIES; i += 1) {
    const source = FakeSource.opened.at(-1);
    source.readyState = FakeSource.CLOSED;
    source.onerror();
    const [fn] = timers.shift();
    fn();
  }
  assert.equal(FakeSource.opened.length, RETRIES + 1);
  FakeSource.opened.at(-1).readyState = FakeSource.CLOSED;
  FakeSource.opened.at(-1).onerror();
  assert.deepEqual(statuses, [false], "gives up after RETRIES");
  stream.close();
});
