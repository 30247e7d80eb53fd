/* Progressive enhancement only: every feature here also works without JavaScript. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Prefecture → municipality: load the chosen prefecture's municipalities at once
  // (without JavaScript the "市区町村の一覧を表示" button re-renders the form on the server).
  document.querySelectorAll("form[data-region-form]").forEach(function (form) {
    var pref = form.querySelector("select[name='prefecture']");
    var muni = form.querySelector("select[name='municipality']");
    if (!pref || !muni) return;
    pref.addEventListener("change", function () {
      var code = pref.value;
      muni.innerHTML = "";
      var placeholder = document.createElement("option");
      placeholder.value = "";
      placeholder.textContent = code ? "読み込み中…" : "先に都道府県を選んでください";
      muni.appendChild(placeholder);
      if (!code) return;
      fetch("/regions/prefectures/" + encodeURIComponent(code) + "/municipalities/", { headers: { Accept: "application/json" } })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (data) {
          placeholder.textContent = "選んでください";
          data.municipalities.forEach(function (m) {
            var opt = document.createElement("option");
            opt.value = m.code;
            opt.textContent = m.name;
            muni.appendChild(opt);
          });
        })
        .catch(function () {
          // Fall back to the server round trip.
          document.documentElement.classList.remove("js");
          placeholder.textContent = "「市区町村の一覧を表示」を押してください";
        });
    });
  });

  // Move focus to the error summary so screen-reader and keyboard users hear what to fix.
  var summary = document.querySelector(".error-summary");
  if (summary) summary.focus();
})();
