// Live countdown to a hold's expiry; the server decides, this only shows it.
(function () {
  document.querySelectorAll("[data-countdown]").forEach(function (box) {
    var end = new Date(box.getAttribute("data-countdown")).getTime();
    var out = box.querySelector("[data-countdown-value]");
    function tick() {
      var left = Math.max(0, Math.round((end - Date.now()) / 1000));
      var m = Math.floor(left / 60), s = left % 60;
      out.textContent = m + ":" + (s < 10 ? "0" : "") + s;
      if (left === 0) {
        box.classList.add("is-expired");
        document.querySelectorAll("form button[type=submit]").forEach(function (b) { if (!b.classList.contains("link-button")) b.disabled = true; });
        return;
      }
      setTimeout(tick, 1000);
    }
    tick();
  });
})();
