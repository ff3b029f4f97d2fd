// @ts-check
/**
 * The parameters form: read typed values, check them against their bounds (the same
 * rules and sentences as the server's), and show errors next to their fields.
 *
 * The form is rendered by the server from the scenario's params; each input carries
 * `name`, `data-type` ("int" | "float" | "bool" | "choice") and `min`/`max`.
 * @module controls/params
 */

const NUMBER = new Intl.NumberFormat("en");

/**
 * @param {HTMLFormElement} form
 * @returns {(HTMLInputElement | HTMLSelectElement)[]}
 */
export function paramInputs(form) {
  return /** @type {(HTMLInputElement | HTMLSelectElement)[]} */ (
    Array.from(form.querySelectorAll("[data-type]"))
  );
}

/**
 * The form's values, typed, and an error sentence per bad field.
 * @param {HTMLFormElement} form
 * @returns {{values: Record<string, any>, errors: Record<string, string>}}
 */
export function readParams(form) {
  /** @type {Record<string, any>} */
  const values = {};
  /** @type {Record<string, string>} */
  const errors = {};
  for (const input of paramInputs(form)) {
    const type = input.dataset.type;
    const name = input.name;
    if (type === "bool") {
      values[name] = /** @type {HTMLInputElement} */ (input).checked;
    } else if (type === "choice") {
      values[name] = input.value;
    } else {
      const result = checkNumber(name, input.value, type === "int",
        bound(input.getAttribute("min")), bound(input.getAttribute("max")));
      if (typeof result === "string") errors[name] = result;
      else values[name] = result;
    }
  }
  return { values, errors };
}

/**
 * A number within its bounds, or the sentence that says what is wrong.
 * @param {string} name
 * @param {string} text what the user typed
 * @param {boolean} whole
 * @param {number | null} min
 * @param {number | null} max
 * @returns {number | string}
 */
export function checkNumber(name, text, whole, min, max) {
  const kind = whole ? "a whole number" : "a number";
  const trimmed = text.trim().replaceAll(",", "").replaceAll("_", "");
  const value = trimmed === "" ? Number.NaN : Number(trimmed);
  if (!Number.isFinite(value) || (whole && !Number.isInteger(value))) {
    return `'${name}' must be ${kind}, not ${JSON.stringify(text)}.`;
  }
  if ((min !== null && value < min) || (max !== null && value > max)) {
    const lo = min === null ? "-∞" : NUMBER.format(min);
    const hi = max === null ? "∞" : NUMBER.format(max);
    return `'${name}' must be between ${lo} and ${hi}; got ${NUMBER.format(value)}.`;
  }
  return value;
}

/** @param {string | null} text */
function bound(text) {
  if (text === null || text === "") return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

/**
 * Show each error next to its field ("" = the form as a whole); clear the others.
 * @param {HTMLFormElement} form
 * @param {Record<string, string>} errors
 */
export function showErrors(form, errors) {
  for (const input of paramInputs(form)) {
    const message = errors[input.name] ?? "";
    const slot = form.querySelector(`[data-error-for="${input.name}"]`);
    if (slot) {
      slot.textContent = message;
      /** @type {HTMLElement} */ (slot).hidden = !message;
    }
    input.setAttribute("aria-invalid", String(Boolean(message)));
  }
  const general = /** @type {HTMLElement | null} */ (form.querySelector("[data-role=form-error]"));
  if (general) {
    general.textContent = errors[""] ?? "";
    general.hidden = !errors[""];
  }
  const first = paramInputs(form).find((input) => errors[input.name]);
  first?.focus();
}
