import assert from "node:assert/strict";
import { test } from "node:test";

import "./helpers.js";
import { errorMessage, fieldErrors } from "../../static/js/net/apierror.js";
import { checkNumber } from "../../static/js/controls/params.js";

const FIELDS = ["threads", "iterations"];

test("Threadlab's 422 {detail, param} lands next to its field", () => {
  const detail = "'threads' must be between 1 and 16; got 99.";
  assert.deepEqual(fieldErrors(detail, FIELDS, "threads"), { threads: detail });
});

test("a sentence quoting a field lands next to it; others go to the form", () => {
  assert.deepEqual(fieldErrors("'iterations' must be a whole number.", FIELDS), {
    iterations: "'iterations' must be a whole number.",
  });
  assert.deepEqual(fieldErrors("Scenario 'x' not found.", FIELDS), { "": "Scenario 'x' not found." });
  assert.deepEqual(fieldErrors("'threads': bad", FIELDS, "nope"), { threads: "'threads': bad" });
});

test("FastAPI's list of errors is split by field", () => {
  const detail = [
    { loc: ["body", "params", "threads"], msg: "too big" },
    { loc: ["body", "seed"], msg: "not an int" },
  ];
  assert.deepEqual(fieldErrors(detail, FIELDS), { threads: "too big", "": "not an int" });
});

test("error messages are sentences", () => {
  assert.equal(errorMessage(429, null), "Too many runs are waiting. Try again in a few seconds.");
  assert.equal(errorMessage(404, "Run 'x' not found."), "Run 'x' not found.");
  assert.equal(errorMessage(500, null), "The server answered 500.");
});

test("numbers are checked like the server checks them", () => {
  assert.equal(checkNumber("threads", "4", true, 1, 16), 4);
  assert.equal(checkNumber("iterations", "10,000", true, 1, 100000), 10000);
  assert.equal(checkNumber("threads", "99", true, 1, 16), "'threads' must be between 1 and 16; got 99.");
  assert.equal(checkNumber("threads", "2.5", true, 1, 16), "'threads' must be a whole number, not \"2.5\".");
  assert.equal(checkNumber("threads", "", true, 1, 16), "'threads' must be a whole number, not \"\".");
  assert.equal(checkNumber("delay", "0.25", false, 0, null), 0.25);
});
