import assert from "node:assert/strict";
import { test } from "node:test";

import "./helpers.js";
import { DEMO_KEYS, demoLink, withoutAutorun } from "../../static/js/model/demolink.js";

const base = { params: { threads: 8, iterations: 500 }, seed: null, policy: "random", options: {}, autorun: false };

test("a controlled setup becomes the slide's link, every parameter spelled out", () => {
  const link = demoLink("race", {
    ...base, mode: "controlled", seed: 7, policy: "pct", options: { depth: 3, granularity: "operation" }, autorun: true,
  });
  assert.equal(link, "/scenarios/race?threads=8&iterations=500&mode=controlled&seed=7&policy=pct&pct_depth=3&autorun=1");
});

test("free mode leaves out what only controlled runs use", () => {
  const link = demoLink("race", { ...base, mode: "free", seed: 9, options: { granularity: "bytecode" } });
  assert.equal(link, "/scenarios/race?threads=8&iterations=500&mode=free");
});

test("a free run's GIL lane is gil_lane=1, from the form or a run's options; never controlled", () => {
  assert.equal(demoLink("race", { ...base, mode: "free", gil_lane: true }), "/scenarios/race?threads=8&iterations=500&mode=free&gil_lane=1");
  assert.equal(demoLink("race", { ...base, mode: "free", options: { gil_lane: true } }).endsWith("&gil_lane=1"), true);
  assert.equal(demoLink("race", { ...base, mode: "controlled", gil_lane: true }).includes("gil_lane"), false);
});

test("no seed, the scenario's own granularity, booleans and odd names", () => {
  const link = demoLink("plus-equals", {
    ...base, params: { recheck: false, "a b": "x&y" }, mode: "controlled", options: { granularity: "bytecode" },
  }, "bytecode");
  const query = new URLSearchParams(link.split("?")[1]);
  assert.equal(query.get("recheck"), "false");
  assert.equal(query.get("a b"), "x&y");
  assert.equal(query.has("seed"), false, "a blank seed: a new one on every opening");
  assert.equal(query.has("granularity"), false, "the scenario's default is not repeated");
  assert.equal(query.has("pct_depth"), false, "only PCT has a depth");
  assert.equal(demoLink("x", { ...base, mode: "controlled", options: { granularity: "bytecode" } })
    .includes("granularity=bytecode"), true);
});

test("the schedule's keys are the server's (pages.DEMO_KEYS)", () => {
  assert.deepEqual([...DEMO_KEYS], ["mode", "seed", "policy", "pct_depth", "granularity", "gil_lane", "autorun"]);
});

test("autorun is dropped from the URL once it has run; the rest stays", () => {
  assert.equal(withoutAutorun("http://h:1/scenarios/race?threads=8&autorun=1#run=abc"), "/scenarios/race?threads=8#run=abc");
  assert.equal(withoutAutorun("http://h:1/scenarios/race?autorun=1"), "/scenarios/race");
});
