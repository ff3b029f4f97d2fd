// @ts-check
/**
 * Two controlled runs of one program, side by side: where do their schedules part?
 *
 * A controlled run is a function of its program and the scheduler's picks: one thread
 * runs at a time, time is virtual, and "the same program, seed, policy and options give
 * a byte-identical log". Two runs of one program therefore have the same log, event for
 * event, for as long as the scheduler picks alike, and they part at the first point
 * where it does not. Two lists say exactly where:
 *
 * - The `schedule` (the `end` event's, and `GET /api/runs/{id}`'s): the pick at every
 *   point with a real choice (more than one runnable thread). Its first difference is
 *   *the* first difference of the schedules, and it names both picks. It cannot be
 *   placed on the event axis alone: a choice that keeps the running thread leaves no
 *   event in the log, so choices cannot be counted from the log.
 * - The logs: their first differing event is where that pick first shows — the
 *   `preempt`/`run` of the run that switched threads there, against the next step of
 *   the thread the other run kept (at virtual time one tick apart if that step is a
 *   switch too). Counting `run` events instead would be wrong: a choice that keeps the
 *   running thread has no `run` event, so two runs can differ with the same `run`s.
 *
 * So the sentence comes from the schedules and the mark from the logs; `early` says
 * when the logs part before any pick could explain it (the program did something the
 * scheduler does not decide: read the clock, drew unseeded random numbers…).
 * @module model/compare
 */

/** @typedef {import("./events.js").Event} Event */

const RUNNING = "Running";
const SWITCH_KINDS = Object.freeze(["preempt", "run"]);

/**
 * One run as the comparison needs it.
 * @typedef {object} Side
 * @property {ReadonlyArray<string> | null} schedule its picks; null: not a controlled run
 * @property {ReadonlyArray<Event>} log its events, in seq order
 */

/**
 * Where two runs part.
 * @typedef {object} Difference
 * @property {boolean} same the schedules are equal, pick for pick
 * @property {number} agreed how many picks both runs made alike before they part (N)
 * @property {string | null} found the failing run's pick at step N + 1 (null: it made no more)
 * @property {string | null} passed the passing run's pick there (null: it made no more)
 * @property {boolean} foundKept the failing run's pick is the thread that was running (no switch)
 * @property {boolean} passedKept the same for the passing run
 * @property {string | null} running the thread running just before they part (null: none)
 * @property {number} index the first event (0-based) that differs between the logs; -1: none does
 * @property {boolean} early the logs part where neither run switched threads: not by a pick
 */

/**
 * The first index where two schedules differ; -1 if they are equal. A schedule that is
 * a prefix of the other differs where it ends.
 * @param {ReadonlyArray<string>} a
 * @param {ReadonlyArray<string>} b
 * @returns {number}
 */
export function firstPickDifference(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i += 1) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

/**
 * Whether two events say the same thing (their `seq` aside, which is equal anyway
 * wherever the logs before them are).
 * @param {Event} a
 * @param {Event} b
 * @returns {boolean}
 */
export function sameEvent(a, b) {
  return a.kind === b.kind && a.thread === b.thread && a.state === b.state && a.obj === b.obj
    && a.line === b.line && a.t === b.t && JSON.stringify(a.detail) === JSON.stringify(b.detail);
}

/**
 * The first index where two logs differ; -1 if they are the same.
 * @param {ReadonlyArray<Event>} a
 * @param {ReadonlyArray<Event>} b
 * @returns {number}
 */
export function firstEventDifference(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i += 1) if (!sameEvent(a[i], b[i])) return i;
  return a.length === b.length ? -1 : n;
}

/**
 * The thread running after the first `n` events of `log` (null: none is).
 * @param {ReadonlyArray<Event>} log
 * @param {number} n
 * @returns {string | null}
 */
export function runningAfter(log, n) {
  let running = null;
  for (let i = 0; i < Math.min(n, log.length); i += 1) {
    const e = log[i];
    if (e.thread === null) continue;
    if (e.state === RUNNING) running = e.thread;
    else if (e.thread === running) running = null;
  }
  return running;
}

/**
 * Where a failing run and a passing run of one program part; null unless both are
 * controlled runs that have ended (each has its schedule).
 * @param {Side} found the failing run ("Break it" found it)
 * @param {Side} passed the run that passed
 * @returns {Difference | null}
 */
export function firstDifference(found, passed) {
  if (!found.schedule || !passed.schedule) return null;
  const choice = firstPickDifference(found.schedule, passed.schedule);
  const index = firstEventDifference(found.log, passed.log);
  const common = index < 0 ? Math.min(found.log.length, passed.log.length) : index;
  const running = runningAfter(found.log, common);
  const same = choice < 0;
  const agreed = same ? found.schedule.length : choice;
  const pickOf = /** @param {ReadonlyArray<string>} s */ (s) => (same ? null : (s[choice] ?? null));
  const a = pickOf(found.schedule);
  const b = pickOf(passed.schedule);
  const switched = index >= 0
    && [found.log[index], passed.log[index]].some((e) => e !== undefined && SWITCH_KINDS.includes(e.kind));
  return {
    same,
    agreed,
    found: a,
    passed: b,
    foundKept: a !== null && a === running,
    passedKept: b !== null && b === running,
    running,
    index,
    early: index >= 0 && (same || !switched),
  };
}

/**
 * @param {number} n
 * @returns {string} "1,234" (the numbers the page shows)
 */
function count(n) {
  return n.toLocaleString("en-US");
}

/**
 * What a run did with its pick, as the sentence says it.
 * @param {string | null} pick
 * @param {boolean} kept
 * @param {boolean} past "let … run" (the passing run) rather than "lets … run"
 */
function act(pick, kept, past) {
  if (pick === null) return past ? "had no more choices to make" : "has no more choices to make";
  if (kept) return `${past ? "kept" : "keeps"} ${pick} running`;
  return `${past ? "let" : "lets"} ${pick} run`;
}

/**
 * The comparison in words: "The schedules agree for the first 12 steps; at step 13 the
 * failing run lets T2 run where the passing run kept T1 running." A step here is a point
 * where more than one thread could run (a pick in the schedule).
 * @param {Difference} diff
 * @returns {string}
 */
export function describeDifference(diff) {
  if (diff.same) {
    const base = `Both runs made the same ${count(diff.agreed)} ${diff.agreed === 1 ? "choice" : "choices"}: their schedules do not differ.`;
    return diff.index >= 0
      ? `${base} Their events still part at event #${count(diff.index + 1)}: the program does something the scheduler does not decide (it reads the clock, or draws unseeded random numbers).`
      : base;
  }
  const n = diff.agreed;
  const start = n === 0
    ? "The schedules differ from the first step: at step 1"
    : `The schedules agree for the first ${n === 1 ? "step" : `${count(n)} steps`}; at step ${count(n + 1)}`;
  return `${start} the failing run ${act(diff.found, diff.foundKept, false)} where the passing run ${act(diff.passed, diff.passedKept, true)}.`;
}

/**
 * The compare page of two runs.
 * @param {string} found the failing run's id
 * @param {string} passed the passing run's id
 * @returns {string}
 */
export function compareUrl(found, passed) {
  return `/compare?${new URLSearchParams({ found, passed })}`;
}
