import assert from "node:assert/strict";
import { test } from "node:test";

import "./helpers.js";
import { formatPlace, parsePlace } from "../../static/js/model/deeplink.js";
import { actionFor, SHORTCUTS } from "../../static/js/ui/keys.js";

test("#seq=N and #run=…&seq=N round-trip; junk is ignored", () => {
  assert.deepEqual(parsePlace("#seq=25"), { run: null, seq: 25 });
  assert.deepEqual(parsePlace("run=abc_D-9&seq=0"), { run: "abc_D-9", seq: 0 });
  assert.deepEqual(parsePlace("#seq=-3&run=<x>"), { run: null, seq: null });
  assert.equal(formatPlace({ run: null, seq: 25 }), "#seq=25");
  assert.equal(formatPlace({ run: "abc", seq: 7 }), "#run=abc&seq=7");
  assert.equal(formatPlace({ run: null, seq: null }), "");
});

const div = { closest: () => null, matches: () => false };
const input = { closest: () => ({}), matches: () => false };
const slider = { closest: () => ({}), matches: (s) => s === "input[type=range]" };

test("keys map to actions, never while typing or with a modifier", () => {
  assert.equal(actionFor({ key: " ", target: div }), "toggle");
  assert.equal(actionFor({ key: "ArrowLeft", target: div }), "back");
  assert.equal(actionFor({ key: "End", target: div }), "end");
  assert.equal(actionFor({ key: "+", target: div }), "faster");
  assert.equal(actionFor({ key: "?", target: div }), "help");
  assert.equal(actionFor({ key: "3", target: div }), "step");
  assert.equal(actionFor({ key: " ", target: input }), null);
  assert.equal(actionFor({ key: "ArrowLeft", target: div, ctrlKey: true }), null);
  assert.equal(actionFor({ key: "ArrowLeft", target: slider }), null, "the scrubber moves itself");
  assert.equal(actionFor({ key: " ", target: slider }), "toggle");
});

test("the overlay lists every action the keys can take", () => {
  const listed = new Set(SHORTCUTS.map((s) => s.action));
  for (const action of ["toggle", "back", "forward", "start", "end", "faster", "slower", "help"]) {
    assert.ok(listed.has(action), action);
  }
});
