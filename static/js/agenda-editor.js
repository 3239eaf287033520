// The agenda editor (scheduling/templates/scheduling/agenda.html, for those who may edit):
// - Escape closes an open slot editor and gives focus back to its Edit button;
// - on a desktop (fine pointer, wide screen) slots can be dragged with SortableJS
//   (static/vendor/Sortable.min.js). A drop posts to the slot's Move form endpoint, the same
//   view and service as the form: the slot starts when the slot above it ends (dropped
//   first in a day: it ends when the slot below starts). If the move is refused, the slot
//   goes back to its place and the reason is shown beside it (static/js/htmx-feedback.js).
//   The forms stay for keyboard and touch users.
(function () {
  "use strict";
  const DESKTOP = "(hover: hover) and (pointer: fine) and (min-width: 992px)";

  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const editor = event.target.closest?.("tr.slot-editor:not([hidden])")
      || document.querySelector(`tr.slot-editor:not([hidden])#${CSS.escape(
        event.target.getAttribute?.("aria-controls") || "none")}`);
    if (!editor) return;
    const button = document.querySelector(`[data-toggle-row="${editor.id}"]`);
    editor.hidden = true;
    if (button) {
      button.setAttribute("aria-expanded", "false");
      button.focus();
    }
    event.preventDefault();
  });

  const minutesOf = (hhmm) => {
    const [h, m] = hhmm.split(":").map(Number);
    return h * 60 + m;
  };
  const hhmm = (minutes) => `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;

  function neighbour(row, direction) {
    let other = row[direction];
    while (other && !other.matches("tr.slot")) other = other[direction];
    return other;
  }

  // Where the dropped row now sits, as the Move form's day and start time.
  function placeOf(row) {
    const above = neighbour(row, "previousElementSibling");
    if (above) return { day: above.dataset.day, start_time: above.dataset.end };
    const below = neighbour(row, "nextElementSibling");
    if (!below) return null;
    const start = minutesOf(below.dataset.start) - Number(row.dataset.minutes);
    return start < 0 ? null : { day: below.dataset.day, start_time: hhmm(start) };
  }

  function putBack(row) {
    if (!row.isConnected) return;
    const editor = document.getElementById(row.id.replace(/^slot-/, "edit-"));
    if (editor) editor.before(row);
  }

  function say(row, text) {
    const note = document.querySelector(row.dataset.errorTarget);
    if (!note) return;
    note.textContent = text;
    note.classList.add("request-failed");
  }

  function dropped(event) {
    const row = event.item;
    // Sortable leaves style attributes behind; htmx would copy them onto the new rows when it
    // settles, which the strict CSP refuses (style-src 'self').
    document.querySelectorAll("tbody[data-agenda-day] [style]").forEach((el) => el.removeAttribute("style"));
    if (event.from === event.to && event.oldIndex === event.newIndex) return;
    const place = placeOf(row);
    if (!place) {
      putBack(row);
      say(row, "Not moved: it would start before midnight. Drop it after another slot, or use Edit.");
      return;
    }
    const done = (result) => {
      if (!result || !result.detail.successful) putBack(row);
    };
    row.addEventListener("htmx:afterRequest", done, { once: true });
    window.htmx.ajax("POST", row.dataset.moveUrl, { source: row, values: place });
  }

  function enableDragging(root) {
    if (!window.Sortable || !window.matchMedia(DESKTOP).matches) return;
    root.querySelectorAll("tbody[data-agenda-day]").forEach((body) => {
      if (body.dataset.sortable) return;
      body.dataset.sortable = "on";
      window.Sortable.create(body, {
        group: "agenda-slots",
        draggable: "tr.slot",
        handle: ".drag-handle",
        animation: 0,
        onEnd: dropped,
      });
    });
  }

  document.addEventListener("DOMContentLoaded", () => enableDragging(document));
  document.addEventListener("htmx:load", (event) => enableDragging(event.detail.elt));
})();
