// @ts-check
/**
 * What a viewer does to the timeline: the toolbar (events or time on the axis, zoom in
 * and out, fit), drag to pan, Ctrl + wheel to zoom around the pointer, a tooltip with
 * the event under the pointer, a click to go to it. Every gesture only asks the timeline
 * (views/timeline.js) to change; the timeline draws.
 * @module views/timelineinput
 */

import { sentence } from "../model/sentences.js";
import { h } from "../ui/dom.js";
import { seconds } from "./timelinepaint.js";

/** @typedef {import("./timeline.js").TimelineView} TimelineView */

/** @param {TimelineView} timeline */
export function bindTimelineInput(timeline) {
  bindToolbar(timeline);
  bindPointer(timeline);
}

/** @param {TimelineView} timeline the toolbar: axis, zoom in / out, fit */
function bindToolbar(timeline) {
  timeline.root.closest(".timeline-card")?.addEventListener("click", (event) => {
    const button = /** @type {HTMLElement} */ (event.target).closest("[data-zoom], [data-axis]");
    if (!(button instanceof HTMLElement)) return;
    if (button.dataset.axis) timeline.setAxis(/** @type {"steps" | "time"} */ (button.dataset.axis));
    else if (button.dataset.zoom === "fit") timeline.setView(0, 1);
    else timeline.zoom(button.dataset.zoom === "in" ? 0.5 : 2, timeline.playheadFraction());
  });
}

/** @param {TimelineView} timeline drag to pan, Ctrl + wheel to zoom, hover, click */
function bindPointer(timeline) {
  let drag = /** @type {{x: number, from: number, moved: boolean} | null} */ (null);
  timeline.canvas.addEventListener("pointerdown", (event) => {
    drag = { x: event.clientX, from: timeline.view.from, moved: false };
    timeline.canvas.setPointerCapture(event.pointerId);
  });
  timeline.canvas.addEventListener("pointermove", (event) => {
    if (drag && Math.abs(event.clientX - drag.x) > 3) {
      drag.moved = true;
      const span = timeline.view.to - timeline.view.from;
      const plot = timeline.size.width - timeline.labelWidth - 6;
      const from = drag.from - ((event.clientX - drag.x) / plot) * span;
      timeline.setView(from, from + span);
    }
    hover(timeline, event);
  });
  timeline.canvas.addEventListener("pointerup", (event) => {
    if (drag && !drag.moved) pick(timeline, event);
    drag = null;
  });
  timeline.canvas.addEventListener("pointerleave", () => { timeline.tip.hidden = true; });
  timeline.canvas.addEventListener("wheel", (event) => {
    if (!event.ctrlKey && !event.metaKey) return; // a plain wheel scrolls the page
    event.preventDefault();
    const [a, b] = timeline.extent();
    const around = (timeline.unx(event.offsetX) - a) / (b - a);
    timeline.zoom(event.deltaY > 0 ? 1.25 : 0.8, around);
  }, { passive: false });
}

/**
 * @param {TimelineView} timeline
 * @param {PointerEvent} event
 */
function hover(timeline, event) {
  const i = timeline.eventAt(event);
  const log = timeline.player?.log;
  if (i < 0 || !log?.[i]) {
    timeline.tip.hidden = true;
    return;
  }
  const e = log[i];
  timeline.tip.replaceChildren(
    h("span", { class: "tip-where" }, `#${e.seq} · ${seconds(e.t)}${e.line ? ` · line ${e.line}` : ""}`),
    h("span", { class: "tip-text" }, sentence(e)),
  );
  const gil = timeline.gilTip(event, i); // the GIL lane: its holder, or the thread's shares
  if (gil) timeline.tip.append(h("span", { class: "tip-text tip-gil" }, gil));
  timeline.tip.hidden = false;
  const left = Math.min(event.offsetX + 12, timeline.size.width - timeline.tip.offsetWidth - 4);
  timeline.tip.style.left = `${Math.max(0, left)}px`;
  // Below the pointer, or above it where the timeline's visible part (it scrolls) ends.
  const root = timeline.root;
  const bottom = root.scrollTop + root.clientHeight;
  let top = event.offsetY + 14;
  if (top + timeline.tip.offsetHeight > bottom) top = Math.max(root.scrollTop, event.offsetY - timeline.tip.offsetHeight - 8);
  timeline.tip.style.top = `${top}px`;
}

/**
 * @param {TimelineView} timeline
 * @param {PointerEvent} event
 */
function pick(timeline, event) {
  const i = timeline.eventAt(event);
  if (i >= 0) timeline.player?.seek(i + 1);
}
