// @ts-check
/**
 * A card per synchronisation primitive and shared variable: a Lock's owner, an RLock's
 * depth, a Semaphore's permits, the waiters of a Condition / Event / Barrier in order,
 * a Queue's contents, a shared value next to what it should be. A card is rebuilt only
 * when its resource (or a thread it names) changed.
 * @module views/primitives
 */

import { formatValue } from "../model/format.js";
import { h } from "../ui/dom.js";
import { threadColour } from "../ui/palette.js";

/** @typedef {import("../model/reducer.js").RunState} RunState */
/** @typedef {import("../model/reducer.js").ResourceView} ResourceView */

/** Permits and barrier parties are drawn as boxes up to this many; beyond, as numbers. */
const MAX_BOXES = 16;
const MAX_ITEMS = 10;

export class PrimitivesView {
  /**
   * @param {HTMLElement} list
   * @param {HTMLElement} card hidden while there is no resource
   */
  constructor(list, card) {
    this.list = list;
    this.card = card;
    /** @type {Map<string, {item: HTMLElement, body: HTMLElement, drawn: ResourceView | null}>} */
    this.items = new Map();
  }

  reset() {
    this.items.clear();
    this.list.replaceChildren();
    this.card.hidden = true;
  }

  /** @param {RunState} state */
  render(state) {
    this.card.hidden = state.resourceOrder.length === 0;
    for (const [name, entry] of this.items) {
      if (state.resources[name]) continue; // stepped back to before it was declared
      entry.item.remove();
      this.items.delete(name);
    }
    for (const name of state.resourceOrder) {
      const resource = state.resources[name];
      const entry = this.items.get(name) ?? this.add(name, resource.type);
      if (entry.drawn === resource) continue;
      entry.drawn = resource;
      entry.item.dataset.type = resource.type;
      const type = /** @type {HTMLElement} */ (entry.item.querySelector(".prim-type"));
      type.textContent = resource.type;
      entry.body.replaceChildren(...body(resource, state));
      entry.item.dataset.busy = String(Object.keys(resource.owners).length > 0 || resource.waiters.length > 0);
    }
  }

  /**
   * @param {string} name
   * @param {string} type
   */
  add(name, type) {
    const body = h("div", { class: "prim-body" });
    const item = h(
      "li",
      { class: "prim", "data-resource": name, "data-type": type },
      h("p", { class: "prim-head" },
        h("span", { class: "prim-name" }, name),
        h("span", { class: "prim-type" }, type)),
      body,
    );
    this.list.append(item);
    const entry = { item, body, drawn: null };
    this.items.set(name, entry);
    return entry;
  }
}

/**
 * The card's content for its type.
 * @param {ResourceView} r
 * @param {RunState} state
 * @returns {Node[]}
 */
export function body(r, state) {
  switch (r.type) {
    case "Lock":
    case "RLock":
      return [lock(r, state), waiting(r, state, "waiting")];
    case "Semaphore":
    case "BoundedSemaphore":
      return [permits(r, state), waiting(r, state, "waiting for a permit")];
    case "Condition":
      return [
        line("uses", r.lock ? h("code", {}, r.lock) : "its own lock"),
        waiting(r, state, "waiting to be notified", "nobody waits"),
      ];
    case "Event":
      return [flag(r), waiting(r, state, "waiting for it")];
    case "Barrier":
      return [barrier(r), waiting(r, state, "waiting at it")];
    case "Queue":
      return [queue(r), waiting(r, state, "blocked")];
    case "Shared":
      return [shared(r)];
    default:
      return [line("value", formatValue(r.value)), waiting(r, state, "waiting")];
  }
}

/**
 * @param {string} label
 * @param {...(Node | string)} content
 */
function line(label, ...content) {
  return h("p", { class: "prim-line" }, h("span", { class: "prim-label" }, label), ...content);
}

/**
 * A thread's name in its colour.
 * @param {RunState} state
 * @param {string} name
 * @param {string} [extra]
 */
export function threadChip(state, name, extra = "") {
  const thread = state.threads[name];
  return h("span", { class: "thread-chip", "data-colour": thread ? threadColour(thread.index) : null },
    name, extra ? h("span", { class: "chip-extra" }, extra) : null);
}

/**
 * @param {ResourceView} r
 * @param {RunState} state
 */
function lock(r, state) {
  const owners = Object.entries(r.owners);
  if (owners.length === 0) return h("p", { class: "prim-big is-free" }, "free — nobody holds it");
  const chips = owners.map(([name, depth]) =>
    threadChip(state, name, r.type === "RLock" ? `depth ${depth}` : ""));
  return h("p", { class: "prim-big is-held" }, "held by ", ...chips);
}

/**
 * @param {ResourceView} r
 * @param {RunState} state
 */
function permits(r, state) {
  const total = typeof r.initial === "number" ? r.initial : null;
  const left = typeof r.value === "number" ? r.value : total;
  const holders = Object.keys(r.owners);
  const text = left === null ? "" : `${formatValue(left)}${total !== null ? ` of ${formatValue(total)}` : ""} permits left`;
  /** @type {HTMLElement[]} */
  const parts = [h("p", { class: "prim-big" }, text)];
  if (total !== null && total <= MAX_BOXES && left !== null) {
    const boxes = [];
    for (let i = 0; i < Math.max(total, holders.length + left); i += 1) {
      const holder = i < holders.length ? holders[i] : null;
      boxes.push(holder
        ? h("li", { class: "slot is-taken" }, threadChip(state, holder))
        : h("li", { class: "slot" }, h("span", { class: "slot-free" }, "open")));
    }
    parts.push(h("ol", { class: "slots", "aria-label": "permits" }, ...boxes));
  } else if (holders.length) {
    parts.push(line("held by", ...holders.map((n) => threadChip(state, n))));
  }
  return h("div", {}, ...parts);
}

/** @param {ResourceView} r */
function flag(r) {
  const set = r.value === true;
  return h("p", { class: `prim-big ${set ? "is-set" : "is-unset"}` },
    h("span", { class: "prim-icon", "aria-hidden": "true" }, set ? "●" : "○"), set ? "set" : "not set");
}

/** @param {ResourceView} r */
function barrier(r) {
  const parties = typeof r.initial === "number" ? r.initial : 0;
  const status = r.broken ? "broken" : `${r.arrived} of ${parties} arrived`;
  /** @type {HTMLElement[]} */
  const parts = [h("p", { class: `prim-big${r.broken ? " is-broken" : ""}` }, status)];
  if (parties > 0 && parties <= MAX_BOXES && !r.broken) {
    const dots = Array.from({ length: parties }, (_, i) =>
      h("li", { class: `slot${i < r.arrived ? " is-taken" : ""}` }, i < r.arrived ? "✓" : ""));
    parts.push(h("ol", { class: "slots slots-small", "aria-hidden": "true" }, ...dots));
  }
  if (r.phase > 0) parts.push(line("opened", `${r.phase} ${r.phase === 1 ? "time" : "times"}`));
  return h("div", {}, ...parts);
}

/** @param {ResourceView} r */
function queue(r) {
  const max = typeof r.initial === "number" && r.initial > 0 ? r.initial : null;
  const size = r.size ?? r.items.length;
  const shown = r.items.slice(0, MAX_ITEMS);
  const cells = shown.map((item) => h("li", { class: "q-item" }, item));
  const more = size - shown.length;
  if (more > 0) cells.push(h("li", { class: "q-more" }, `+${formatValue(more)}`));
  if (max !== null) {
    for (let i = size; i < Math.min(max, MAX_ITEMS); i += 1) cells.push(h("li", { class: "q-slot" }));
  }
  return h("div", {},
    h("p", { class: "prim-big" }, `${formatValue(size)} ${size === 1 ? "item" : "items"}${max !== null ? ` of ${max}` : ""}`,
      max !== null && size >= max ? h("span", { class: "prim-flag" }, "full") : null),
    h("ol", { class: "q-items", "aria-label": "contents, next out first" }, ...cells));
}

/**
 * What a shared number should be by now, and how much of it lost updates took. Only for
 * numbers: a text or a dict simply is what was last written, so there is nothing to check.
 * @param {ResourceView} r
 * @returns {{ intended: number, lost: number } | null}
 */
export function expected(r) {
  if (typeof r.intended !== "number" || typeof r.value !== "number" || r.writes === 0) return null;
  return { intended: r.intended, lost: r.intended - r.value };
}

/** @param {ResourceView} r */
function shared(r) {
  const want = expected(r);
  const should = want
    ? h("span", { class: `prim-should${want.lost ? " is-off" : ""}` },
        `should be ${formatValue(want.intended)}`,
        want.lost > 0 ? h("strong", { class: "prim-lost" }, ` — ${formatValue(want.lost)} lost`) : " ✓")
    : null;
  return h("div", {},
    h("p", { class: "prim-big prim-value" }, `= ${formatValue(r.value)}`, should),
    h("p", { class: "prim-line prim-counts" }, `${formatValue(r.reads)} reads · ${formatValue(r.writes)} writes`));
}

/**
 * The threads blocked on it, in the order they came.
 * @param {ResourceView} r
 * @param {RunState} state
 * @param {string} label
 * @param {string} [none]
 */
function waiting(r, state, label, none = "") {
  if (r.waiters.length === 0) return none ? line(label, none) : h("span", { hidden: true });
  const chips = r.waiters.map((name, i) => h("li", {}, threadChip(state, name, waitNote(r, state, name, i))));
  return h("div", { class: "prim-line" },
    h("span", { class: "prim-label" }, label),
    h("ol", { class: "waiters" }, ...chips));
}

/**
 * @param {ResourceView} r
 * @param {RunState} state
 * @param {string} name
 * @param {number} i
 */
function waitNote(r, state, name, i) {
  const reason = state.threads[name]?.reason;
  if (r.type === "Queue" && (reason === "put" || reason === "get")) return `to ${reason}`;
  return i === 0 && r.waiters.length > 1 ? "first" : "";
}
