// @ts-check
/**
 * The viewer's display preferences: light or dark theme, and projector mode (large
 * type, high contrast). Kept in localStorage; boot.js applies them before first paint.
 * A change is announced as the `threadlab:display` event on `document`, so a canvas can
 * read its colours again.
 * @module ui/prefs
 */

const THEME = "threadlab:theme";
const PROJECTOR = "threadlab:projector";
export const DISPLAY_EVENT = "threadlab:display";

const root = document.documentElement;

/**
 * @param {string} key
 * @param {string} value
 */
function save(key, value) {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Storage may be off: the choice lasts for this page only.
  }
}

function changed() {
  document.dispatchEvent(new CustomEvent(DISPLAY_EVENT));
  sync();
}

function sync() {
  for (const button of document.querySelectorAll("[data-pref]")) {
    const pref = /** @type {HTMLElement} */ (button).dataset.pref;
    const on = pref === "dark" ? root.dataset.theme === "dark" : root.dataset.projector === "on";
    button.setAttribute("aria-pressed", String(on));
  }
}

/** Wire the header's display buttons. */
export function installPrefs() {
  document.addEventListener("click", (event) => {
    const button = /** @type {HTMLElement} */ (event.target).closest?.("[data-pref]");
    if (!(button instanceof HTMLElement)) return;
    if (button.dataset.pref === "dark") {
      root.dataset.theme = root.dataset.theme === "dark" ? "light" : "dark";
      save(THEME, root.dataset.theme);
    } else {
      const on = root.dataset.projector !== "on";
      if (on) root.dataset.projector = "on";
      else delete root.dataset.projector;
      save(PROJECTOR, on ? "on" : "off");
    }
    changed();
  });
  sync();
}
