// Stripe's Payment Element (cards and wallets); only loaded when Stripe is configured.
(function () {
  var form = document.getElementById("stripe-form");
  if (!form || typeof Stripe === "undefined") return;
  var stripe = Stripe(form.dataset.publishableKey);
  var elements = stripe.elements({ clientSecret: form.dataset.clientSecret, appearance: { theme: "night" } });
  elements.create("payment").mount("#payment-element");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    stripe.confirmPayment({ elements: elements, confirmParams: { return_url: form.dataset.returnUrl } })
      .then(function (result) {
        if (result.error) document.getElementById("stripe-error").textContent = result.error.message;
      });
  });
})();
