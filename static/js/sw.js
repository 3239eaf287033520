// Service worker (an ES module, registered with {type: "module"}; served at /sw.js by
// runsheet.views.service_worker so it controls the whole site).
//
// - Run mode, its room display and the notes pages: network first; offline, the copy cached
//   for the account signed in on this browser (never another account's, never with nobody
//   signed in).
// - Static scripts, styles and icons the pages keep: from the cache, refreshed in the
//   background.
// - Logout: the cached pages and run-sheet snapshots are dropped (the unsent queue stays).
// - Background sync (Chromium): when the network is back, open pages are asked to send
//   their queue; with no page open, the worker sends the signed-in account's queue itself.
import {
  forgetPrivateData, kvGet, OWNER_HEADER, PRIVATE_CACHE, STATIC_CACHE, syncAll, userOfOwner,
} from "/static/js/queue-store.js";

// run mode, its room display (room-display.js) and the notes pages
const PRIVATE_PAGES = [/^\/trainings\/\d+\/run\/$/, /^\/trainings\/\d+\/run\/display\/$/,
                       /^\/trainings\/\d+\/notes\/\d+\/$/];
const LOGOUT = /^\/accounts\/logout\/$/;
const KEEP = new Set([PRIVATE_CACHE, STATIC_CACHE]);

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil((async () => {
  // caches of earlier versions (unct-run-v1 kept pages untagged): gone
  for (const name of await caches.keys()) {
    if (name.startsWith("unct-") && !KEEP.has(name)) await caches.delete(name);
  }
  await self.clients.claim();
})()));

async function cookieValue(name) {
  if (!self.cookieStore) return null;   // no Cookie Store API here: fall back to the pages' note
  const found = await self.cookieStore.get(name);
  return found ? found.value : "";
}

// The account signed in on this browser: the offline_owner cookie, or what a page last saw.
async function currentOwner() {
  const fromCookie = await cookieValue("offline_owner");
  if (fromCookie !== null) return fromCookie;
  return (await kvGet("owner")) || "";
}

const OFFLINE_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Offline</title></head>
<body><main><h1>Offline</h1><p id="offline-signed-out">This page is not available offline for
the account signed in on this device (or nobody is signed in). Connect to the network and sign
in to continue. Actions queued on this device are kept and sent once their author signs in
again.</p></main></body></html>`;

function offlinePage() {
  return new Response(OFFLINE_PAGE, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8",
                                                              "Cache-Control": "no-store" } });
}

async function privatePage(request) {
  const url = new URL(request.url);
  const cache = await caches.open(PRIVATE_CACHE);
  try {
    const response = await fetch(request);
    if (response.ok && !response.redirected) {
      const owner = await currentOwner();
      const headers = new Headers(response.headers);
      headers.set(OWNER_HEADER, owner);
      const copy = new Response(await response.clone().blob(), {
        status: response.status, statusText: response.statusText, headers });
      await cache.put(url.pathname, copy);
    }
    return response;
  } catch (err) {
    const cached = await cache.match(url.pathname);
    const owner = await currentOwner();
    if (cached && owner && cached.headers.get(OWNER_HEADER) === owner) return cached;
    console.warn("offline and no copy of this page for the signed-in account", err);
    return offlinePage();
  }
}

// Only the assets a page asked to keep (offline-queue.js keepPageOffline) are in the cache:
// those are served from it and refreshed in the background; everything else passes through.
async function staticAsset(event) {
  const cache = await caches.open(STATIC_CACHE);
  const cached = await cache.match(event.request, { ignoreSearch: true });
  if (!cached) return fetch(event.request);
  event.waitUntil(fetch(event.request)
    .then((response) => (response.ok ? cache.put(event.request, response) : undefined))
    .catch((err) => console.warn("offline: kept the cached copy of", event.request.url, err)));
  return cached;
}

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (url.origin !== self.location.origin) return;
  if (event.request.method === "POST" && LOGOUT.test(url.pathname)) {
    // the logout goes through untouched; meanwhile the private copies go
    event.waitUntil(forgetPrivateData());
    return;
  }
  if (event.request.method !== "GET") return;
  if (PRIVATE_PAGES.some((re) => re.test(url.pathname))) {
    event.respondWith(privatePage(event.request));
  } else if (url.pathname.startsWith("/static/")) {
    event.respondWith(staticAsset(event));
  }
});

async function backgroundSync() {
  const windows = await self.clients.matchAll({ type: "window" });
  if (windows.length) {
    windows.forEach((client) => client.postMessage({ type: "unct-sync" }));
    return;
  }
  const user = userOfOwner(await currentOwner());
  if (!user) return;   // nobody signed in: the queue waits for its author
  const csrf = (await cookieValue("csrftoken")) || (await kvGet("csrf")) || "";
  const reports = await syncAll({ user, csrf });
  if (reports.some((r) => r.state === "offline" || r.state === "error" || r.retry.length)) {
    throw new Error("queue not fully sent; the browser tries again later");
  }
}

self.addEventListener("sync", (event) => {
  if (event.tag === "unct-sync") event.waitUntil(backgroundSync());
});
