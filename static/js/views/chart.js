// @ts-check
/**
 * A verdict's measured table (the GIL scenarios' `facts.table`: rows such as
 * {variant, seconds, speedup}) as a table with a bar per row, so "4 threads took as
 * long as 1" is seen before it is read.
 * @module views/chart
 */

import { formatValue } from "../model/format.js";
import { h } from "../ui/dom.js";

const SVG = "http://www.w3.org/2000/svg";
/** Columns that are measured amounts, drawn as bars (the first one found). */
const AMOUNTS = ["seconds", "microseconds", "milliseconds"];
const UNITS = { seconds: "s", microseconds: "µs", milliseconds: "ms" };

/**
 * @param {any} rows
 * @returns {rows is Record<string, any>[]}
 */
export function isTable(rows) {
  return Array.isArray(rows) && rows.length > 0 && rows.every((r) => r && typeof r === "object" && !Array.isArray(r));
}

/**
 * @param {Record<string, any>[]} rows
 * @returns {HTMLElement}
 */
export function factsTable(rows) {
  /** @type {string[]} */
  const columns = [];
  for (const row of rows) for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key);
  const amount = AMOUNTS.find((c) => columns.includes(c)) ?? null;
  const max = amount ? Math.max(...rows.map((r) => Number(r[amount]) || 0)) : 0;
  const head = h("tr", {}, ...columns.map((c) => h("th", { scope: "col" }, label(c))));
  const body = rows.map((row) => h("tr", {}, ...columns.map((c) => {
    if (c === amount) return h("td", { class: "bar-cell" }, bar(Number(row[c]) || 0, max), cell(c, row[c]));
    return h(c === columns[0] ? "th" : "td", c === columns[0] ? { scope: "row" } : {}, cell(c, row[c]));
  })));
  return h("table", { class: "facts-table" }, h("thead", {}, head), h("tbody", {}, ...body));
}

/** @param {string} column */
function label(column) {
  return column === "speedup" ? "speed-up" : column.replaceAll("_", " ");
}

/**
 * @param {string} column
 * @param {any} value
 */
function cell(column, value) {
  if (value === null || value === undefined) return "—";
  if (column === "speedup" && typeof value === "number") return `${value}×`;
  if (column in UNITS && typeof value === "number") {
    const shown = value >= 100 ? value.toFixed(0) : value.toPrecision(3);
    return `${shown} ${UNITS[/** @type {keyof typeof UNITS} */ (column)]}`;
  }
  return typeof value === "string" ? value : formatValue(value);
}

/**
 * @param {number} value
 * @param {number} max
 */
function bar(value, max) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("class", "bar");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("viewBox", "0 0 100 10");
  svg.setAttribute("preserveAspectRatio", "none");
  const rect = document.createElementNS(SVG, "rect");
  rect.setAttribute("width", String(max > 0 ? Math.max(1, (value / max) * 100) : 0));
  rect.setAttribute("height", "10");
  svg.append(rect);
  return svg;
}
