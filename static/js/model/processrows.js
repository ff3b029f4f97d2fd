// Where each lane sits on the timeline: a child process's lanes grouped under its
// MainThread lane (docs/contracts.md, "Child processes as lanes"), everything else in
// creation order. Pure: names in, rows out.

import { PROCESS_SEPARATOR, processOf } from "./events.js";

/**
 * The row of each lane, by lane index: the run's own threads in creation order, and
 * right after a process's "<process>/MainThread" lane every other lane of that process
 * (its threads, its own children's lanes), in creation order too.
 * @param {readonly string[]} names the lanes' names, in creation order
 * @returns {number[]} rows[laneIndex]
 */
export function laneRows(names) {
  const byName = new Map(names.map((name, i) => [name, i]));
  /** @type {Map<number, number[]>} */
  const keys = new Map();
  /** @param {number} i @returns {number[]} */
  const keyOf = (i) => {
    const known = keys.get(i);
    if (known) return known;
    keys.set(i, [i]); // a guard against a cycle of odd names
    const process = processOf(names[i]);
    const main = process === null ? undefined : byName.get(`${process}${PROCESS_SEPARATOR}MainThread`);
    let key = [i];
    if (main !== undefined && main !== i) key = [...keyOf(main), i];
    else if (main === i) {
      // A process's MainThread sits among its parent's lanes: after its parent's.
      const parent = processOf(/** @type {string} */ (process));
      const parentMain = parent === null ? undefined : byName.get(`${parent}${PROCESS_SEPARATOR}MainThread`);
      if (parentMain !== undefined && parentMain !== i) key = [...keyOf(parentMain), i];
    }
    keys.set(i, key);
    return key;
  };
  const order = names.map((_, i) => i);
  const sortKeys = order.map(keyOf);
  order.sort((a, b) => compareKeys(sortKeys[a], sortKeys[b]));
  const rows = new Array(names.length);
  order.forEach((lane, row) => {
    rows[lane] = row;
  });
  return rows;
}

/** @param {number[]} a @param {number[]} b */
function compareKeys(a, b) {
  for (let k = 0; k < Math.min(a.length, b.length); k += 1) {
    if (a[k] !== b[k]) return a[k] - b[k];
  }
  return a.length - b.length;
}
