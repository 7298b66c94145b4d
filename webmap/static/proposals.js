// The proposal form: keep the one freehand shape drawn with Geoman (and the kit's parts placed by
// kit.js), post it as a GeoJSON Feature, show
// every problem the server finds next to its field (and a shape outside the site in red on the map),
// or the private link with a copy button once the proposal is accepted.
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("proposal-config").textContent);
  const messages = JSON.parse(document.getElementById("proposal-messages").textContent);
  const map = window[config.map];
  const drawn = window[config.drawn];
  const form = document.getElementById("proposal-form");
  const shapeNote = document.getElementById("proposal-shape");
  const result = document.getElementById("proposal-result");
  const summary = document.getElementById("proposal-problems");
  const sent = document.getElementById("proposal-sent");
  const link = document.getElementById("proposal-link");
  const copyStatus = document.getElementById("proposal-copy-status");
  const TEXTS = ["title", "category", "materials", "description", "author"];
  const OUTSIDE_STYLE = { color: "#b71c1c", weight: 5, dashArray: "8 6", fillColor: "#e53935", fillOpacity: 0.35 };

  function currentLayer() {
    const layers = drawn.getLayers();
    return layers.length ? layers[layers.length - 1] : null;
  }

  function showShape() {
    shapeNote.textContent = currentLayer() ? shapeNote.dataset.drawn : shapeNote.dataset.empty;
  }

  // Geoman titles its buttons' boxes; the buttons themselves get the title as their name.
  function nameTools() {
    document.querySelectorAll(".leaflet-pm-toolbar .button-container[title]").forEach(function (box) {
      const button = box.querySelector("a.leaflet-buttons-control-button");
      if (button) { button.setAttribute("aria-label", box.getAttribute("title")); }
    });
  }
  nameTools();
  map.on("pm:langchange", nameTools);

  function shapeChanged() {
    showShape();
    document.dispatchEvent(new CustomEvent("proposal:shape"));  // kit.js checks the draft again
  }

  // One proposal is one freehand shape: a new drawing replaces the previous one.
  map.on("pm:create", function (event) {
    drawn.getLayers().forEach(function (layer) {
      if (layer !== event.layer) { drawn.removeLayer(layer); }
    });
    event.layer.on("pm:edit pm:dragend pm:rotateend", shapeChanged);
    shapeChanged();
  });
  map.on("pm:remove", shapeChanged);

  // The element a problem's field belongs to: a form control, the map, or none (said in the summary only).
  function fieldOf(path) {
    if (path === "geometry" || path.indexOf("geometry.") === 0) { return "shape"; }
    const name = path.replace(/^properties\./, "");
    return TEXTS.indexOf(name) >= 0 ? name : null;
  }

  function controlOf(name) {
    return name === "shape" ? map.getContainer() : form.elements[name];
  }

  function labelOf(name) {
    return name === "shape" ? messages.shape : form.querySelector("label[for='proposal-" + name + "']").textContent;
  }

  function describe(control, errorId, on) {
    const ids = (control.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
      return id && id !== errorId;
    });
    if (on) { ids.unshift(errorId); }
    if (ids.length) { control.setAttribute("aria-describedby", ids.join(" ")); }
    else { control.removeAttribute("aria-describedby"); }
  }

  // A shape the server refused turns red (a marker's icon too); it keeps its own style to go back to.
  function markShape(outside) {
    const layer = currentLayer();
    if (!layer) { return; }
    if (layer.setStyle) {
      if (outside && !layer.drawnStyle) {
        const options = layer.options;
        layer.drawnStyle = {
          color: options.color, weight: options.weight, dashArray: options.dashArray || null,
          fillColor: options.fillColor, fillOpacity: options.fillOpacity,
        };
      }
      if (outside) { layer.setStyle(OUTSIDE_STYLE); } else if (layer.drawnStyle) { layer.setStyle(layer.drawnStyle); }
    }
    if (layer.getElement && layer.getElement()) {
      layer.getElement().classList.toggle("proposals-outside", outside);
    }
  }

  function clearProblems() {
    summary.replaceChildren();
    ["shape"].concat(TEXTS).forEach(function (name) {
      const control = controlOf(name);
      document.getElementById("proposal-" + name + "-error").textContent = "";
      describe(control, "proposal-" + name + "-error", false);
      if (name !== "shape") { control.removeAttribute("aria-invalid"); }
      control.classList.remove("proposals-invalid");
    });
    markShape(false);
  }

  function summaryItem(name, message) {
    const item = document.createElement("li");
    if (!name) { item.textContent = message; return item; }
    const anchor = document.createElement("a");
    anchor.href = "#" + (name === "shape" ? "proposal-shape-error" : "proposal-" + name);
    anchor.textContent = labelOf(name) + ": " + message;
    anchor.addEventListener("click", function (event) {
      event.preventDefault();
      controlOf(name).focus();
    });
    item.appendChild(anchor);
    return item;
  }

  // Every problem at once: beside its field (marked invalid and described by it) and in the summary.
  function showProblems(problems) {
    clearProblems();
    const list = document.createElement("ul");
    problems.forEach(function (problem) {
      const name = fieldOf(problem.field || "");
      list.appendChild(summaryItem(name, problem.message));
      if (!name) { return; }
      const error = document.getElementById("proposal-" + name + "-error");
      error.textContent = error.textContent ? error.textContent + " " + problem.message : problem.message;
      const control = controlOf(name);
      describe(control, error.id, true);
      if (name !== "shape") { control.setAttribute("aria-invalid", "true"); }
      control.classList.add("proposals-invalid");
      if (name === "shape") { markShape(true); }
    });
    const heading = document.createElement("p");
    heading.className = "proposals-problems-title";
    heading.textContent = messages.problems;
    summary.append(heading, list);
    summary.focus();
  }

  // "Try again in N minutes", the sentence in the plural form the page's language gives N.
  function waitText(seconds) {
    const lang = document.documentElement.lang;
    const minutes = Math.max(1, Math.ceil(seconds / 60));
    const sentence = messages.too_many[new Intl.PluralRules(lang).select(minutes)] || messages.too_many.other;
    return sentence.replace("{minutes}", new Intl.NumberFormat(lang).format(minutes));
  }

  function failure(response, body) {
    const problems = body.error && body.error.problems;
    if (response.status === 422 && problems && problems.length) { showProblems(problems); return; }
    if (response.status === 429) {
      result.textContent = waitText(Number(response.headers.get("Retry-After")) || 60);
      return;
    }
    result.textContent = response.status === 503 ? messages.unavailable : messages.failed;
  }

  function showSent(url) {
    form.reset();
    drawn.clearLayers();
    if (window.ecomapKit) { window.ecomapKit.reset(); }
    showShape();
    clearProblems();
    result.textContent = "";
    link.href = url;
    link.textContent = url;
    copyStatus.textContent = "";
    form.hidden = true;
    sent.hidden = false;
    document.getElementById("proposal-sent-title").focus();
  }

  // The server's messages in the page's language, whatever the browser's own.
  function apiUrl() {
    const url = new URL(config.api, window.location.href);
    url.searchParams.set("lang", document.documentElement.lang);
    return url.toString();
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    const layer = currentLayer();
    const properties = { site: config.site };
    TEXTS.forEach(function (name) { properties[name] = form.elements[name].value; });
    const kit = window.ecomapKit ? window.ecomapKit.draft() : { parts: [] };
    if (kit.parts.length) {  // the kit's parts and season; a freehand idea alone is sent as before
      properties.parts = kit.parts;
      properties.season = kit.season;
    }
    const feature = { type: "Feature", properties: properties, geometry: layer ? layer.toGeoJSON().geometry : null };
    result.textContent = messages.sending;
    let response;
    try {
      response = await fetch(apiUrl(), {
        method: "POST",
        headers: { "Content-Type": "application/json", "Accept": "application/json" },
        body: JSON.stringify(feature),
        credentials: "same-origin",
      });
    } catch (error) {
      result.textContent = messages.network;
      return;
    }
    const body = await response.json().catch(function () { return {}; });
    if (response.status === 201) { showSent(body.url); return; }
    result.textContent = "";
    failure(response, body);
  });

  // Copy the private link; where the clipboard is not allowed, select it for the reader to copy.
  function selectLink() {
    const range = document.createRange();
    range.selectNodeContents(link);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    copyStatus.textContent = messages.selected;
  }

  document.getElementById("proposal-copy").addEventListener("click", function () {
    if (!navigator.clipboard || !window.isSecureContext) { selectLink(); return; }
    navigator.clipboard.writeText(link.textContent).then(function () {
      copyStatus.textContent = messages.copied;
    }, selectLink);
  });

  document.getElementById("proposal-again").addEventListener("click", function () {
    sent.hidden = true;
    form.hidden = false;
    form.elements.title.focus();
  });
})();
