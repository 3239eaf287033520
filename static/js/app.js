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

// Shared tablets (static/js/queue-store.js): logging out first forgets this device's cached
// run sheets, snapshots and notes pages (the unsent queue stays, bound to its author);
// the server adds Clear-Site-Data and the service worker does the same cleanup. Once someone
// is signed in, their queued actions (recorded before a logout or an expired session) are sent.
(function () {
  "use strict";
  const script = document.currentScript;
  if (!script || !("indexedDB" in window)) return;
  const queueModule = new URL("offline-queue.js", script.src).href;
  const signedIn = /(?:^|; )offline_owner=/.test(document.cookie);

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || form.dataset.forgotten) return;
    if (!/\/accounts\/logout\/$/.test(new URL(form.action, location.href).pathname)) return;
    event.preventDefault();
    const giveUp = new Promise((resolve) => { setTimeout(resolve, 3000); });
    const forget = import(queueModule).then((queue) => queue.forgetPrivateData());
    Promise.race([forget, giveUp])
      .catch((err) => console.warn("Could not clear this device's offline copies:", err))
      .finally(() => {
        form.dataset.forgotten = "true";
        form.submit();
      });
  });

  if (signedIn && navigator.onLine) {
    // Most visitors never queued anything: look for the queue's database before loading it.
    const listed = indexedDB.databases ? indexedDB.databases() : Promise.resolve([{ name: "unct-offline" }]);
    listed
      .then((databases) => databases.some((db) => db.name === "unct-offline")
        && import(queueModule).then((queue) => queue.resumeQueues()))
      .catch((err) => console.warn("Queued actions will be sent later:", err));
  }
})();
