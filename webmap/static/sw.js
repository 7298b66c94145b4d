/* ecomap's service worker (served at /sw.js by webmap/offline.py, so its scope is every page), with
   Workbox's routing and strategies vendored from npm under /static/vendor/.

   - our static files (content-hashed URLs): from any cache first, else the network, kept in
     ecomap-static;
   - pages: the network; offline, a saved copy (a track saved with "Save for offline", static/offline.js,
     in its own cache ecomap-track-<id>), else the page that says plainly this one needs a connection;
   - anything else of ours (GPX, signs, the API): the network; offline, a saved copy;
   - other hosts (the base map's tiles) are left to the browser and never kept. */
importScripts("/static/vendor/workbox-sw/build/workbox-sw.js");
workbox.setConfig({
  debug: false,
  modulePathCb: function (name) { return "/static/vendor/" + name + "/build/" + name + ".prod.js"; },
});

const SHELL = "ecomap-shell-v1";
const STATIC = "ecomap-static";
const SAVED_PREFIX = "ecomap-track-";
const OFFLINE_PAGES = {ru: "/offline?lang=ru", en: "/offline?lang=en"};
const SHELL_FILES = [OFFLINE_PAGES.ru, OFFLINE_PAGES.en, "/static/icons/icon-192.png", "/static/icons/icon-512.png"];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL).then(function (cache) { return cache.addAll(SHELL_FILES); })
    .then(function () { return self.skipWaiting(); }));
});
self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.startsWith("ecomap-shell-") && name !== SHELL;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function language(request) {
  const asked = new URL(request.url).searchParams.get("lang");
  if (asked in OFFLINE_PAGES) return asked;
  const accepted = (request.headers.get("Accept-Language") || "").toLowerCase().split(",");
  for (const tag of accepted) {
    const code = tag.trim().slice(0, 2);
    if (code in OFFLINE_PAGES) return code;
  }
  return "ru";
}

async function saved(request) {
  const exact = await caches.match(request, {ignoreVary: true});
  if (exact) return exact;
  // a saved track's page asked with other arguments (?lang=, ?audience=)
  if (request.mode !== "navigate") return undefined;
  for (const name of await caches.keys()) {
    if (!name.startsWith(SAVED_PREFIX)) continue;
    const found = await (await caches.open(name)).match(request, {ignoreSearch: true, ignoreVary: true});
    if (found) return found;
  }
  return undefined;
}

const fromAnyCache = {
  handlerDidError: async function ({request}) {
    const copy = await saved(request);
    if (copy || request.mode !== "navigate") return copy;
    return caches.match(OFFLINE_PAGES[language(request)], {ignoreVary: true});
  },
};
const ours = function (url) { return url.origin === self.location.origin; };

workbox.routing.registerRoute(
  function ({url, request}) { return ours(url) && request.method === "GET" && url.pathname.startsWith("/static/"); },
  new workbox.strategies.CacheFirst({cacheName: STATIC, plugins: [fromAnyCache]}),
);
workbox.routing.registerRoute(
  function ({url, request}) { return ours(url) && request.method === "GET" && url.pathname !== "/sw.js"; },
  new workbox.strategies.NetworkOnly({plugins: [fromAnyCache]}),
);
