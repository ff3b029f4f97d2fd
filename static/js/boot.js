// Threadlab: apply the saved theme and projector mode before the first paint (a classic
// script in <head>, so the page never flashes the wrong theme). ui/prefs.js does the rest.
(function () {
  var root = document.documentElement;
  var theme = null;
  var projector = null;
  try {
    theme = localStorage.getItem("threadlab:theme");
    projector = localStorage.getItem("threadlab:projector");
  } catch (e) {
    // Storage may be off (private mode): the defaults apply.
  }
  if (theme !== "dark" && theme !== "light") {
    theme = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }
  root.setAttribute("data-theme", theme);
  if (projector === "on") root.setAttribute("data-projector", "on");
})();
