// Small progressive enhancements. No inline scripts: everything lives in static files.
document.addEventListener("DOMContentLoaded", () => {
  // Move focus to the main region after a skip-link jump (helps screen readers on tablets).
  const skip = document.querySelector(".skip-link");
  if (skip) {
    skip.addEventListener("click", () => document.getElementById("main")?.focus());
  }
});

// Buttons that show or hide an editor row (e.g. a slot's edit forms on the agenda).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-toggle-row]");
  if (!button) return;
  const row = document.getElementById(button.dataset.toggleRow);
  if (!row) return;
  row.hidden = !row.hidden;
  button.setAttribute("aria-expanded", String(!row.hidden));
  if (!row.hidden) row.querySelector("input, select, button")?.focus();
});

// Buttons that print the page (the print stylesheet hides the controls).
document.addEventListener("click", (event) => {
  if (event.target.closest(".print-button")) window.print();
});
