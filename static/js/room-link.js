// Run mode's side of the room display (room-display.js): the tablet keeps each agenda item's
// pause clock (run-state.js clockEvent; this device's own, not sent to the server), sends the
// item, timer and groups shown to the display on the same device (room-channel.js), and keeps
// the display page for opening offline.
import { ownerToken } from "./offline-queue.js";
import { OWNER_HEADER, PRIVATE_CACHE, tagged } from "./queue-store.js";
import { channelName, roomChannel } from "./room-channel.js";
import { clockEvent, emptyClock, timer } from "./run-state.js";

const hhmm = (local) => local.split(" ").pop();

export class RoomLink {
  constructor({ training, user, link, pauseButton }) {
    this.key = `run:clocks:${training}`;
    this.link = link;                 // the "Room display" link
    this.pauseButton = pauseButton;   // "Pause" / "Resume"
    this.clocks = this.#load();
    this.state = null;
    this.sent = "";
    this.channel = roomChannel(channelName(training, user), (message) => {
      if (message && message.type === "hello") this.publish(true);
    });
    window.addEventListener("pagehide", () => this.channel.post({ type: "bye" }));
    window.addEventListener("storage", (event) => {
      if (event.key === this.key) this.clocks = this.#load();   // another tab of run mode
    });
  }

  #load() {
    try {
      return JSON.parse(localStorage.getItem(this.key) || "{}") || {};
    } catch (err) {
      console.warn("room timer: the kept pauses could not be read", err);
      return {};
    }
  }

  clock(uid) { return this.clocks[uid] || emptyClock(); }

  timer(slot, now) { return timer(slot, this.clock(slot.uid), now); }

  // Pause the item's timer if it runs, resume it if it is paused.
  toggle(slot) {
    if (!slot) return;
    const type = this.clock(slot.uid).paused_at ? "timer.resume" : "timer.pause";
    this.clocks[slot.uid] = clockEvent(slot, this.clock(slot.uid), type, new Date().toISOString());
    try {
      localStorage.setItem(this.key, JSON.stringify(this.clocks));
    } catch (err) {
      console.warn("room timer: the pause is not kept for a reload", err);
    }
  }

  // What run mode shows now (called on every render): the pause button and the display.
  show(view, slot) {
    const status = slot ? this.timer(slot, Date.now()).status : "ready";
    this.pauseButton.textContent = status === "paused" ? "Resume" : "Pause";
    this.pauseButton.disabled = status !== "running" && status !== "over" && status !== "paused";
    this.state = slot ? describe(view, slot, this.clock(slot.uid)) : { item: null };
    this.publish(false);
  }

  publish(always) {
    if (!this.state) return;
    const text = JSON.stringify(this.state);
    if (!always && text === this.sent) return;
    this.sent = text;
    this.channel.post({ type: "state", state: this.state });
  }

  // Keep the display page (tagged with its owner, as offline-queue.js keepPageOffline does for
  // run mode) so that it opens with the network off; its scripts and styles are in run mode's
  // asset list.
  async keepOffline() {
    if (!("caches" in window)) return false;
    const path = new URL(this.link.href).pathname;
    const cache = await caches.open(PRIVATE_CACHE);
    const kept = await cache.match(path);
    if (!kept || kept.headers.get(OWNER_HEADER) !== ownerToken()) {
      const page = await fetch(path, { credentials: "same-origin", cache: "no-store" });
      if (!page.ok || page.redirected) return false;
      await cache.put(path, await tagged(page, ownerToken()));
    }
    this.link.dataset.offlineReady = "true";
    return true;
  }
}

// The display's view of an item: names instead of ids, times as the agenda shows them.
function describe(view, slot, clock) {
  const index = view.slots.indexOf(slot);
  const next = view.slots[index + 1];
  const names = new Map(view.roster.map((p) => [p.id, p.name]));
  const groups = (view.groups[slot.uid] || []).map((group, i) => ({
    name: group.name || `Group ${i + 1}`,
    members: group.members.filter((id) => names.has(id)).map((id) => ({
      name: names.get(id),
      role: group.chair === id ? "chair" : group.rapporteur === id ? "rapporteur" : "",
    })),
  }));
  return {
    training: view.training.title || "",
    item: { uid: slot.uid, title: slot.title, module: slot.module || null,
            when: `${hhmm(slot.local_start)}–${slot.local_end}`, zone: view.training.time_zone },
    next: next ? `${hhmm(next.local_start)} ${next.title}` : "",
    slot: { start: slot.start, end: slot.end, run: slot.run },
    clock,
    groups,
  };
}
