// マイページ: "リンクをコピー" buttons copy the verification link; the status line says so for screen readers.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-copy-target]");
  if (!button) return;
  var id = button.getAttribute("data-copy-target");
  var input = document.getElementById(id);
  var status = document.querySelector('[data-copy-status="' + id + '"]');
  function done(ok) {
    if (status) status.textContent = ok ? "リンクをコピーしました。" : "コピーできませんでした。リンクを選んでコピーしてください。";
  }
  if (navigator.clipboard && navigator.clipboard.writeText) {
    navigator.clipboard.writeText(input.value).then(function () { done(true); }, function () { input.select(); done(false); });
  } else {
    input.select();
    try { done(document.execCommand("copy")); } catch (e) { done(false); }
  }
});
