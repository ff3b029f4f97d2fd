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

/**
 * @param {any} value
 * @returns {value is Record<string, number[]>}
 */
export function isSeries(value) {
  return Boolean(value) && typeof value === "object" && !Array.isArray(value)
    && Object.values(value).length > 0
    && Object.values(value).every((v) => Array.isArray(v) && v.length > 0 && v.every((n) => typeof n === "number"));
}

/**
 * One strip per variant, one bar per round in the order they happened, on one shared
 * scale (gil-convoy's `each_reply_us`: each reply's wait for the GIL), so a wait paid
 * after every reply is seen as a wall of bars, not read as a median. A dashed line marks
 * `limit` (half the switch interval) when given.
 * @param {Record<string, number[]>} series
 * @param {{ caption: string, unit: "µs" | "ms" | "s", limit?: number | null }} how
 * @returns {HTMLElement}
 */
export function seriesChart(series, how) {
  const highest = Math.max(...Object.values(series).flat(), how.limit ?? 0) || 1;
  // One spike must not flatten the rest: with a limit, the scale stops at 4× it.
  const max = how.limit ? Math.min(highest, 4 * how.limit) : highest;
  const strips = Object.entries(series).map(([variant, values]) => {
    const mid = median(values);
    const said = `${variant}: ${values.length} rounds, median ${amount(mid, how.unit)}, `
      + `longest ${amount(Math.max(...values), how.unit)}`;
    return h("div", { class: "series-strip", "data-variant": variant },
      h("span", { class: "series-label" }, variant),
      strip(values, max, how.limit ?? null, said),
      h("span", { class: "series-note" }, `median ${amount(mid, how.unit)}`));
  });
  const cut = highest > max ? `; bars above ${amount(max, how.unit)} are cut off` : "";
  return h("figure", { class: "series-chart" }, h("figcaption", {}, how.caption + cut), ...strips);
}

/**
 * The middle value (the mean of the two middle ones for an even count), as Python's
 * statistics.median, so the chart and the program's printed median agree.
 * @param {number[]} values
 */
function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const half = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[half] : (sorted[half - 1] + sorted[half]) / 2;
}

/**
 * @param {number} value
 * @param {string} unit
 */
function amount(value, unit) {
  const shown = value >= 100 ? Math.round(value).toLocaleString("en-US") : value.toPrecision(3);
  return `${shown} ${unit}`;
}

/**
 * @param {number[]} values
 * @param {number} max
 * @param {number | null} limit
 * @param {string} said what a screen reader hears instead of the bars
 */
function strip(values, max, limit, said) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("class", "series");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", said);
  svg.setAttribute("viewBox", `0 0 ${values.length} 100`);
  svg.setAttribute("preserveAspectRatio", "none");
  values.forEach((value, i) => {
    const height = Math.max(1, Math.min(1, value / max) * 100);
    const rect = document.createElementNS(SVG, "rect");
    rect.setAttribute("x", String(i + 0.1));
    rect.setAttribute("y", String(100 - height));
    rect.setAttribute("width", "0.8");
    rect.setAttribute("height", String(height));
    svg.append(rect);
  });
  if (limit !== null) {
    const line = document.createElementNS(SVG, "line");
    const y = String(100 - (limit / max) * 100);
    line.setAttribute("x1", "0");
    line.setAttribute("x2", String(values.length));
    line.setAttribute("y1", y);
    line.setAttribute("y2", y);
    line.setAttribute("class", "series-limit");
    line.setAttribute("vector-effect", "non-scaling-stroke");
    svg.append(line);
  }
  return svg;
}
