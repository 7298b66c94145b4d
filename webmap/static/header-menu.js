/* The phone header's menu button (base.html): shows and hides the sections, the page's menu items and
   the languages; Escape closes the menu and gives the focus back to the button. Wide screens show
   them all and never see the button (ecomap.css). */
(function () {
  "use strict";
  const header = document.querySelector(".ecomap-header");
  const button = header && header.querySelector(".ecomap-menu-button");
  const menu = header && document.getElementById("ecomap-menu");
  if (!button || !menu) return;

  function show(open) {
    button.setAttribute("aria-expanded", String(open));
    menu.classList.toggle("is-open", open);
  }
  button.hidden = false;
  header.classList.add("ecomap-menu-ready");
  button.addEventListener("click", function () {
    show(button.getAttribute("aria-expanded") !== "true");
  });
  header.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && menu.classList.contains("is-open")) {
      show(false);
      button.focus();
    }
  });
})();
