// Poll until the webhook has turned the payment into an order, then show it.
(function () {
  var box = document.querySelector("[data-payment-status]");
  if (!box) return;
  var url = box.getAttribute("data-payment-status");
  var tries = 0;
  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (state) {
        if (state.state === "completed" || state.state === "review" || state.state === "failed") {
          window.location.reload();
        } else if (++tries < 120) {
          setTimeout(poll, 1000);
        }
      })
      .catch(function () { if (++tries < 120) setTimeout(poll, 2000); });
  }
  setTimeout(poll, 800);
})();
