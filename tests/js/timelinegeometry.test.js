import assert from "node:assert/strict";
import { test } from "node:test";

import "./helpers.js";
import { AXIS_H, CUE_H, TOP, TimelineGeometry } from "../../static/js/views/timelinegeometry.js";

/**
 * A timeline's geometry over `lanes` lanes in a scroll box `seen` pixels high, scrolled
 * to `scroll` (no GIL lane: the run's mode is unknown and nothing was measured).
 */
function geometry(lanes, seen, scroll = 0) {
  const root = { clientHeight: seen, scrollTop: scroll, addEventListener() {}, closest: () => null };
  const view = new TimelineGeometry(/** @type {any} */ (root));
  const names = Array.from({ length: lanes }, (_, i) => (i ? `Thread-${i}` : "MainThread"));
  const tracks = { lanes: names.map((name, index) => ({ name, index })), gil: { info: null, measured: false } };
  view.player = /** @type {any} */ ({ tracks });
  view.size = { width: 1200, height: 0, dpr: 1 };
  view.size.height = view.canvasHeight();
  return view;
}

test("lanes that fit: nothing pinned, nothing out of sight, the axis under the last lane", () => {
  const view = geometry(4, 400);
  assert.equal(view.pinned(), false);
  assert.equal(view.lanesAbove(), 0);
  assert.equal(view.lanesBelow(), 0);
  assert.equal(view.axisTop(), TOP + 4 * view.laneHeight());
  assert.equal(view.size.height, view.axisTop() + AXIS_H);
});

test("more lanes than fit: the axis pinned at the visible bottom counts the lanes below", () => {
  const view = geometry(35, 500);
  const laneH = view.laneHeight();
  assert.equal(laneH, 18); // never lower than a readable name
  assert.equal(view.pinned(), true);
  assert.equal(view.axisTop(), 500 - AXIS_H);
  assert.equal(view.lanesAbove(), 0); // at the top: no band
  assert.equal(view.lanesBelow(), Math.ceil((TOP + 35 * laneH - (500 - AXIS_H)) / laneH));
  assert.equal(view.overPinned(10), false); // a lane, not a pinned part
  assert.equal(view.overPinned(500 - AXIS_H + 1), true);
});

test("scrolled: the band at the visible top counts the lanes above it, even partly hidden", () => {
  const view = geometry(35, 500, 100);
  const laneH = view.laneHeight();
  assert.equal(view.cueTop(), 100);
  assert.equal(view.lanesAbove(), Math.ceil((100 + CUE_H - TOP) / laneH));
  assert.equal(view.overPinned(100 + CUE_H - 1), true); // over the band
  assert.equal(view.overPinned(100 + CUE_H + 1), false);
  const bottom = geometry(35, 500, 10_000); // past the end: held at the last lane
  assert.equal(bottom.visible()[0], bottom.size.height - 500);
  assert.equal(bottom.lanesBelow(), 0);
  assert.equal(bottom.axisTop(), bottom.size.height - AXIS_H);
});

test("the shown window: zoom keeps its centre, and x and back are one", () => {
  const view = geometry(3, 400);
  view.player = /** @type {any} */ ({ ...view.player, cursor: 0 });
  Object.assign(view.player.tracks, { count: 100 });
  view.zoom(0.5, 0.5);
  assert.deepEqual(view.view, { from: 0.25, to: 0.75 });
  assert.deepEqual(view.window(), [25, 75]);
  assert.ok(Math.abs(view.unx(view.x(40)) - 40) < 1e-9);
  view.setView(0.9, 1.4); // past the end: moved back in, the span kept
  assert.equal(view.view.to, 1);
  assert.ok(Math.abs(view.view.from - 0.5) < 1e-9, String(view.view.from));
});
