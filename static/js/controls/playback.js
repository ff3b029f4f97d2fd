// @ts-check
/**
 * The playback bar: start, step back, play/pause, step forward, newest; the scrubber;
 * speed; live-follow; and the keyboard shortcuts (the `?` overlay lists them from the
 * same table, ui/keys.js). Every control only asks the player; what it shows comes back
 * through `render(player)`.
 * @module controls/playback
 */

import { formatValue } from "../model/format.js";
import { SPEEDS } from "../model/player.js";
import { h, setLabel, setText } from "../ui/dom.js";
import { SHORTCUTS, actionFor } from "../ui/keys.js";

/** @typedef {import("../model/player.js").Player} Player */
/** @typedef {import("../ui/keys.js").Action} Action */

export class PlaybackControls {
  /**
   * @param {HTMLElement} root the playback bar
   * @param {HTMLDialogElement} help the `?` overlay
   * @param {(thread: number) => void} onStepKey a digit 1–9 (manual runs)
   */
  constructor(root, help, onStepKey) {
    this.root = root;
    this.help = help;
    this.onStepKey = onStepKey;
    /** @type {Player | null} */
    this.player = null;
    this.play = /** @type {HTMLButtonElement} */ (root.querySelector("[data-action=toggle]"));
    this.followButton = /** @type {HTMLButtonElement} */ (root.querySelector("[data-action=follow]"));
    this.scrub = /** @type {HTMLInputElement} */ (root.querySelector("[data-role=scrub]"));
    this.speed = /** @type {HTMLSelectElement} */ (root.querySelector("[data-role=speed]"));
    this.position = /** @type {HTMLElement} */ (root.querySelector("[data-role=position]"));
    this.speed.replaceChildren(...SPEEDS.map((s) => h("option", { value: s }, `${s}×`)));
    this.speed.value = "1";
    this.fillHelp();
    root.addEventListener("click", (event) => {
      const button = /** @type {HTMLElement} */ (event.target).closest("[data-action]");
      if (button instanceof HTMLElement) this.act(/** @type {Action} */ (button.dataset.action));
    });
    this.scrub.addEventListener("input", () => {
      this.player?.pause();
      this.player?.seek(Number(this.scrub.value));
    });
    this.speed.addEventListener("change", () => this.player?.setSpeed(Number(this.speed.value)));
    document.addEventListener("keydown", (event) => this.key(event));
    this.render(null);
  }

  /** @param {Player | null} player */
  attach(player) {
    this.player = player;
    player?.setSpeed(Number(this.speed.value));
    this.render(player);
  }

  /** @param {KeyboardEvent} event */
  key(event) {
    const action = actionFor(event);
    if (action === null) return;
    const modal = document.querySelector("dialog[open]");
    if (modal && modal !== this.help) return; // e.g. the Share dialog: its keys are its own
    if (this.help.open && action !== "help" && action !== "close") return;
    event.preventDefault();
    if (action === "step") this.onStepKey(Number(event.key));
    else this.act(action);
  }

  /** @param {Action} action */
  act(action) {
    const player = this.player;
    if (action === "help") return this.toggleHelp();
    if (action === "close") return this.help.open ? this.help.close() : undefined;
    if (!player) return;
    switch (action) {
      case "toggle": return player.toggle();
      case "back": return player.step(-1);
      case "forward": return player.step(1);
      case "start": return player.step(-player.cursor);
      case "end": return player.toEnd();
      case "faster": return player.changeSpeed(1);
      case "slower": return player.changeSpeed(-1);
      case "follow": return player.setFollow(!player.follow);
      default: return undefined;
    }
  }

  toggleHelp() {
    if (this.help.open) this.help.close();
    else this.help.showModal();
  }

  fillHelp() {
    const list = this.help.querySelector("dl");
    list?.replaceChildren(...SHORTCUTS.flatMap((s) => [
      h("dt", {}, h("kbd", {}, s.label)),
      h("dd", {}, s.does),
    ]));
    this.help.addEventListener("click", (event) => {
      if (event.target === this.help || /** @type {HTMLElement} */ (event.target).closest("[data-close]")) this.help.close();
    });
  }

  /** @param {Player | null} player */
  render(player) {
    const disabled = !player || player.log.length === 0;
    for (const button of this.root.querySelectorAll("button[data-action]:not([data-action=help])")) {
      /** @type {HTMLButtonElement} */ (button).disabled = disabled;
    }
    this.scrub.disabled = disabled;
    if (!player) {
      setLabel(this.play, "▶ Play");
      setText(this.position, "");
      return;
    }
    const moving = player.playing || player.follow;
    setLabel(this.play, moving ? "‖ Pause" : player.caughtUp && player.complete && player.cursor > 0 ? "↺ Replay" : "▶ Play");
    this.play.setAttribute("aria-pressed", String(moving));
    this.followButton.setAttribute("aria-pressed", String(player.follow));
    this.followButton.hidden = player.complete;
    this.scrub.max = String(player.log.length);
    if (this.scrub.value !== String(player.cursor)) this.scrub.value = String(player.cursor);
    this.scrub.setAttribute("aria-valuetext", `event ${player.cursor} of ${player.log.length}`);
    if (this.speed.value !== String(player.speed)) this.speed.value = String(player.speed);
    setText(this.position, `${formatValue(player.cursor)} / ${formatValue(player.log.length)}`);
  }
}
