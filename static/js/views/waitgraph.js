// @ts-check
/**
 * The wait-for graph: threads and the locks they hold or wait for, as an SVG. An arrow
 * from a thread to a lock: "waits for"; from a lock to a thread: "held by". The edges of
 * a deadlock's cycle are red and thick (and dashed differently, for those who cannot
 * see red). Nodes sit on a circle in cycle order, so a cycle reads as a loop.
 * @module views/waitgraph
 */

import { waitGraph } from "../model/queries.js";
import { threadColour } from "../ui/palette.js";

/** @typedef {import("../model/reducer.js").RunState} RunState */
/** @typedef {import("../model/queries.js").Graph} Graph */
/** @typedef {import("../model/queries.js").GraphNode} GraphNode */

const SVG = "http://www.w3.org/2000/svg";
const W = 420;
const NODE_W = 92;
const NODE_H = 34;

/**
 * @param {string} tag
 * @param {Record<string, string | number>} attrs
 * @param {...(Node | string)} children
 * @returns {SVGElement}
 */
function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, String(value));
  el.append(...children);
  return el;
}

export class WaitGraphView {
  /**
   * @param {HTMLElement} root where the SVG goes
   * @param {HTMLElement} empty shown while nobody holds or waits for anything
   */
  constructor(root, empty) {
    this.root = root;
    this.empty = empty;
    this.drawn = "";
  }

  reset() {
    this.drawn = "";
    this.root.replaceChildren();
    this.empty.hidden = false;
  }

  /** @param {RunState} state */
  render(state) {
    const graph = waitGraph(state);
    const colours = graph.nodes.map((n) => state.threads[n.id]?.index ?? "").join(",");
    const key = `${graph.key}|${colours}`;
    if (key === this.drawn) return;
    this.drawn = key;
    this.empty.hidden = graph.edges.length > 0;
    this.root.dataset.cycle = String(graph.edges.some((e) => e.cycle));
    if (graph.edges.length === 0) {
      this.root.replaceChildren();
      return;
    }
    this.root.replaceChildren(draw(graph, state));
  }
}

/**
 * @param {Graph} graph
 * @param {RunState} state
 * @returns {SVGElement}
 */
function draw(graph, state) {
  const H = height(graph.nodes.length);
  const places = layout(graph.nodes, H);
  const svg = s("svg", {
    viewBox: `0 0 ${W} ${H}`,
    class: "graph",
    role: "img",
    "aria-label": describe(graph),
  });
  svg.append(s("defs", {}, arrow("arrow", "graph-arrow"), arrow("arrow-cycle", "graph-arrow is-cycle")));
  for (const edge of graph.edges) {
    const a = places.get(edge.from);
    const b = places.get(edge.to);
    if (!a || !b) continue;
    const [x1, y1] = border(a, b);
    const [x2, y2] = border(b, a);
    const cls = `graph-edge is-${edge.kind}${edge.cycle ? " is-cycle" : ""}`;
    svg.append(s("line", { x1, y1, x2, y2, class: cls, "marker-end": `url(#${edge.cycle ? "arrow-cycle" : "arrow"})` }));
    const label = edge.kind === "waits" ? "waits for" : "held by";
    svg.append(s("text", { x: (x1 + x2) / 2, y: (y1 + y2) / 2 - 4, class: `graph-label${edge.cycle ? " is-cycle" : ""}` }, label));
  }
  for (const node of graph.nodes) {
    const p = places.get(node.id);
    if (!p) continue;
    const colour = node.kind === "thread" ? threadColour(state.threads[node.id]?.index ?? 0) : "";
    const shape = node.kind === "thread"
      ? s("rect", { x: p.x - NODE_W / 2, y: p.y - NODE_H / 2, width: NODE_W, height: NODE_H, rx: 17 })
      : s("rect", { x: p.x - NODE_W / 2, y: p.y - NODE_H / 2, width: NODE_W, height: NODE_H, rx: 4 });
    const group = s("g", {
      class: `graph-node is-${node.kind}${node.cycle ? " is-cycle" : ""}`,
      "data-node": node.id,
      ...(colour !== "" ? { "data-colour": colour } : {}),
    }, shape, s("text", { x: p.x, y: p.y + 5 }, node.label));
    svg.append(group);
  }
  return svg;
}

/**
 * @param {string} id
 * @param {string} cls
 */
function arrow(id, cls) {
  return s("marker", { id, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" },
    s("path", { d: "M0,0 L10,5 L0,10 z", class: cls }));
}

/**
 * The picture's height: two nodes side by side need a strip, more need a circle.
 * @param {number} n
 */
function height(n) {
  return n <= 2 ? 80 : n <= 4 ? 220 : 270;
}

/**
 * Nodes on an ellipse, in order (the cycle first).
 * @param {GraphNode[]} nodes
 * @param {number} H the picture's height
 * @returns {Map<string, {x: number, y: number}>}
 */
function layout(nodes, H) {
  const out = new Map();
  const n = nodes.length;
  const rx = W / 2 - NODE_W / 2 - 8;
  const ry = H / 2 - NODE_H / 2 - 8;
  nodes.forEach((node, i) => {
    const angle = n === 2 ? Math.PI * i : -Math.PI / 2 + (2 * Math.PI * i) / n;
    const radiusX = n === 1 ? 0 : rx;
    out.set(node.id, { x: W / 2 + radiusX * Math.cos(angle), y: H / 2 + (n === 1 ? 0 : ry * Math.sin(angle)) });
  });
  return out;
}

/**
 * Where the line from `a` towards `b` leaves a's box.
 * @param {{x: number, y: number}} a
 * @param {{x: number, y: number}} b
 * @returns {[number, number]}
 */
function border(a, b) {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const scale = Math.min(
    dx === 0 ? Infinity : (NODE_W / 2 + 3) / Math.abs(dx),
    dy === 0 ? Infinity : (NODE_H / 2 + 3) / Math.abs(dy),
  );
  return [a.x + dx * Math.min(scale, 0.5), a.y + dy * Math.min(scale, 0.5)];
}

/**
 * The graph in words, for a screen reader.
 * @param {Graph} graph
 */
function describe(graph) {
  return graph.edges
    .map((e) => (e.kind === "waits" ? `${e.from} waits for ${e.to}` : `${e.from} is held by ${e.to}`))
    .join("; ");
}
