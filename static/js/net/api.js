// @ts-check
/**
 * The HTTP contract v1 as the browser calls it (see DESIGN.md). Every failure becomes
 * an `ApiError` whose `message` is a sentence a person can act on.
 * @module api
 */

/**
 * @typedef {object} ParamSpec
 * @property {string} name
 * @property {"int" | "float" | "bool" | "choice"} type
 * @property {any} default
 * @property {number | null} min
 * @property {number | null} max
 * @property {string} [help]
 * @property {string[]} [choices]
 */

/**
 * @typedef {object} ScenarioInfo
 * @property {string} id
 * @property {string} title
 * @property {string} [group]
 * @property {string} concept
 * @property {string} summary
 * @property {ParamSpec[]} params
 * @property {string} [source]
 * @property {string} [explanation]
 * @property {string[]} [look_for]
 * @property {string[]} [modes] "free" and/or "controlled"
 * @property {string[]} [goals] what "Break it" may look for
 * @property {string | null} [fixed_by] the scenario that shows the fix
 * @property {{options?: Record<string, any>}} [extra] e.g. default controlled options
 * @property {Record<string, any>} [options] default controlled options, if exposed so
 */

/**
 * @typedef {object} RunRequest
 * @property {string} scenario
 * @property {Record<string, any>} params
 * @property {"free" | "controlled"} mode
 * @property {number | null} seed null: the server picks one
 * @property {string} policy "random" | "round_robin" | "pct" | "manual"
 * @property {RunOptions} [options]
 */

/**
 * Controlled-mode options.
 * @typedef {object} RunOptions
 * @property {"operation" | "bytecode"} [granularity]
 * @property {number} [depth] PCT's bug depth, 1–10
 * @property {string[]} [choices] a prefix of picks to replay (undo, share)
 */

/**
 * @typedef {object} SearchRequest
 * @property {string} scenario
 * @property {Record<string, any>} params
 * @property {string} goal deadlock | lost_update | any_failure
 * @property {string} policy random | pct | mixed
 * @property {number} budget
 */

/**
 * @typedef {object} SearchStatus
 * @property {string} id
 * @property {"running" | "done"} status
 * @property {number} tries
 * @property {number} budget
 * @property {boolean} found
 * @property {number | null} seed
 * @property {string | null} policy
 * @property {{id: string, links: {page: string, events: string}} | null} run
 * @property {string | null} message
 */

/**
 * @typedef {object} RunCreated
 * @property {string} id
 * @property {string} status
 * @property {{self?: string, events: string, page: string, trace?: string}} links
 * @property {string} [control_token]
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
 * @param {string} url
 * @param {RequestInit} [init]
 * @returns {Promise<any>}
 */
async function request(url, init) {
  let response;
  try {
    response = await fetch(url, { headers: { Accept: "application/json" }, ...init });
  } catch {
    throw new ApiError(0, "The Threadlab server cannot be reached. Is it still running?");
  }
  const body = response.status === 204 ? null : await response.json().catch(() => null);
  if (response.ok) return body;
  const detail = body && typeof body === "object" ? body.detail : null;
  const retry = Number.parseFloat(response.headers.get("Retry-After") ?? "");
  throw new ApiError(
    response.status,
    errorMessage(response.status, detail),
    detail,
    Number.isFinite(retry) ? retry : null,
    body && typeof body === "object" ? body : null,
  );
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
 * @param {string} id
 * @returns {Promise<ScenarioInfo>}
 */
export function getScenario(id) {
  return request(`/api/scenarios/${encodeURIComponent(id)}`);
}

/**
 * @param {RunRequest} body
 * @returns {Promise<RunCreated>}
 */
export function createRun(body) {
  return request("/api/runs", {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(body),
  });
}

/**
 * @param {string} id
 * @returns {Promise<Record<string, any>>}
 */
export function getRun(id) {
  return request(`/api/runs/${encodeURIComponent(id)}`);
}

/**
 * Manual policy: let `thread` take the next step (needs the creator's control token).
 * @param {string} id
 * @param {string} thread
 * @param {string} token
 * @returns {Promise<Record<string, any>>}
 */
export function stepRun(id, thread, token) {
  return request(`/api/runs/${encodeURIComponent(id)}/step`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json", "X-Control-Token": token },
    body: JSON.stringify({ thread }),
  });
}

/**
 * "Break it": start a search for a seed that reaches a goal.
 * @param {SearchRequest} body
 * @returns {Promise<{id: string}>}
 */
export function startSearch(body) {
  return request("/api/search", {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(body),
  });
}

/**
 * @param {string} id
 * @returns {Promise<SearchStatus>}
 */
export function getSearch(id) {
  return request(`/api/search/${encodeURIComponent(id)}`);
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

/** @param {string} id */
export function eventsUrl(id) {
  return `/api/runs/${encodeURIComponent(id)}/events`;
}

/** @param {string} id @returns {string} the presence stream: presenter and viewers */
export function presenceUrl(id) {
  return `/api/runs/${encodeURIComponent(id)}/presence`;
}

/** @param {string} id @returns {{trace: string, jsonl: string}} the run's downloads */
export function downloadUrls(id) {
  const base = `/api/runs/${encodeURIComponent(id)}`;
  return { trace: `${base}/trace`, jsonl: `${base}/events.jsonl` };
}

/**
 * One run in the recent runs' list (GET /api/runs).
 * @typedef {object} RunEntry
 * @property {string} id
 * @property {string} scenario
 * @property {string} [title]
 * @property {string} status
 * @property {string | null} [summary] the verdict's sentence, or what went wrong
 * @property {string} [mode]
 * @property {number | null} [seed]
 * @property {string | null} [policy]
 * @property {Record<string, any>} [params]
 * @property {string | null} [created] ISO 8601
 * @property {string | null} [ended]
 * @property {{events?: number, threads?: number}} [counts]
 * @property {{page?: string}} [links]
 */

/**
 * @typedef {object} RunList
 * @property {RunEntry[]} runs newest first
 * @property {string | null} next the URL of the older runs, if there are more
 * @property {number} [keep_runs]
 * @property {string} [retention] a sentence: how many runs the server keeps
 */

/**
 * The recent runs, newest first (`url`: a `next` link of an earlier answer).
 * @param {{scenario?: string, limit?: number, url?: string | null}} query
 * @returns {Promise<RunList>}
 */
export function listRuns(query) {
  if (query.url) return request(query.url);
  const params = new URLSearchParams({ limit: String(query.limit ?? 50) });
  if (query.scenario) params.set("scenario", query.scenario);
  return request(`/api/runs?${params}`);
}

/**
 * Delete a run and its recording (its creator only: 403 otherwise; 204 when done).
 * @param {string} id
 * @param {string} token
 * @returns {Promise<null>}
 */
export function deleteRun(id, token) {
  return request(`/api/runs/${encodeURIComponent(id)}`, {
    method: "DELETE",
    headers: { Accept: "application/json", "X-Control-Token": token },
  });
}

/**
 * What the Share dialog shows for a path of this server.
 * @typedef {object} ShareInfo
 * @property {string} url the link to give the class
 * @property {string} [local_url] as this browser opened the server
 * @property {string[]} lan_urls the addresses the class can use, best first
 * @property {boolean} reachable can the class reach the server at all?
 * @property {string | null} hint what to do if they cannot
 * @property {string | null} [command] the command that fixes it
 * @property {string} [qr] the QR code's URL (SVG)
 */

/**
 * @param {string} path e.g. /runs/abc
 * @returns {Promise<ShareInfo>}
 */
export function getShare(path) {
  return request(`/api/share?url=${encodeURIComponent(path)}`);
}

/** @param {string} url @returns {string} the QR code (SVG) of a link to this server */
export function qrUrl(url) {
  return `/api/qr?data=${encodeURIComponent(url)}`;
}

/**
 * Where the presenter is in the playback.
 * @typedef {object} Position
 * @property {number} seq the last event shown
 * @property {boolean} playing
 * @property {number} speed
 * @property {boolean} live staying on a live run's newest event
 */

/**
 * The presenter's position, for everyone who follows (the creator only: 403 otherwise).
 * @param {string} id
 * @param {string} token
 * @param {Position} position
 * @returns {Promise<Record<string, any>>}
 */
export function sendPosition(id, token, position) {
  return request(`/api/runs/${encodeURIComponent(id)}/presenter`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json", "X-Control-Token": token },
    body: JSON.stringify(position),
  });
}

/**
 * Stop presenting: followers stay where they are, paused.
 * @param {string} id
 * @param {string} token
 * @param {boolean} [keepalive] the page is going away: the request outlives it
 * @returns {Promise<Record<string, any>>}
 */
export function stopPresenting(id, token, keepalive = false) {
  return request(`/api/runs/${encodeURIComponent(id)}/presenter`, {
    method: "DELETE",
    headers: { Accept: "application/json", "X-Control-Token": token },
    keepalive,
  });
}

const TOKEN_PREFIX = "threadlab:control:";

/**
 * Keep the creator's control token for a run (needed to step or cancel it).
 * @param {string} runId
 * @param {string} token
 */
export function rememberControlToken(runId, token) {
  try {
    localStorage.setItem(TOKEN_PREFIX + runId, token);
  } catch {
    // Private mode or storage full: the run still works, only control is lost.
  }
}

/**
 * Forget a run's control token (the run was deleted).
 * @param {string} runId
 */
export function forgetControlToken(runId) {
  try {
    localStorage.removeItem(TOKEN_PREFIX + runId);
  } catch {
    // Nothing was kept.
  }
}

/**
 * @param {string} runId
 * @returns {string | null}
 */
export function controlToken(runId) {
  try {
    return localStorage.getItem(TOKEN_PREFIX + runId);
  } catch {
    return null;
  }
}
