// The story's synopsis. Without JavaScript the outlet checkboxes hide their columns by CSS alone; this also hides
// the rows that none of the ticked outlets reports (so two outlets read as a comparison of two), marks the rows
// that fewer than two of them report (hidden by "only the facts more than one outlet reports"), hides the
// columns of outlets past the twelve compare.css names, tells compare.css how many outlets are shown (so that
// they get a column each once they fit), and keeps the choices in the address (#outlets=o1,o3&shared).
(function () {
  "use strict";
  var page = document.querySelector(".compare");
  if (!page) { return; }
  var boxes = Array.prototype.slice.call(page.querySelectorAll(".outlet-choice input[type=checkbox]"));
  function slotOf(box) { return box.id.replace(/^show-/, ""); }
  function update() {
    var shown = {};
    boxes.forEach(function (box) { shown[slotOf(box)] = box.checked; });
    page.querySelectorAll(".synopsis-head > .version, .versions > div").forEach(function (version) {
      var slot = Array.prototype.find.call(version.classList, function (name) { return /^o\d+$/.test(name); });
      version.classList.toggle("is-unticked", shown[slot] === false);
    });
    page.querySelectorAll(".fact").forEach(function (fact) {
      var told = fact.querySelectorAll(".versions > .version:not(.is-unticked)").length;
      fact.classList.toggle("is-unreported", told === 0);
      fact.classList.toggle("is-told-once", told === 1);
    });
    var synopsis = page.querySelector(".synopsis");
    if (synopsis) {
      Array.prototype.slice.call(synopsis.classList).forEach(function (name) {
        if (/^outlets-\d+$/.test(name)) { synopsis.classList.remove(name); }
      });
      synopsis.classList.add("outlets-" + boxes.filter(function (box) { return box.checked; }).length);
    }
  }
  var sharedOnly = page.querySelector("#shared-only");
  function remember() {
    var ticked = boxes.filter(function (box) { return box.checked; }).map(slotOf);
    var parts = ticked.length === boxes.length ? [] : ["outlets=" + ticked.join(",")];
    if (sharedOnly && sharedOnly.checked) { parts.push("shared"); }
    history.replaceState(null, "", parts.length ? "#" + parts.join("&") : location.pathname + location.search);
  }
  var chosen = /^#(?:outlets=([\w,]*))?(?:&?(shared))?$/.exec(location.hash);
  if (chosen && chosen[1] !== undefined) {
    var slots = chosen[1].split(",");
    boxes.forEach(function (box) { box.checked = slots.indexOf(slotOf(box)) >= 0; });
  }
  if (chosen && chosen[2] && sharedOnly) { sharedOnly.checked = true; }
  boxes.forEach(function (box) {
    box.addEventListener("change", function () { update(); remember(); });
  });
  if (sharedOnly) { sharedOnly.addEventListener("change", remember); }
  update();
})();
