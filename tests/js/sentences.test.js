import assert from "node:assert/strict";
import { test } from "node:test";

import { sentence } from "../../static/js/model/sentences.js";
import { fixture } from "./helpers.js";

const at = (log, kind, pred = () => true) => log.find((e) => e.kind === kind && pred(e));

test("events read as sentences a student understands", () => {
  const log = fixture("deadlock");
  assert.equal(sentence(at(log, "acquire")), "T1 acquired lock_a");
  assert.equal(sentence(at(log, "block", (e) => e.obj === "lock_b")), "T1 blocks: waits for lock_b");
  assert.equal(sentence(at(log, "block", (e) => e.detail.reason === "join")), "MainThread waits for T1 to finish");
  assert.equal(sentence(at(log, "create", (e) => e.thread === "T1")), "T1 was created to run transfer()");
  assert.match(sentence(at(log, "deadlock")), /^Deadlock! T1 holds lock_a and waits for lock_b/);
  assert.equal(sentence(at(log, "end")), "The run ended: Deadlocked");
});

test("values, permits, queues and bytecode stops are in the sentence", () => {
  const race = fixture("race");
  assert.equal(sentence(at(race, "write")), "T1 wrote counter ← 1");
  const sem = fixture("semaphore");
  assert.equal(sentence(at(sem, "declare")), "MainThread created Semaphore pool with 3 permits");
  assert.equal(sentence(at(sem, "acquire")), "W1 acquired pool — 2 permits left");
  const queue = fixture("queue");
  assert.equal(sentence(at(queue, "put")), "P1 put 'P1-1' into jobs (now 1 item)");
  assert.equal(sentence(at(queue, "block", (e) => e.detail.reason === "put")), "P1 blocks: jobs is full");
  const pe = fixture("plus-equals-bytecode");
  const stop = at(pe, "preempt", (e) => e.thread === "T1");
  assert.equal(sentence(stop), `T1 stopped before ${stop.detail.op} on line ${stop.line} — another thread runs`);
});

test("every recorded event gets a sentence without a placeholder", () => {
  for (const name of ["race", "deadlock", "semaphore", "queue", "plus-equals-bytecode"]) {
    for (const event of fixture(name)) {
      const text = sentence(event);
      assert.ok(text.length > 3 && !/undefined|\[object/.test(text), `${name} #${event.seq}: ${text}`);
    }
  }
});

test("an unknown kind still reads", () => {
  const e = { seq: 1, t: 0, kind: "teleport", thread: "T1", state: null, obj: "x", line: null, detail: {} };
  assert.equal(sentence(e), "T1: teleport x");
});

test("a task that yields its loop lets another task run, not another thread", () => {
  const ev = (detail) => ({ seq: 9, t: 0, kind: "preempt", thread: "cat", state: "Runnable", obj: null, line: 7, detail });
  assert.equal(sentence(ev({ task: true, yield: true, loop: "MainThread" })), "cat was switched out — another task runs");
  assert.equal(sentence(ev({})), "cat was switched out — another thread runs");
});

test("a join on a child process's MainThread waits for the process", () => {
  const ev = { seq: 5, t: 0, kind: "block", thread: "MainThread", state: "Blocked", obj: "Process-1/MainThread", line: 9, detail: { reason: "join" } };
  assert.equal(sentence(ev), "MainThread waits for process Process-1 to finish");
  assert.equal(sentence({ ...ev, obj: "Process-1/Thread-2" }), "MainThread waits for Process-1/Thread-2 to finish");
});

test("an event loop's wait names what can end it, and a wait on nothing says no 'null'", () => {
  const block = (detail, obj = null) => ({ seq: 1, t: 0, kind: "block", thread: "MainThread", state: "Blocked", obj, line: null, detail });
  assert.equal(sentence(block({ reason: "wait", loop: true, timeout: 0.5 })),
    "MainThread: its event loop waits for another thread's call or its next timer (0.5 s)");
  assert.equal(sentence(block({ reason: "wait", loop: true, timeout: null })),
    "MainThread: its event loop waits for another thread's call");
  assert.equal(sentence(block({ reason: "wait" })), "MainThread waits");
  assert.equal(sentence(block({ reason: "wait" }, "ready")), "MainThread waits on ready");
});
