// Rapporteur notes: autosave every few seconds through the shared offline queue. Nothing
// typed is lost: the text is queued in IndexedDB before anything is sent, survives a reload,
// a dropped network and an expired login, and is restored into the editor.
(function () {
  "use strict";
  const root = document.getElementById("notes-editor");
  if (!root) return;
  const SLOT = root.dataset.slot;
  const queue = new window.OfflineQueue({ scope: `notes:${root.dataset.training}`,
                                          user: root.dataset.user, syncUrl: root.dataset.syncUrl });
  const status = document.getElementById("notes-status");
  const timers = {};
  const DELAY = 2500;

  function areas() { return [...root.querySelectorAll("textarea.note-text")]; }

  async function save(area) {
    const section = area.dataset.section;
    await queue.replace("note.save", {
      slot: SLOT, section, text: area.value, base: Number(area.dataset.base || 0),
      change_note: document.getElementById("change-note").value || "",
    }, (e) => e.payload.slot === SLOT && e.payload.section === section);
    area.dataset.dirty = "queued";
    sync();
  }

  let running = null;
  async function sync() {
    if (running) return running;
    running = (async () => {
      await queue.sync();
      if (queue.state === "idle" && (await queue.pending()).length === 0) await refresh();
    })();
    try { await running; } finally { running = null; }
  }

  // The server's latest versions: new base numbers, other authors' text, conflicts.
  async function refresh() {
    let notes;
    try {
      const response = await fetch(root.dataset.notesUrl, { credentials: "same-origin", cache: "no-store" });
      if (!response.ok) return;
      notes = await response.json();
    } catch (err) { return; }
    const note = notes.find((n) => n.slot === SLOT);
    if (!note) return;
    const pending = await queue.pending();
    areas().forEach((area) => {
      const section = area.dataset.section;
      const head = note.sections[section];
      if (!head) return;
      const typing = timers[section] || pending.some((e) => e.payload.section === section);
      area.dataset.base = String(head.number);
      if (!typing && document.activeElement !== area && area.value !== head.text) area.value = head.text;
      root.querySelector(`[data-meta="${section}"]`).textContent =
        `v${head.number} · ${head.author} · saved ${new Date(head.saved_at).toLocaleTimeString()}`;
      const box = root.querySelector(`[data-conflict="${section}"]`);
      box.hidden = !head.conflict_with;
      if (head.conflict_with) {
        box.querySelector(".conflict-who").textContent =
          `Version ${head.number} (${head.author}) was written without seeing version ${head.conflict_with} (${head.conflict_author}).`;
        box.querySelector(".conflict-text").textContent = head.conflict_text;
      }
    });
  }

  function show({ queued, state, lastSyncedAt }) {
    const online = navigator.onLine && state !== "offline";
    const last = lastSyncedAt ? new Date(lastSyncedAt).toLocaleTimeString() : "not yet";
    status.textContent = `${online ? "Online" : "Offline: your text is kept on this device"} · ` +
      `unsaved changes queued: ${queued} · last saved: ${last}`;
    status.dataset.queued = String(queued);
    if (state === "auth") {
      status.append(" · ");
      const link = document.createElement("a");
      link.href = `/accounts/login/?next=${encodeURIComponent(location.pathname)}`;
      link.target = "_blank";
      link.textContent = "Sign in again (your text stays here)";
      status.append(link);
    }
  }

  async function restore() {
    // Text queued but not yet on the server (a reload, an expired login): put it back.
    for (const event of await queue.pending()) {
      if (event.type !== "note.save" || event.payload.slot !== SLOT) continue;
      const area = root.querySelector(`textarea[data-section="${event.payload.section}"]`);
      if (area) { area.value = event.payload.text; area.dataset.base = String(event.payload.base); }
    }
  }

  async function start() {
    await queue.open();
    queue.onChange(show);
    await restore();
    areas().forEach((area) => area.addEventListener("input", () => {
      clearTimeout(timers[area.dataset.section]);
      timers[area.dataset.section] = setTimeout(() => {
        delete timers[area.dataset.section];
        save(area);
      }, DELAY);
    }));
    document.getElementById("note-question").addEventListener("submit", async (e) => {
      e.preventDefault();
      const text = document.getElementById("nq-text").value.trim();
      if (!text) return;
      await queue.add("question.capture", { slot: SLOT, text,
                                            asked_by_name: document.getElementById("nq-who").value });
      document.getElementById("nq-text").value = "";
      sync();
    });
    window.addEventListener("online", sync);
    setInterval(() => { sync(); }, 10000);
    queue.emit();
    await sync();
    await refresh();
  }
  start();
})();
