// Ticket CSV upload (fulfilment/upload_views.py): drag and drop onto the zone, and send
// the file with XMLHttpRequest so its upload progress fills the bar. Without this
// script the form still posts the chosen file the ordinary way.
(function () {
  "use strict";
  var form = document.querySelector("[data-ticket-upload]");
  if (!form) return;
  var input = form.querySelector("input[type=file]");
  var zone = form.querySelector("[data-dropzone]");
  var fileName = form.querySelector("[data-file-name]");
  var progress = form.querySelector("[data-progress]");
  var bar = form.querySelector("[data-progress-bar]");
  var words = form.querySelector("[data-progress-words]");
  var errorBox = form.querySelector("[data-upload-error]");
  var button = form.querySelector("[data-upload-button]");

  function showName() {
    fileName.textContent = input.files.length ? input.files[0].name : "";
  }

  function showError(message) {
    errorBox.textContent = message;
    errorBox.hidden = false;
    button.disabled = false;
    button.classList.remove("button-longrunning-active");
  }

  function setProgress(percent) {
    bar.value = percent;
    bar.setAttribute("value", String(percent));
    words.textContent = percent + " %";
  }

  input.addEventListener("change", showName);
  ["dragenter", "dragover"].forEach(function (name) {
    zone.addEventListener(name, function (event) {
      event.preventDefault();
      zone.classList.add("bilten-dropzone--over");
    });
  });
  ["dragleave", "drop"].forEach(function (name) {
    zone.addEventListener(name, function (event) {
      event.preventDefault();
      zone.classList.remove("bilten-dropzone--over");
    });
  });
  zone.addEventListener("drop", function (event) {
    if (event.dataTransfer && event.dataTransfer.files.length) {
      input.files = event.dataTransfer.files;
      showName();
    }
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    errorBox.hidden = true;
    if (!input.files.length) {
      showError(form.dataset.msgChoose);
      input.focus();
      return;
    }
    var request = new XMLHttpRequest();
    request.open("POST", form.action || window.location.href);
    request.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    request.responseType = "json";
    progress.hidden = false;
    setProgress(0);
    button.disabled = true;
    request.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) setProgress(Math.round((e.loaded / e.total) * 100));
    });
    request.upload.addEventListener("load", function () {
      setProgress(100);
    });
    request.addEventListener("load", function () {
      var body = request.response || {};
      if (request.status === 200 && body.redirect) {
        setProgress(100);
        window.location.assign(body.redirect);
      } else {
        showError(body.detail || form.dataset.msgFailed + " (" + request.status + ")");
      }
    });
    request.addEventListener("error", function () {
      showError(form.dataset.msgNetwork);
    });
    var data = new FormData(form);
    request.send(data);
  });
})();
