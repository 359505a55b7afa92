// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  var toggle = document.getElementById("show-annotations");
  if (toggle) {
    var stored = null;
    try { stored = window.localStorage.getItem("dossier-annotations"); } catch (e) { /* storage may be off */ }
    if (stored === "hidden") { toggle.checked = false; }
    var apply = function () {
      document.body.classList.toggle("hide-annotations", !toggle.checked);
      try { window.localStorage.setItem("dossier-annotations", toggle.checked ? "shown" : "hidden"); } catch (e) { /* ignore */ }
    };
    toggle.addEventListener("change", apply);
    apply();
  }
  // Hovering or focusing a highlight lights up its note, and the other way round.
  function setActive(id, on) {
    document.querySelectorAll('[data-annotation="' + id + '"]').forEach(function (el) {
      el.classList.toggle("is-active", on);
    });
  }
  document.querySelectorAll("[data-annotation]").forEach(function (el) {
    var id = el.getAttribute("data-annotation");
    el.addEventListener("mouseenter", function () { setActive(id, true); });
    el.addEventListener("mouseleave", function () { setActive(id, false); });
    el.addEventListener("focusin", function () { setActive(id, true); });
    el.addEventListener("focusout", function () { setActive(id, false); });
  });
})();
