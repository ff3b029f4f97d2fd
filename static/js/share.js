// @ts-check
/**
 * The "share this run" link and its copy button.
 * @module share
 */

/**
 * @param {HTMLElement} root holds an `<a>` and a `<button>`
 * @param {string} path the run's page, e.g. /runs/abc
 */
export function showShareLink(root, path) {
  const url = new URL(path, location.href).href;
  const link = /** @type {HTMLAnchorElement} */ (root.querySelector("a"));
  const button = /** @type {HTMLButtonElement | null} */ (root.querySelector("button"));
  link.href = url;
  link.textContent = url;
  root.hidden = false;
  if (button) {
    button.textContent = "Copy link";
    button.onclick = () => {
      navigator.clipboard?.writeText(url).then(
        () => { button.textContent = "Copied"; },
        () => { button.textContent = "Select the link to copy it"; },
      );
    };
  }
}
