// The event search box's suggestions: the WAI-ARIA combobox pattern (list autocomplete).
// Without this script the box is a plain search form; with it, typing shows events, cities
// and artists from GET /api/v1/search/suggest/?q=, chosen with Up/Down and Enter (Escape
// closes the list). Suggestions are written as text, never as HTML.
(function () {
  "use strict";

  var MIN_LENGTH = 2;
  var DELAY_MS = 150;

  function sameSiteUrl(url) {
    // Only addresses on this site ("/..."), never "//elsewhere" or "javascript:".
    return typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/" && url.charAt(1) !== "\\";
  }

  function setup(box) {
    var input = box.querySelector("input[type=search]");
    var list = box.querySelector("[role=listbox]");
    var status = document.querySelector("[data-suggest-status]");
    if (!input || !list || !window.fetch) return;

    var endpoint = box.getAttribute("data-suggest-url");
    var language = box.getAttribute("data-language") || document.documentElement.lang || "";
    var items = [];
    var active = -1;
    var timer = null;
    var controller = null;
    var lastQuery = null;

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-haspopup", "listbox");

    function announce(count) {
      if (!status) return;
      var text;
      if (count === 0) text = box.getAttribute("data-status-none");
      else if (count === 1) text = box.getAttribute("data-status-one");
      else text = (box.getAttribute("data-status-many") || "").replace("{count}", String(count));
      status.textContent = text || "";
    }

    function isOpen() {
      return input.getAttribute("aria-expanded") === "true";
    }

    function open() {
      if (!items.length) return;
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      box.classList.add("is-open");
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      box.classList.remove("is-open");
      setActive(-1);
    }

    function setActive(index) {
      var options = list.querySelectorAll("[role=option]");
      active = index;
      for (var i = 0; i < options.length; i++) {
        var selected = i === index;
        options[i].setAttribute("aria-selected", selected ? "true" : "false");
        options[i].classList.toggle("is-active", selected);
        if (selected && options[i].scrollIntoView) options[i].scrollIntoView({ block: "nearest" });
      }
      if (index >= 0 && options[index]) input.setAttribute("aria-activedescendant", options[index].id);
      else input.removeAttribute("aria-activedescendant");
    }

    function render(results) {
      items = results.filter(function (item) {
        return item && typeof item.label === "string" && sameSiteUrl(item.url);
      });
      list.textContent = "";
      items.forEach(function (item, index) {
        var option = document.createElement("li");
        option.id = list.id + "-" + index;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.className = "suggestion suggestion-" + (item.type || "event");
        option.setAttribute("data-index", String(index));
        var label = document.createElement("span");
        label.className = "suggestion-label";
        label.textContent = item.label;
        var kind = document.createElement("span");
        kind.className = "suggestion-kind";
        kind.textContent = box.getAttribute("data-kind-" + item.type) || "";
        option.appendChild(label);
        option.appendChild(kind);
        list.appendChild(option);
      });
      active = -1;
      input.removeAttribute("aria-activedescendant");
      announce(items.length);
      if (items.length && document.activeElement === input) open();
      else close();
    }

    function fetchSuggestions() {
      var query = input.value.trim();
      if (query === lastQuery) {
        if (items.length) open();
        return;
      }
      lastQuery = query;
      if (controller) controller.abort();
      if (query.length < MIN_LENGTH) {
        items = [];
        list.textContent = "";
        close();
        return;
      }
      controller = window.AbortController ? new AbortController() : null;
      var url = endpoint + "?q=" + encodeURIComponent(query);
      var headers = { Accept: "application/json" };
      if (language) headers["Accept-Language"] = language;
      fetch(url, { headers: headers, credentials: "same-origin", signal: controller ? controller.signal : undefined })
        .then(function (response) {
          if (!response.ok) throw new Error("suggest " + response.status);
          return response.json();
        })
        .then(function (data) {
          if (input.value.trim() !== query) return;
          render(Array.isArray(data) ? data : (data && data.results) || []);
        })
        .catch(function () {
          // No suggestions (offline, rate-limited): the form still searches.
        });
    }

    function choose(index) {
      var item = items[index];
      if (!item) return;
      close();
      input.value = item.label;
      window.location.assign(item.url);
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(fetchSuggestions, DELAY_MS);
    });

    input.addEventListener("keydown", function (event) {
      switch (event.key) {
        case "ArrowDown":
          if (!items.length) return;
          event.preventDefault();
          if (!isOpen()) {
            open();
            setActive(0);
          } else {
            setActive(active + 1 >= items.length ? 0 : active + 1);
          }
          break;
        case "ArrowUp":
          if (!items.length) return;
          event.preventDefault();
          if (!isOpen()) open();
          setActive(active <= 0 ? items.length - 1 : active - 1);
          break;
        case "Enter":
          if (isOpen() && active >= 0) {
            event.preventDefault();
            choose(active);
          }
          // Otherwise the form is submitted: a full search for what was typed.
          break;
        case "Escape":
          if (isOpen()) {
            event.preventDefault();
            close();
          } else if (input.value) {
            event.preventDefault();
            input.value = "";
            lastQuery = null;
            items = [];
            list.textContent = "";
          }
          break;
        case "Tab":
          close();
          break;
        default:
          break;
      }
    });

    input.addEventListener("focus", function () {
      if (items.length && input.value.trim() === lastQuery) open();
    });
    input.addEventListener("blur", function () {
      close();
    });
    // A click on a suggestion must not blur the box before it counts.
    list.addEventListener("mousedown", function (event) {
      event.preventDefault();
    });
    list.addEventListener("click", function (event) {
      var option = event.target.closest("[role=option]");
      if (option) choose(Number(option.getAttribute("data-index")));
    });
    list.addEventListener("mousemove", function (event) {
      var option = event.target.closest("[role=option]");
      if (option) setActive(Number(option.getAttribute("data-index")));
    });
  }

  document.querySelectorAll("[data-combobox]").forEach(setup);

  // A shorter address to share: empty fields and the default order are left out of it.
  document.querySelectorAll("[data-search-form]").forEach(function (form) {
    form.addEventListener("formdata", function (event) {
      var data = event.formData;
      var names = [];
      data.forEach(function (_value, name) {
        if (names.indexOf(name) < 0) names.push(name);
      });
      names.forEach(function (name) {
        var values = data.getAll(name).filter(function (value) { return value !== ""; });
        if (!values.length) data.delete(name);
      });
      var sort = data.get("sort");
      if (sort && sort === (data.get("q") ? "relevance" : "date")) data.delete("sort");
    });
  });

  // Dates typed in "Or pick dates" replace a preset such as "This weekend".
  document.querySelectorAll("[data-date-range]").forEach(function (field) {
    field.addEventListener("change", function () {
      document.querySelectorAll("[data-date-preset]").forEach(function (preset) {
        preset.disabled = true;
      });
    });
  });

  // The filter panel is a disclosure on phones and always open beside the results when wide.
  var panel = document.querySelector("[data-filter-panel]");
  if (panel && window.matchMedia) {
    var wide = window.matchMedia("(min-width: 901px)");
    var sync = function () {
      if (wide.matches) panel.open = true;
    };
    sync();
    if (wide.addEventListener) wide.addEventListener("change", sync);
  }
})();
