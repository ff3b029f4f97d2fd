import assert from "node:assert/strict";
import { test } from "node:test";

import { ITEMS_KEPT, fold, initialState } from "../../static/js/model/reducer.js";
import { waitText } from "../../static/js/model/queries.js";
import { expected } from "../../static/js/views/primitives.js";
import { events, fixture } from "./helpers.js";

const started = (...names) => names.flatMap((n) => [
  ["create", n, "New"], ["start", n, "Runnable"], ["run", n, "Running"],
]);

test("a recorded free-mode deadlock: both locks held, both threads blocked, the cycle kept", () => {
  const log = fixture("deadlock");
  const state = fold(initialState(), log);
  assert.deepEqual(state.problems, []);
  assert.deepEqual(state.resources.lock_a.owners, { T1: 1 });
  assert.deepEqual(state.resources.lock_b.owners, { T2: 1 });
  assert.deepEqual(state.resources.lock_a.waiters, ["T2"]);
  assert.equal(waitText(state, "T1"), "waits for lock_b, held by T2");
  assert.equal(waitText(state, "T2"), "waits for lock_a, held by T1");
  assert.equal(waitText(state, "MainThread"), "waits for T1 to finish");
  assert.deepEqual(state.deadlock.cycle.map((e) => e.thread), ["T1", "T2"]);
  assert.equal(state.end?.status, "deadlocked");
});

test("a recorded semaphore run never has more holders than permits", () => {
  const log = fixture("semaphore");
  let state = initialState();
  let most = 0;
  for (const event of log) {
    state = fold(state, [event]);
    const pool = state.resources.pool;
    if (!pool) continue;
    const holders = Object.keys(pool.owners).length;
    most = Math.max(most, holders);
    assert.equal(holders + pool.value, pool.initial, `event ${event.seq}: holders + permits left = 3`);
  }
  assert.equal(most, 3);
  assert.deepEqual(state.problems, []);
});

test("mid-run, a worker blocked on the semaphore says it waits for a permit", () => {
  const log = fixture("semaphore");
  const at = log.findIndex((e) => e.kind === "block" && e.obj === "pool");
  const state = fold(initialState(), log.slice(0, at + 1));
  const name = log[at].thread;
  assert.match(waitText(state, name), /^waits for a permit of pool, held by W\d+, W\d+, W\d+$/);
  assert.deepEqual(state.resources.pool.waiters, [name]);
});

test("a recorded queue run: its contents follow put and get, in order", () => {
  const log = fixture("queue");
  let state = initialState();
  for (const event of log) {
    state = fold(state, [event]);
    const jobs = state.resources.jobs;
    if (jobs && Number.isInteger(event.detail.size)) {
      assert.equal(jobs.items.length, event.detail.size, `event ${event.seq}`);
      assert.ok(jobs.items.length <= 3, "maxsize 3");
    }
  }
  const firstGet = log.find((e) => e.kind === "get");
  const firstPut = log.find((e) => e.kind === "put");
  assert.equal(firstGet.detail.item, firstPut.detail.item, "FIFO: the first put is the first got");
  assert.deepEqual(state.problems, []);
});

test("a producer blocked on a full queue says so", () => {
  const log = fixture("queue");
  const at = log.findIndex((e) => e.kind === "block" && e.detail.reason === "put");
  const state = fold(initialState(), log.slice(0, at + 1));
  assert.equal(waitText(state, log[at].thread), "waits for room in jobs (3 of 3)");
});

test("a queue keeps at most ITEMS_KEPT items, but always its size", () => {
  const specs = [...started("P"), ["declare", "P", "Running", "q", 1, { type: "Queue", value: 0 }]];
  for (let i = 0; i < ITEMS_KEPT + 10; i += 1) specs.push(["put", "P", "Running", "q", 2, { item: `'${i}'`, size: i + 1 }]);
  specs.push(["get", "P", "Running", "q", 3, { item: "'0'", size: ITEMS_KEPT + 9 }]);
  const q = fold(initialState(), events(specs)).resources.q;
  assert.equal(q.items.length, ITEMS_KEPT - 1);
  assert.equal(q.items[0], "'1'");
  assert.equal(q.size, ITEMS_KEPT + 9);
});

test("a shared counter knows what it should be: each lost update shows", () => {
  const state = fold(initialState(), events([
    ...started("T1", "T2"),
    ["declare", "T1", "Running", "counter", 1, { type: "Shared", value: 0 }],
    ["read", "T1", "Running", "counter", 2, { value: 0 }],
    ["read", "T2", "Running", "counter", 2, { value: 0 }],
    ["write", "T1", "Running", "counter", 3, { value: 1 }],
    ["write", "T2", "Running", "counter", 3, { value: 1 }], // T2's stale write: one lost
    ["read", "T1", "Running", "counter", 2, { value: 1 }],
    ["write", "T1", "Running", "counter", 3, { value: 2 }],
  ]));
  const counter = state.resources.counter;
  assert.equal(counter.value, 2);
  assert.equal(counter.intended, 3);
  assert.deepEqual(counter.lastRead, {});
  assert.deepEqual(expected(counter), { intended: 3, lost: 1 });
});

test("a shared text or dict has no 'should be': it is what was last written", () => {
  const state = fold(initialState(), events([
    ...started("T1"),
    ["declare", "T1", "Running", "progress", 1, { type: "Shared", value: "{}" }],
    ["write", "T1", "Running", "progress", 2, { value: "{}" }],
    ["declare", "T1", "Running", "hits", 1, { type: "Shared", value: 0 }],
  ]));
  assert.equal(expected(state.resources.progress), null);
  assert.equal(expected(state.resources.hits), null); // nothing written yet: nothing to check
});

test("the recorded race's counter: should-be minus value is the verdict's loss", () => {
  const log = fixture("race");
  const state = fold(initialState(), log);
  const { expected, actual } = state.end.verdict.facts;
  assert.equal(state.resources.counter.intended, expected);
  assert.equal(state.resources.counter.value, actual);
});

test("a barrier counts arrivals, opens, and breaks on abort", () => {
  let state = fold(initialState(), events([
    ...started("A", "B"),
    ["declare", "A", "Running", "gate", 1, { type: "Barrier", value: 2 }],
    ["wait", "A", "Running", "gate", 2, { arrived: 1, parties: 2 }],
    ["block", "A", "Blocked", "gate", 2, { reason: "wait" }],
  ]));
  assert.equal(state.resources.gate.arrived, 1);
  assert.equal(waitText(state, "A"), "waits at gate (1 of 2 arrived)");
  state = fold(state, events([
    ...Array(9).fill(["run", "B", "Running"]),
    ["wait", "B", "Running", "gate", 2, { arrived: 2, parties: 2 }],
    ["notify_all", "B", "Running", "gate", 2, { woken: ["A"], phase_done: true }],
    ["abort", "B", "Running", "gate", 3, { waiting: 0 }],
  ]).slice(9));
  assert.equal(state.resources.gate.arrived, 0);
  assert.equal(state.resources.gate.phase, 1);
  assert.equal(state.resources.gate.broken, true);
  assert.equal(state.resources.gate.value, 2, "a reset is not an Event.clear()");
});

test("a condition names its lock; its waiters are in order", () => {
  const state = fold(initialState(), events([
    ...started("C1", "C2"),
    ["declare", "C1", "Running", "cond", 1, { type: "Condition", lock: "cond.lock" }],
    ["block", "C1", "Blocked", "cond", 2, { reason: "wait" }],
    ["block", "C2", "Blocked", "cond", 2, { reason: "wait" }],
  ]));
  assert.equal(state.resources.cond.lock, "cond.lock");
  assert.deepEqual(state.resources.cond.waiters, ["C1", "C2"]);
  assert.equal(waitText(state, "C2"), "waits on cond to be notified");
});

test("a bytecode pre-emption keeps the instruction until the thread runs again", () => {
  const log = fixture("plus-equals-bytecode");
  const at = log.findIndex((e) => e.kind === "preempt" && e.thread === "T1");
  let state = fold(initialState(), log.slice(0, at + 1));
  assert.deepEqual(state.threads.T1.stop, { op: log[at].detail.op, offset: log[at].detail.offset });
  const runs = log.findIndex((e, i) => i > at && e.kind === "run" && e.thread === "T1");
  state = fold(state, log.slice(at + 1, runs + 1));
  assert.equal(state.threads.T1.stop, null);
  const end = fold(initialState(), log);
  assert.deepEqual(end.problems, []);
  assert.equal(end.end.verdict.facts.lost, 1);
});

test("the end event's schedule and steps are found wherever the server puts them", () => {
  const end = (detail) => fold(initialState(), events([["end", null, null, null, null, detail]])).end;
  assert.deepEqual(end({ status: "finished", schedule: ["T1", "T2"], steps: 9 }).schedule, ["T1", "T2"]);
  assert.equal(end({ status: "finished", facts: { schedule: ["T2"], steps: 4 } }).steps, 4);
  const inVerdict = end({ status: "finished", verdict: { summary: "x", facts: { schedule: ["T1"] } } });
  assert.deepEqual(inVerdict.schedule, ["T1"]);
});

test("a controlled run's event loop with no ready task waits for a call or a timer", () => {
  const log = events([
    ...started("MainThread"),
    ["create", "Task-1", "New", null, null, { task: true, loop: "MainThread" }],
    ["start", "Task-1", "Runnable"],
    ["block", "Task-1", "Blocked", null, 3, { reason: "sleep", seconds: 0.5 }],
    ["block", "MainThread", "Blocked", null, null, { reason: "wait", timeout: 0.5, loop: true }],
  ]);
  const state = fold(initialState(), log);
  assert.equal(waitText(state, "MainThread"), "its event loop waits for a call or a timer");
  // A thread with no task on it, blocked the same way, says no more than it knows.
  const plain = fold(initialState(), events([...started("T1"), ["block", "T1", "Blocked", null, null, { reason: "wait" }]]));
  assert.equal(waitText(plain, "T1"), "waiting (wait)");
});
