// Comparison page: focusing or hovering a matched passage lights up its counterpart and scrolls it into
// view inside the other column. Without JavaScript each passage is a link to its counterpart.
(function () {
  "use strict";
  function counterpartOf(el) { return document.getElementById(el.getAttribute("data-counterpart")); }
  function setActive(el, on) {
    var other = counterpartOf(el);
    el.classList.toggle("is-active", on);
    if (other) {
      other.classList.toggle("is-active", on);
      if (on) { other.scrollIntoView({ block: "nearest", inline: "nearest" }); }
    }
  }
  var wide = window.matchMedia("(min-width: 60.01rem)");
  document.querySelectorAll(".compare .sentence.matched").forEach(function (el) {
    el.addEventListener("mouseenter", function () { setActive(el, true); });
    el.addEventListener("mouseleave", function () { setActive(el, false); });
    el.addEventListener("focus", function () { setActive(el, true); });
    el.addEventListener("blur", function () { setActive(el, false); });
    el.addEventListener("click", function (event) {
      // On wide screens both columns are visible: scroll the counterpart instead of jumping the page.
      if (wide.matches && counterpartOf(el)) { event.preventDefault(); setActive(el, true); }
    });
  });
})();
