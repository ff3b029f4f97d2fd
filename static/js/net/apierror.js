// @ts-check
/**
 * What goes wrong talking to the server: every failure is an `ApiError` whose
 * `message` is a sentence a person can act on, and a 422's parts can be put next to
 * the form fields they are about.
 * @module net/apierror
 */

export class ApiError extends Error {
  /**
   * @param {number} status HTTP status (0: the server could not be reached)
   * @param {string} message
   * @param {any} detail the `detail` of the JSON error body, if any
   * @param {number | null} retryAfter seconds, from a 429's Retry-After
   * @param {Record<string, any> | null} body the whole JSON error body
   */
  constructor(status, message, detail = null, retryAfter = null, body = null) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.detail = detail;
    this.retryAfter = retryAfter;
    this.body = body;
  }
}

/**
 * A readable sentence for an error answer.
 * @param {number} status
 * @param {any} detail
 * @returns {string}
 */
export function errorMessage(status, detail) {
  if (typeof detail === "string" && detail) return detail;
  if (Array.isArray(detail) && detail.length) {
    return detail.map((d) => (d && typeof d === "object" ? d.msg ?? d.message : String(d))).join(" ");
  }
  if (detail && typeof detail === "object" && typeof detail.message === "string") {
    return detail.message;
  }
  if (status === 429) return "Too many runs are waiting. Try again in a few seconds.";
  if (status === 404) return "Not found.";
  return `The server answered ${status}.`;
}

/**
 * Which form field each part of a 422 answer is about: field name → message, and
 * messages for no field under "". Understands Threadlab's {detail: sentence, param},
 * FastAPI's list of {loc, msg}, and a sentence that quotes a field ('threads' must…).
 * @param {any} detail
 * @param {string[]} fields the names of the form's fields
 * @param {string | null} [param] the parameter the answer names, if it names one
 * @returns {Record<string, string>}
 */
export function fieldErrors(detail, fields, param = null) {
  /** @type {Record<string, string>} */
  const out = {};
  /** @param {string | null} name @param {string} message */
  const add = (name, message) => {
    const key = name !== null && fields.includes(name) ? name : "";
    out[key] = out[key] ? `${out[key]} ${message}` : message;
  };
  /** @param {string} text @returns {string | null} */
  const quoted = (text) => fields.find((f) => text.includes(`'${f}'`)) ?? null;
  if (Array.isArray(detail)) {
    for (const item of detail) {
      /** @type {string[]} */
      const loc = Array.isArray(item?.loc) ? item.loc.map(String) : [];
      const message = String(item?.msg ?? item?.message ?? item);
      add(loc.find((part) => fields.includes(part)) ?? quoted(message), message);
    }
  } else if (detail && typeof detail === "object") {
    const message = String(detail.message ?? detail.msg ?? JSON.stringify(detail));
    const name = detail.param ?? detail.name ?? detail.field ?? quoted(message);
    add(typeof name === "string" ? name : null, message);
  } else if (typeof detail === "string") {
    add(param !== null && fields.includes(param) ? param : quoted(detail), detail);
  }
  return out;
}

/**
 * Whether an error says the server has no such route at all (an older server, or a
 * feature not built yet) rather than "no such thing" from a route that exists.
 * @param {unknown} error
 * @returns {boolean}
 */
export function isMissingRoute(error) {
  return error instanceof ApiError && (error.status === 404 || error.status === 405)
    && (error.detail === "Not Found" || error.detail === "Method Not Allowed");
}
