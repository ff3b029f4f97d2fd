// Shared by the node tests: load recorded logs and build events tersely.
import { readFileSync } from "node:fs";

/**
 * A real event log recorded from the worker (tests/js/fixtures/NAME.jsonl).
 * @param {string} name
 */
export function fixture(name) {
  const text = readFileSync(new URL(`./fixtures/${name}.jsonl`, import.meta.url), "utf8");
  return text.trim().split("\n").map((line) => JSON.parse(line));
}

/**
 * Events with consecutive seq from terse specs: [kind, thread, state, obj, line, detail].
 * @param {Array<[string, string | null, string | null, (string | null)?, (number | null)?, object?]>} specs
 */
export function events(specs) {
  return specs.map(([kind, thread, state, obj = null, line = null, detail = {}], i) => ({
    seq: i + 1,
    t: i / 1000,
    kind,
    thread,
    state,
    obj,
    line,
    detail,
  }));
}
