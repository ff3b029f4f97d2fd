// @ts-check
/**
 * The creator's control token of each run it started, kept in localStorage: it lets
 * this browser step, present or delete the run (the server keeps only its hash).
 * @module net/tokens
 */

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
