// Run mode for the moderator's tablet: offline-first. The snapshot comes from the server
// (and IndexedDB when offline); every action is an event stored in the queue first, applied
// to the screen at once, and sent when the network allows.
(function () {
  "use strict";
  const root = document.getElementById("run");
  if (!root) return;
  const $ = (id) => document.getElementById(id);
  const TRAINING = root.dataset.training;
  const CACHE = "unct-run-v1";
  const STATUSES = ["present", "late", "absent", "excused"];
  const queue = new window.OfflineQueue({ scope: `training:${TRAINING}`, user: root.dataset.user,
                                          syncUrl: root.dataset.syncUrl });
  let base = null;       // the server snapshot
  let view = null;       // snapshot + queued events
  const SELECTED_KEY = `run:selected:${TRAINING}`;
  let selected = localStorage.getItem(SELECTED_KEY);   // the agenda item on screen
  function select(uid) { selected = uid; if (uid) localStorage.setItem(SELECTED_KEY, uid); }
  const rejected = {};

  // ---- state ------------------------------------------------------------------------
  function clone(x) { return JSON.parse(JSON.stringify(x)); }

  function apply(state, event) {
    const p = event.payload;
    const slot = state.slots.find((s) => s.uid === p.slot);
    switch (event.type) {
      case "attendance.mark": {
        const marks = (state.attendance[p.slot] = state.attendance[p.slot] || {});
        const old = marks[String(p.participant)];
        if (!old || old.recorded_at <= event.recorded_at) {
          marks[String(p.participant)] = { status: p.status, recorded_at: event.recorded_at };
        }
        break;
      }
      case "attendance.all_present": {
        const marks = (state.attendance[p.slot] = state.attendance[p.slot] || {});
        p.participants.forEach((id) => {
          const old = marks[String(id)];
          if (!old || old.recorded_at <= event.recorded_at) {
            marks[String(id)] = { status: "present", recorded_at: event.recorded_at };
          }
        });
        break;
      }
      case "groups.set":
        state.groups[p.slot] = p.groups.map((g, i) => ({ ...g, number: i + 1,
                                                         recorded_at: event.recorded_at }));
        break;
      case "question.capture":
        if (!state.questions.some((q) => q.id === event.id)) {
          state.questions.push({ id: event.id, text: p.text, slot: p.slot || null,
                                 asked_by_name: p.asked_by_name || "",
                                 captured_at: event.recorded_at, pending: true });
        }
        break;
      case "run.start":
        if (slot) { slot.run.started_at = slot.run.started_at || event.recorded_at; slot.run.ended_at = null; }
        break;
      case "run.end":
        if (slot) slot.run.ended_at = event.recorded_at;
        break;
      case "run.extend":
        if (slot) slot.run.extended_minutes += p.minutes;
        break;
    }
    return state;
  }

  async function rebuild() {
    const state = clone(base);
    (await queue.pending()).forEach((e) => apply(state, e));
    view = state;
    render();
  }

  async function act(type, payload, id) {
    await queue.add(type, payload, id);
    await rebuild();
    sync();
  }

  // ---- loading ----------------------------------------------------------------------
  async function loadSnapshot() {
    const key = `snapshot:${TRAINING}:${root.dataset.user}`;
    try {
      const response = await fetch(root.dataset.snapshotUrl, { credentials: "same-origin",
                                                               cache: "no-store" });
      if (response.status === 401 || response.status === 403) throw new Error("auth");
      if (!response.ok) throw new Error("http " + response.status);
      base = await response.json();
      await queue.put(key, base);
    } catch (err) {
      base = await queue.get(key);
      if (!base) {
        $("sync-status").textContent = "Offline and no copy of the run sheet on this tablet yet. " +
          "Open run mode once while online.";
        return false;
      }
    }
    return true;
  }

  async function cacheForOffline() {
    if (!("caches" in window)) return;
    try {
      const cache = await caches.open(CACHE);
      const assets = root.dataset.assets.split(" ").filter(Boolean);
      await cache.addAll([location.pathname, ...assets]);
      root.dataset.offlineReady = "true";
    } catch (err) { /* offline already: the cache keeps what it had */ }
  }

  // ---- sync -------------------------------------------------------------------------
  let syncing = null;
  async function sync() {
    if (syncing) return syncing;
    syncing = (async () => {
      const errors = await queue.sync();
      Object.assign(rejected, errors || {});
      if (queue.state === "idle" && (await queue.pending()).length === 0) {
        await loadSnapshot();   // the server's view now includes everything we sent
      }
      await rebuild();
    })();
    try { await syncing; } finally { syncing = null; }
  }

  function showStatus({ queued, state, lastSyncedAt }) {
    const el = $("sync-status");
    const last = lastSyncedAt ? new Date(lastSyncedAt).toLocaleTimeString() : "never";
    const online = navigator.onLine && state !== "offline";
    let text = `${online ? "Online" : "Offline"} · queued: ${queued} · last synced: ${last}`;
    el.className = "sync-status" + (online ? "" : " offline") + (state === "auth" ? " auth" : "");
    el.textContent = text;
    if (state === "auth") {
      el.append(" · ");
      const link = document.createElement("a");
      link.href = root.dataset.loginUrl;
      link.textContent = `Sign in again to send ${queued} queued action${queued === 1 ? "" : "s"}`;
      el.append(link);
    }
    el.dataset.queued = String(queued);
  }

  // ---- rendering --------------------------------------------------------------------
  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    Object.entries(attrs).forEach(([k, v]) => {
      if (k === "class") node.className = v;
      else if (k.startsWith("data-")) node.setAttribute(k, v);
      else node[k] = v;
    });
    children.flat().forEach((c) => node.append(c instanceof Node ? c : String(c)));
    return node;
  }

  function currentSlot() { return view.slots.find((s) => s.uid === selected); }
  function byId(id) { return view.roster.find((p) => String(p.id) === String(id)); }

  function pickDefault() {
    const now = Date.now();
    const running = view.slots.find((s) => s.run.started_at && !s.run.ended_at);
    if (running) return running.uid;
    const during = view.slots.find((s) => Date.parse(s.start) <= now && now < Date.parse(s.end));
    if (during) return during.uid;
    const next = view.slots.find((s) => Date.parse(s.start) > now);
    return (next || view.slots[0] || {}).uid;
  }

  function render() {
    if (!view) return;
    if (!selected || !currentSlot()) select(pickDefault());
    renderSlots(); renderNow(); renderRoster(); renderGroups(); renderQuestions(); renderRejected();
  }

  function renderSlots() {
    const select = $("slot-select");
    if (select.options.length !== view.slots.length) {
      select.replaceChildren(...view.slots.map((s) =>
        el("option", { value: s.uid }, `${s.local_start}–${s.local_end} · ${s.title}`)));
    }
    select.value = selected || "";
  }

  function renderNow() {
    const slot = currentSlot();
    if (!slot) { $("current-title").textContent = "No agenda yet."; return; }
    const index = view.slots.indexOf(slot);
    const next = view.slots[index + 1];
    $("current-title").textContent = slot.title;
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
    const minutes = (Date.parse(slot.end) - Date.parse(slot.start)) / 60000 + slot.run.extended_minutes;
    const started = slot.run.started_at ? Date.parse(slot.run.started_at) : null;
    const left = started ? started + minutes * 60000 - (slot.run.ended_at ? Date.parse(slot.run.ended_at) : Date.now())
                         : minutes * 60000;
    const abs = Math.abs(left);
    const text = `${left < 0 ? "+" : ""}${Math.floor(abs / 60000)}:${String(Math.floor(abs / 1000) % 60).padStart(2, "0")}`;
    const countdown = $("countdown");
    countdown.textContent = started ? text : `${Math.round(minutes)} min (not started)`;
    countdown.classList.toggle("over", left < 0);
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
      counts[status] = (counts[status] || 0) + 1;
      const button = el("button", { type: "button", class: `person ${status}`, "data-person": String(person.id) },
        el("span", {}, person.name, el("span", { class: "entity" }, person.entity)),
        el("span", { class: "status" }, status || "–"));
      button.setAttribute("aria-label", `${person.name}, ${status || "not marked"}. Tap to change.`);
      return el("li", {}, button);
    }));
    $("att-count").textContent = `(${(counts.present || 0) + (counts.late || 0)} in the room, ` +
      `${view.roster.length - (counts[""] || 0)} of ${view.roster.length} marked)`;
    const select = $("question-who");
    if (select.options.length !== view.roster.length + 1) {
      select.replaceChildren(el("option", { value: "" }, "–"),
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
    const select = el("select", { class: "member-move" },
      groups.map((g, i) => el("option", { value: String(i), selected: i === index }, `→ Group ${i + 1}`)));
    select.setAttribute("aria-label", `Move ${member.name} to another group`);
    select.addEventListener("change", () => {
      const next = clone(groups);
      next[index].members = next[index].members.filter((id) => id !== member.id);
      ["chair", "rapporteur"].forEach((role) => { if (next[index][role] === member.id) next[index][role] = null; });
      next[Number(select.value)].members.push(member.id);
      setGroups(next);
    });
    return select;
  }

  function roleSelect(groups, index, role, label) {
    const group = groups[index];
    const id = `role-${role}-${index}`;
    const select = el("select", { id },
      el("option", { value: "" }, "–"),
      group.members.map((mid) => el("option", { value: String(mid), selected: group[role] === mid }, (byId(mid) || {}).name || mid)));
    select.addEventListener("change", () => {
      const next = clone(groups);
      next[index][role] = select.value ? Number(select.value) : null;
      setGroups(next);
    });
    return el("label", { htmlFor: id }, label, select);
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

  function renderRejected() {
    const entries = Object.entries(rejected);
    $("rejected-card").hidden = entries.length === 0;
    $("rejected").replaceChildren(...entries.map(([id, reason]) => el("li", {}, `${reason} (${id.slice(0, 8)})`)));
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
  function balancedSplit(people, n, random) {
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
    $("btn-next").addEventListener("click", async () => {
      const index = view.slots.findIndex((s) => s.uid === selected);
      const next = view.slots[index + 1];
      await queue.add("run.end", { slot: selected });
      if (next) { select(next.uid); await queue.add("run.start", { slot: next.uid }); }
      await rebuild(); sync();
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
      if (document.documentElement.requestFullscreen) document.documentElement.requestFullscreen().catch(() => {});
    });
    $("btn-room-close").addEventListener("click", () => {
      $("room-view").hidden = true;
      if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
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
    window.addEventListener("online", sync);
    window.addEventListener("offline", () => queue.emit());
    setInterval(tick, 1000);
    setInterval(sync, 15000);
  }

  async function start() {
    await queue.open();
    queue.onChange(showStatus);
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {});
    }
    wire();
    if (await loadSnapshot()) {
      await rebuild();
      cacheForOffline();
      sync();
    }
    queue.emit();
  }

  window.runsheetSplit = balancedSplit;   // exposed for tests
  start();
})();
