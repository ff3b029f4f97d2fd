// @ts-check
/**
 * Code links: a program carried in a link's fragment, so a slide, a chat message or a
 * QR code can hand over a whole program with its setup:
 *
 *   /code?mode=controlled&seed=7&autorun=1#src=jZDBCsIwEETv-Qr…&run=abc
 *
 * The query is a demo link's (model/demolink.js `setupQuery`; the server reads it,
 * app/api/code_page.py); the fragment, which never reaches the server, holds the
 * program: its UTF-8 bytes, deflate-raw compressed (the browser's CompressionStream),
 * in base64url without padding — byte for byte, whatever it holds (any Unicode, tabs,
 * CRLF, a BOM). It may also name a run (`run=`, `seq=`: model/deeplink.js) that the page
 * shows beside the code. Share refuses links longer than the contract's
 * `limits.code_link.max` characters; decoding stops past `limits.source_bytes.max`.
 * @module model/srclink
 */

import { setupQuery } from "./demolink.js";

/** The fragment's key for the program. */
export const SRC_KEY = "src";

/** A code link that cannot be read: not base64url, not deflate-raw, not UTF-8, too big. */
export class SourceLinkError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = "SourceLinkError";
  }
}

/**
 * A program as the fragment carries it.
 * @param {string} source
 * @returns {Promise<string>} base64url of its deflate-raw compressed UTF-8, no padding
 */
export async function encodeSource(source) {
  const bytes = new TextEncoder().encode(source);
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("deflate-raw"));
  return toBase64Url(new Uint8Array(await new Response(stream).arrayBuffer()));
}

/**
 * The program a fragment's `src` carries.
 * @param {string} token
 * @param {number} [maxBytes] refuse a program longer than this (UTF-8 bytes)
 * @returns {Promise<string>}
 */
export async function decodeSource(token, maxBytes = Infinity) {
  const compressed = fromBase64Url(token);
  const stream = new Blob([compressed]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
  const reader = stream.getReader();
  /** @type {Uint8Array[]} */
  const chunks = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel();
        throw new SourceLinkError(`The program in this link is longer than ${maxBytes.toLocaleString("en")} bytes.`);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof SourceLinkError) throw error;
    throw new SourceLinkError("The program in this link is damaged: it does not decompress (was the link cut short?).");
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new SourceLinkError("The program in this link is not UTF-8 text.");
  }
}

/**
 * @param {Uint8Array} bytes
 * @returns {string}
 */
export function toBase64Url(bytes) {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/**
 * @param {string} text base64url, with or without padding
 * @returns {Uint8Array<ArrayBuffer>}
 */
export function fromBase64Url(text) {
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(text) || text.replace(/=+$/, "").length % 4 === 1) {
    throw new SourceLinkError("The program in this link is damaged: it is not base64url text.");
  }
  const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/").replace(/=+$/, ""));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/**
 * @typedef {object} CodeLinkOptions
 * @property {Omit<import("./demolink.js").DemoSetup, "params"> | null} [setup] the run
 *   form's, in the query
 * @property {string | null} [run] a run to show beside the code
 * @property {string} [defaultGranularity]
 */

/**
 * The code page's link carrying `source` (and a setup, and a run).
 * @param {string} source
 * @param {CodeLinkOptions} [options]
 * @returns {Promise<string>} a path, its query and fragment: /code?…#src=…
 */
export async function codeLink(source, options = {}) {
  const query = options.setup ? setupQuery(options.setup, options.defaultGranularity).toString() : "";
  const hash = new URLSearchParams({ [SRC_KEY]: await encodeSource(source) });
  if (options.run) hash.set("run", options.run);
  return `/code${query ? `?${query}` : ""}#${hash}`;
}

/**
 * The program a fragment carries, or null if it carries none.
 * @param {string} hash `location.hash`, with or without its "#"
 * @returns {string | null} the encoded program (decode it with `decodeSource`)
 */
export function sourceToken(hash) {
  return new URLSearchParams(hash.replace(/^#/, "")).get(SRC_KEY);
}

/**
 * The fragment without the program (what stays once the page has loaded it).
 * @param {string} hash
 * @returns {string} with its "#", or "" if nothing else was in it
 */
export function withoutSource(hash) {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  params.delete(SRC_KEY);
  const rest = params.toString();
  return rest ? `#${rest}` : "";
}
