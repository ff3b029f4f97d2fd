// @ts-check
/**
 * The few DOM helpers the views share.
 * @module ui/dom
 */

/**
 * Create an element: `h("li", {class: "lane", "data-thread": "T1"}, "T1")`.
 * Attributes are set with setAttribute (never inline style: the CSP forbids it).
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, string | number | boolean | null | undefined>} [attrs]
 * @param {...(Node | string | null | undefined | false)} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child);
  }
  return element;
}

/**
 * The element with `data-role="name"` inside `root`; throws if the template lacks it.
 * @param {ParentNode} root
 * @param {string} name
 * @returns {HTMLElement}
 */
export function part(root, name) {
  const element = root.querySelector(`[data-role="${name}"]`);
  if (!(element instanceof HTMLElement)) throw new Error(`the page has no [data-role="${name}"]`);
  return element;
}

/**
 * Set an element's text only if it changed (a write costs a style recalculation).
 * @param {Element} element
 * @param {string} text
 */
export function setText(element, text) {
  if (element.textContent !== text) element.textContent = text;
}

/** A label's leading glyph and the words after it: "▶ Play", "✓ Copied". */
const GLYPH = /^([^\p{L}\p{N}\s]+)\s+(\S[\s\S]*)$/u;

/**
 * Set a button's (or link's) label, only if it changed. A leading glyph ("▶ Play") is
 * shown but wrapped in `<span aria-hidden="true">`, as in the templates, so a screen
 * reader reads the name "Play", not "black right-pointing triangle Play".
 * @param {Element} element
 * @param {string} label
 */
export function setLabel(element, label) {
  if (element.textContent === label) return;
  const match = GLYPH.exec(label);
  if (match) element.replaceChildren(h("span", { "aria-hidden": "true" }, match[1]), ` ${match[2]}`);
  else element.textContent = label;
}
