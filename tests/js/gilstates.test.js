import assert from "node:assert/strict";
import { test } from "node:test";

import { STATES } from "../../static/js/model/events.js";
import { eachShownPiece, gilOwner, measuredSpan } from "../../static/js/model/gilstates.js";
import { fold, initialState } from "../../static/js/model/reducer.js";
import { Tracks } from "../../static/js/model/tracks.js";
import { sharesText, withGil } from "../../static/js/views/gillane.js";
import { events } from "./helpers.js";

const METHOD = { gil: true, method: "line events", resolution: "a line" };

/** @param {any[]} log */
function tracksOf(log) {
  const tracks = new Tracks();
  for (const event of log) tracks.append(event);
  return tracks;
}

/** The lane's drawn pieces as [from, to, state name]. */
function pieces(tracks, name) {
  const out = [];
  eachShownPiece(tracks, tracks.byName.get(name), 0, (a, b, s) => {
    out.push([a, b, STATES[s]]);
  });
  return out;
}

test("where the lane measures, Running is drawn Running only while holding the GIL; after its budget, as the events say", () => {
  const log = events([
    ["create", "A", "New"], // 0
    ["start", "A", "Runnable"], // 1
    ["run", "A", "Running"], // 2
    ["create", "B", "New"], // 3
    ["start", "B", "Runnable"], // 4
    ["run", "B", "Running"], // 5: before the lane: as the events say
    ["gil", null, null, null, null, METHOD], // 6
    ["gil", "A", null], // 7
    ["gil", "B", null], // 8
    ["gil", "A", null], // 9
    ["gil", null, null, null, null, { off: "the timed part" }], // 10
    ["write", "B", null], // 11
    ["exit", "B", "Dead"], // 12
  ]);
  const tracks = tracksOf(log);
  assert.deepEqual(measuredSpan(tracks), [7, 10]); // from its first holder to its budget's end
  assert.deepEqual(pieces(tracks, "B"), [
    [3, 4, "New"],
    [4, 5, "Runnable"],
    [5, 7, "Running"], // before anybody is seen holding it: as the events say
    [7, 8, "Runnable"], // A holds it
    [8, 9, "Running"], // B holds it
    [9, 10, "Runnable"], // A again
    [10, 12, "Running"], // not measured from here
    [12, 13, "Dead"],
  ]);
  assert.deepEqual(
    pieces(tracks, "A").filter(([, , s]) => s === "Running"),
    [
      [2, 7, "Running"],
      [7, 8, "Running"],
      [9, 10, "Running"],
      [10, 13, "Running"],
    ],
  );
  // A visit that says stop ends the walk.
  const seen = [];
  eachShownPiece(tracks, tracks.byName.get("B"), 0, (a) => {
    seen.push(a);
    return a >= 7;
  });
  assert.deepEqual(seen, [3, 4, 5, 7]);
});

test("the tooltip's shares are summed from what is drawn, within the measured part", () => {
  const log = events([
    ["create", "A", "New"],
    ["start", "A", "Runnable"],
    ["run", "A", "Running"],
    ["create", "B", "New"],
    ["start", "B", "Runnable"],
    ["run", "B", "Running"],
    ["gil", null, null, null, null, METHOD], // 6
    ["gil", "A", null], // 7
    ["gil", "B", null], // 8
    ["gil", "A", null], // 9
    ["gil", null, null, null, null, { off: "the timed part" }], // 10
    ["exit", "B", "Dead"], // 11
  ]);
  const tracks = tracksOf(log);
  const b = tracks.byName.get("B").index;
  // B over [7, 10): Runnable 7–8, Running 8–9, Runnable 9–10 → holding 33%, wanting 67%.
  assert.match(sharesText(tracks, b) ?? "", /^GIL: holding 33% · wanting 67% · not wanting 0% of 0\.003 s/);
  const a = tracks.byName.get("A").index;
  assert.match(sharesText(tracks, a) ?? "", /^GIL: holding 67% · wanting 33%/);
});

test("a task holds the GIL while its loop's thread does; a child process's lane is not measured", () => {
  const log = events([
    ["create", "MainThread", "New"], // 0
    ["start", "MainThread", "Runnable"], // 1
    ["run", "MainThread", "Running"], // 2
    ["create", "T", "New"], // 3
    ["start", "T", "Runnable"], // 4
    ["run", "T", "Running"], // 5
    ["create", "Task-1", "New", null, null, { task: true, loop: "MainThread", target: "main" }], // 6
    ["start", "Task-1", "Runnable", null, null, { task: true }], // 7
    ["run", "Task-1", "Running", null, null, { task: true }], // 8
    ["create", "Process-1/MainThread", "New"], // 9
    ["start", "Process-1/MainThread", "Runnable"], // 10
    ["run", "Process-1/MainThread", "Running"], // 11
    ["gil", null, null, null, null, METHOD], // 12
    ["gil", "T", null], // 13
    ["gil", "MainThread", null], // 14
    ["write", "T", null], // 15
  ]);
  const tracks = tracksOf(log);
  const task = tracks.byName.get("Task-1");
  assert.equal(gilOwner(task), tracks.byName.get("MainThread").index);
  assert.equal(gilOwner(tracks.byName.get("Process-1/MainThread")), -1);
  assert.deepEqual(pieces(tracks, "Task-1").slice(2), [
    [8, 13, "Running"],
    [13, 14, "Runnable"],
    [14, 16, "Running"],
  ]);
  assert.deepEqual(pieces(tracks, "Process-1/MainThread").at(-1), [11, 16, "Running"]);
  assert.equal(sharesText(tracks, tracks.byName.get("Process-1/MainThread").index), null);
  // The board agrees at the same moment.
  const at13 = withGil(fold(initialState(), log.slice(0, 14)));
  assert.equal(at13.threads["Task-1"].state, "Runnable");
  assert.equal(at13.threads.T.state, "Running");
  assert.equal(at13.threads["Process-1/MainThread"].state, "Running");
  const at14 = withGil(fold(initialState(), log.slice(0, 15)));
  assert.equal(at14.threads["Task-1"].state, "Running");
  assert.equal(at14.threads.T.state, "Runnable");
});

test("on a build without a GIL, and without a lane, the events' states are drawn", () => {
  const run = [
    ["create", "A", "New"],
    ["start", "A", "Runnable"],
    ["run", "A", "Running"],
  ];
  const nogil = tracksOf(
    events([...run, ["gil", null, null, null, null, { gil: false, method: "line events" }], ["gil", null, null, null, null, { holders: ["A"] }]]),
  );
  assert.equal(measuredSpan(nogil), null);
  assert.deepEqual(pieces(nogil, "A").at(-1), [2, 5, "Running"]);
  const none = tracksOf(events([...run, ["write", "A", null]]));
  assert.deepEqual(pieces(none, "A").at(-1), [2, 4, "Running"]);
});
