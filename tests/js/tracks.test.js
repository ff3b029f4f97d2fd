import assert from "node:assert/strict";
import { test } from "node:test";

import { MARKS, Tracks } from "../../static/js/model/tracks.js";
import { fixture } from "./helpers.js";

test("each thread's track is its states as segments, in event order", () => {
  const tracks = new Tracks();
  const log = fixture("deadlock");
  for (const event of log) tracks.append(event);
  assert.equal(tracks.count, log.length);
  const t1 = tracks.byName.get("T1");
  const states = [];
  for (let k = 0; k < t1.segStart.length; k += 1) states.push(t1.segState.at(k));
  // New, Runnable, Running, Blocked (sleep), Runnable, Running, Blocked (lock_b)
  assert.deepEqual(states, [0, 1, 2, 3, 1, 2, 3]);
  assert.equal(tracks.segmentEnd(t1, t1.segStart.length - 1), log.length);
  assert.equal(t1.events.length, log.filter((e) => e.thread === "T1").length);
  const acquire = log.findIndex((e) => e.kind === "acquire");
  assert.equal(MARKS[tracks.mark.at(acquire)], "acquire");
  assert.equal(tracks.thread.at(log.length - 1), -1, "the end event has no thread");
});

test("lookups: the segment at an event, the nearest event, the event at a time", () => {
  const tracks = new Tracks();
  const log = fixture("race");
  for (const event of log) tracks.append(event);
  const t2 = tracks.byName.get("T2");
  const first = t2.events.at(0);
  assert.equal(tracks.segmentAt(t2, first - 1), -1, "before T2 existed");
  assert.equal(tracks.segmentAt(t2, first), 0);
  assert.equal(tracks.nearestEvent(t2, 0), first);
  assert.equal(tracks.indexAtTime(log[20].t), log.findLastIndex((e) => e.t <= log[20].t));
  assert.deepEqual(tracks.timeSpan(), [log[0].t, log.at(-1).t]);
});

test("100,000 events of 64 threads index quickly and compactly", () => {
  const tracks = new Tracks();
  const states = ["Runnable", "Running", "Blocked"];
  const started = performance.now();
  for (let i = 0; i < 100_000; i += 1) {
    tracks.append({ seq: i + 1, t: i / 1000, kind: i % 3 ? "read" : "acquire", thread: `T${i % 64}`, state: states[i % 3], obj: "x", line: 1, detail: {} });
  }
  const ms = performance.now() - started;
  assert.equal(tracks.lanes.length, 64);
  assert.ok(ms < 1000, `took ${ms.toFixed(0)} ms`);
});

test("an asyncio task's lane and a library's own thread are marked as such", () => {
  const tracks = new Tracks();
  /** @param {number} seq @param {string} thread @param {object} detail */
  const create = (seq, thread, detail) => ({
    seq, t: seq / 1000, kind: "create", thread, state: "New", obj: null, line: null, detail,
  });
  tracks.append(create(1, "MainThread", {}));
  tracks.append(create(2, "Task-1", { task: true, loop: "MainThread", target: "main" }));
  tracks.append(create(3, "asyncio_0", { adopted: true, internal: true }));
  const lanes = tracks.lanes.map((l) => [l.name, l.task, l.internal]);
  assert.deepEqual(lanes, [
    ["MainThread", false, false],
    ["Task-1", true, false],
    ["asyncio_0", false, true],
  ]);
});
