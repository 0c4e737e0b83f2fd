// The event page's ticket picker; the page works without this.
(function () {
  var picker = document.getElementById("tickets");
  if (!picker) return;
  // A refused selection comes back with its errors: go to the first one.
  var invalid = picker.querySelector("[aria-invalid=true]");
  if (invalid) {
    invalid.focus();
  } else if (picker.querySelector(".form-errors")) {
    picker.scrollIntoView();
  }
  // Phones: the bottom "Get tickets" bar steps aside while the picker's own button is on screen.
  var bar = document.querySelector("[data-ticket-bar]");
  if (!bar || !("IntersectionObserver" in window)) return;
  new IntersectionObserver(function (entries) {
    bar.classList.toggle("is-hidden", entries[0].isIntersecting);
  }).observe(picker.querySelector("button[type=submit]") || picker);
})();
