// @ts-check
/**
 * What the scenario printed.
 * @module views/output
 */

/** @typedef {import("../model/reducer.js").RunState} RunState */

export class OutputView {
  /**
   * @param {HTMLElement} pre
   * @param {HTMLElement} card hidden while nothing was printed
   */
  constructor(pre, card) {
    this.pre = pre;
    this.card = card;
    /** @type {ReadonlyArray<string> | null} */
    this.drawn = null;
  }

  reset() {
    this.drawn = null;
    this.pre.textContent = "";
    this.card.hidden = true;
  }

  /** @param {RunState} state */
  render(state) {
    if (state.output === this.drawn) return;
    this.drawn = state.output;
    this.card.hidden = state.outputCount === 0;
    const skipped = state.outputCount - state.output.length;
    const head = skipped > 0 ? `… ${skipped} earlier lines\n` : "";
    this.pre.textContent = head + state.output.join("\n");
  }
}
