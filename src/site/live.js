// The preview server's reload script (never part of a built site): waits for the next
// build; reloads after a good one, shows the problems over the page after a bad one.
(function () {
  "use strict";
  var version = null;
  function overlay(problems) {
    var box = document.getElementById("pathways-preview-problems");
    if (!problems) {
      if (box) { box.remove(); }
      return;
    }
    if (!box) {
      box = document.createElement("div");
      box.id = "pathways-preview-problems";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:1rem;z-index:9999;overflow:auto;background:#fff;" +
        "color:#0b0c0c;border:5px solid #d4351c;padding:1rem;font:14px/1.4 monospace;white-space:pre-wrap";
      document.body.appendChild(box);
    }
    box.textContent = "The last change could not be built; still showing the last good site.\n\n" + problems;
  }
  function poll() {
    var url = "/__pathways/status?since=" + (version === null ? 0 : version);
    fetch(url, { cache: "no-store" }).then(function (r) { return r.json(); }).then(function (s) {
      if (version !== null && s.version !== version && !s.problems) {
        location.reload();
        return;
      }
      version = s.version;
      overlay(s.problems);
      poll();
    }).catch(function () { setTimeout(poll, 2000); });
  }
  poll();
})();
