// @ts-check
/**
 * Copying a link or a command. The Clipboard API needs a secure context, and a class
 * opens Threadlab at http://192.168.…, which is not one: there the text is selected in
 * its field and copied the old way, and failing that left selected for Ctrl+C.
 * @module ui/clipboard
 */

import { setLabel } from "./dom.js";

/**
 * Copy `text`; `field` (a read-only field showing it) is the fallback.
 * @param {string} text
 * @param {HTMLInputElement | HTMLTextAreaElement | null} [field]
 * @returns {Promise<boolean>} whether it was copied (if not, it is selected)
 */
export async function copyText(text, field = null) {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Denied (no permission, page not focused): fall back to the selection.
  }
  if (!field) return false;
  field.focus();
  field.select();
  try {
    return document.execCommand("copy");
  } catch {
    return false;
  }
}

/**
 * Copy, and say so on `button` for a moment.
 * @param {HTMLButtonElement} button
 * @param {string} text
 * @param {HTMLInputElement | HTMLTextAreaElement | null} [field]
 */
export async function copyWithFeedback(button, text, field = null) {
  const label = button.dataset.label ?? button.textContent ?? "";
  button.dataset.label = label;
  const copied = await copyText(text, field);
  setLabel(button, copied ? "✓ Copied" : "Selected: press Ctrl+C");
  window.setTimeout(() => setLabel(button, label), 2500);
  return copied;
}
