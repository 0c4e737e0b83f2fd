// Stripe's card form for pre-orders and card replacement (only loaded with Stripe): the
// browser turns the card into a PaymentMethod and only its id is posted; the server
// saves it for off-session charges (fulfilment/services/placement.py, cards.py).
(function () {
  if (typeof Stripe === "undefined") return;
  document.querySelectorAll("[data-stripe-card]").forEach(function (box) {
    var form = box.closest("form");
    var hidden = form && form.querySelector("[data-stripe-payment-method]");
    if (!hidden) return;
    var stripe = Stripe(box.dataset.publishableKey);
    var card = stripe.elements().create("card", { style: { base: { color: "#e8eaf6" } } });
    card.mount(box.querySelector("[data-stripe-card-element]"));
    var error = box.querySelector("[data-stripe-card-error]");
    form.addEventListener("submit", function (event) {
      if (hidden.value) return;
      event.preventDefault();
      stripe.createPaymentMethod({ type: "card", card: card }).then(function (result) {
        if (result.error) {
          error.textContent = result.error.message;
          return;
        }
        hidden.value = result.paymentMethod.id;
        form.submit();
      });
    });
  });
})();
