// A queue of device events kept in IndexedDB until the server acknowledges them.
// Shared by run mode and the rapporteurs' notes. No dependencies.
(function () {
  "use strict";

  function request(req) {
    return new Promise((resolve, reject) => {
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }

  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  function cookie(name) {
    const match = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return match ? decodeURIComponent(match[1]) : "";
  }

  class OfflineQueue {
    constructor({ scope, user, syncUrl }) {
      this.scope = scope;            // e.g. "training:12"
      this.user = String(user);
      this.syncUrl = syncUrl;
      this.state = "idle";           // idle | syncing | offline | auth | error
      this.lastSyncedAt = null;
      this.listeners = [];
      this.db = null;
    }

    async open() {
      const req = indexedDB.open("unct-offline", 1);
      req.onupgradeneeded = () => {
        const db = req.result;
        const events = db.createObjectStore("events", { keyPath: "id" });
        events.createIndex("scope", "scope");
        db.createObjectStore("kv");
      };
      this.db = await request(req);
      this.lastSyncedAt = await this.get(`last-sync:${this.scope}:${this.user}`);
      return this;
    }

    store(name, mode = "readonly") {
      return this.db.transaction(name, mode).objectStore(name);
    }

    async get(key) { return request(this.store("kv").get(key)); }
    async put(key, value) { return request(this.store("kv", "readwrite").put(value, key)); }

    // Record an action; it is stored before anything else happens, so it survives a reload,
    // a dropped network and an expired login.
    async add(type, payload, id) {
      const event = { id: id || uuid(), type, payload, recorded_at: new Date().toISOString(),
                      scope: this.scope, user: this.user };
      await request(this.store("events", "readwrite").put(event));
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

    async pending() {
      const all = await request(this.store("events").index("scope").getAll(this.scope));
      return all.filter((e) => e.user === this.user)
                .sort((a, b) => a.recorded_at.localeCompare(b.recorded_at));
    }

    async remove(ids) {
      const store = this.store("events", "readwrite");
      await Promise.all(ids.map((id) => request(store.delete(id))));
    }

    onChange(fn) { this.listeners.push(fn); }
    async emit() {
      const count = (await this.pending()).length;
      this.listeners.forEach((fn) => fn({ queued: count, state: this.state,
                                          lastSyncedAt: this.lastSyncedAt }));
    }

    // Send what is queued, in batches; drop only what the server acknowledged.
    async sync() {
      if (this.syncing) return;
      if (!navigator.onLine) { this.state = "offline"; this.emit(); return {}; }
      this.syncing = true;
      const rejected = {};
      try {
        let events = await this.pending();
        while (events.length) {
          const batch = events.slice(0, 200).map(({ id, type, payload, recorded_at }) =>
            ({ id, type, payload, recorded_at }));
          this.state = "syncing"; this.emit();
          let response;
          try {
            response = await fetch(this.syncUrl, {
              method: "POST", credentials: "same-origin",
              headers: { "Content-Type": "application/json", "X-CSRFToken": cookie("csrftoken") },
              body: JSON.stringify({ events: batch }),
            });
          } catch (err) {
            this.state = "offline";
            return rejected;
          }
          if (response.status === 401 || response.status === 403) {
            this.state = "auth";   // keep everything until the user signs in again
            return rejected;
          }
          if (!response.ok) { this.state = "error"; return rejected; }
          const body = await response.json();
          Object.assign(rejected, body.errors || {});
          await this.remove(body.acknowledged || []);
          this.lastSyncedAt = new Date().toISOString();
          await this.put(`last-sync:${this.scope}:${this.user}`, this.lastSyncedAt);
          const left = await this.pending();
          if (left.length >= events.length) break;   // nothing acknowledged: stop looping
          events = left;
        }
        this.state = "idle";
        return rejected;
      } finally {
        this.syncing = false;
        this.emit();
      }
    }
  }

  window.OfflineQueue = OfflineQueue;
  window.offlineUuid = uuid;
})();
