// Shared by the node tests: the run contract, recorded logs, and events built tersely.
// Every test file imports it, so the contract is installed before any test runs.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { useContract } from "../../static/js/model/contract.js";

/**
 * The run contract from its one source, the server's `browser_contract()`
 * (app/contract.py): the JSON file tests/unit/test_js.py writes and names in
 * THREADLAB_CONTRACT, or, run by hand (`node --test tests/js/`), the project's Python
 * asked directly (THREADLAB_PYTHON, else .venv/bin/python, else python3).
 * @returns {import("../../static/js/model/contract.js").Contract}
 */
function serverContract() {
  const file = process.env.THREADLAB_CONTRACT;
  if (file) return JSON.parse(readFileSync(file, "utf8"));
  const root = fileURLToPath(new URL("../../", import.meta.url));
  const venv = `${root}.venv/bin/python`;
  const python = process.env.THREADLAB_PYTHON ?? (existsSync(venv) ? venv : "python3");
  const script = "import json; from app.contract import browser_contract; print(json.dumps(browser_contract()))";
  return JSON.parse(execFileSync(python, ["-c", script], { cwd: root, encoding: "utf8" }));
}

useContract(serverContract());

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
