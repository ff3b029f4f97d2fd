// @ts-check
/**
 * The run's downloads: the Chrome trace (Perfetto, chrome://tracing) and the raw events
 * (JSON Lines). Shown once the whole run has arrived.
 * @module views/downloads
 */

import { downloadUrls } from "../net/api.js";
import { part } from "../ui/dom.js";

export class DownloadsView {
  /** @param {HTMLElement} root the `downloads` section */
  constructor(root) {
    this.root = root;
    this.trace = /** @type {HTMLAnchorElement} */ (part(root, "download-trace"));
    this.jsonl = /** @type {HTMLAnchorElement} */ (part(root, "download-jsonl"));
    this.ready = false;
  }

  /**
   * @param {string} runId
   * @param {{trace?: string}} [links] the run's links, as the API gives them
   */
  setRun(runId, links = {}) {
    const urls = downloadUrls(runId);
    this.trace.href = links.trace ?? urls.trace;
    this.jsonl.href = urls.jsonl;
    this.ready = Boolean(runId);
  }

  /** @param {boolean} complete the run's last event has arrived */
  render(complete) {
    const hidden = !(this.ready && complete);
    if (this.root.hidden !== hidden) this.root.hidden = hidden;
  }

  reset() {
    this.ready = false;
    this.root.hidden = true;
  }
}
