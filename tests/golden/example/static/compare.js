// The story's synopsis. Without JavaScript the outlet checkboxes hide their columns by CSS alone; this also hides
// the rows that none of the ticked outlets reports (so two outlets read as a comparison of two), marks the rows
// that fewer than two of them report (hidden by "only the facts more than one outlet reports"), hides the
// columns of outlets past the twelve compare.css names, tells compare.css how many outlets are shown (so that
// they get a column each once they fit), and keeps the choices in the address (#outlets=o1,o3&shared). A story
// of more outlets than ever fit side by side is built without blank cells (data-blanks-up-to): once no more than
// that many are ticked, each row gets a blank where a ticked outlet does not report its fact, so that every row
// has the same columns, as a smaller story's rows are built.
(function () {
  "use strict";
  var page = document.querySelector(".compare");
  if (!page) { return; }
  var boxes = Array.prototype.slice.call(page.querySelectorAll(".outlet-choice input[type=checkbox]"));
  function slotOf(box) { return box.id.replace(/^show-/, ""); }
  function slotIn(cell) {
    return Array.prototype.find.call(cell.classList, function (name) { return /^o\d+$/.test(name); });
  }
  var synopsis = page.querySelector(".synopsis");
  var blanksUpTo = synopsis ? Number(synopsis.getAttribute("data-blanks-up-to")) : 0;
  // Each row's cells in the columns' order: a blank for each ticked outlet that does not report the fact while
  // few enough are ticked to stand side by side, else none.
  function placeBlanks(shown, ticked) {
    var slots = boxes.map(slotOf), wanted = ticked <= blanksUpTo;
    page.querySelectorAll(".synopsis-rows .versions").forEach(function (versions) {
      var cells = {};
      Array.prototype.forEach.call(versions.children, function (cell) { cells[slotIn(cell)] = cell; });
      var next = null;
      for (var i = slots.length - 1; i >= 0; i--) {
        var cell = cells[slots[i]];
        if (cell && !cell.classList.contains("version") && !(wanted && shown[slots[i]])) {
          versions.removeChild(cell);
          cell = null;
        } else if (!cell && wanted && shown[slots[i]]) {
          cell = document.createElement("div");
          cell.className = slots[i];
          versions.insertBefore(cell, next);
        }
        if (cell) { next = cell; }
      }
    });
  }
  function update() {
    var shown = {}, ticked = 0;
    boxes.forEach(function (box) { shown[slotOf(box)] = box.checked; ticked += box.checked ? 1 : 0; });
    if (blanksUpTo) { placeBlanks(shown, ticked); }
    page.querySelectorAll(".synopsis-head > .version, .versions > div").forEach(function (version) {
      version.classList.toggle("is-unticked", shown[slotIn(version)] === false);
    });
    page.querySelectorAll(".fact").forEach(function (fact) {
      var told = fact.querySelectorAll(".versions > .version:not(.is-unticked)").length;
      fact.classList.toggle("is-unreported", told === 0);
      fact.classList.toggle("is-told-once", told === 1);
    });
    if (synopsis) {
      Array.prototype.slice.call(synopsis.classList).forEach(function (name) {
        if (/^outlets-\d+$/.test(name)) { synopsis.classList.remove(name); }
      });
      synopsis.classList.add("outlets-" + ticked);
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
