import assert from "node:assert/strict";
import { test } from "node:test";

import { fold, initialState } from "../../static/js/model/reducer.js";
import { goalReached, waitGraph } from "../../static/js/model/queries.js";
import { fixture } from "./helpers.js";

test("the deadlock's wait-for graph is a red cycle through both locks", () => {
  const log = fixture("deadlock");
  const before = fold(initialState(), log.filter((e) => e.kind !== "deadlock" && e.kind !== "end"));
  const graph = waitGraph(before);
  assert.ok(graph.edges.every((e) => !e.cycle), "no red before the deadlock event is played");
  const state = fold(initialState(), log);
  const { nodes, edges } = waitGraph(state);
  assert.deepEqual(nodes.slice(0, 4).map((n) => n.id), ["T1", "lock_b", "T2", "lock_a"]);
  const red = edges.filter((e) => e.cycle).map((e) => `${e.from}>${e.to}:${e.kind}`).sort();
  assert.deepEqual(red, ["T1>lock_b:waits", "T2>lock_a:waits", "lock_a>T1:holds", "lock_b>T2:holds"]);
  const join = edges.find((e) => e.from === "MainThread");
  assert.deepEqual(join, { from: "MainThread", to: "T1", kind: "waits", cycle: false });
  assert.equal(nodes.find((n) => n.id === "lock_a")?.kind, "resource");
});

test("shared variables and queues are not drawn as lock holders", () => {
  const state = fold(initialState(), fixture("queue").slice(0, 40));
  assert.ok(waitGraph(state).edges.every((e) => e.kind === "waits"));
});

test("goals are judged like app/analysis/goals.py", () => {
  const end = (status, facts) => ({ status, verdict: { summary: "", facts }, message: null, schedule: null, steps: null });
  assert.ok(goalReached("deadlock", end("deadlocked", {})));
  assert.ok(!goalReached("deadlock", end("finished", { lost: 3 })));
  assert.ok(goalReached("lost_update", end("finished", { lost: 3 })));
  assert.ok(!goalReached("lost_update", end("finished", { lost: 0 })));
  assert.ok(goalReached("any_failure", end("finished", { errors: { T1: "boom" } })));
  assert.ok(!goalReached("any_failure", end("finished", { errors: {}, broken: false })));
  assert.ok(goalReached("any_failure", end("finished", { broken: true })));
  assert.ok(!goalReached("deadlock", null));
});
