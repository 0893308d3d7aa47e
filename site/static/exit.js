/* "Exit this page": the button, or Shift pressed 3 times within a second, hides the
   page at once and replaces it (and its history entry) with a neutral site. */
(function () {
  "use strict";
  var button = document.getElementById("exit-this-page");
  if (!button) return;
  var exitUrl = button.href;
  var presses = [];

  function leave(event) {
    if (event) event.preventDefault();
    document.title = "";
    document.body.hidden = true;
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
    window.location.replace(exitUrl);
  }

  button.addEventListener("click", leave);
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Shift" || event.repeat) return;
    var now = Date.now();
    presses = presses.filter(function (t) { return now - t < 1000; });
    presses.push(now);
    if (presses.length >= 3) leave();
  });
  /* A page restored from the back-forward cache must not reappear after an exit. */
  window.addEventListener("pageshow", function (event) {
    if (event.persisted && document.body.hidden) window.location.replace(exitUrl);
  });
})();
