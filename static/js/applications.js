// Guided application form: warn before leaving with unsaved changes, and autosave a step after a pause.
// Autosave posts the whole step form with "stay" set; the server saves it only when it is valid, so a half-typed
// field never overwrites good data. No inline script anywhere (CSP).
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form) { return; }
  var status = form.querySelector("[data-autosave-status]");
  var dirty = false;
  var timer = null;
  var DELAY_MS = 20000;

  function say(text) { if (status) { status.textContent = text; } }

  function autosave() {
    if (!dirty || !window.fetch) { return; }
    var data = new FormData(form);
    data.set("stay", "1");
    fetch(form.action || window.location.href, {
      method: "POST", body: data, credentials: "same-origin", redirect: "follow",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (response) {
      if (response.ok && response.redirected) {
        dirty = false;
        say(form.dataset.savedText || "✓ " + new Date().toLocaleTimeString());
      } else {
        say(form.dataset.unsavedText || "…");
      }
    }).catch(function () { say(form.dataset.unsavedText || "…"); });
  }

  form.addEventListener("input", function () {
    dirty = true;
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(autosave, DELAY_MS);
  });
  form.addEventListener("submit", function () { dirty = false; if (timer) { clearTimeout(timer); } });
  window.addEventListener("beforeunload", function (event) {
    if (dirty) { event.preventDefault(); event.returnValue = ""; }
  });
}());
