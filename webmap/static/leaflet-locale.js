/* Leaflet and its plugins in the page's language, metric only: control titles, markers' alt texts, the
   attribution's Leaflet link, the scale bar
   (Geoman's texts are set by its own setLang, see webmap/maps/geoman.py). Runs after leaflet.js (in the map's header) and before the map is built;
   reads the texts from the JSON block #ecomap-leaflet-texts that base.html writes. */
(function () {
  "use strict";
  const data = document.getElementById("ecomap-leaflet-texts");
  if (!window.L || !data) return;
  const texts = JSON.parse(data.textContent);
  const lang = document.documentElement.lang || "ru";
  const format = new Intl.NumberFormat(lang, {maximumFractionDigits: 1});

  L.Control.Zoom.prototype.options.zoomInTitle = texts.zoomIn;
  L.Control.Zoom.prototype.options.zoomOutTitle = texts.zoomOut;
  L.Control.Scale.prototype.options.imperial = false;
  L.Control.Scale.prototype.options.metric = true;
  L.Control.Scale.include({
    _updateMetric: function (maxMeters) {
      const meters = this._getRoundNum(maxMeters);
      const label = meters < 1000
        ? format.format(meters) + "\u00a0" + texts.m
        : format.format(meters / 1000) + "\u00a0" + texts.km;
      this._updateScale(this._mScale, label, meters / maxMeters);
    },
  });

  function titled(control) {
    if (!control) return;
    const initLayout = control.prototype._initLayout;
    control.include({
      _initLayout: function () {
        initLayout.apply(this, arguments);
        if (this._layersLink) {
          this._layersLink.title = texts.layers;
          this._layersLink.setAttribute("aria-label", texts.layers);
          this._layersLink.setAttribute("role", "button");
        }
      },
    });
  }
  titled(L.Control.Layers);
  titled(L.Control.GroupedLayers);

  // Markers: "Marker" in the page's language where a marker has no alt text of its own; a div icon
  // (a numbered stop) that takes the focus as a button is named by its alt text, as an image marker is.
  L.Marker.prototype.options.alt = texts.marker;
  const initIcon = L.Marker.prototype._initIcon;
  L.Marker.include({
    _initIcon: function () {
      initIcon.apply(this, arguments);
      const icon = this._icon;
      if (icon && icon.tagName !== "IMG" && this.options.alt && icon.getAttribute("role")
          && !icon.hasAttribute("aria-label")) {
        icon.setAttribute("aria-label", this.options.alt);
      }
    },
  });

  // The attribution's link to Leaflet, its title in the page's language.
  const prefix = L.Control.Attribution.prototype.options.prefix;
  if (typeof prefix === "string") {
    const title = document.createElement("span");
    title.textContent = texts.leaflet;
    L.Control.Attribution.prototype.options.prefix = prefix.replace(
      /title="[^"]*"/, 'title="' + title.innerHTML.replace(/"/g, "&quot;") + '"');
  }

  // The map takes the keyboard's focus: a region named after the page's heading (or its title).
  L.Map.addInitHook(function () {
    const container = this.getContainer();
    const heading = document.querySelector("main h1, h1");
    const title = ((heading && heading.textContent) || document.title).trim().replace(/\s+/g, " ");
    container.setAttribute("role", "region");
    container.setAttribute("aria-label", texts.mapOf.replace("%(title)s", title));
  });

  const popupLayout = L.Popup.prototype._initLayout;
  L.Popup.include({
    _initLayout: function () {
      popupLayout.apply(this, arguments);
      if (this._closeButton) this._closeButton.setAttribute("aria-label", texts.closePopup);
    },
  });
})();
