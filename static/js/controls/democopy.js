// @ts-check
/**
 * "Copy demo link": the scenario page's link with the form as it is now, to put in a
 * slide. A bad field is shown as its error instead (the link would only show it too).
 * @module controls/democopy
 */

import { isControlled } from "../model/contract.js";
import { demoLink } from "../model/demolink.js";
import { copyWithFeedback } from "../ui/clipboard.js";
import { setText } from "../ui/dom.js";

/** @typedef {import("../model/demolink.js").DemoSetup} DemoSetup */

export class DemoLinkControl {
  /**
   * @param {HTMLElement} root the `.demo-link` row of the form
   * @param {string} scenario
   * @param {() => Omit<DemoSetup, "autorun"> | null} read the form, or null (errors shown)
   * @param {string} defaultGranularity
   */
  constructor(root, scenario, read, defaultGranularity) {
    this.button = /** @type {HTMLButtonElement} */ (root.querySelector("[data-action=demo-link]"));
    this.autorun = /** @type {HTMLInputElement} */ (root.querySelector("[data-role=demo-autorun]"));
    this.field = /** @type {HTMLInputElement} */ (root.querySelector("[data-role=demo-url]"));
    this.note = /** @type {HTMLElement} */ (root.querySelector("[data-role=demo-note]"));
    this.button.addEventListener("click", () => {
      const setup = read();
      if (!setup) {
        setText(this.note, "Fix the values marked in red first.");
        return;
      }
      const path = demoLink(scenario, { ...setup, autorun: this.autorun.checked }, defaultGranularity);
      const url = new URL(path, location.href).href;
      this.field.value = url;
      this.field.hidden = false;
      setText(this.note, setup.seed === null && isControlled(setup)
        ? "No seed: each opening picks a new one. Set a seed for the same run every time."
        : "Put it in your slides: it opens this page set up like this.");
      void copyWithFeedback(this.button, url, this.field);
    });
  }
}
