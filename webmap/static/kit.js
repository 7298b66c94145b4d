// The kit of parts on the proposal page: a palette of the site's parts (from /api/kit), placed on the
// map to scale, moved by dragging their icon or by 1 m buttons, turned by a handle or by 15° buttons,
// duplicated and removed. The rules are the server's: every change is sent (debounced) to
// /api/proposals/check, whose answer gives each part's footprint and clear zone as drawn, the
// problems in the page's language (the culprits outlined red on the map, listed beside it) and the
// bill of materials. The page only draws; proposals.js sends the draft with the form's texts.
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("proposal-config").textContent);
  const messages = JSON.parse(document.getElementById("kit-messages").textContent);
  const map = window[config.map];
  const drawn = window[config.drawn];
  const lang = document.documentElement.lang || "ru";
  const $ = function (id) { return document.getElementById(id); };
  const section = $("kit");
  const palette = $("kit-palette");
  const placing = $("kit-placing");
  const placedList = $("kit-placed");
  const tools = $("kit-tools");
  const season = $("kit-season");
  const problemsBox = $("kit-problems");
  const status = $("kit-status");
  const CHECK_DELAY_MS = 250;
  const M_PER_DEGREE = 111320;
  const HANDLE_PX = 56;  // the rotation handle's distance from the part's centre, in pixels
  const SNAP_DEGREES = 4;  // the handle snaps to a multiple of 15° this close to it
  const PART_STYLE = { color: "#1b5e20", weight: 2, fillColor: "#66bb6a", fillOpacity: 0.55, dashArray: null };
  const SELECTED_STYLE = { color: "#0d47a1", weight: 4, fillColor: "#42a5f5", fillOpacity: 0.55, dashArray: null };
  const CULPRIT_STYLE = { color: "#b71c1c", weight: 4, fillColor: "#e53935", fillOpacity: 0.45, dashArray: "6 4" };
  const ZONE_STYLE = { color: "#1b5e20", weight: 1.5, dashArray: "4 4", fill: false, interactive: false };
  const WHERE_STYLE = { color: "#b71c1c", weight: 3, dashArray: "8 6", fillColor: "#e53935", fillOpacity: 0.2 };
  const KEEP_CLEAR_STYLE = { color: "#e65100", weight: 2, dashArray: "2 6", fillColor: "#ffb74d", fillOpacity: 0.25 };

  let kit = null;
  const byId = {};
  const placed = [];  // {part, lon, lat, rotation, footprint, zone, marker}; its index is the server's
  let selected = null;
  let arming = null;
  let timer = null;
  let sequence = 0;
  let controller = null;
  let shownProblems = null;
  let culprits = [];
  // Footprints and clear zones above the parts' icons (which are only handles), so that a part is
  // seen to scale at any zoom; taps go through them to the icon below.
  map.createPane("kitShapes");
  map.getPane("kitShapes").style.zIndex = 650;
  map.getPane("kitShapes").style.pointerEvents = "none";
  map.createPane("kitHandle").style.zIndex = 660;  // the rotation handle above even a big part
  const partsLayer = L.featureGroup().addTo(map);
  const problemsLayer = L.featureGroup().addTo(map);
  let handle = null;
  const mapHint = L.DomUtil.create("div", "kit-map-hint", map.getContainer());
  mapHint.setAttribute("aria-hidden", "true");  // said in #kit-placing-text beside the map
  mapHint.hidden = true;
  L.DomEvent.disableClickPropagation(mapHint);

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, key) { return key in values ? values[key] : all; });
  }

  function say(text) { status.textContent = text; }

  // Metres east and north of a point, as a latitude and longitude (a local plane: parts are small).
  function offset(lat, lon, east, north) {
    return [lat + north / M_PER_DEGREE, lon + east / (M_PER_DEGREE * Math.cos(lat * Math.PI / 180))];
  }

  // The part's footprint as drawn while dragging: its rectangle (or circle) turned clockwise from north.
  function outline(entry) {
    const part = byId[entry.part];
    const turn = entry.rotation * Math.PI / 180;
    let corners;
    if (part.shape === "circle") {
      corners = [];
      for (let step = 0; step < 32; step += 1) {
        const angle = step * Math.PI / 16;
        corners.push([Math.cos(angle) * part.width_m / 2, Math.sin(angle) * part.width_m / 2]);
      }
    } else {
      const w = part.width_m / 2;
      const d = part.depth_m / 2;
      corners = [[-w, -d], [w, -d], [w, d], [-w, d]];
    }
    return corners.map(function (corner) {
      const east = corner[0] * Math.cos(turn) + corner[1] * Math.sin(turn);
      const north = -corner[0] * Math.sin(turn) + corner[1] * Math.cos(turn);
      return offset(entry.lat, entry.lon, east, north);
    });
  }

  function polygonLatLngs(geometry) {
    return geometry && geometry.type === "Polygon" ? L.GeoJSON.coordsToLatLngs(geometry.coordinates, 1) : [];
  }

  function nameOf(entry) { return byId[entry.part].name; }

  function label(entry) {
    return fill(messages.numbered, { number: placed.indexOf(entry) + 1, part: nameOf(entry) });
  }

  // ---- the palette and the seasons, from /api/kit ----

  function buildPalette() {
    kit.parts.forEach(function (part) {
      byId[part.id] = part;
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "kit-part";
      button.dataset.part = part.id;
      button.setAttribute("aria-pressed", "false");
      const icon = document.createElement("img");
      icon.src = part.icon;
      icon.alt = "";
      icon.width = 36;
      icon.height = 36;
      const name = document.createElement("span");
      name.className = "kit-part-name";
      name.textContent = part.name;
      const meta = document.createElement("span");
      meta.className = "kit-part-meta";
      meta.textContent = part.size_text + " · " + part.cost_text;
      button.append(icon, name, meta);
      if (part.description) { button.title = part.description; }
      button.addEventListener("click", function () { arm(arming === part.id ? null : part.id); });
      item.appendChild(button);
      palette.appendChild(item);
    });
    kit.seasons.forEach(function (choice) {
      const option = document.createElement("option");
      option.value = choice.id;
      option.textContent = choice.name;
      season.appendChild(option);
    });
    season.addEventListener("change", scheduleCheck);
    if (kit.keep_clear && kit.keep_clear.features && kit.keep_clear.features.length) {
      // each zone as the server drew it (properties.zone: an entrance's circle, a path's width), or
      // the feature itself
      const zones = kit.keep_clear.features.map(function (feature) {
        const zone = feature.properties && feature.properties.zone;
        return zone ? { type: "Feature", properties: feature.properties, geometry: zone } : feature;
      });
      L.geoJSON({ type: "FeatureCollection", features: zones }, {
        style: function () { return KEEP_CLEAR_STYLE; },
        interactive: true,
        pmIgnore: true,
        snapIgnore: true,
        // an entrance is a point with the radius to keep clear around it
        pointToLayer: function (feature, at) {
          return L.circle(at, Object.assign({ radius: feature.properties.clear_radius_m || 1.5 }, KEEP_CLEAR_STYLE));
        },
        onEachFeature: function (feature, layer) {
          layer.bindTooltip(fill(messages.keep_clear, { name: feature.properties.name }));
        },
      }).addTo(map).bringToBack();
    }
  }

  async function loadKit() {
    try {
      const response = await fetch(config.kit, { headers: { Accept: "application/json" } });
      if (!response.ok) { throw new Error(String(response.status)); }
      kit = await response.json();
    } catch (error) {
      section.hidden = false;
      Array.from(section.children).forEach(function (child) {
        if (child.id !== "kit-title" && child !== status) { child.hidden = true; }
      });
      say(messages.unavailable);
      return;
    }
    buildPalette();
    section.hidden = false;
    section.dataset.ready = "true";
  }

  // ---- placing ----

  function arm(partId) {
    arming = partId;
    palette.querySelectorAll("button.kit-part").forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.dataset.part === partId));
    });
    placing.hidden = !partId;
    mapHint.hidden = !partId;
    map.getContainer().classList.toggle("kit-arming", Boolean(partId));
    if (!partId) { return; }
    const text = fill(messages.placing, { part: byId[partId].name });
    $("kit-placing-text").textContent = text;
    mapHint.textContent = text;
    const box = map.getContainer().getBoundingClientRect();
    if (box.top < 0 || box.bottom > window.innerHeight) {  // a phone: the map is above the palette
      map.getContainer().scrollIntoView({ block: "nearest", behavior: "instant" });
    }
  }

  function layersFor(entry) {
    const shapes = { pmIgnore: true, snapIgnore: true, pane: "kitShapes", interactive: false };
    entry.footprint = L.polygon(outline(entry), Object.assign({}, shapes, PART_STYLE));
    entry.zone = L.polygon([], Object.assign({}, shapes, ZONE_STYLE));
    const icon = L.divIcon({
      className: "kit-marker",
      html: '<img src="' + byId[entry.part].icon + '" alt="">',
      iconSize: [28, 28],
    });
    entry.marker = L.marker([entry.lat, entry.lon], {
      icon: icon, draggable: true, keyboard: false, autoPan: true, pmIgnore: true, snapIgnore: true,
    });
    entry.marker.on("click", function () { select(entry); });
    entry.marker.on("dragstart", function () {
      entry.dragging = true;
      select(entry);
      entry.zone.setLatLngs([]);
      hideHandle();
    });
    entry.marker.on("drag", function () {
      const at = entry.marker.getLatLng();
      entry.lat = at.lat;
      entry.lon = at.lng;
      entry.footprint.setLatLngs(outline(entry));  // the live rectangle until the server's answer
    });
    entry.marker.on("dragend", function () { entry.dragging = false; changed(entry); });
    partsLayer.addLayer(entry.zone).addLayer(entry.footprint).addLayer(entry.marker);
  }

  function addPart(partId, lat, lon, rotation) {
    if (kit.max_parts && placed.length >= kit.max_parts) {
      say(fill(messages.too_many, { max: kit.max_parts }));
      return null;
    }
    const entry = { part: partId, lat: lat, lon: lon, rotation: rotation || 0 };
    placed.push(entry);
    layersFor(entry);
    renderList();
    select(entry);
    say(fill(messages.placed, { part: label(entry) }));
    scheduleCheck();
    return entry;
  }

  map.on("click", function (event) {
    if (!arming || (map.pm && map.pm.globalDrawModeEnabled())) { return; }
    const partId = arming;
    arm(null);
    addPart(partId, event.latlng.lat, event.latlng.lng, 0);
    map.eachLayer(function (layer) {  // the tap opened the tooltip of what is under it: not now
      if (layer instanceof L.Tooltip) { map.closeTooltip(layer); }
    });
  });

  $("kit-place-centre").addEventListener("click", function () {
    const partId = arming;
    const centre = map.getCenter();
    arm(null);
    const entry = addPart(partId, centre.lat, centre.lng, 0);
    if (entry) { focusSelected(); }
  });
  $("kit-place-cancel").addEventListener("click", function () {
    const partId = arming;
    arm(null);
    const button = palette.querySelector('button[data-part="' + partId + '"]');
    if (button) { button.focus(); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && arming) { arm(null); }
  });

  // ---- the placed parts: a list to select from, and the selected part's tools ----

  function renderList() {
    const focused = placedList.contains(document.activeElement) ? document.activeElement.dataset.index : null;
    placedList.replaceChildren();
    $("kit-placed-empty").hidden = placed.length > 0;
    placed.forEach(function (entry, index) {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "kit-placed-select";
      button.dataset.index = String(index);
      button.setAttribute("aria-pressed", String(entry === selected));
      if (culprits.indexOf(index) >= 0) { button.classList.add("kit-placed-culprit"); }
      const name = document.createElement("span");
      name.textContent = label(entry);
      const turn = document.createElement("span");
      turn.className = "kit-placed-turn";
      turn.textContent = fill(messages.rotation, { degrees: entry.rotation });
      button.append(name, turn);
      button.addEventListener("click", function () {
        select(entry);
        map.panInside([entry.lat, entry.lon], { padding: [60, 60] });
      });
      item.appendChild(button);
      placedList.appendChild(item);
    });
    // a keyboard's place in the list survives the list being drawn again
    const again = focused !== null && placedList.querySelector('button[data-index="' + focused + '"]');
    if (again) { again.focus(); }
  }

  function restyle() {
    placed.forEach(function (entry, index) {
      const culprit = culprits.indexOf(index) >= 0;
      entry.footprint.setStyle(culprit ? CULPRIT_STYLE : entry === selected ? SELECTED_STYLE : PART_STYLE);
      const path = entry.footprint.getElement();
      if (path) {
        path.classList.toggle("kit-culprit", culprit);
        path.classList.toggle("kit-selected", entry === selected);
      }
      const icon = entry.marker.getElement();
      if (icon) {
        icon.classList.toggle("kit-marker-culprit", culprit);
        icon.classList.toggle("kit-marker-selected", entry === selected);
      }
    });
  }

  function select(entry) {
    selected = entry;
    tools.hidden = !entry;
    mapTools.getContainer().hidden = !entry;
    if (entry) {
      $("kit-tools-title").textContent = fill(messages.selected, { part: label(entry), degrees: entry.rotation });
    }
    renderList();
    restyle();
    placeHandle();
  }

  function focusSelected() {
    const button = placedList.querySelector('button[aria-pressed="true"]');
    if (button) { button.focus(); }
  }

  function changed(entry) {
    entry.marker.setLatLng([entry.lat, entry.lon]);
    entry.footprint.setLatLngs(outline(entry));
    entry.zone.setLatLngs([]);
    if (entry === selected) {
      $("kit-tools-title").textContent = fill(messages.selected, { part: label(entry), degrees: entry.rotation });
    }
    renderList();
    placeHandle();
    scheduleCheck();
  }

  // The selected part's tools beside the map too, for the thumb on a phone: the same actions as the
  // labelled buttons in #kit-tools, which keyboards and screen readers use (these are out of the
  // tab order and hidden from them).
  const MapTools = L.Control.extend({
    options: { position: "topright" },
    onAdd: function () {
      const box = L.DomUtil.create("div", "kit-map-tools leaflet-bar");
      box.setAttribute("aria-hidden", "true");
      tools.querySelectorAll("button[data-kit-action]").forEach(function (original) {
        if (original.dataset.kitAction === "move") { return; }
        const button = original.cloneNode(true);
        button.tabIndex = -1;
        button.title = original.getAttribute("aria-label") || original.textContent.trim();
        button.removeAttribute("aria-label");
        const symbol = { duplicate: "\u2750", remove: "\u2715" }[original.dataset.kitAction];
        if (symbol) { button.textContent = symbol; }
        box.appendChild(button);
      });
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.on(box, "click", function (event) { act(event.target.closest("button[data-kit-action]")); });
      return box;
    },
  });
  const mapTools = new MapTools().addTo(map);
  mapTools.getContainer().hidden = true;

  tools.addEventListener("click", function (event) { act(event.target.closest("button[data-kit-action]")); });

  function act(button) {
    if (!button || !selected) { return; }
    const entry = selected;
    const action = button.dataset.kitAction;
    if (action === "rotate") {
      entry.rotation = ((entry.rotation + Number(button.dataset.degrees)) % 360 + 360) % 360;
      changed(entry);
    } else if (action === "move") {
      const moved = offset(entry.lat, entry.lon, Number(button.dataset.east), Number(button.dataset.north));
      entry.lat = moved[0];
      entry.lon = moved[1];
      changed(entry);
    } else if (action === "duplicate") {
      const part = byId[entry.part];
      const beside = offset(entry.lat, entry.lon, part.width_m + 2 * (part.clear_m || 0) + 0.5, 0);
      addPart(entry.part, beside[0], beside[1], entry.rotation);
      if (tools.contains(button)) { focusSelected(); }
    } else if (action === "remove") {
      const name = label(entry);
      partsLayer.removeLayer(entry.footprint).removeLayer(entry.zone).removeLayer(entry.marker);
      placed.splice(placed.indexOf(entry), 1);
      culprits = [];
      select(null);
      say(fill(messages.removed, { part: name }));
      scheduleCheck();
      const next = placedList.querySelector("button") || palette.querySelector("button");
      if (next && tools.contains(button)) { next.focus(); }
    }
  }

  // ---- the rotation handle: dragged round the selected part's centre ----

  function hideHandle() {
    if (handle) { map.removeLayer(handle); handle = null; }
  }

  function handleAt(entry) {
    const centre = map.latLngToLayerPoint([entry.lat, entry.lon]);
    const turn = entry.rotation * Math.PI / 180;
    return map.layerPointToLatLng(centre.add([Math.sin(turn) * HANDLE_PX, -Math.cos(turn) * HANDLE_PX]));
  }

  function placeHandle() {
    if (!selected) { hideHandle(); return; }
    if (!handle) {
      handle = L.marker(handleAt(selected), {
        icon: L.divIcon({ className: "kit-rotate-handle", html: '<span aria-hidden="true">↻</span>', iconSize: [44, 44] }),
        draggable: true, keyboard: false, pmIgnore: true, snapIgnore: true, title: messages.rotate_handle,
        pane: "kitHandle",
      }).addTo(map);
      handle.on("dragstart", function () { selected.dragging = true; });
      handle.on("drag", function () {
        const entry = selected;
        const centre = map.latLngToLayerPoint([entry.lat, entry.lon]);
        const at = map.latLngToLayerPoint(handle.getLatLng());
        let degrees = Math.round(Math.atan2(at.x - centre.x, centre.y - at.y) * 180 / Math.PI);
        const step = Math.round(degrees / 15) * 15;
        if (Math.abs(degrees - step) <= SNAP_DEGREES) { degrees = step; }  // square to the yard easily
        entry.rotation = (degrees + 360) % 360;
        entry.zone.setLatLngs([]);
        entry.footprint.setLatLngs(outline(entry));
      });
      handle.on("dragend", function () { selected.dragging = false; changed(selected); });
    } else {
      handle.setLatLng(handleAt(selected));
    }
  }
  map.on("zoomend", placeHandle);

  // ---- the server's check: footprints and clear zones, problems, the bill ----

  function freehand() {
    const layers = drawn ? drawn.getLayers() : [];
    return layers.length ? layers[layers.length - 1].toGeoJSON().geometry : null;
  }

  function draft() {
    return {
      season: season.value || null,
      parts: placed.map(function (entry) {
        return {
          part: entry.part,
          lon: Math.round(entry.lon * 1e7) / 1e7,
          lat: Math.round(entry.lat * 1e7) / 1e7,
          rotation_deg: entry.rotation,
        };
      }),
    };
  }

  // data-pending says a check is waiting or on its way (tests wait for it to go, not for a time).
  function scheduleCheck() {
    clearTimeout(timer);
    section.dataset.pending = "true";
    timer = setTimeout(check, CHECK_DELAY_MS);
  }

  function settled(mine) {
    if (mine !== sequence || timer) { return; }  // a newer check is waiting or on its way
    section.removeAttribute("aria-busy");
    delete section.dataset.pending;
  }

  function withLang(address) {
    const url = new URL(address, window.location.href);
    url.searchParams.set("lang", lang);
    return url.toString();
  }

  async function check() {
    timer = null;
    if (!kit) { return; }
    sequence += 1;
    const mine = sequence;
    if (controller) { controller.abort(); }
    const geometry = freehand();
    if (!placed.length && !geometry) {
      showAnswer({ problems: [], placed: [], bill: null });
      settled(mine);
      return;
    }
    controller = new AbortController();
    const properties = Object.assign({ site: config.site }, draft());
    section.setAttribute("aria-busy", "true");
    let response;
    let body;
    try {
      response = await fetch(withLang(config.check), {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ type: "Feature", geometry: geometry, properties: properties }),
        credentials: "same-origin",
        signal: controller.signal,
      });
      body = await response.json();
    } catch (error) {
      if (mine === sequence) { say(messages.failed); }
      settled(mine);
      return;
    }
    if (mine !== sequence) { return; }  // an older answer: a newer check is on its way
    if (response.ok) {
      showAnswer(body);
    } else if (body && body.error) {
      const problems = body.error.problems && body.error.problems.length
        ? body.error.problems : [{ field: body.error.field, message: body.error.message }];
      showAnswer({ problems: problems, placed: [], bill: null });
    } else {
      say(messages.failed);
    }
    settled(mine);
  }

  function showAnswer(answer) {
    (answer.placed || []).forEach(function (shape) {
      const entry = placed[shape.index];
      if (!entry || entry.dragging) { return; }  // the live shape stays until the drag's own check
      const footprint = polygonLatLngs(shape.footprint);
      if (footprint.length) { entry.footprint.setLatLngs(footprint); }
      entry.zone.setLatLngs(polygonLatLngs(shape.clear_zone));
    });
    const problems = answer.problems || [];
    culprits = [];
    problemsLayer.clearLayers();
    problems.forEach(function (problem) {
      (problem.parts || []).forEach(function (index) { if (culprits.indexOf(index) < 0) { culprits.push(index); } });
      if (problem.where) {
        L.geoJSON(problem.where, {
          style: function () { return WHERE_STYLE; },
          interactive: false, pmIgnore: true, snapIgnore: true,
          pointToLayer: function (feature, at) { return L.circleMarker(at, { radius: 10 }); },
        }).eachLayer(function (layer) {
          problemsLayer.addLayer(layer);
          if (layer.getElement && layer.getElement()) { layer.getElement().classList.add("kit-problem-where"); }
        });
      }
    });
    renderProblems(problems);
    renderList();
    restyle();
    renderBill(answer.bill);
    say("");
  }

  function renderProblems(problems) {
    const key = JSON.stringify(problems.map(function (p) { return [p.message, p.parts || []]; }));
    if (key === shownProblems) { return; }  // the live region speaks only when something changed
    shownProblems = key;
    problemsBox.replaceChildren();
    problemsBox.classList.toggle("kit-problems-ok", !problems.length && (placed.length > 0 || Boolean(freehand())));
    if (!problems.length) {
      if (placed.length || freehand()) {
        const ok = document.createElement("p");
        ok.textContent = messages.ok;
        problemsBox.appendChild(ok);
      }
      return;
    }
    const heading = document.createElement("p");
    heading.className = "kit-problems-title";
    heading.textContent = messages.problems;
    const list = document.createElement("ul");
    problems.forEach(function (problem) {
      const item = document.createElement("li");
      item.dataset.rule = problem.rule || "";
      const parts = problem.parts || [];
      if (parts.length && placed[parts[0]]) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "kit-problem";
        button.textContent = problem.message;
        button.addEventListener("click", function () {
          const entry = placed[parts[0]];
          if (!entry) { return; }
          select(entry);
          map.panInside([entry.lat, entry.lon], { padding: [60, 60] });
          focusSelected();
        });
        item.appendChild(button);
      } else if (problem.field === "properties.season") {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "kit-problem";
        button.textContent = problem.message;
        button.addEventListener("click", function () { season.focus(); });
        item.appendChild(button);
      } else {
        item.textContent = problem.message;
      }
      list.appendChild(item);
    });
    problemsBox.append(heading, list);
  }

  function renderBill(bill) {
    const box = $("kit-bill");
    if (!bill || !placed.length) { box.hidden = true; return; }
    box.hidden = false;
    const rows = (bill.lines || []).map(function (line) {
      const row = document.createElement("tr");
      [line.name, line.quantity_text, line.cost_text].forEach(function (text, column) {
        const cell = document.createElement(column === 0 ? "th" : "td");
        if (column === 0) { cell.scope = "row"; }
        cell.textContent = text;
        row.appendChild(cell);
      });
      return row;
    });
    $("kit-bill-lines").replaceChildren.apply($("kit-bill-lines"), rows);
    $("kit-bill-labour").textContent = bill.labour_text;
    $("kit-bill-total").textContent = bill.total_text;
    const budget = $("kit-bill-budget");
    budget.textContent = bill.budget_text
      ? fill(messages.budget, { total: bill.total_text, budget: bill.budget_text }) : messages.no_budget;
    budget.classList.toggle("kit-over-budget", bill.budget_rub != null && bill.total_rub > bill.budget_rub);
    $("kit-bill-durability").textContent = bill.durability_name || "";
    $("kit-bill-estimate").hidden = !bill.estimate;
  }

  document.addEventListener("proposal:shape", scheduleCheck);

  // What proposals.js sends with the form, and the fresh start after sending.
  window.ecomapKit = {
    draft: function () { return kit ? draft() : { parts: [] }; },
    reset: function () {
      arm(null);
      placed.splice(0).forEach(function (entry) {
        partsLayer.removeLayer(entry.footprint).removeLayer(entry.zone).removeLayer(entry.marker);
      });
      culprits = [];
      select(null);
      shownProblems = null;
      showAnswer({ problems: [], placed: [], bill: null });
    },
    select: function (index) { select(placed[index] || null); },
  };

  loadKit();
})();
