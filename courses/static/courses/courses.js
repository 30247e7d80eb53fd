/* Progressive enhancement: stop a second click from sending the quiz twice (the server refuses a replay anyway). */
(function () {
  "use strict";
  document.querySelectorAll("form[data-once]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.sent) { event.preventDefault(); return; }
      form.dataset.sent = "1";
      form.querySelectorAll("button[type='submit']").forEach(function (b) { b.setAttribute("aria-disabled", "true"); });
    });
  });
})();
