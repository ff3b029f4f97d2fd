// @ts-check
/**
 * "Open in editor" (or "Edit a copy") on the code panel: a link to the code page
 * carrying the program the panel shows, in its fragment (model/srclink.js), and the
 * page's setup — the scenario form's schedule, or a run's — in its query. The link is
 * written when the program changes and again as the pointer or the focus reaches it,
 * so it carries the setup as it is then; it opens as any link does (a new tab too).
 * @module controls/editlink
 */

import { codeLink } from "../model/srclink.js";
import { defaults } from "../model/contract.js";
import { setLabel } from "../ui/dom.js";

/**
 * A schedule, as the run form reads it or a run has it (GET /api/runs/{id}).
 * @typedef {object} Setup
 * @property {string} mode
 * @property {number | null} seed
 * @property {string} policy
 * @property {{depth?: number, granularity?: string}} [options]
 */

/**
 * @typedef {object} EditLinkOptions
 * @property {string} [label] the link's words ("Open in editor", "Edit a copy")
 * @property {() => Setup | null} [setup] the setup the code page should open with
 * @property {boolean} [shown] false: never shown (the code page itself)
 */

/**
 * A run's setup (as GET /api/runs/{id} describes it), for a link's query.
 * @param {Record<string, any> | null} run
 * @returns {Setup | null}
 */
export function runSetup(run) {
  if (!run) return null;
  return {
    mode: String(run.mode ?? defaults().mode),
    seed: Number.isInteger(run.seed) ? run.seed : null,
    policy: String(run.policy ?? defaults().policy),
    options: run.options && typeof run.options === "object" ? run.options : {},
  };
}

export class EditLink {
  /** @param {HTMLAnchorElement} anchor */
  constructor(anchor) {
    this.anchor = anchor;
    this.source = "";
    this.ticket = 0;
    /** @type {EditLinkOptions} */
    this.options = {};
    const refresh = () => void this.write();
    anchor.addEventListener("pointerenter", refresh);
    anchor.addEventListener("focus", refresh);
  }

  /** @param {EditLinkOptions} options */
  configure(options) {
    this.options = { ...this.options, ...options };
    if (this.options.label) setLabel(this.anchor, this.options.label);
    void this.write();
  }

  /**
   * @param {string} source the program to carry ("" for none)
   * @param {boolean} [now] write the link now (else when the pointer or focus reaches it)
   */
  setSource(source, now = true) {
    this.source = source;
    if (now || !source) void this.write();
  }

  async write() {
    const ticket = ++this.ticket;
    const source = this.source;
    if (!source || this.options.shown === false) {
      this.anchor.hidden = true;
      return;
    }
    const setup = this.options.setup?.() ?? null;
    const href = await codeLink(source, { setup: setup && { ...setup, options: setup.options ?? {}, autorun: false } });
    if (ticket !== this.ticket) return; // a newer program or setup is being written
    this.anchor.href = href;
    this.anchor.hidden = false;
  }
}
