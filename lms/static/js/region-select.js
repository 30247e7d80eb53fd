/* Prefecture → municipality (sign-up and profile forms). Progressive enhancement: without JavaScript the
   「市区町村の一覧を表示」 button re-renders the form on the server.

   - Only the chosen prefecture's municipalities, ever: choosing with the arrow keys fires one change per
     prefecture passed; each change aborts the previous request (AbortController) and a request counter drops any
     answer that is not the latest, and the list is replaced, never appended to.
   - Rebuilt on `pageshow`: coming back from 利用規約 the browser restores the prefecture but not the options the
     script had added, so the list is rebuilt for the restored prefecture and the chosen municipality re-selected
     (remembered in sessionStorage for this tab). The select's data-prefecture says whose list it holds. */
(function () {
  "use strict";

  function setup(form) {
    var pref = form.querySelector("select[name='prefecture']");
    var muni = form.querySelector("select[name='municipality']");
    if (!pref || !muni) return;
    var storageKey = "tsunagari:municipality:" + (form.getAttribute("action") || location.pathname);
    var latest = 0;
    var controller = null;

    function remember(value) {
      try { sessionStorage.setItem(storageKey, value || ""); } catch (e) { /* storage may be off */ }
    }
    function remembered() {
      try { return sessionStorage.getItem(storageKey) || ""; } catch (e) { return ""; }
    }
    function placeholderOnly(text) {
      while (muni.options.length) muni.remove(0);
      var option = document.createElement("option");
      option.value = "";
      option.textContent = text;
      muni.appendChild(option);
      return option;
    }

    function load(code, keep) {
      latest += 1;
      var mine = latest;
      if (controller) controller.abort();
      controller = typeof AbortController === "function" ? new AbortController() : null;
      muni.setAttribute("data-prefecture", "");
      if (!code) {
        placeholderOnly("先に都道府県を選んでください");
        return;
      }
      var placeholder = placeholderOnly("読み込み中…");
      muni.setAttribute("aria-busy", "true");
      fetch("/regions/prefectures/" + encodeURIComponent(code) + "/municipalities/", {
        headers: { Accept: "application/json" },
        signal: controller ? controller.signal : undefined
      })
        .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
        .then(function (data) {
          if (mine !== latest || pref.value !== code) return; // a newer choice was made meanwhile
          placeholder = placeholderOnly("選んでください");
          data.municipalities.forEach(function (m) {
            var option = document.createElement("option");
            option.value = m.code;
            option.textContent = m.name;
            muni.appendChild(option);
          });
          muni.setAttribute("data-prefecture", code);
          muni.removeAttribute("aria-busy");
          if (keep && muni.querySelector("option[value='" + keep + "']")) muni.value = keep;
        })
        .catch(function (error) {
          if (error && error.name === "AbortError") return;
          if (mine !== latest) return;
          muni.removeAttribute("aria-busy");
          // Fall back to the server round trip.
          document.documentElement.classList.remove("js");
          placeholder.textContent = "「市区町村の一覧を表示」を押してください";
        });
    }

    pref.addEventListener("change", function () {
      remember("");
      load(pref.value, "");
    });
    muni.addEventListener("change", function () { remember(muni.value); });

    window.addEventListener("pageshow", function () {
      var code = pref.value;
      if (!code) return;
      if (muni.getAttribute("data-prefecture") === code && muni.options.length > 1) {
        // The server rendered (or bfcache kept) this prefecture's list: only restore the choice if it was lost.
        var kept = remembered();
        if (!muni.value && kept && muni.querySelector("option[value='" + kept + "']")) muni.value = kept;
        return;
      }
      load(code, muni.value || remembered());
    });
  }

  document.querySelectorAll("form[data-region-form]").forEach(setup);
})();
