// @ts-check
/**
 * The position in the URL's fragment, so a link can point at a moment of a run:
 * `/runs/abc#seq=25` (the shared run page) or `/scenarios/race#run=abc&seq=25` (the
 * scenario page, which also needs to know the run).
 * @module model/deeplink
 */

/**
 * @typedef {object} Place
 * @property {string | null} run
 * @property {number | null} seq
 */

/**
 * @param {string} hash `location.hash`, with or without its "#"
 * @returns {Place}
 */
export function parsePlace(hash) {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  const seqText = params.get("seq");
  const seq = seqText !== null && /^\d+$/.test(seqText) ? Number(seqText) : null;
  const run = params.get("run");
  return { run: run && /^[\w-]{1,64}$/.test(run) ? run : null, seq };
}

/**
 * @param {Place} place
 * @returns {string} the fragment, with its "#" ("" for nowhere)
 */
export function formatPlace(place) {
  const parts = [];
  if (place.run) parts.push(`run=${encodeURIComponent(place.run)}`);
  if (place.seq !== null) parts.push(`seq=${place.seq}`);
  return parts.length ? `#${parts.join("&")}` : "";
}
