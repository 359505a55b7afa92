// The story's synopsis. Without JavaScript the outlet checkboxes hide their columns by CSS alone; this also hides
// the rows that none of the ticked outlets reports (so two outlets read as a comparison of two), hides the
// columns of outlets past the twelve compare.css names, tells compare.css how many outlets are shown (so that
// they get a column each once they fit), and keeps the choice in the address (#outlets=o1,o3).
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
      fact.classList.toggle("is-unreported", !fact.querySelector(".versions > .version:not(.is-unticked)"));
    });
    var synopsis = page.querySelector(".synopsis");
    if (synopsis) {
      Array.prototype.slice.call(synopsis.classList).forEach(function (name) {
        if (/^outlets-\d+$/.test(name)) { synopsis.classList.remove(name); }
      });
      synopsis.classList.add("outlets-" + boxes.filter(function (box) { return box.checked; }).length);
    }
  }
  function remember() {
    var ticked = boxes.filter(function (box) { return box.checked; }).map(slotOf);
    var whole = ticked.length === boxes.length;
    history.replaceState(null, "", whole ? location.pathname + location.search : "#outlets=" + ticked.join(","));
  }
  var chosen = /^#outlets=([\w,]*)$/.exec(location.hash);
  if (chosen) {
    var slots = chosen[1].split(",");
    boxes.forEach(function (box) { box.checked = slots.indexOf(slotOf(box)) >= 0; });
  }
  boxes.forEach(function (box) {
    box.addEventListener("change", function () { update(); remember(); });
  });
  update();
})();
