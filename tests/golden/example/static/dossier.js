// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  var toggle = document.getElementById("show-annotations");
  if (toggle) {
    toggle.closest(".annotation-toggle").hidden = false;  // without this script the annotations just stay shown
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
  // A highlight's label leads to its note: open the note it leads into (browsers that open a closed <details>
  // on a link into it do this already), also when the page is opened at a note's address.
  function openNoteAt(hash) {
    var target = hash && hash.length > 1 ? document.getElementById(decodeURIComponent(hash.slice(1))) : null;
    var note = target && target.closest("details.note");
    if (note) { note.open = true; }
  }
  document.addEventListener("click", function (event) {
    if (!event.target.closest) { return; }
    var link = event.target.closest("a.hl-ref");
    if (link) { openNoteAt(link.hash); return; }
    // A click or tap on highlighted words (not a link in them, not a selection) opens the innermost one's note.
    var highlight = event.target.closest(".passage-text [data-note]");
    if (!highlight || event.target.closest("a") || String(window.getSelection())) { return; }
    var body = document.getElementById("note-" + highlight.getAttribute("data-annotation"));
    if (!body) { return; }
    openNoteAt("#" + body.id);
    body.scrollIntoView({ block: "nearest" });
  });
  window.addEventListener("hashchange", function () { openNoteAt(window.location.hash); });
  openNoteAt(window.location.hash);
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details.note").forEach(function (note) { note.open = true; });
  });
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

  // Search: Pagefind's UI, loaded only when JavaScript runs (the box stays hidden otherwise). Results are
  // typed by the page kind each page declares in data-pagefind-meta="type:...".
  var search = document.getElementById("site-search");
  if (search && window.location.protocol === "file:") {
    search.remove();  // Pagefind loads its index with fetch and import(), which browsers refuse from file://
  } else if (search) {
    var scriptUrl = new URL(search.getAttribute("data-ui-script"), document.baseURI);
    // The page's words for them, in the site's language (base.html).
    var placeholder = search.getAttribute("data-placeholder") || "Search";
    var typeLabel = function (type) { return /^[a-z]+$/.test(type || "") ? search.getAttribute("data-type-" + type) : null; };
    var style = document.createElement("link");
    style.rel = "stylesheet";
    style.href = new URL(search.getAttribute("data-ui-style"), document.baseURI).href;
    var script = document.createElement("script");
    script.src = scriptUrl.href;
    script.onload = function () {
      if (typeof window.PagefindUI !== "function") { return; }
      // A large site's index comes in bundles (dossier/search.py): this one, and the others its shards file
      // names, merged into one search. An index without the file is one bundle.
      var bundle = new URL(".", scriptUrl);
      fetch(new URL("dossier-shards.json", bundle).href)
        .then(function (response) { return response.ok ? response.json() : {}; })
        .catch(function () { return {}; })
        .then(function (shards) {
          var merged = shards && Array.isArray(shards.merged) ? shards.merged : [];
          startSearch(bundle, merged.filter(function (other) { return /^shard-\d+\/$/.test(other && other.path); }));
        });
    };
    var startSearch = function (bundle, merged) {
      var baseUrl = new URL("..", bundle).pathname;  // result links keep the site's sub-path
      var excerptWords = 12;  // as Pagefind's UI gives sub-results; said to every bundle, so all agree
      search.hidden = false;
      new window.PagefindUI({
        element: "#site-search",
        bundlePath: bundle.href,
        baseUrl: baseUrl,
        excerptLength: excerptWords,
        mergeIndex: merged.map(function (other) {
          return { bundlePath: new URL(other.path, bundle).href, baseUrl: baseUrl, excerptLength: excerptWords };
        }),
        showImages: false,
        showSubResults: true,
        resetStyles: false,
        translations: { placeholder: placeholder },
        processResult: function (result) {
          var label = typeLabel(result.meta && result.meta.type);
          if (label) { result.meta.title = label + ": " + (result.meta.title || ""); }
          // Said in the title: Pagefind would list it again as a tag, "Type: person", in English whatever the page's.
          if (result.meta) { delete result.meta.type; }
          return result;
        }
      });
      labelInput();
    };
    script.onerror = function () { search.remove(); };  // built without an index: no box
    // Pagefind labels its input with a title only; give it a real (visually hidden) label.
    var labelInput = function () {
      var input = search.querySelector("input");
      if (!input || input.id) { return; }
      input.id = "site-search-input";
      var label = document.createElement("label");
      label.className = "visually-hidden";
      label.htmlFor = input.id;
      label.textContent = placeholder;
      input.parentNode.insertBefore(label, input);
    };
    // The results drop down over the page: open while the search has focus, closed by Escape or a click outside.
    var setOpen = function (open) { search.classList.toggle("is-open", open); };
    search.addEventListener("focusin", function () { setOpen(true); });
    search.addEventListener("input", function () { setOpen(true); });
    search.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        setOpen(false);
        var input = search.querySelector("input");
        if (input) { input.focus(); }
      }
    });
    document.addEventListener("click", function (event) {
      if (!search.contains(event.target)) { setOpen(false); }
    });
    document.head.appendChild(style);
    document.head.appendChild(script);
  }
})();
