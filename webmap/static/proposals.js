// The proposal form: keep the one shape drawn with Leaflet.draw and post it as a GeoJSON Feature.
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("proposal-config").textContent);
  const messages = JSON.parse(document.getElementById("proposal-messages").textContent);
  const map = window[config.map];
  const drawn = window[config.drawn];
  const form = document.getElementById("proposal-form");
  const shapeNote = document.getElementById("proposal-shape");
  const result = document.getElementById("proposal-result");

  function currentLayer() {
    const layers = drawn.getLayers();
    return layers.length ? layers[layers.length - 1] : null;
  }

  function showShape() {
    shapeNote.textContent = currentLayer() ? shapeNote.dataset.drawn : shapeNote.dataset.empty;
  }

  // One proposal is one shape: a new drawing replaces the previous one.
  map.on("draw:created", function (event) {
    drawn.getLayers().forEach(function (layer) {
      if (layer !== event.layer) { drawn.removeLayer(layer); }
    });
    showShape();
  });
  map.on("draw:deleted draw:edited", showShape);

  function say(text, link) {
    result.textContent = text;
    if (link) {
      const anchor = document.createElement("a");
      anchor.href = link;
      anchor.textContent = link;
      anchor.id = "proposal-link";
      result.appendChild(document.createElement("br"));
      result.appendChild(anchor);
    }
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    const layer = currentLayer();
    if (!layer) { say(messages.no_shape); return; }
    const properties = { site: config.site };
    ["title", "category", "materials", "description", "author"].forEach(function (name) {
      properties[name] = form.elements[name].value;
    });
    const feature = { type: "Feature", properties: properties, geometry: layer.toGeoJSON().geometry };
    let response;
    try {
      response = await fetch(config.api, {
        method: "POST",
        headers: { "Content-Type": "application/json", "Accept": "application/json" },
        body: JSON.stringify(feature),
        credentials: "same-origin",
      });
    } catch (error) {
      say(messages.network);
      return;
    }
    const body = await response.json().catch(function () { return {}; });
    if (response.status === 201) {
      form.reset();
      drawn.clearLayers();
      showShape();
      say(messages.sent, body.url);
    } else {
      const detail = (body.error && body.error.message) || response.statusText;
      say(messages.failed + " " + detail);
    }
  });
})();
