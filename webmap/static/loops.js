// The loops page: a tap (or the device's place) chooses the start; the API draws up to three loops.
(function () {
  "use strict";
  var app = document.getElementById("loops-app");
  var map = window[app.dataset.map];
  var texts = JSON.parse(app.dataset.texts);
  var form = document.getElementById("loops-form");
  var status = document.getElementById("loops-status");
  var list = document.getElementById("loops-list");
  var colours = ["#1b7837", "#2166ac", "#b2182b"];
  var start = null, marker = null, drawn = L.layerGroup().addTo(map);

  function say(text) { status.textContent = text; }

  function choose(latlng) {
    start = latlng;
    if (marker) { marker.setLatLng(latlng); } else { marker = L.marker(latlng).addTo(map); }
    search();
  }

  function item(loop, index) {
    var li = document.createElement("li");
    var swatch = document.createElement("span");
    swatch.className = "loops-swatch";
    swatch.style.background = colours[index % colours.length];
    li.appendChild(swatch);
    var figures = [
      loop.steps.toLocaleString(app.dataset.lang) + " " + texts.steps,
      (loop.length_m / 1000).toFixed(1) + " km",
      Math.round(loop.duration_s / 60) + " " + texts.minutes,
      loop.energy_kcal + " " + texts.kcal,
      Math.round(loop.green_share * 100) + " % " + texts.green,
      Math.round(loop.repeated_share * 100) + " % " + texts.repeated
    ];
    if (loop.untagged_surface_share > 0) {
      figures.push(Math.round(loop.untagged_surface_share * 100) + " % " + texts.untagged);
    }
    li.appendChild(document.createTextNode(figures.join(" · ") + " "));
    var link = document.createElement("a");
    link.href = loop.gpx;
    link.textContent = texts.download;
    li.appendChild(link);
    return li;
  }

  function search() {
    if (!start) { say(texts.pick); return; }
    var data = new FormData(form);
    var query = new URLSearchParams({
      start: start.lat.toFixed(6) + "," + start.lng.toFixed(6),
      steps: data.get("steps"),
      audience: data.get("audience"),
      prefer: data.get("green") ? "green" : "short",
      lang: app.dataset.lang
    });
    say(texts.searching);
    drawn.clearLayers();
    list.textContent = "";
    fetch(app.dataset.api + "?" + query.toString(), {headers: {Accept: "application/json"}})
      .then(function (response) { return response.json(); })
      .then(function (body) {
        if (body.error) { say(body.error.message); return; }
        say("");
        body.loops.forEach(function (loop, index) {
          var line = L.geoJSON(loop.geometry, {style: {color: colours[index % colours.length], weight: 5, opacity: 0.8}});
          drawn.addLayer(line);
          list.appendChild(item(loop, index));
        });
        if (body.loops.length) { map.fitBounds(drawn.getLayers()[0].getBounds(), {padding: [20, 20]}); }
      })
      .catch(function (error) { say(String(error)); });
  }

  map.on("click", function (event) { choose(event.latlng); });
  map.on("locationfound", function (event) { choose(event.latlng); });
  form.addEventListener("submit", function (event) { event.preventDefault(); search(); });
})();
