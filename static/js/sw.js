// Service worker for run mode: keeps the page shell, its assets and the run-sheet snapshot
// so the page opens after a reload with the network off. Everything else passes through.
const CACHE = "unct-run-v1";
const RUN_PAGE = /^\/trainings\/\d+\/run\/$/;
const SNAPSHOT = /^\/api\/v1\/trainings\/\d+\/runsheet$/;

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok && !response.redirected) cache.put(request, response.clone());
    return response;
  } catch (err) {
    const cached = await cache.match(request, { ignoreSearch: true });
    if (cached) return cached;
    throw err;
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) cache.put(request, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  if (RUN_PAGE.test(url.pathname) || SNAPSHOT.test(url.pathname)) {
    event.respondWith(networkFirst(event.request));
  } else if (url.pathname.startsWith("/static/") &&
             /(runsheet|offline-queue|favicon)/.test(url.pathname)) {
    event.respondWith(cacheFirst(event.request));
  }
});
