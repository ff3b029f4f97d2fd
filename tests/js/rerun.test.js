import assert from "node:assert/strict";
import { test } from "node:test";

import "./helpers.js";
import { sameRun } from "../../static/js/net/rerun.js";

test("a free run with the GIL lane is asked for again with it; a controlled one never", () => {
  const free = sameRun({ scenario: "code", source: "pass", mode: "free", seed: 3, options: { gil_lane: true } });
  assert.equal(free.gil_lane, true);
  assert.equal("options" in free, false, "a free request has no options");
  assert.equal("gil_lane" in sameRun({ scenario: "race", params: {}, mode: "free", options: {} }), false);
  const controlled = sameRun({ scenario: "race", params: {}, mode: "controlled", seed: 1, policy: "random", options: {} });
  assert.equal("gil_lane" in controlled, false);
});
