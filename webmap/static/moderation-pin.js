// Moderation: a click on the map pins the note being written. The point goes into the longitude and
// latitude fields of the comment form used last (the first one before any is used), whose text box
// then takes the focus; the fields can still be typed or cleared.
(function () {
  "use strict";
  var holder = document.querySelector("[data-proposals-layer]");
  var forms = document.querySelectorAll(".moderation-comment-form");
  if (!holder || !forms.length) {
    return;
  }
  var target = forms[0];
  forms.forEach(function (form) {
    form.addEventListener("focusin", function () {
      target = form;
    });
  });
  function listen() {
    var layer = window[holder.dataset.proposalsLayer];
    if (!layer || !layer._map) {
      window.setTimeout(listen, 100);
      return;
    }
    layer._map.on("click", function (event) {
      target.querySelector("input[name=lon]").value = event.latlng.lng.toFixed(7);
      target.querySelector("input[name=lat]").value = event.latlng.lat.toFixed(7);
      target.querySelector("textarea").focus();
    });
  }
  listen();
})();
