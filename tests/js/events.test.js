import assert from "node:assert/strict";
import { test } from "node:test";

import { FIELDS, KINDS, STATES, allowedTransition, validate } from "../../static/js/model/events.js";
import { fixture } from "./helpers.js";

test("every recorded event keeps to the contract, fields in order", () => {
  for (const name of ["race", "race-locked"]) {
    for (const event of fixture(name)) {
      assert.equal(validate(event), null, JSON.stringify(event));
      assert.deepEqual(Object.keys(event), [...FIELDS]);
    }
  }
});

test("validate names what is wrong", () => {
  const good = { seq: 1, t: 0, kind: "run", thread: "T1", state: "Running", obj: null, line: 3, detail: {} };
  assert.equal(validate(good), null);
  assert.match(validate({ ...good, seq: 0 }) ?? "", /seq must be a positive integer/);
  assert.match(validate({ ...good, kind: "jump" }) ?? "", /unknown event kind "jump"/);
  assert.match(validate({ ...good, state: "Sleeping" }) ?? "", /unknown thread state/);
  assert.match(validate({ ...good, detail: [] }) ?? "", /detail must be an object/);
  const { line, ...noLine } = good;
  assert.match(validate(noLine) ?? "", /missing field\(s\) line/);
  assert.equal(validate([]), "an event must be a JSON object");
});

test("the lifecycle diagram", () => {
  assert.ok(allowedTransition(null, "New"));
  assert.ok(allowedTransition("Running", "Running"));
  assert.ok(allowedTransition("Blocked", "Runnable"));
  assert.ok(!allowedTransition("Dead", "Running"), "no thread leaves Dead");
  assert.ok(!allowedTransition("Blocked", "Running"), "a woken thread is Runnable first");
  assert.ok(!allowedTransition(null, "Running"));
  assert.deepEqual([...STATES], ["New", "Runnable", "Running", "Blocked", "Dead"]);
  assert.ok(KINDS.includes("end") && KINDS.includes("preempt"));
});
