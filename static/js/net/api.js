// @ts-check
/**
 * The HTTP API v1 as the browser calls it: one function per route, and the URLs the
 * page hands to EventSource, links and images. A failure is thrown as an `ApiError`
 * (net/apierror.js); the shapes are in net/apitypes.js.
 * @module net/api
 */

import { ApiError, errorMessage } from "./apierror.js";

/** @typedef {import("./apitypes.js").ScenarioInfo} ScenarioInfo */
/** @typedef {import("./apitypes.js").RunRequest} RunRequest */
/** @typedef {import("./apitypes.js").RunCreated} RunCreated */
/** @typedef {import("./apitypes.js").SearchRequest} SearchRequest */
/** @typedef {import("./apitypes.js").SearchStatus} SearchStatus */
/** @typedef {import("./apitypes.js").RunList} RunList */
/** @typedef {import("./apitypes.js").ShareInfo} ShareInfo */
/** @typedef {import("./apitypes.js").Position} Position */

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
 * @param {string} id
 * @returns {Promise<ScenarioInfo>}
 */
export function getScenario(id) {
  return request(`/api/scenarios/${encodeURIComponent(id)}`);
}

/**
 * The scenario's program with `params` written into main's signature: what "Copy"
 * copies and the code panel shows. A bad value is a 422, as for a run.
 * @param {string} id
 * @param {Record<string, unknown>} params
 * @returns {Promise<string>}
 */
export async function getProgram(id, params) {
  const query = new URLSearchParams(Object.entries(params).map(([name, value]) => [name, String(value)]));
  const url = `/api/scenarios/${encodeURIComponent(id)}/program?${query}`;
  let response;
  try {
    response = await fetch(url, { headers: { Accept: "text/x-python, application/json" } });
  } catch {
    throw new ApiError(0, "The Threadlab server cannot be reached. Is it still running?");
  }
  if (response.ok) return response.text();
  const body = await response.json().catch(() => null);
  const detail = body && typeof body === "object" ? body.detail : null;
  throw new ApiError(response.status, errorMessage(response.status, detail), detail, null, body);
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
