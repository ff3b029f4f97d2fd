// @ts-check
/**
 * The deadlock banner: once the deadlock event has been played, says in words who
 * holds what and waits for what (the event's `detail.text`), draws the cycle as a chain
 * ("T1 → lock_b → T2 → lock_a → T1"), and links the scenario that fixes it.
 * @module views/deadlock
 */

import { h } from "../ui/dom.js";
import { threadChip } from "./primitives.js";

/** @typedef {import("../model/reducer.js").RunState} RunState */

/**
 * @typedef {object} Fix
 * @property {string} id
 * @property {string} title
 */

export class DeadlockView {
  /** @param {HTMLElement} root */
  constructor(root) {
    this.root = root;
    /** @type {any} */
    this.drawn = null;
    /** @type {Fix | null} */
    this.fix = null;
  }

  /** @param {Fix | null} fix the scenario that shows the fix, if there is one */
  setFix(fix) {
    this.fix = fix;
    this.drawn = null;
  }

  reset() {
    this.drawn = null;
    this.root.hidden = true;
    this.root.replaceChildren();
  }

  /** @param {RunState} state */
  render(state) {
    if (state.deadlock === this.drawn) return;
    this.drawn = state.deadlock;
    if (!state.deadlock) {
      this.root.hidden = true;
      this.root.replaceChildren();
      return;
    }
    const d = state.deadlock;
    const cycle = Array.isArray(d.cycle) ? d.cycle : [];
    // detail.cycle lists the cycle's threads — or, with no cycle, every stuck thread.
    const isCycle = typeof d.text === "string" && /each waits for the next/i.test(d.text);
    const names = isCycle ? cycle.map((/** @type {any} */ e) => String(e.thread)) : [];
    const parts = [
      h("h2", { class: "deadlock-title" },
        h("span", { class: "deadlock-icon", "aria-hidden": "true" }, "⚠"),
        title(names)),
      h("p", { class: "deadlock-text" }, String(d.text ?? "")),
      cycle.length ? chain(state, cycle) : null,
      this.fix
        ? h("p", { class: "deadlock-fix" }, "How to fix it: ",
            h("a", { href: `/scenarios/${encodeURIComponent(this.fix.id)}` }, this.fix.title))
        : null,
    ];
    this.root.replaceChildren(...parts.filter((p) => p !== null));
    this.root.hidden = false;
  }
}

/**
 * T1 ─waits for→ lock_b ─held by→ T2 ─waits for→ lock_a ─held by→ T1
 * @param {RunState} state
 * @param {any[]} cycle the deadlock event's `detail.cycle`
 */
function chain(state, cycle) {
  const items = [];
  const holderOf = (/** @type {string} */ obj) =>
    cycle.find((e) => Array.isArray(e.holds) && e.holds.includes(obj))?.thread ?? null;
  for (const entry of cycle) {
    items.push(h("li", { class: "chain-node" }, threadChip(state, String(entry.thread))));
    if (typeof entry.waits_for !== "string") continue;
    const verb = entry.reason === "join" ? "waits to join" : "waits for";
    items.push(h("li", { class: "chain-edge" }, verb));
    if (entry.waits_for in state.threads) continue; // a join: the next entry is that thread
    items.push(h("li", { class: "chain-node chain-lock" }, entry.waits_for));
    if (holderOf(entry.waits_for) !== null) items.push(h("li", { class: "chain-edge" }, "held by"));
  }
  const first = cycle[0]?.thread;
  if (typeof first === "string" && holderOf(String(cycle.at(-1)?.waits_for)) === first) {
    items.push(h("li", { class: "chain-node" }, threadChip(state, first)));
  }
  return h("ol", { class: "deadlock-chain", "aria-label": "The wait-for cycle" }, ...items);
}

/**
 * "Deadlock: T1 and T2 wait for each other".
 * @param {string[]} names the threads on the cycle
 */
export function title(names) {
  if (names.length === 2) return `Deadlock: ${names[0]} and ${names[1]} wait for each other`;
  if (names.length > 2) return `Deadlock: ${names.slice(0, -1).join(", ")} and ${names.at(-1)} wait in a circle`;
  if (names.length === 1) return `Deadlock: ${names[0]} waits for itself`;
  return "Deadlock: no thread can go on";
}
