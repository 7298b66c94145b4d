/* Offline use, page side (webmap/offline.py): registers the service worker (/sw.js); "Save for offline"
   on a track page keeps in the browser's Cache Storage, under ecomap-track-<id>, the page as it is,
   every file of our own it loaded (scripts, styles, images), its GPX file, its trailhead sign and its
   API record; the saved list (/saved) shows them with their sizes and deletes them. Map tiles are
   never kept. No framework; texts from the JSON block #ecomap-offline-texts (base.html). */
(function () {
  "use strict";
  const PREFIX = "ecomap-track-";
  const META = "/offline-meta/";
  const data = document.getElementById("ecomap-offline-texts");
  const texts = data ? JSON.parse(data.textContent) : {};
  const lang = document.documentElement.lang || "ru";
  const supported = "serviceWorker" in navigator && "caches" in window;

  function fill(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_all, key) { return values[key]; });
  }
  function sizeText(bytes) {
    const kilobytes = bytes / 1024;
    const unit = kilobytes >= 1024 ? "megabyte" : "kilobyte";
    const value = unit === "megabyte" ? kilobytes / 1024 : kilobytes;
    return new Intl.NumberFormat(lang, {style: "unit", unit: unit, maximumFractionDigits: 1}).format(value);
  }
  async function cacheSize(cache) {
    let total = 0;
    for (const request of await cache.keys()) {
      const response = await cache.match(request);
      if (response) total += (await response.blob()).size;
    }
    return total;
  }
  function ownUrl(text) {
    const url = new URL(text, location.href);
    if (url.origin !== location.origin || url.pathname === "/sw.js") return null;
    return url.pathname + url.search;
  }

  if (supported) {
    navigator.serviceWorker.register("/sw.js").catch(function () { /* offline use is a bonus */ });
  }

  const save = document.querySelector("[data-offline-save]");
  if (save) {
    const status = document.getElementById(save.getAttribute("aria-describedby") || "") || save;
    if (!supported) {
      save.disabled = true;
      status.textContent = texts.unsupported;
    }
    save.addEventListener("click", async function () {
      const track = JSON.parse(save.dataset.offlineSave);
      const urls = new Set(track.urls.map(ownUrl));
      urls.add(ownUrl(location.href));
      document.querySelectorAll("script[src], link[rel=stylesheet][href], link[rel=icon][href]").forEach(
        function (element) { urls.add(ownUrl(element.src || element.href)); });
      performance.getEntriesByType("resource").forEach(function (entry) { urls.add(ownUrl(entry.name)); });
      urls.delete(null);
      save.disabled = true;
      status.textContent = texts.saving;
      try {
        const name = PREFIX + track.id;
        await caches.delete(name);  // a new save replaces the old one whole
        const cache = await caches.open(name);
        await cache.addAll(Array.from(urls));
        const meta = {id: track.id, name: track.name, url: ownUrl(location.href), saved: Date.now()};
        await cache.put(META + track.id, new Response(JSON.stringify(meta),
          {headers: {"Content-Type": "application/json"}}));
        status.textContent = fill(texts.saved, {size: sizeText(await cacheSize(cache))});
        save.dataset.saved = "true";
      } catch (error) {
        status.textContent = fill(texts.failed, {reason: error.message});
      } finally {
        save.disabled = false;
      }
    });
  }

  const list = document.getElementById("saved-list");
  if (list) {
    const status = document.getElementById("saved-status");
    const show = async function () {
      list.textContent = "";
      if (!supported) { status.textContent = texts.unsupported; return; }
      const names = (await caches.keys()).filter(function (name) { return name.startsWith(PREFIX); });
      for (const name of names.sort()) {
        const cache = await caches.open(name);
        const metaResponse = await cache.match(META + name.slice(PREFIX.length));
        if (!metaResponse) continue;
        const meta = await metaResponse.json();
        const item = document.createElement("li");
        item.className = "saved-track";
        const link = document.createElement("a");
        link.href = meta.url;
        link.textContent = meta.name;
        const details = document.createElement("span");
        details.className = "saved-size";
        const date = new Intl.DateTimeFormat(lang, {dateStyle: "medium"}).format(new Date(meta.saved));
        details.textContent = sizeText(await cacheSize(cache)) + ", " + fill(texts.savedOn, {date: date});
        const remove = document.createElement("button");
        remove.type = "button";
        remove.textContent = texts.delete;
        remove.setAttribute("aria-label", texts.delete + ": " + meta.name);
        remove.addEventListener("click", async function () {
          await caches.delete(name);
          item.remove();
          status.textContent = texts.deleted;
          if (!list.children.length) status.textContent += " " + texts.none;
        });
        item.append(link, " ", details, " ", remove);
        list.appendChild(item);
      }
      if (!list.children.length) status.textContent = texts.none;
    };
    show();
  }
})();
