// Small progressive enhancements. No inline scripts: everything lives in static files.
document.addEventListener("DOMContentLoaded", () => {
  // Move focus to the main region after a skip-link jump (helps screen readers on tablets).
  const skip = document.querySelector(".skip-link");
  if (skip) {
    skip.addEventListener("click", () => document.getElementById("main")?.focus());
  }
});
