/* Progressive enhancement only: every feature here also works without JavaScript. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Prefecture → municipality: static/js/region-select.js (loaded by includes/region_fields.html).

  // Move focus to the error summary so screen-reader and keyboard users hear what to fix.
  var summary = document.querySelector(".error-summary");
  if (summary) summary.focus();
})();
