// @ts-check
/**
 * The Share dialog of a run: its link (Copy), a QR code of it, and whether the class
 * can open it at all — `GET /api/share?url=/runs/{id}` says so. On a server bound to
 * 127.0.0.1 the dialog says plainly that nobody else can reach it and shows the exact
 * command to restart with; otherwise it gives the LAN link (also in the QR code).
 * A server without /api/share: the link as this page sees it, judged by its host name.
 * @module controls/share
 */

import { getShare, qrUrl } from "../net/api.js";
import { ApiError, isMissingRoute } from "../net/apierror.js";
import { copyWithFeedback } from "../ui/clipboard.js";
import { h, part, setText } from "../ui/dom.js";

/** @typedef {import("../net/apitypes.js").ShareInfo} ShareInfo */

/**
 * @param {string} host a URL's host name
 * @returns {boolean} only this computer can open it
 */
export function isLoopbackHost(host) {
  const name = host.replace(/^\[|\]$/g, "").toLowerCase();
  return name === "localhost" || name.endsWith(".localhost") || name === "::1" || /^127\./.test(name);
}

/**
 * What to show without /api/share: the page's own origin, judged by its host.
 * @param {string} path
 * @param {{origin: string, hostname: string, port: string}} where `location`
 * @returns {ShareInfo}
 */
export function fallbackShare(path, where) {
  const url = where.origin + path;
  if (!isLoopbackHost(where.hostname)) {
    return { url, lan_urls: [url], reachable: true, hint: null, command: null };
  }
  const port = where.port ? ` --port ${where.port}` : "";
  return {
    url,
    lan_urls: [],
    reachable: false,
    hint: `The class cannot open this link: this page is open at ${where.hostname}, which is this computer only. Stop Threadlab and restart it with:`,
    command: `threadlab --host 0.0.0.0${port}`,
  };
}

const CANNOT = "The class cannot open this link: ";

/**
 * The hint as the dialog shows it: under its own title ("The class cannot open this
 * link yet"), so without that opening, and without the command at its end (the dialog
 * shows it as code, with a Copy button).
 * @param {string} hint
 * @param {string | null | undefined} command
 */
export function hintText(hint, command) {
  let text = hint.startsWith(CANNOT) ? hint.slice(CANNOT.length) : hint;
  text = text.charAt(0).toUpperCase() + text.slice(1);
  if (!command) return text;
  const at = text.lastIndexOf(command);
  return at > 0 && text.slice(at + command.length).trim() === "" ? text.slice(0, at).trimEnd() : text;
}

export class ShareDialog {
  /**
   * @param {HTMLDialogElement} dialog
   * @param {HTMLButtonElement} button the stage's Share button
   */
  constructor(dialog, button) {
    this.dialog = dialog;
    this.button = button;
    this.path = "";
    this.canPresent = false;
    this.notice = "";
    this.url = /** @type {HTMLTextAreaElement} */ (part(dialog, "share-url"));
    this.qr = part(dialog, "share-qr");
    this.image = /** @type {HTMLImageElement} */ (part(dialog, "share-qr-image"));
    this.warning = part(dialog, "share-warning");
    this.note = part(dialog, "share-note");
    this.command = part(dialog, "share-command");
    this.image.addEventListener("error", () => { this.qr.hidden = true; });
    button.addEventListener("click", () => void this.open());
    dialog.addEventListener("click", (event) => {
      const target = /** @type {HTMLElement} */ (event.target);
      if (target === dialog || target.closest("[data-close]")) dialog.close();
      const copy = /** @type {HTMLButtonElement | null} */ (target.closest("[data-action^=copy-]"));
      if (copy?.dataset.action === "copy-link") void copyWithFeedback(copy, this.url.value, this.url);
      if (copy?.dataset.action === "copy-command") void copyWithFeedback(copy, this.command.textContent ?? "");
    });
  }

  /**
   * The run to share (or none: the button hides).
   * @param {string} path e.g. /runs/abc, or a code link (/code?…#src=…), or "" for none
   * @param {boolean} canPresent this page may present it (say so in the dialog)
   * @param {string} [notice] a sentence the dialog shows under the link
   */
  setRun(path, canPresent, notice = "") {
    this.path = path;
    this.canPresent = canPresent;
    this.notice = notice;
    this.button.hidden = !path;
    if (!path && this.dialog.open) this.dialog.close();
  }

  async open() {
    if (!this.path) return;
    const path = this.path;
    this.show(fallbackShare(path, location), true);
    if (!this.dialog.open) this.dialog.showModal();
    this.dialog.dataset.state = "loading";
    let info;
    try {
      info = await this.shareInfo(path);
    } catch (error) {
      info = fallbackShare(path, location);
      if (!isMissingRoute(error)) setText(this.note, "The server could not say which addresses the class can use.");
    }
    if (path !== this.path) return;
    this.show(info, false);
    this.dialog.dataset.state = "ready";
  }

  /**
   * What the server says of `path`. A code link too long to ask about whole (or for a
   * QR code) is asked about without its fragment, which is then put back on each link.
   * @param {string} path
   * @returns {Promise<ShareInfo>}
   */
  async shareInfo(path) {
    const cut = path.indexOf("#");
    try {
      return await getShare(path);
    } catch (error) {
      if (cut < 0 || !(error instanceof ApiError) || error.status !== 422) throw error;
    }
    const hash = path.slice(cut);
    const info = await getShare(path.slice(0, cut));
    return {
      ...info,
      url: info.url + hash,
      local_url: info.local_url && info.local_url + hash,
      lan_urls: info.lan_urls.map((u) => u + hash),
      qr: null, // too long to scan
    };
  }

  /**
   * @param {ShareInfo} info
   * @param {boolean} provisional before the server answered: no QR code yet
   */
  show(info, provisional) {
    this.url.value = info.url;
    if (provisional) setText(this.note, this.notice);
    this.dialog.dataset.reachable = String(info.reachable);
    this.warning.hidden = info.reachable || provisional;
    setText(part(this.dialog, "share-hint"), info.hint ? hintText(info.hint, info.command) : "");
    setText(this.command, info.command ?? "");
    part(this.dialog, "share-command-row").hidden = !info.command;
    part(this.dialog, "share-command-note").hidden = !info.command?.includes("--share");
    setText(part(this.dialog, "share-url-label"), info.reachable ? "Students open" : "The link (this computer only, for now)");
    // A QR code of a link nobody else can open would only send phones nowhere.
    const qr = info.qr === undefined ? qrUrl(info.url) : info.qr;
    this.qr.hidden = provisional || !info.reachable || !qr;
    if (qr && !this.qr.hidden && this.image.getAttribute("src") !== qr) this.image.src = qr;
    const others = info.lan_urls.filter((u) => u !== info.url);
    const list = part(this.dialog, "share-others");
    list.replaceChildren(...others.map((u) => h("li", {}, "or ", h("code", {}, u))));
    list.hidden = others.length === 0;
    part(this.dialog, "share-present-hint").hidden = !this.canPresent;
  }
}
