/* Wagtail's rich-text editor (Draftail) leaves its editable area without an accessible name (axe:
   aria-input-field-name, serious), so screen-reader users do not hear which field they are in. Name it after the
   field's label. */
(function () {
  "use strict";
  function label(root) {
    root.querySelectorAll("input[data-draftail-input]").forEach(function (input) {
      var wrapper = input.parentElement;
      if (!wrapper) return;
      var area = wrapper.querySelector(".public-DraftEditor-content");
      var labelEl = document.getElementById(input.id + "-label") || document.querySelector("label[for='" + input.id + "']");
      if (!area || !labelEl || area.hasAttribute("aria-labelledby") || area.hasAttribute("aria-label")) return;
      if (!labelEl.id) labelEl.id = input.id + "-label";
      area.setAttribute("aria-labelledby", labelEl.id);
    });
  }
  var observer = new MutationObserver(function () { label(document); });
  document.addEventListener("DOMContentLoaded", function () {
    label(document);
    observer.observe(document.body, { childList: true, subtree: true });
  });
})();
