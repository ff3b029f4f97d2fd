// @ts-check
/**
 * "Copy" on the code panel: the whole program as the panel shows it — the run's
 * parameter values written into main's signature — so the copied file, run with
 * `python3`, behaves as the run did (minus the tracing). A hidden read-only field
 * holds the text: where the Clipboard API is refused (http://192.168.… in a
 * classroom), it is selected there and copied the old way.
 * @module controls/codecopy
 */

import { copyWithFeedback } from "../ui/clipboard.js";

export class CodeCopy {
  /**
   * @param {HTMLButtonElement} button
   * @param {HTMLTextAreaElement} field
   */
  constructor(button, field) {
    this.button = button;
    this.field = field;
    button.addEventListener("click", () => void copyWithFeedback(button, field.value, field));
    this.set("");
  }

  /** @param {string} source the program the panel shows */
  set(source) {
    this.field.value = source;
    this.button.disabled = source === "";
  }
}
