// Forms marked data-warn-unsaved: show "unsaved changes", warn before leaving the page, and ask before another
// form on the page (marked data-unsaved-confirm="question") is sent while changes are unsaved. No inline script (CSP).
(function () {
  "use strict";
  var guarded = Array.prototype.slice.call(document.querySelectorAll("form[data-warn-unsaved]"));
  if (!guarded.length) { return; }
  var dirty = false;
  var leaving = false;

  function mark() {
    dirty = true;
    guarded.forEach(function (form) {
      var status = form.querySelector("[data-unsaved-status]");
      if (status) { status.hidden = false; }
    });
  }

  guarded.forEach(function (form) {
    form.addEventListener("input", mark);
    form.addEventListener("change", mark);
    form.addEventListener("submit", function () { leaving = true; });
  });
  document.querySelectorAll("form[data-unsaved-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (dirty && !window.confirm(form.dataset.unsavedConfirm)) {
        event.preventDefault();
        return;
      }
      leaving = true;
    });
  });
  window.addEventListener("beforeunload", function (event) {
    if (dirty && !leaving) { event.preventDefault(); event.returnValue = ""; }
  });
}());
