// Poll until the payment's state changes (an order, a refund, a failure), then show it.
(function () {
  var box = document.querySelector("[data-payment-status]");
  if (!box) return;
  var url = box.getAttribute("data-payment-status");
  var shown = box.getAttribute("data-state");
  if (shown === "completed" || shown === "refunded" || shown === "failed") return;
  var tries = 0;
  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (state) {
        if (state.state !== shown) {
          window.location.reload();
        } else if (++tries < 120) {
          setTimeout(poll, 1000);
        }
      })
      .catch(function () { if (++tries < 120) setTimeout(poll, 2000); });
  }
  setTimeout(poll, 800);
})();
