/* Trainer console, progressive enhancement only (every screen works without JavaScript):
   - the check-in screen fetches the current QR code every few seconds and swaps it when it rotates, and offers
     full-screen display;
   - the closing section polls the status row while certificates are being issued. */
(function () {
  "use strict";

  var screen = document.getElementById("checkin-screen");
  if (screen) {
    var img = document.getElementById("checkin-qr");
    var link = document.getElementById("checkin-url");
    var attended = document.getElementById("checkin-attended");
    var count = document.getElementById("checkin-attended-count");
    var timeleft = document.getElementById("checkin-timeleft");
    if (timeleft) {
      window.setInterval(function () {
        var left = Math.max(0, Math.round((Date.parse(timeleft.getAttribute("data-expires-at")) - Date.now()) / 1000));
        timeleft.textContent = left;
      }, 1000);
    }
    var full = screen.querySelector("[data-fullscreen]");
    if (full && screen.requestFullscreen) {
      full.hidden = false;
      full.addEventListener("click", function () { screen.requestFullscreen(); });
    }
    var refresh = function () {
      fetch(screen.getAttribute("data-code-url"), { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (data) {
          if (!img || !link) return;
          if (link.getAttribute("href") !== data.url) {
            img.src = data.image;
            link.href = data.url;
            link.textContent = data.url;
          }
          if (attended) attended.textContent = "現在の出席者：" + data.attended + "人";
          if (count) count.textContent = data.attended;
          if (timeleft) timeleft.setAttribute("data-expires-at", data.expires_at);
        })
        .catch(function () { /* keep the current code; the next refresh tries again */ });
    };
    if (img) window.setInterval(refresh, 2000);
  }

  var closing = document.querySelector("[data-closing-status]");
  if (closing) {
    var poll = function () {
      fetch(closing.getAttribute("data-closing-status"), { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (data) {
          if (!data.status) return;
          closing.querySelectorAll("[data-closing-field]").forEach(function (el) {
            var key = el.getAttribute("data-closing-field");
            if (key === "percent") { el.value = data.percent; el.textContent = data.percent + "%"; }
            else el.textContent = data[key];
          });
          if (data.in_progress) window.setTimeout(poll, 2000);
          else if (closing.getAttribute("data-was-running") === "1") window.location.reload();
          if (data.in_progress) closing.setAttribute("data-was-running", "1");
        })
        .catch(function () { window.setTimeout(poll, 5000); });
    };
    poll();
  }
})();

/* Forms with data-confirm ask before submitting (deleting a paper participant's record). */
(function () {
  "use strict";
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
    });
  });
})();
