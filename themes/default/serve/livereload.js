// dossier serve only: `dossier build` never puts this script in a page. The server adds it to every HTML
// response. It listens to the server's events: it reloads the page after a good rebuild and shows the
// located errors of a failed one over the last good page. Error text is user content: it only ever goes
// into textContent, never innerHTML.
(function () {
  "use strict";
  var script = document.currentScript;
  var eventsUrl = (script && script.getAttribute("data-dossier-events")) || "/__dossier/events";
  var pageBuild = script ? script.getAttribute("data-dossier-build") : null;
  var OVERLAY_ID = "dossier-error-overlay";
  var STYLE = [
    ":host { all: initial; }",
    ".panel { position: fixed; inset: auto 0 0 0; max-height: 60vh; overflow: auto; z-index: 2147483647;",
    "  margin: 0; padding: 1rem 1.25rem; background: #2b0b0b; color: #fff5f5; border-top: 4px solid #e5484d;",
    "  font: 14px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; box-shadow: 0 -4px 24px #0006; }",
    "h2 { margin: 0 0 .5rem; font: bold 15px/1.4 system-ui, sans-serif; }",
    "p { margin: 0 0 .75rem; font: 13px/1.4 system-ui, sans-serif; color: #ffd7d7; }",
    "ol { margin: 0; padding: 0 0 0 1.25rem; }",
    "li { margin: 0 0 .4rem; white-space: pre-wrap; overflow-wrap: anywhere; }",
    ".where { color: #ffb4b4; }",
    "button { position: absolute; top: .75rem; right: 1rem; font: 13px system-ui, sans-serif;",
    "  background: #fff5f5; color: #2b0b0b; border: 0; border-radius: 4px; padding: .25rem .6rem; cursor: pointer; }"
  ].join("\n");

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function hideOverlay() {
    var old = document.getElementById(OVERLAY_ID);
    if (old) { old.remove(); }
  }

  function showOverlay(errors) {
    hideOverlay();
    var host = element("div");
    host.id = OVERLAY_ID;
    var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
    var style = element("style");
    style.textContent = STYLE;
    var panel = element("section", "panel");
    panel.setAttribute("role", "alert");
    var count = errors.length;
    panel.appendChild(element("h2", "", "dossier: " + count + " error" + (count === 1 ? "" : "s") + " in the content"));
    panel.appendChild(element("p", "", "This page is the last good build. Fix the files and save: the page reloads by itself."));
    var list = element("ol");
    errors.forEach(function (error) {
      var item = element("li");
      item.appendChild(element("span", "where", error.location + ": "));
      item.appendChild(element("span", "message", error.message));
      list.appendChild(item);
    });
    panel.appendChild(list);
    var close = element("button", "", "Hide");
    close.type = "button";
    close.addEventListener("click", hideOverlay);
    panel.appendChild(close);
    root.appendChild(style);
    root.appendChild(panel);
    (document.body || document.documentElement).appendChild(host);
  }

  function read(event) {
    try { return JSON.parse(event.data); } catch (e) { return {}; }
  }

  if (!window.EventSource) { return; }
  var source = new EventSource(eventsUrl);
  source.addEventListener("error", function () {
    document.documentElement.setAttribute("data-dossier-serve", "disconnected");  // it retries by itself
  });
  source.addEventListener("hello", function (event) {
    var state = read(event);
    document.documentElement.setAttribute("data-dossier-serve", "connected");
    if (pageBuild !== null && String(state.build) !== pageBuild && state.build > 0) {
      window.location.reload();  // the site changed since this page was served (or the server restarted)
      return;
    }
    if (state.errors && state.errors.length) { showOverlay(state.errors); } else { hideOverlay(); }
  });
  source.addEventListener("reload", function () { window.location.reload(); });
  source.addEventListener("errors", function (event) {
    var state = read(event);
    if (state.errors && state.errors.length) { showOverlay(state.errors); }
  });
})();
