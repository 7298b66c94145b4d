/* Printing a map page from any window width: before the browser lays the page out on paper, the
   html element takes the class ecomap-printing, which gives the maps their size on paper on the screen
   too (print.css), so that Leaflet measures them (invalidateSize) as they will print; a track's map
   then fits its route again (webmap/maps/extras.py FitRoute, which listens after this). The legend
   is unfolded for the paper and folded back afterwards. Loaded before the maps are built. */
(function () {
  "use strict";
  function maps() {
    return Array.from(document.querySelectorAll(".folium-map"))
      .map(function (element) { return window[element.id]; })
      .filter(function (map) { return map && typeof map.invalidateSize === "function"; });
  }
  // the legends unfolded for the paper carry data-ecomap-folded (a print may fire beforeprint twice)
  window.addEventListener("beforeprint", function () {
    document.documentElement.classList.add("ecomap-printing");
    document.querySelectorAll("details.ecomap-legend:not([open])").forEach(function (legend) {
      legend.dataset.ecomapFolded = "true";
      legend.open = true;
    });
    maps().forEach(function (map) { map.invalidateSize({animate: false, pan: false}); });
  });
  window.addEventListener("afterprint", function () {
    document.documentElement.classList.remove("ecomap-printing");
    document.querySelectorAll("details.ecomap-legend[data-ecomap-folded]").forEach(function (legend) {
      delete legend.dataset.ecomapFolded;
      legend.open = false;
    });
    maps().forEach(function (map) { map.invalidateSize({animate: false, pan: false}); });
  });
})();
