// Where the offline queue lives (IndexedDB) and how it is sent, shared by the pages
// (offline-queue.js) and the service worker (sw.js, for background sync). No DOM here.
//
// Database "unct-offline", version 1 (unchanged, so queues recorded by earlier versions are
// kept): store "events" (keyPath id, index scope) holds every action not yet answered by the
// server, each with the scope and the user it was recorded for; store "kv" holds
//   sync-url:<scope>            where that scope's events are sent
//   last-sync:<scope>:<user>    when that user's queue last reached the server
//   refused:<scope>:<user>      actions the server refused, with the reason (to show)
//   snapshot:<training>:<user>  the run sheet kept for offline use (private: forgotten at logout)
//   owner                       the signed-in account as the pages last saw it
//   csrf                        the CSRF token as the pages last saw it
import { DEFAULT_LIMITS, drain } from "./sync-core.js";

export const DB_NAME = "unct-offline";
export const PRIVATE_CACHE = "unct-private";      // run and notes pages, tagged with their owner
export const STATIC_CACHE = "unct-static-v2";     // scripts, styles, icons: nothing personal
export const OWNER_HEADER = "X-Offline-Owner";
const PRIVATE_KEYS = ["snapshot:", "refused:"];

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

let opening = null;
export function openDb() {
  if (!opening) {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => {
      const db = req.result;
      const events = db.createObjectStore("events", { keyPath: "id" });
      events.createIndex("scope", "scope");
      db.createObjectStore("kv");
    };
    opening = request(req).then((db) => {
      db.onversionchange = () => { db.close(); opening = null; };
      return db;
    }, (err) => { opening = null; throw err; });
  }
  return opening;
}

async function store(name, mode = "readonly") {
  return (await openDb()).transaction(name, mode).objectStore(name);
}

export async function kvGet(key) { return request((await store("kv")).get(key)); }
export async function kvPut(key, value) { return request((await store("kv", "readwrite")).put(value, key)); }
export async function kvDelete(key) { return request((await store("kv", "readwrite")).delete(key)); }
export async function kvKeys() { return request((await store("kv")).getAllKeys()); }

export async function addEvent(event) {
  await request((await store("events", "readwrite")).put(event));
  return event;
}

export async function pendingFor(scope, user) {
  const all = await request((await store("events")).index("scope").getAll(scope));
  return all.filter((e) => e.user === String(user))
            .sort((a, b) => a.recorded_at.localeCompare(b.recorded_at));
}

export async function allEvents() {
  return request((await store("events")).getAll());
}

export async function removeEvents(ids) {
  if (!ids.length) return;
  const events = await store("events", "readwrite");
  await Promise.all(ids.map((id) => request(events.delete(id))));
}

// "<user id>.<mac>" (the offline_owner cookie, see syncqueue/middleware.py) -> "<user id>"
export function userOfOwner(token) {
  return token ? String(token).split(".")[0] : "";
}

export async function send(url, csrf, body) {
  const response = await fetch(url, {
    method: "POST", credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrf || "" },
    body: JSON.stringify(body),
  });
  let data;
  try {
    data = await response.json();
  } catch (err) {
    data = { detail: `not JSON (${err.name})` };
  }
  return { status: response.status, body: data };
}

async function exclusively(name, fn) {
  // One sender per queue at a time, across tabs and the service worker.
  if (globalThis.navigator && navigator.locks) return navigator.locks.request(name, fn);
  return fn();
}

function describe(refused) {
  return refused.map(({ id, reason, event }) => ({
    id, reason, type: event.type, payload: event.payload, recorded_at: event.recorded_at }));
}

// Send one user's queue of one scope. Returns drain()'s report.
export async function syncScope({ scope, user, url, csrf }) {
  return exclusively(`unct-sync:${scope}:${user}`, async () => {
    const report = await drain({
      load: () => pendingFor(scope, user), drop: removeEvents, user: String(user),
      limits: DEFAULT_LIMITS, send: (body) => send(url, csrf, body),
    });
    if (report.refused.length) {
      const key = `refused:${scope}:${user}`;
      const kept = (await kvGet(key)) || [];
      await kvPut(key, [...kept, ...describe(report.refused)].slice(-200));
    }
    if (report.applied.length || report.refused.length || report.state === "idle") {
      await kvPut(`last-sync:${scope}:${user}`, new Date().toISOString());
    }
    return report;
  });
}

// Send every queued action of `user`, whatever page recorded it (after signing in again).
export async function syncAll({ user, csrf }) {
  const scopes = [...new Set((await allEvents()).filter((e) => e.user === String(user))
                                                .map((e) => e.scope))];
  const reports = [];
  for (const scope of scopes) {
    const url = await kvGet(`sync-url:${scope}`);
    if (url) reports.push({ scope, ...(await syncScope({ scope, user, url, csrf })) });
  }
  return reports;
}

// Logout on a shared tablet: drop every private copy (cached pages, run-sheet snapshots,
// refusal lists); keep the unsent queue, which stays bound to the user who recorded it.
export async function forgetPrivateData() {
  if (globalThis.caches) {
    await Promise.all([PRIVATE_CACHE, "unct-run-v1"].map((name) => caches.delete(name)));
  }
  const keys = await kvKeys();
  await Promise.all(keys.filter((key) => PRIVATE_KEYS.some((prefix) => String(key).startsWith(prefix)))
                        .map((key) => kvDelete(key)));
  await kvPut("owner", "");
}

// A cached copy of a private page remembers whose it is.
export async function tagged(response, owner) {
  const headers = new Headers(response.headers);
  headers.set(OWNER_HEADER, owner || "");
  return new Response(await response.blob(), { status: response.status,
                                               statusText: response.statusText, headers });
}
