import assert from "node:assert/strict";
import { test } from "node:test";

import { CHECKPOINT, MIN_RATE, Player, TARGET_SECONDS } from "../../static/js/model/player.js";
import { fold, initialState } from "../../static/js/model/reducer.js";
import { fixture } from "./helpers.js";

function manual() {
  const frames = [];
  let now = 0;
  const queue = [];
  const player = new Player({
    onFrame: (state) => frames.push(state.seq),
    requestFrame: (cb) => queue.push(cb),
    now: () => now,
  });
  const tick = (ms) => {
    now += ms;
    const cb = queue.shift();
    cb?.(now);
  };
  return { player, frames, tick, queue };
}

const output = (seq) => ({ seq, t: 0, kind: "output", thread: null, state: null, obj: null, line: null, detail: { text: "" } });

test("paused, events arrive but the picture stays at the start", () => {
  const { player, tick } = manual();
  for (const event of fixture("race").slice(0, 50)) player.push(event);
  tick(100);
  assert.equal(player.state.seq, 0);
  assert.equal(player.log.length, 50);
});

test("playing is paced: MIN_RATE events a second at 1×, times the speed", () => {
  const { player, frames, tick, queue } = manual();
  for (const event of fixture("race").slice(0, 50)) player.push(event);
  player.play();
  assert.equal(queue.length, 1, "many pushes and a play ask for one frame");
  tick(1000 / MIN_RATE * 2); // capped at 100 ms a frame: 0.5 events at 5/s
  tick(100);
  assert.equal(player.state.seq, 1);
  player.setSpeed(16);
  tick(100); // 80 events/s × 0.1 s = 8
  assert.equal(player.state.seq, 9);
  assert.deepEqual(frames.slice(-1), [9]);
});

test("a long log plays faster at 1×, to last at most TARGET_SECONDS", () => {
  const { player, tick } = manual();
  for (let seq = 1; seq <= 6000; seq += 1) player.push(output(seq));
  player.play();
  tick(100); // 6,000 events in 30 s: 200 events/s
  assert.equal(player.state.seq, (6000 / TARGET_SECONDS) * 0.1);
});

test("play stops at the end of a complete log; play again starts over", () => {
  const { player, tick } = manual();
  const log = fixture("deadlock");
  for (const event of log) player.push(event);
  player.setSpeed(16);
  player.play();
  for (let i = 0; i < 20 && player.playing; i += 1) tick(100);
  assert.equal(player.cursor, log.length);
  assert.equal(player.playing, false);
  assert.equal(player.state.end?.status, "deadlocked");
  player.play();
  assert.equal(player.cursor, 0);
  assert.equal(player.playing, true);
});

test("step and seek land on the same state as folding from the start", () => {
  const { player } = manual();
  const log = fixture("queue");
  for (const event of log) player.push(event);
  player.seek(log.length);
  player.seek(150);
  assert.deepEqual(player.state, fold(initialState(), log.slice(0, 150)));
  player.step(-1);
  assert.equal(player.cursor, 149);
  assert.deepEqual(player.state, fold(initialState(), log.slice(0, 149)));
  player.step(1);
  player.step(1);
  assert.deepEqual(player.state, fold(initialState(), log.slice(0, 151)));
  player.seek(-5);
  assert.equal(player.cursor, 0);
  assert.equal(player.checkpoints.length, Math.floor(log.length / CHECKPOINT) + 1);
});

test("stepping back from deep in a long log folds at most one checkpoint's worth", () => {
  const { player } = manual();
  for (let seq = 1; seq <= 50_000; seq += 1) player.push(output(seq));
  player.seek(50_000);
  const started = performance.now();
  for (let i = 0; i < 100; i += 1) player.step(-1);
  const ms = performance.now() - started;
  assert.equal(player.cursor, 49_900);
  assert.ok(ms < 500, `100 steps back took ${ms.toFixed(0)} ms`);
});

test("a seek past what has arrived waits for that event (a #seq= link)", () => {
  const { player } = manual();
  const log = fixture("deadlock");
  player.seek(20);
  for (const event of log.slice(0, 19)) player.push(event);
  assert.equal(player.cursor, 0);
  player.push(log[19]);
  assert.equal(player.cursor, 20);
  assert.equal(player.playing, false);
});

test("live-follow shows the newest event as it arrives", () => {
  const { player, tick } = manual();
  const log = fixture("race");
  player.setFollow(true);
  for (const event of log.slice(0, 30)) player.push(event);
  tick(16);
  assert.equal(player.cursor, 30);
  player.push(log[30]);
  tick(16);
  assert.equal(player.cursor, 31);
  player.step(-1);
  assert.equal(player.follow, false, "stepping leaves live-follow");
});

test("speed snaps to the offered speeds and +/− walk through them", () => {
  const { player } = manual();
  player.setSpeed(3);
  assert.equal(player.speed, 2);
  player.changeSpeed(1);
  assert.equal(player.speed, 4);
  for (let i = 0; i < 10; i += 1) player.changeSpeed(-1);
  assert.equal(player.speed, 0.25);
});

test("live-follow ends with the run", () => {
  const { player, tick } = manual();
  const log = fixture("deadlock");
  player.setFollow(true);
  for (const event of log) player.push(event);
  tick(16);
  assert.equal(player.cursor, log.length);
  assert.equal(player.follow, false);
  assert.equal(player.playing, false);
});
