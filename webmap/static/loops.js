// The loops page: a place search, a tap or the device's place chooses the start; the API answers up to
// three loops, listed as cards to choose from; the chosen one is highlighted on the map with its profile.
(function () {
  "use strict";
  var app = document.getElementById("loops-app");
  var map = window[app.dataset.map];
  var texts = JSON.parse(app.dataset.texts);
  var lang = app.dataset.lang;
  var form = document.getElementById("loops-form");
  var status = document.getElementById("loops-status");
  var results = document.getElementById("loops-results");
  var list = document.getElementById("loops-list");
  var note = document.getElementById("loops-note");
  var profileTitle = document.getElementById("loops-profile-title");
  var profileChart = document.getElementById("loops-profile-chart");
  var notes = {
    start: document.getElementById("loops-start-note"),
    steps: document.getElementById("loops-steps-note"),
    audience: document.getElementById("loops-audience-note")
  };
  var controls = {
    start: document.getElementById("loops-place"),
    steps: document.getElementById("loops-steps"),
    audience: document.getElementById("loops-audience")
  };
  var startHint = notes.start.textContent;
  var colours = ["#1b7837", "#2166ac", "#b2182b"];
  var SVG = "http://www.w3.org/2000/svg";
  var start = null, startLabel = "", marker = null, snapped = null;
  var lines = [], loops = [], selected = 0, request = 0;
  var drawn = L.featureGroup().addTo(map);

  function fill(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_all, key) { return values[key]; });
  }

  function say(text) { status.textContent = text; }

  // A message next to the control it is about (the start field, steps, audience), marked when a fault.
  function tell(field, text, isError) {
    notes[field].textContent = text;
    notes[field].classList.toggle("loops-error", !!isError);
    if (isError) { controls[field].setAttribute("aria-invalid", "true"); }
    else { controls[field].removeAttribute("aria-invalid"); }
  }

  function clearErrors() {
    Object.keys(notes).forEach(function (key) {
      controls[key].removeAttribute("aria-invalid");
      notes[key].classList.remove("loops-error");
      if (key !== "start") { notes[key].textContent = ""; }
    });
  }

  // --- the start ---------------------------------------------------------------------------

  function choose(latlng, label) {
    start = L.latLng(latlng);
    startLabel = label;
    if (marker) { marker.setLatLng(start); } else { marker = L.marker(start, {keyboard: false}).addTo(map); }
    if (snapped) { map.removeLayer(snapped); snapped = null; }
    tell("start", label, false);
    search();
  }

  function showSnap(answer) {
    if (snapped) { map.removeLayer(snapped); }
    var point = L.latLng(answer.lat, answer.lon);
    snapped = L.layerGroup([
      L.polyline([start, point], {color: "#333", weight: 2, dashArray: "4 4", interactive: false}),
      L.circleMarker(point, {radius: 7, color: "#fff", weight: 2, fillColor: "#333", fillOpacity: 1, interactive: false})
    ]).addTo(map);
    tell("start", startLabel + " " + answer.message, false);
  }

  // --- the place search: a WAI-ARIA APG combobox with a list popup -------------------------

  var input = controls.start;
  var popup = document.getElementById("loops-place-list");
  var options = [], active = -1, typed = 0;

  function closePopup() {
    popup.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function activate(index) {
    active = index;
    Array.prototype.forEach.call(popup.children, function (item, at) {
      item.setAttribute("aria-selected", at === index ? "true" : "false");
      item.classList.toggle("loops-option-active", at === index);
    });
    if (index >= 0) {
      input.setAttribute("aria-activedescendant", popup.children[index].id);
      popup.children[index].scrollIntoView({block: "nearest"});
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function pick(index) {
    var place = options[index];
    input.value = place.name;
    closePopup();
    choose([place.lat, place.lon], fill(texts.startPicked, {name: place.name}));
  }

  function showOptions(found) {
    options = found;
    popup.textContent = "";
    found.forEach(function (place, index) {
      var item = document.createElement("li");
      item.id = "loops-place-option-" + index;
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", "false");
      item.className = "loops-option";
      var name = document.createElement("span");
      name.textContent = place.name;
      var what = document.createElement("span");
      what.className = "loops-option-kind";
      what.textContent = place.kind === "street" ? texts.street : place.layer;
      item.appendChild(name);
      item.appendChild(document.createTextNode(" "));
      item.appendChild(what);
      item.addEventListener("mousedown", function (event) { event.preventDefault(); });
      item.addEventListener("click", function () { pick(index); });
      popup.appendChild(item);
    });
    if (found.length) {
      popup.hidden = false;
      input.setAttribute("aria-expanded", "true");
      activate(-1);
      if (!start) { notes.start.textContent = startHint; }
    } else {
      closePopup();
      if (input.value.trim()) { notes.start.textContent = texts.none; }
    }
  }

  function lookUp() {
    var asked = ++typed;
    var query = new URLSearchParams({q: input.value, lang: lang});
    fetch(app.dataset.places + "?" + query.toString(), {headers: {Accept: "application/json"}})
      .then(function (response) { return response.json(); })
      .then(function (body) { if (asked === typed && body.places) { showOptions(body.places); } })
      .catch(function () { if (asked === typed) { closePopup(); } });
  }

  var pending = null;
  input.addEventListener("input", function () {
    clearTimeout(pending);
    if (!input.value.trim()) { showOptions([]); return; }
    pending = setTimeout(lookUp, 120);
  });
  input.addEventListener("keydown", function (event) {
    var open = !popup.hidden && options.length;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      if (!open) { if (options.length) { showOptions(options); activate(0); } else { lookUp(); } return; }
      activate((active + 1) % options.length);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      if (open) { activate(active <= 0 ? options.length - 1 : active - 1); }
    } else if (event.key === "Enter") {
      if (open && active >= 0) { event.preventDefault(); pick(active); }
      else if (open && options.length === 1) { event.preventDefault(); pick(0); }
    } else if (event.key === "Escape") {
      if (open) { event.preventDefault(); closePopup(); } else { input.value = ""; }
    }
  });
  input.addEventListener("blur", function () { closePopup(); });

  // --- the loops -----------------------------------------------------------------------------

  function figure(dl, label, value) {
    var term = document.createElement("dt");
    term.textContent = label;
    var detail = document.createElement("dd");
    detail.textContent = value;
    var pair = document.createElement("div");
    pair.appendChild(term);
    pair.appendChild(detail);
    dl.appendChild(pair);
    return detail;
  }

  function card(loop, index) {
    var item = document.createElement("li");
    item.className = "loops-card";
    var label = document.createElement("label");
    label.className = "loops-card-title";
    var radio = document.createElement("input");
    radio.type = "radio";
    radio.name = "loop";
    radio.value = String(index);
    radio.addEventListener("change", function () {
      if (radio.checked) { select(index, false); showOnMap(index); }
    });
    var swatch = document.createElement("span");
    swatch.className = "loops-swatch";
    swatch.style.background = colours[index % colours.length];
    label.appendChild(radio);
    label.appendChild(swatch);
    label.appendChild(document.createTextNode(fill(texts.loop, {number: index + 1})));
    item.appendChild(label);
    var dl = document.createElement("dl");
    dl.className = "loops-figures";
    figure(dl, texts.length, loop.text.length);
    figure(dl, texts.steps, loop.text.steps);
    figure(dl, texts.time, loop.text.duration);
    figure(dl, texts.energy, loop.text.energy);
    figure(dl, texts.green, loop.text.green);
    figure(dl, texts.repeated, loop.text.repeated).className = "loops-repeated";
    if (loop.untagged_surface_share > 0) { figure(dl, texts.untagged, loop.text.untagged); }
    item.appendChild(dl);
    var link = document.createElement("a");
    link.className = "loops-gpx";
    link.href = loop.gpx;
    link.setAttribute("download", "");
    link.textContent = texts.download;
    item.appendChild(link);
    // a tap anywhere on the card chooses it (the link still downloads)
    item.addEventListener("click", function (event) {
      if (event.target.closest("a, input, label")) { return; }
      radio.checked = true;
      select(index, false);
      showOnMap(index);
    });
    return item;
  }

  function drawProfile(loop, index) {
    profileTitle.textContent = fill(texts.profile, {number: index + 1});
    profileChart.textContent = "";
    var drawnProfile = loop.profile;
    if (!drawnProfile) {
      var text = document.createElement("p");
      text.textContent = fill(texts.noHeights, {length: loop.text.length});
      profileChart.appendChild(text);
      return;
    }
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("class", "loops-profile-svg");
    svg.setAttribute("viewBox", "0 0 " + drawnProfile.width + " " + drawnProfile.height);
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", drawnProfile.label);
    var bottom = drawnProfile.height - 24;
    var axis = document.createElementNS(SVG, "line");
    axis.setAttribute("class", "loops-profile-axis");
    [["x1", 24], ["y1", bottom], ["x2", drawnProfile.width - 24], ["y2", bottom]].forEach(function (pair) {
      axis.setAttribute(pair[0], pair[1]);
    });
    svg.appendChild(axis);
    // heights at the left, the length under the axis's right end (the axis starts at the start)
    [[drawnProfile.low, 2, bottom - 2, "start"], [drawnProfile.high, 2, 20, "start"],
     [drawnProfile.length, drawnProfile.width - 24, bottom + 16, "end"]].forEach(function (item) {
      var label = document.createElementNS(SVG, "text");
      label.setAttribute("x", String(item[1]));
      label.setAttribute("y", String(item[2]));
      label.setAttribute("text-anchor", item[3]);
      label.textContent = item[0];
      svg.appendChild(label);
    });
    drawnProfile.lines.forEach(function (points) {
      var line = document.createElementNS(SVG, "polyline");
      line.setAttribute("points", points);
      line.setAttribute("class", "loops-profile-line");
      line.style.stroke = colours[index % colours.length];
      svg.appendChild(line);
    });
    profileChart.appendChild(svg);
  }

  function select(index, fromMap) {
    selected = index;
    lines.forEach(function (line, at) {
      var chosen = at === index;
      line.setStyle({weight: chosen ? 7 : 4, opacity: chosen ? 0.95 : 0.35, dashArray: chosen ? null : "6 8"});
      if (chosen) { line.bringToFront(); }
    });
    Array.prototype.forEach.call(list.children, function (item, at) {
      item.classList.toggle("loops-card-selected", at === index);
      item.querySelector("input").checked = at === index;
    });
    list.children[index].querySelector("dl").after(note);
    drawProfile(loops[index], index);
    if (fromMap) { list.children[index].querySelector("input").focus({preventScroll: true}); }
  }

  // A loop chosen in the list: the map fits it and, when the choice was a tap and the map has
  // scrolled out of sight (a phone, the cards under the map), the page brings the map back.
  var tapped = false;
  list.addEventListener("pointerdown", function () { tapped = true; });
  list.addEventListener("keydown", function () { tapped = false; });

  function showOnMap(index) {
    map.fitBounds(lines[index].getBounds(), {padding: [16, 16]});
    var box = map.getContainer().getBoundingClientRect();
    var seen = Math.min(box.bottom, window.innerHeight) - Math.max(box.top, 0);
    if (tapped && seen < box.height / 2) {
      var still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
      map.getContainer().scrollIntoView({block: "start", behavior: still ? "auto" : "smooth"});
    }
  }

  function showLoops(body) {
    loops = body.loops;
    lines = loops.map(function (loop, index) {
      var line = L.geoJSON(loop.geometry, {style: {color: colours[index % colours.length], weight: 4, opacity: 0.35}});
      line.on("click", function (event) { L.DomEvent.stopPropagation(event); select(index, true); });
      drawn.addLayer(line);
      list.appendChild(card(loop, index));
      return line;
    });
    results.hidden = !loops.length;
    if (!loops.length) { return; }
    select(0, false);
    showSnap(body.start);
    say(fill(texts.found, {count: loops.length}));
    var bounds = drawn.getBounds();
    if (marker) { bounds.extend(marker.getLatLng()); }
    map.fitBounds(bounds, {padding: [16, 16]});
  }

  function search() {
    clearErrors();
    if (!start) { tell("start", texts.pick, true); say(texts.pick); return; }
    var data = new FormData(form);
    var query = new URLSearchParams({
      start: start.lat.toFixed(6) + "," + start.lng.toFixed(6),
      steps: data.get("steps"),
      audience: data.get("audience"),
      prefer: data.get("green") ? "green" : "short",
      lang: lang
    });
    var asked = ++request;
    say(texts.searching);
    drawn.clearLayers();
    lines = [];
    list.textContent = "";
    results.hidden = true;
    fetch(app.dataset.api + "?" + query.toString(), {headers: {Accept: "application/json"}})
      .then(function (response) { return response.json(); })
      .then(function (body) {
        if (asked !== request) { return; }
        if (body.error) {
          var field = notes[body.error.field] ? body.error.field : null;
          if (field) { tell(field, body.error.message, true); say(""); } else { say(body.error.message); }
          return;
        }
        showLoops(body);
      })
      .catch(function () { if (asked === request) { say(texts.failed); } });
  }

  // --- the map and "my location" -----------------------------------------------------------

  map.on("click", function (event) { input.value = ""; choose(event.latlng, texts.startTapped); });
  map.on("locationfound", function (event) { choose(event.latlng, texts.startTapped); });
  map.on("locationerror", function (event) {
    // the browser's own message is in English: say why by its code (1 denied, 2 unavailable, 3 timeout)
    var reason = {1: texts.locateDenied, 3: texts.locateTimeout}[event.code] || texts.locateUnknown;
    tell("start", fill(texts.locateFailed, {reason: reason}), true);
  });
  if (L.Control.Locate) {
    // the plugin's default alert() is in English and blocks the page: the note above says it instead
    L.Control.Locate.prototype.options.onLocationError = function () {};
  }
  // the locate button is an <a> without href: make it a keyboard button with a name
  var locate = map.getContainer().querySelector(".leaflet-control-locate a");
  if (locate) {
    locate.setAttribute("role", "button");
    locate.setAttribute("tabindex", "0");
    locate.setAttribute("aria-label", texts.locate);
    locate.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        tell("start", texts.locating, false);
        locate.click();
      }
    });
    locate.addEventListener("click", function () { tell("start", texts.locating, false); });
  }
  form.addEventListener("submit", function (event) { event.preventDefault(); search(); });
})();
