/* Live position on a track's page, asked only when the walker taps the button: the phone's position
   (navigator.geolocation; it never leaves the phone: nothing is sent anywhere) placed on the route,
   with the distance walked and left, the next stop, and a warning more than 50 m off the route.
   Reads the route and its texts from the JSON block #track-route (track.html). */
(function () {
  "use strict";
  const data = document.getElementById("track-route");
  const button = document.querySelector(".track-position-button");
  const status = document.getElementById("track-position-status");
  if (!data || !button || !status) return;
  const route = JSON.parse(data.textContent);
  const texts = route.texts;
  const lang = document.documentElement.lang || "ru";
  const OFF_ROUTE_M = 50;
  const R = 6371008.8;
  if (!("geolocation" in navigator)) { button.hidden = true; return; }

  function fill(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_all, key) { return values[key]; });
  }
  function distanceText(metres) {
    if (metres < 1000) {
      return new Intl.NumberFormat(lang).format(Math.round(metres / 10) * 10) + "\u00a0" + texts.m;
    }
    return new Intl.NumberFormat(lang, {maximumFractionDigits: 1}).format(metres / 1000) + "\u00a0" + texts.km;
  }
  // the route in local metres (equirectangular about its first point: a few km, well within 0.1 %)
  const lat0 = route.coords[0][0] * Math.PI / 180;
  function xy(lat, lon) {
    return [R * lon * Math.PI / 180 * Math.cos(lat0), R * lat * Math.PI / 180];
  }
  const points = route.coords.map(function (c) { return xy(c[0], c[1]); });
  const along = [0];
  for (let i = 1; i < points.length; i++) {
    along.push(along[i - 1] + Math.hypot(points[i][0] - points[i - 1][0], points[i][1] - points[i - 1][1]));
  }
  const scale = route.length_m / along[along.length - 1];  // agree with the page's figures

  let lastAt = 0;  // where the walker was: of two stretches as near (a loop's start and finish), the one
                   // nearer along the route to the last position
  function place(lat, lon) {
    const p = xy(lat, lon);
    const candidates = [];
    for (let i = 1; i < points.length; i++) {
      const a = points[i - 1], b = points[i];
      const dx = b[0] - a[0], dy = b[1] - a[1];
      const length2 = dx * dx + dy * dy;
      const t = length2 ? Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / length2)) : 0;
      const off = Math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy);
      candidates.push({off: off, at: (along[i - 1] + t * Math.sqrt(length2)) * scale});
    }
    const nearest = Math.min.apply(null, candidates.map(function (c) { return c.off; }));
    const best = candidates.filter(function (c) { return c.off <= nearest + 10; }).reduce(function (a, b) {
      return Math.abs(a.at - lastAt) <= Math.abs(b.at - lastAt) ? a : b;
    });
    lastAt = best.at;
    return best;
  }

  const map = window[(document.querySelector(".folium-map") || {}).id];
  let marker = null;
  let watch = null;
  function show(position) {
    const lat = position.coords.latitude, lon = position.coords.longitude;
    const here = place(lat, lon);
    const lines = [];
    if (here.off > OFF_ROUTE_M) {
      lines.push(fill(texts.off, {distance: distanceText(here.off)}));
      status.classList.add("track-position-off");
    } else {
      status.classList.remove("track-position-off");
    }
    lines.push(fill(texts.walked, {walked: distanceText(here.at), left: distanceText(Math.max(0, route.length_m - here.at))}));
    const next = route.stops.find(function (stop) { return stop.at_m > here.at + 5; });
    lines.push(next ? fill(texts.next, {name: next.name, distance: distanceText(next.at_m - here.at)}) : texts.end);
    status.textContent = lines.join(" ");
    if (map && window.L) {
      if (!marker) {
        marker = L.circleMarker([lat, lon], {radius: 9, color: "#fff", weight: 3, fillColor: "#1565c0",
          fillOpacity: 1, className: "track-position-marker", interactive: false}).addTo(map);
      } else {
        marker.setLatLng([lat, lon]);
      }
    }
  }
  function fail(error) {
    if (error.code !== error.PERMISSION_DENIED && marker) return;  // a passing loss of the fix: keep the last
    status.textContent = fill(texts.unavailable, {reason: error.message || String(error.code)});
  }
  button.addEventListener("click", function () {
    if (watch !== null) {
      navigator.geolocation.clearWatch(watch);
      watch = null;
      if (marker) { marker.remove(); marker = null; }
      status.textContent = "";
      button.textContent = texts.start;
      button.setAttribute("aria-pressed", "false");
      return;
    }
    status.textContent = texts.asking;
    watch = navigator.geolocation.watchPosition(show, fail, {enableHighAccuracy: true, maximumAge: 5000});
    button.textContent = texts.stop;
    button.setAttribute("aria-pressed", "true");
  });
})();
