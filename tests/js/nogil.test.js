import assert from "node:assert/strict";
import { test } from "node:test";

import { fold, initialState } from "../../static/js/model/reducer.js";
import { Tracks } from "../../static/js/model/tracks.js";
import { GIL_H, drawGilLane, laneOf, laneTip, sharesText, withGil } from "../../static/js/views/gillane.js";
import { events } from "./helpers.js";

// A free-threaded build (app/instrument/gil.py with no GIL): `holders` events, several at once.
const LOG = [
  ["create", "A", "New"],
  ["start", "A", "Runnable"],
  ["run", "A", "Running"],
  ["create", "B", "New"],
  ["start", "B", "Runnable"],
  ["run", "B", "Running"],
  ["gil", null, null, null, null, { gil: false, method: "thread starts and blocks" }],
  ["gil", null, null, null, null, { holders: ["A"] }],
  ["gil", null, null, null, null, { holders: ["A", "B"] }],
  ["gil", null, null, null, null, { holders: ["B"] }],
];

test("without a GIL the lane lists the threads executing at once; the board keeps them Running", () => {
  const log = events(LOG);
  const tracks = new Tracks();
  for (const event of log) tracks.append(event);
  const a = tracks.byName.get("A").index;
  const b = tracks.byName.get("B").index;
  assert.equal(tracks.gil.noGil, true);
  assert.deepEqual(tracks.gil.together.lanes, [[a], [a, b], [b]]);
  assert.ok(tracks.gil.gil.holder.every((h) => h < 0), "no hand-offs: nobody holds a GIL");
  const lane = laneOf(tracks, "free");
  assert.equal(lane?.label, "no GIL");
  assert.match(lane?.note ?? "", /free-threaded build/);
  assert.equal(laneTip(tracks, /** @type {any} */ (lane), 8), `A, B execute at once here. ${lane?.note}`);
  assert.match(laneTip(tracks, /** @type {any} */ (lane), 9), /^B executes here/);
  assert.equal(sharesText(tracks, a), null, "no GIL shares without a GIL");
  const state = fold(initialState(), log);
  assert.equal(withGil(state).threads.A.state, "Running");
  assert.equal(withGil(state).threads.B.state, "Running");
  assert.equal(state.problems.length, 0);
});

test("the lane draws a stripe per thread executing: two at once share its height", () => {
  const tracks = new Tracks();
  for (const event of events(LOG)) tracks.append(event);
  const lane = /** @type {any} */ (laneOf(tracks, "free"));
  /** @type {{colour: string, x: number, y: number, w: number, h: number}[]} */
  const rects = [];
  const ctx = /** @type {any} */ ({
    fillStyle: "",
    textBaseline: "",
    fillText() {},
    fillRect(/** @type {number[]} */ ...[x, y, w, h]) { rects.push({ colour: this.fillStyle, x, y, w, h }); },
  });
  const threads = Array.from({ length: 16 }, (_, k) => `c${k}`);
  const view = /** @type {any} */ ({
    tracks, palette: { fg: "fg", muted: "muted", grid: "grid", threads },
    size: { width: 1000 }, labelWidth: 100, x: (/** @type {number} */ p) => 100 + p * 50, pos: (/** @type {number} */ i) => i,
  });
  drawGilLane(view, ctx, lane, 0);
  const stripes = rects.filter((r) => r.colour !== "grid");
  const a = tracks.byName.get("A").index;
  const b = tracks.byName.get("B").index;
  const at = (/** @type {number} */ x) => stripes.filter((r) => r.x === x).map((r) => [r.colour, r.h]);
  const full = GIL_H - 6;
  assert.deepEqual(at(100 + 7 * 50), [[`c${a}`, full]]); // A alone
  assert.deepEqual(at(100 + 8 * 50), [[`c${a}`, full / 2], [`c${b}`, full / 2]]); // at once
  assert.deepEqual(at(100 + 9 * 50), [[`c${b}`, full]]);
});
