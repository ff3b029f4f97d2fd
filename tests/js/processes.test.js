import assert from "node:assert/strict";
import { test } from "node:test";

import { PROCESS_SEPARATOR, processOf } from "../../static/js/model/events.js";

test("a child process's lane names its process; the run's own threads have none", () => {
  assert.equal(PROCESS_SEPARATOR, "/");
  assert.equal(processOf("Process-1/MainThread"), "Process-1");
  assert.equal(processOf("SpawnPoolWorker-2/Thread-1 (add)"), "SpawnPoolWorker-2");
  assert.equal(processOf("Process-1/Process-1:1/MainThread"), "Process-1/Process-1:1");
  assert.equal(processOf("MainThread"), null);
  assert.equal(processOf(null), null);
});

test("a process's start and end are said as a process's", async () => {
  const { sentence } = await import("../../static/js/model/sentences.js");
  const event = (kind, detail) => ({
    seq: 1, t: 0, kind, thread: "Process-1/MainThread", state: kind === "exit" ? "Dead" : "New",
    obj: null, line: null, detail,
  });
  assert.match(sentence(event("create", { pid: 42, target: "work", daemon: false })), /process 42 was started to run work\(\)/);
  assert.match(sentence(event("create", { pid: 42, free_running: true })), /runs free/);
  assert.match(sentence(event("exit", { pid: 42, exitcode: -15 })), /ended with exit code -15/);
});

test("a process's lanes are grouped under its MainThread lane, in creation order", async () => {
  const { laneRows } = await import("../../static/js/model/processrows.js");
  const names = [
    "MainThread", // 0
    "Process-1/MainThread", // 1
    "Thread-1", // 2
    "Process-2/MainThread", // 3
    "Process-1/Thread-1 (add)", // 4
    "Process-1/Process-1:1/MainThread", // 5
    "Process-2/Thread-1", // 6
    "Process-1/Process-1:1/Thread-1", // 7
  ];
  const rows = laneRows(names);
  const order = names.map((_, i) => i).sort((a, b) => rows[a] - rows[b]);
  assert.deepEqual(order, [0, 1, 4, 5, 7, 2, 3, 6]);
  assert.deepEqual(laneRows(["MainThread", "a/b"]), [0, 1]); // a "/" without its process
  assert.deepEqual(laneRows([]), []);
});
