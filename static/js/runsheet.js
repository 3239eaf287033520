// Run mode for the moderator's tablet: offline-first. The snapshot comes from the server
// (and IndexedDB when offline); every action is an event stored in the queue first, applied
// to the screen at once (run-state.js, the same rules as the server), and sent when the
// network allows. Nothing here fails silently: errors end up in the sync line.
import { keepPageOffline, OfflineQueue } from "./offline-queue.js";
import { kvGet, kvPut } from "./queue-store.js";
import { RoomLink } from "./room-link.js";
import { formatLeft, replay, STATUSES } from "./run-state.js";

const root = document.getElementById("run");
const $ = (id) => document.getElementById(id);
const TRAINING = root.dataset.training;
const USER = root.dataset.user;
const queue = new OfflineQueue({ scope: `training:${TRAINING}`, user: USER,
                                 syncUrl: root.dataset.syncUrl });
let base = null;       // the server snapshot
let view = null;       // snapshot + queued events
let problem = "";      // the last thing that went wrong on this page, shown in the sync line
const room = new RoomLink({ training: TRAINING, user: USER, link: $("room-display-link"),
                            pauseButton: $("btn-pause") });   // the room display's timer
const SELECTED_KEY = `run:selected:${TRAINING}`;
let selected = localStorage.getItem(SELECTED_KEY);   // the agenda item on screen
function select(uid) { selected = uid; if (uid) localStorage.setItem(SELECTED_KEY, uid); }

function report(message, err) {
  problem = message;
  console.warn(message, err);
  queue.emit();
}

// ---- state ------------------------------------------------------------------------
async function rebuild() {
  view = replay(base, await queue.pending());
  render();
}

async function act(type, payload, id) {
  try {
    await queue.add(type, payload, id);
    await rebuild();
  } catch (err) {
    report(`This action could not be stored on the tablet: ${err.message}`, err);
    return;
  }
  sync();
}

// ---- loading ----------------------------------------------------------------------
const SNAPSHOT_KEY = `snapshot:${TRAINING}:${USER}`;

async function loadSnapshot() {
  try {
    const response = await fetch(root.dataset.snapshotUrl, { credentials: "same-origin",
                                                             cache: "no-store" });
    if (!response.ok) throw new Error(`the server answered ${response.status}`);
    base = await response.json();
    await kvPut(SNAPSHOT_KEY, base);
    return true;
  } catch (err) {
    const kept = await kvGet(SNAPSHOT_KEY);
    if (kept) {
      base = base || kept;
      return true;
    }
    report("No copy of the run sheet on this tablet for you yet: open run mode once while " +
           "online.", err);
    return false;
  }
}

async function cacheForOffline() {
  try {
    const assets = root.dataset.assets.split(" ").filter(Boolean);
    if (await keepPageOffline(assets)) root.dataset.offlineReady = "true";
  } catch (err) {
    if (navigator.onLine) report(`Reloading this page offline may not work: ${err.message}`, err);
  }
}

// ---- sync -------------------------------------------------------------------------
let syncing = null;
function sync() {
  if (!syncing) {
    syncing = (async () => {
      await queue.sync();
      if (queue.state === "idle" && (await queue.pending()).length === 0) {
        await loadSnapshot();   // the server's view now includes everything we sent
      }
      await rebuild();
    })().catch((err) => report(`Sync stopped: ${err.message}`, err))
        .finally(() => { syncing = null; });
  }
  return syncing;
}

function plural(n, word) { return `${n} ${word}${n === 1 ? "" : "s"}`; }

function showStatus({ queued, state, message, lastSyncedAt, refused, retrying }) {
  const el = $("sync-status");
  const last = lastSyncedAt ? new Date(lastSyncedAt).toLocaleTimeString() : "never";
  const online = navigator.onLine && state !== "offline";
  el.className = "sync-status" + (online ? "" : " offline") +
    (state === "auth" || state === "other-user" ? " auth" : "") + (state === "error" ? " error" : "");
  el.textContent = `${online ? "Online" : "Offline"} · queued: ${queued} · last synced: ${last}`;
  if (retrying) el.append(` · ${retrying} waiting to be sent again`);
  if (state === "auth") {
    el.append(" · ");
    const link = document.createElement("a");
    link.href = root.dataset.loginUrl;
    link.textContent = `Sign in again to send ${plural(queued, "queued action")}`;
    el.append(link);
  } else if (state === "other-user" || state === "error") {
    el.append(` · ${message}`);
  }
  if (problem) el.append(` · ${problem}`);
  if (refused.length) {
    el.append(" · ");
    const link = document.createElement("a");
    link.href = "#rejected-card";
    link.className = "refused-link";
    link.textContent = `${plural(refused.length, "action")} could not be applied`;
    el.append(link);
  }
  el.dataset.queued = String(queued);
  el.dataset.refused = String(refused.length);
  renderRejected(refused);
}

// ---- rendering --------------------------------------------------------------------
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  Object.entries(attrs).forEach(([k, v]) => {
    if (k === "class") node.className = v;
    else if (k.startsWith("data-") || k.startsWith("aria-")) node.setAttribute(k, v);
    else node[k] = v;
  });
  children.flat().forEach((c) => node.append(c instanceof Node ? c : String(c)));
  return node;
}

function currentSlot() { return view.slots.find((s) => s.uid === selected); }
function byId(id) { return view.roster.find((p) => String(p.id) === String(id)); }

function runningSlot() { return view.slots.find((s) => s.run.started_at && !s.run.ended_at); }

function nowSlot() {
  const now = Date.now();
  return runningSlot() || view.slots.find((s) => Date.parse(s.start) <= now && now < Date.parse(s.end));
}

function pickDefault() {
  const now = Date.now();
  const current = nowSlot();
  if (current) return current.uid;
  const next = view.slots.find((s) => Date.parse(s.start) > now);
  return (next || view.slots[0] || {}).uid;
}

function render() {
  if (!view) return;
  if (!selected || !currentSlot()) select(pickDefault());
  renderSlots(); renderNow(); renderRoster(); renderGroups(); renderQuestions();
  room.show(view, currentSlot());
}

const KINDS = { online: "Online element", offline: "Offline element", break: "Break",
                lunch: "Lunch", briefing: "Briefing", debriefing: "Debriefing",
                technical_test: "Technical test run", other: "Other" };

function groupLabel(slot) {
  const day = slot.local_day || slot.local_start.split(" ").slice(0, 3).join(" ");
  const element = KINDS[slot.kind] || slot.kind;
  return slot.module && (slot.kind === "online" || slot.kind === "offline")
    ? `${day} · Module ${slot.module} · ${element}` : `${day} · ${element}`;
}

// The agenda item picker: grouped by day and element, the current item marked.
function renderSlots() {
  const picker = $("slot-select");
  const current = nowSlot();
  const running = runningSlot();
  const signature = view.slots.map((s) => s.uid).join() + `|${current ? current.uid : ""}`;
  if (picker.dataset.signature !== signature) {
    const groups = [];
    view.slots.forEach((s) => {
      const label = groupLabel(s);
      if (!groups.length || groups[groups.length - 1].label !== label) groups.push({ label, slots: [] });
      groups[groups.length - 1].slots.push(s);
    });
    picker.replaceChildren(...groups.map((g) => el("optgroup", { label: g.label },
      g.slots.map((s) => {
        const mark = current && current.uid === s.uid ? `▶ ${running ? "Running" : "Now"}: ` : "";
        return el("option", { value: s.uid, "data-current": current && current.uid === s.uid ? "true" : "false" },
                  `${mark}${s.local_start.split(" ").pop()}–${s.local_end} · ${s.title}`);
      }))));
    picker.dataset.signature = signature;
  }
  picker.value = selected || "";
}

function renderNow() {
  const slot = currentSlot();
  if (!slot) { $("current-title").textContent = "No agenda yet."; return; }
  const index = view.slots.indexOf(slot);
  const next = view.slots[index + 1];
  $("current-title").textContent = slot.title;
  $("bar-title").textContent = slot.title;
  $("current-time").textContent = `${slot.local_start}–${slot.local_end} (${view.training.time_zone})` +
    (slot.module ? ` · Module ${slot.module}` : "") +
    (slot.kind === "offline" ? ` · ${view.training.venue || "in the room"}` : "");
  $("next-item").textContent = next ? `Next: ${next.local_start} ${next.title}` : "Last item of the agenda.";
  $("btn-start").disabled = Boolean(slot.run.started_at && !slot.run.ended_at);
  $("parts").replaceChildren(...slot.parts.map((part) => el("div", { class: "part" },
    el("h3", {}, `Activity ${part.activity}, ${part.label}` + (part.minutes ? ` · ${part.minutes} min` : "")),
    el("p", {}, part.instructions),
    part.guiding_questions.length ? el("ol", {}, part.guiding_questions.map((q) => el("li", {}, q))) : "",
    part.expected_output ? el("p", {}, el("strong", {}, "Expected output: "), part.expected_output) : "",
    part.handouts.length ? el("p", { class: "hint" }, "Handouts: " +
      part.handouts.map((h) => `${h.number} ${h.title}`).join("; ")) : "")));
  tick();
}

function tick() {
  const slot = view && currentSlot();
  if (!slot) return;
  const now = room.timer(slot, Date.now());   // run-state.js: with the pauses of this tablet
  const started = now.status !== "ready";
  const left = now.left_ms;
  const abs = Math.abs(left);
  const text = formatLeft(left) + (now.status === "paused" ? " (paused)" : "");
  const shown = started ? text : `${Math.round(now.planned_ms / 60000)} min (not started)`;
  for (const id of ["countdown", "bar-countdown"]) {
    $(id).textContent = shown;
    $(id).classList.toggle("over", left < 0);
  }
  const overrun = $("overrun");
  overrun.hidden = !(started && left < 0);
  if (!overrun.hidden) overrun.textContent = `Over time by ${Math.ceil(abs / 60000)} min`;
}

function marks() { return view.attendance[selected] || {}; }

function renderRoster() {
  const current = marks();
  const counts = {};
  $("roster").replaceChildren(...view.roster.map((person) => {
    const status = (current[String(person.id)] || {}).status || "";
    const phone = (current[String(person.id)] || {}).by_phone ? " (by phone)" : "";   // checkin.js
    counts[status] = (counts[status] || 0) + 1;
    const button = el("button", { type: "button", class: `person ${status}`, "data-person": String(person.id) },
      el("span", {}, person.name, " ", el("span", { class: "entity" }, person.entity)), " ",
      el("span", { class: "status" }, (status || "–") + phone));
    // The name holds the text the button shows (name, UN entity, status), as WCAG 2.5.3 asks; the
    // spaces between the spans keep the words apart for assistive technology.
    button.setAttribute("aria-label",
      `${person.name} ${person.entity}, ${status || "not marked"}${phone}. Tap to change.`);
    return el("li", {}, button);
  }));
  $("att-count").textContent = `(${(counts.present || 0) + (counts.late || 0)} in the room, ` +
    `${view.roster.length - (counts[""] || 0)} of ${view.roster.length} marked)`;
  const who = $("question-who");
  if (who.options.length !== view.roster.length + 1) {
    who.replaceChildren(el("option", { value: "" }, "–"),
      ...view.roster.map((p) => el("option", { value: String(p.id) }, p.name)));
  }
}

function renderGroups() {
  const groups = view.groups[selected] || [];
  const make = (full) => groups.map((group, index) => {
    const members = group.members.map(byId).filter(Boolean);
    const card = el("div", { class: "group", "data-group": String(index + 1) },
      el("h3", {}, group.name || `Group ${index + 1}`),
      el("ul", {}, members.map((m) => el("li", {},
        el("span", {}, m.name + (group.chair === m.id ? " (chair)" : "") +
                       (group.rapporteur === m.id ? " (rapporteur)" : "")),
        full ? "" : moveSelect(groups, index, m)))));
    if (!full) {
      card.append(roleSelect(groups, index, "chair", "Chair"), roleSelect(groups, index, "rapporteur", "Group rapporteur"));
    }
    return card;
  });
  $("groups").replaceChildren(...make(false));
  $("room-groups").replaceChildren(...make(true));
}

function moveSelect(groups, index, member) {
  const picker = el("select", { class: "member-move" },
    groups.map((g, i) => el("option", { value: String(i), selected: i === index }, `→ Group ${i + 1}`)));
  picker.setAttribute("aria-label", `Move ${member.name} to another group`);
  picker.addEventListener("change", () => {
    const next = structuredClone(groups);
    next[index].members = next[index].members.filter((id) => id !== member.id);
    ["chair", "rapporteur"].forEach((role) => { if (next[index][role] === member.id) next[index][role] = null; });
    next[Number(picker.value)].members.push(member.id);
    setGroups(next);
  });
  return picker;
}

function roleSelect(groups, index, role, label) {
  const group = groups[index];
  const id = `role-${role}-${index}`;
  const picker = el("select", { id },
    el("option", { value: "" }, "–"),
    group.members.map((mid) => el("option", { value: String(mid), selected: group[role] === mid }, (byId(mid) || {}).name || mid)));
  picker.addEventListener("change", () => {
    const next = structuredClone(groups);
    next[index][role] = picker.value ? Number(picker.value) : null;
    setGroups(next);
  });
  return el("label", { htmlFor: id }, label, picker);
}

function setGroups(groups) {
  act("groups.set", { slot: selected, groups: groups.map(({ name, members, chair, rapporteur }) =>
    ({ name: name || "", members, chair: chair ?? null, rapporteur: rapporteur ?? null })) });
}

function renderQuestions() {
  $("questions-card").hidden = !view.permissions.capture_questions;
  $("questions").replaceChildren(...view.questions.slice().reverse().map((q) => el("li", {},
    q.text, q.asked_by_name ? ` — ${q.asked_by_name}` : "",
    q.pending ? el("span", { class: "pending" }, " (not yet sent)") : "")));
}

// What a refused action was, in the moderator's words.
function describe(item) {
  const p = item.payload || {};
  const name = (id) => (view && byId(id) ? byId(id).name : `person ${id}`);
  const slot = view && view.slots.find((s) => s.uid === p.slot);
  const where = slot ? ` (${slot.title})` : "";
  switch (item.type) {
    case "attendance.mark": return `Attendance: ${name(p.participant)} → ${p.status}${where}`;
    case "attendance.all_present": return `All present${where}`;
    case "groups.set": return `Groups${where}`;
    case "question.capture": return `Question “${String(p.text || "").slice(0, 60)}”`;
    case "run.start": return `Start${where}`;
    case "run.end": return `End${where}`;
    case "run.extend": return `+${p.minutes} min${where}`;
    default: return item.type;
  }
}

function renderRejected(refused) {
  $("rejected-card").hidden = refused.length === 0;
  $("rejected-title").textContent = `${plural(refused.length, "action")} could not be applied`;
  $("rejected").replaceChildren(...refused.map((item) => el("li", {},
    el("strong", {}, describe(item)), `: ${item.reason}`)));
}

// ---- groups: balanced split ---------------------------------------------------------
function shuffle(list) {
  const out = list.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

// Deal people into n groups so that each UN entity and each gender spreads evenly: order by
// entity (largest first), alternating genders within it, and deal round-robin.
export function balancedSplit(people, n, random) {
  const byEntity = {};
  (random ? shuffle(people) : people).forEach((p) => (byEntity[p.entity] = byEntity[p.entity] || []).push(p));
  const entities = Object.values(byEntity).sort((a, b) => b.length - a.length);
  const order = [];
  entities.forEach((members) => {
    const women = members.filter((m) => m.gender === "female");
    const others = members.filter((m) => m.gender !== "female");
    while (women.length || others.length) {
      if (women.length) order.push(women.shift());
      if (others.length) order.push(others.shift());
    }
  });
  const groups = Array.from({ length: n }, () => ({ name: "", members: [], chair: null, rapporteur: null }));
  const start = random ? Math.floor(Math.random() * n) : 0;
  order.forEach((p, i) => groups[(start + i) % n].members.push(p.id));
  return groups;
}

function present() {
  const current = marks();
  const inRoom = view.roster.filter((p) => ["present", "late"].includes((current[String(p.id)] || {}).status));
  return inRoom.length ? inRoom : view.roster;
}

// ---- wiring -------------------------------------------------------------------------
function wire() {
  $("slot-select").addEventListener("change", (e) => { select(e.target.value); render(); });
  $("btn-start").addEventListener("click", () => act("run.start", { slot: selected }));
  $("btn-extend").addEventListener("click", () => act("run.extend", { slot: selected, minutes: 5 }));
  $("btn-pause").addEventListener("click", () => { room.toggle(currentSlot()); render(); });
  $("btn-next").addEventListener("click", async () => {
    const index = view.slots.findIndex((s) => s.uid === selected);
    const next = view.slots[index + 1];
    try {
      await queue.add("run.end", { slot: selected });
      if (next) { select(next.uid); await queue.add("run.start", { slot: next.uid }); }
      await rebuild();
    } catch (err) {
      report(`This action could not be stored on the tablet: ${err.message}`, err);
    }
    sync();
  });
  $("roster").addEventListener("click", (e) => {
    const button = e.target.closest("[data-person]");
    if (!button) return;
    const id = Number(button.dataset.person);
    const now = (marks()[String(id)] || {}).status;
    const status = now ? STATUSES[(STATUSES.indexOf(now) + 1) % STATUSES.length] : "present";
    act("attendance.mark", { slot: selected, participant: id, status });
  });
  $("btn-all-present").addEventListener("click", () => {
    const unmarked = view.roster.filter((p) => !marks()[String(p.id)]).map((p) => p.id);
    if (unmarked.length) act("attendance.all_present", { slot: selected, participants: unmarked });
  });
  const count = () => Math.max(1, Math.min(12, Number($("group-count").value) || 1));
  $("btn-split").addEventListener("click", () => setGroups(balancedSplit(present(), count(), false)));
  $("btn-reshuffle").addEventListener("click", () => setGroups(balancedSplit(present(), count(), true)));
  $("btn-fullscreen").addEventListener("click", () => {
    $("room-view").hidden = false;
    if (document.documentElement.requestFullscreen) {
      document.documentElement.requestFullscreen().catch((err) => console.warn("full screen refused", err));
    }
  });
  $("btn-room-close").addEventListener("click", () => {
    $("room-view").hidden = true;
    if (document.fullscreenElement) document.exitFullscreen().catch((err) => console.warn(err));
  });
  $("question-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const text = $("question-text").value.trim();
    if (!text) return;
    const who = $("question-who");
    act("question.capture", { slot: selected, text, asked_by: who.value ? Number(who.value) : null,
                              asked_by_name: who.value ? who.selectedOptions[0].textContent : "" });
    $("question-text").value = "";
  });
  $("btn-dismiss-rejected").addEventListener("click", () => queue.dismissRefused());
  window.addEventListener("online", () => { problem = ""; sync(); });
  window.addEventListener("offline", () => queue.emit());
  setInterval(tick, 1000);
  setInterval(sync, 15000);
}

async function start() {
  await queue.open();
  queue.onChange(showStatus);
  if ("serviceWorker" in navigator) {
    try {
      await navigator.serviceWorker.register("/sw.js", { scope: "/", type: "module" });
    } catch (err) {
      report("This browser cannot keep run mode for a reload offline.", err);
    }
  }
  wire();
  if (await loadSnapshot()) {
    await rebuild();
    // the room display's page first, so that "offline ready" covers it too
    room.keepOffline()
      .catch((err) => navigator.onLine
        && report(`The room display may not open offline: ${err.message}`, err))
      .finally(cacheForOffline);
    sync();
  }
  queue.emit();
}

window.runsheetSplit = balancedSplit;   // exposed for tests
start().catch((err) => report(`Run mode could not start: ${err.message}`, err));
