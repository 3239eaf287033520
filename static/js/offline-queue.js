// The page side of the offline queue, shared by run mode and the rapporteurs' notes: every
// action is stored in IndexedDB before anything else, shown at once, and sent when the
// network allows (queue-store.js, sync-core.js). Refused actions are dropped from the queue
// and listed with their reason; "retry later" ones are kept and never block the others.
import * as store from "./queue-store.js";

export function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function cookie(name) {
  const match = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
  return match ? decodeURIComponent(match[1]) : "";
}

// The account signed in on this browser, as the server last said (syncqueue/middleware.py).
export function ownerToken() { return cookie("offline_owner"); }
export function signedInUser() { return store.userOfOwner(ownerToken()); }

function warn(message, err) {
  // Not console.error: a background nicety failing must not look like a broken page.
  console.warn(message, err);
}

// Ask the browser to wake the service worker when the network is back (Chromium); the
// worker then sends the queue even if this page is closed.
export async function requestBackgroundSync() {
  try {
    const registration = "serviceWorker" in navigator && await navigator.serviceWorker.getRegistration();
    if (registration && registration.sync) await registration.sync.register("unct-sync");
  } catch (err) {
    warn("Background sync is not available here; the queue is sent while the page is open.", err);
  }
}

export class OfflineQueue {
  constructor({ scope, user, syncUrl }) {
    this.scope = scope;            // e.g. "training:12"
    this.user = String(user);
    this.syncUrl = syncUrl;
    this.state = "idle";           // idle | syncing | offline | auth | other-user | error
    this.message = "";
    this.lastSyncedAt = null;
    this.refused = [];             // [{id, reason, type, payload, recorded_at}]
    this.retrying = 0;
    this.listeners = [];
    this.running = null;
  }

  async open() {
    await store.openDb();
    await store.kvPut(`sync-url:${this.scope}`, this.syncUrl);
    await store.kvPut("csrf", cookie("csrftoken"));
    await store.kvPut("owner", ownerToken());
    this.lastSyncedAt = await store.kvGet(`last-sync:${this.scope}:${this.user}`);
    this.refused = (await store.kvGet(`refused:${this.scope}:${this.user}`)) || [];
    if ("serviceWorker" in navigator) {
      // background sync woke the worker while this page is open: the page sends
      navigator.serviceWorker.addEventListener("message", (event) => {
        if (event.data && event.data.type === "unct-sync") this.sync();
      });
    }
    return this;
  }

  // Record an action; it is stored before anything else happens, so it survives a reload,
  // a dropped network and an expired login.
  async add(type, payload, id) {
    const event = { id: id || uuid(), type, payload, recorded_at: new Date().toISOString(),
                    scope: this.scope, user: this.user };
    await store.addEvent(event);
    this.emit();
    return event;
  }

  // Replace the pending events that `same(event)` matches with a new one (e.g. only the
  // latest autosave of a section needs sending: it contains all the typing).
  async replace(type, payload, same) {
    const old = (await this.pending()).filter((e) => e.type === type && same(e));
    await this.remove(old.map((e) => e.id));
    return this.add(type, payload);
  }

  pending() { return store.pendingFor(this.scope, this.user); }
  remove(ids) { return store.removeEvents(ids); }

  onChange(fn) { this.listeners.push(fn); }

  async emit() {
    let queued = 0;
    try {
      queued = (await this.pending()).length;
    } catch (err) {
      this.state = "error";
      this.message = `This device's storage is not available (${err.message}): keep the page open.`;
    }
    const info = { queued, state: this.state, message: this.message,
                   lastSyncedAt: this.lastSyncedAt, refused: this.refused,
                   retrying: this.retrying };
    this.listeners.forEach((fn) => fn(info));
  }

  async dismissRefused() {
    this.refused = [];
    try {
      await store.kvDelete(`refused:${this.scope}:${this.user}`);
    } catch (err) {
      warn("Could not forget the list of refused actions", err);
    }
    this.emit();
  }

  // Send what is queued; never throws (the state and the message say what happened).
  sync() {
    if (!this.running) {
      this.running = this.#send().finally(() => { this.running = null; this.emit(); });
    }
    return this.running;
  }

  async #send() {
    if (!navigator.onLine) {
      this.state = "offline";
      this.message = "";
      await requestBackgroundSync();
      return null;
    }
    this.state = "syncing";
    this.emit();
    try {
      const report = await store.syncScope({ scope: this.scope, user: this.user,
                                             url: this.syncUrl, csrf: cookie("csrftoken") });
      this.state = report.state;
      this.message = report.message;
      this.retrying = report.retry.length;
      this.lastSyncedAt = (await store.kvGet(`last-sync:${this.scope}:${this.user}`)) || this.lastSyncedAt;
      this.refused = (await store.kvGet(`refused:${this.scope}:${this.user}`)) || [];
      if (report.state === "offline" || report.state === "error" || report.retry.length) {
        await requestBackgroundSync();
      }
      return report;
    } catch (err) {
      // IndexedDB refused (private mode, quota) or a bug: say so, keep the queue
      this.state = "error";
      this.message = `Could not send the queue: ${err.message || err}`;
      return null;
    }
  }
}

// Any page of the platform, once someone is signed in: send that person's queued actions
// (recorded before a logout or a session expiry), whichever page recorded them.
export async function resumeQueues() {
  const token = ownerToken();
  await store.kvPut("owner", token);
  await store.kvPut("csrf", cookie("csrftoken"));
  const user = store.userOfOwner(token);
  if (!user || !navigator.onLine) return [];
  return store.syncAll({ user, csrf: cookie("csrftoken") });
}

export const forgetPrivateData = store.forgetPrivateData;

// Keep a copy of this page and its assets for a reload without network. The page copy is
// tagged with its owner: the service worker shows it only to the same account.
export async function keepPageOffline(assets) {
  if (!("caches" in window)) return false;
  const privateCache = await caches.open(store.PRIVATE_CACHE);
  const kept = await privateCache.match(location.pathname);
  // The service worker keeps the page when it serves it; on the first visit it did not yet.
  if (!kept || kept.headers.get(store.OWNER_HEADER) !== ownerToken()) {
    const page = await fetch(location.pathname, { credentials: "same-origin", cache: "no-store" });
    if (!page.ok || page.redirected) return false;
    await privateCache.put(location.pathname, await store.tagged(page, ownerToken()));
  }
  const shared = await caches.open(store.STATIC_CACHE);
  // Every static file this page actually loaded, under the URL it was loaded from (module
  // imports resolve to unhashed names even where the page links hashed ones).
  const loaded = performance.getEntriesByType("resource")
    .map((entry) => new URL(entry.name))
    .filter((url) => url.origin === location.origin && url.pathname.startsWith("/static/"))
    .map((url) => url.pathname);
  const modules = ["sync-core.js", "queue-store.js", "offline-queue.js"]
    .map((name) => new URL(name, import.meta.url).pathname);
  await shared.addAll([...new Set([...assets, ...modules, ...loaded])]);
  return true;
}
