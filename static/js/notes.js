// Rapporteur notes: autosave every few seconds through the shared offline queue. Nothing
// typed is lost: the text is queued in IndexedDB before anything is sent, survives a reload
// (the page itself is kept for a reload offline), a dropped network and an expired login,
// and is restored into the editor. A save the server refuses is listed with its reason.
import { keepPageOffline, OfflineQueue } from "./offline-queue.js";

const root = document.getElementById("notes-editor");
const SLOT = root?.dataset.slot;
const queue = new OfflineQueue({ scope: `notes:${root?.dataset.training}`,
                                 user: root?.dataset.user, syncUrl: root?.dataset.syncUrl });
const status = document.getElementById("notes-status");
const refusedBox = document.getElementById("notes-refused");
const timers = {};
const DELAY = 2500;
const SECTIONS = { key_points: "Key points", agreements: "Agreements",
                   activity_outcomes: "Activity outcomes", follow_up: "Follow-up points" };
let problem = "";

function report(message, err) {
  problem = message;
  console.warn(message, err);
  queue.emit();
}

function areas() { return [...root.querySelectorAll("textarea.note-text")]; }

async function save(area) {
  const section = area.dataset.section;
  try {
    await queue.replace("note.save", {
      slot: SLOT, section, text: area.value, base: Number(area.dataset.base || 0),
      change_note: document.getElementById("change-note").value || "",
    }, (e) => e.payload.slot === SLOT && e.payload.section === section);
    area.dataset.dirty = "queued";
  } catch (err) {
    report(`Your text could not be stored on this device: ${err.message}. Keep this page open.`, err);
    return;
  }
  sync();
}

let running = null;
function sync() {
  if (!running) {
    running = (async () => {
      await queue.sync();
      if (queue.state === "idle" && (await queue.pending()).length === 0) await refresh();
    })().catch((err) => report(`Saving stopped: ${err.message}`, err))
        .finally(() => { running = null; });
  }
  return running;
}

// The server's latest versions: new base numbers, other authors' text, conflicts.
async function refresh() {
  let notes;
  try {
    const response = await fetch(root.dataset.notesUrl, { credentials: "same-origin", cache: "no-store" });
    if (!response.ok) throw new Error(`the server answered ${response.status}`);
    notes = await response.json();
  } catch (err) {
    if (navigator.onLine) console.warn("could not read the latest versions", err);
    return;
  }
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

function describe(item) {
  const p = item.payload || {};
  if (item.type === "note.save") return `${SECTIONS[p.section] || p.section || "A section"} (saved text)`;
  if (item.type === "question.capture") return `Question “${String(p.text || "").slice(0, 60)}”`;
  return item.type;
}

function show({ queued, state, message, lastSyncedAt, refused, retrying }) {
  const online = navigator.onLine && state !== "offline";
  const last = lastSyncedAt ? new Date(lastSyncedAt).toLocaleTimeString() : "not yet";
  status.textContent = `${online ? "Online" : "Offline: your text is kept on this device"} · ` +
    `unsaved changes queued: ${queued} · last saved: ${last}`;
  status.dataset.queued = String(queued);
  status.dataset.refused = String(refused.length);
  if (retrying) status.append(` · ${retrying} waiting to be sent again`);
  if (state === "auth") {
    status.append(" · ");
    const link = document.createElement("a");
    link.href = `/accounts/login/?next=${encodeURIComponent(location.pathname)}`;
    link.target = "_blank";
    link.textContent = "Sign in again (your text stays here)";
    status.append(link);
  } else if (state === "other-user" || state === "error") {
    status.append(` · ${message}`);
  }
  if (problem) status.append(` · ${problem}`);
  refusedBox.hidden = refused.length === 0;
  if (refused.length) {
    const title = document.createElement("strong");
    title.textContent = `${refused.length} action${refused.length === 1 ? "" : "s"} could not be applied`;
    const list = document.createElement("ul");
    list.className = "mb-2";
    refused.forEach((item) => {
      const li = document.createElement("li");
      li.textContent = `${describe(item)}: ${item.reason}`;
      list.append(li);
    });
    const dismiss = document.createElement("button");
    dismiss.type = "button";
    dismiss.className = "btn btn-sm btn-outline-secondary";
    dismiss.textContent = "Dismiss";
    dismiss.addEventListener("click", () => queue.dismissRefused());
    refusedBox.replaceChildren(title, list, dismiss);
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

function pageAssets() {
  const urls = [...document.querySelectorAll("link[rel~=stylesheet][href], link[rel~=icon][href], script[src]")]
    .map((node) => new URL(node.getAttribute("href") || node.getAttribute("src"), location.href))
    .filter((url) => url.origin === location.origin)
    .map((url) => url.pathname);
  return [...new Set([...urls, new URL("notes.js", import.meta.url).pathname])];
}

async function start() {
  await queue.open();
  queue.onChange(show);
  if ("serviceWorker" in navigator) {
    try {
      await navigator.serviceWorker.register("/sw.js", { scope: "/", type: "module" });
    } catch (err) {
      report("This browser cannot keep the notes page for a reload offline.", err);
    }
  }
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
    try {
      await queue.add("question.capture", { slot: SLOT, text,
                                            asked_by_name: document.getElementById("nq-who").value });
    } catch (err) {
      report(`The question could not be stored on this device: ${err.message}`, err);
      return;
    }
    document.getElementById("nq-text").value = "";
    sync();
  });
  window.addEventListener("online", () => { problem = ""; sync(); });
  window.addEventListener("offline", () => queue.emit());
  setInterval(sync, 10000);
  queue.emit();
  keepPageOffline(pageAssets())
    .then((kept) => { if (kept) root.dataset.offlineReady = "true"; })
    .catch((err) => { if (navigator.onLine) report(`Reloading this page offline may not work: ${err.message}`, err); });
  await sync();
  await refresh();
}

if (root) start().catch((err) => report(`Notes could not start: ${err.message}`, err));
