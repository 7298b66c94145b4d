// "Show on map" buttons of the proposal cards: zoom the page's map to one proposal and highlight it.
// The map's holder names the folium GeoJson layer of the proposals (data-proposals-layer); the
// buttons stay hidden until this script finds the shape each one points at.
(function () {
  "use strict";
  var HIGHLIGHT = { color: "#ffd600", weight: 6, fillOpacity: 0.6 };
  var MAX_ZOOM = 20;
  var PADDING_PX = [40, 40];

  function setUp() {
    var holder = document.querySelector("[data-proposals-layer]");
    var mapDiv = holder && holder.querySelector(".folium-map");
    var map = mapDiv && window[mapDiv.id];
    var layer = holder && window[holder.dataset.proposalsLayer];
    if (!map || !layer) return;
    var shapes = {};
    layer.eachLayer(function (shape) { shapes[String(shape.feature.id)] = shape; });
    var current = null;

    function focus(id) {
      // Leaflet ignores a new view while a zoom animation runs (the page's opening fit is one).
      if (map._animatingZoom) {
        map.once("zoomend", function () { focus(id); });
        return;
      }
      var shape = shapes[id];
      if (current) layer.resetStyle(current);
      current = shape;
      shape.setStyle(HIGHLIGHT);
      if (shape.bringToFront) shape.bringToFront();
      if (holder.getBoundingClientRect().top < 0) holder.scrollIntoView({ block: "start" });
      if (shape.getBounds) {
        map.fitBounds(shape.getBounds(), { padding: PADDING_PX, maxZoom: MAX_ZOOM });
      } else {
        map.setView(shape.getLatLng(), MAX_ZOOM - 1);
      }
      holder.dataset.focused = id;
    }

    document.querySelectorAll("button.proposal-focus[data-proposal]").forEach(function (button) {
      var id = button.dataset.proposal;
      if (!shapes[id]) return;
      button.hidden = false;
      button.addEventListener("click", function () { focus(id); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
