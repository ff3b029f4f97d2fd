import assert from "node:assert/strict";
import { test } from "node:test";

import { fold, initialState } from "../../static/js/model/reducer.js";
import { Tracks } from "../../static/js/model/tracks.js";
import { laneOf, sharesText, withGil } from "../../static/js/views/gillane.js";
import { events, fixture } from "./helpers.js";

const START = [
  ["create", "A", "New"],
  ["start", "A", "Runnable"],
  ["run", "A", "Running"],
  ["create", "B", "New"],
  ["start", "B", "Runnable"],
  ["run", "B", "Running"],
  ["gil", null, null, null, null, { gil: true, method: "line events", resolution: "a line" }],
];

test("gil events make the GIL lane's hand-offs, not events of the holder's lane", () => {
  const log = events([
    ...START,
    ["gil", "A", null, null, 3],
    ["gil", "B", null, null, 4],
    ["block", "B", "Blocked", null, null, { reason: "sleep", seconds: 0.001 }],
    ["gil", null, null],
    ["gil", "A", null, null, 3],
    ["wake", "B", "Runnable"],
    ["run", "B", "Running"],
  ]);
  const tracks = new Tracks();
  for (const event of log) tracks.append(event);
  const a = tracks.byName.get("A").index;
  const b = tracks.byName.get("B").index;
  assert.deepEqual(tracks.gil.gil.holder, [-1, a, b, -1, a]);
  assert.equal(tracks.byName.get("A").events.length, 3, "A's lane has only its own events");
  assert.equal(tracks.gil.holderAt(tracks.gil.gil, 8), b);
  const lane = laneOf(tracks, "free");
  assert.equal(lane?.label, "GIL");
  assert.match(lane?.note ?? "", /line events.*a line/);
  // B's wait after its sleep is timed from the sleep's deadline: inferred.
  assert.ok((tracks.gil.inferred.get(b) ?? 0) > 0);
  assert.match(sharesText(tracks, b) ?? "", /holding \d+% · wanting \d+% · not wanting \d+%.*inferred/);

  // The board: with the lane measuring, Running without the GIL is shown Runnable.
  const state = fold(initialState(), log.slice(0, 8)); // A has just taken the GIL
  assert.equal(state.threads.B.state, "Running");
  assert.equal(withGil(state).threads.B.state, "Runnable");
  assert.equal(withGil(state).threads.A.state, "Running");
  assert.equal(state.problems.length, 0);
});

test("without gil events: the baton in controlled mode, a note in free mode", () => {
  const tracks = new Tracks();
  for (const event of fixture("deadlock-controlled")) tracks.append(event);
  const baton = laneOf(tracks, "controlled");
  assert.equal(baton?.label, "baton");
  assert.ok((baton?.track?.at.length ?? 0) > 2);
  assert.ok(baton?.track?.holder.some((h) => h >= 0));
  assert.match(laneOf(tracks, "free")?.note ?? "", /not measured/);
  assert.equal(laneOf(tracks, null), null);
});
