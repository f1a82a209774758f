/*
 * The behaviours of Kaifaqu pages, loaded by every page after htmx.
 *
 * The Content-Security-Policy allows scripts from this server only: no inline <script>, no
 * onclick="…", no htmx hx-on or js: values (they are eval). A template asks for a behaviour with
 * a data attribute instead, and this file attaches it, for the page on load and for every
 * fragment htmx swaps in:
 *   data-kfq-autosubmit           a <select> that submits its form when changed
 *   data-kfq-select-all="CSS"     a checkbox that ticks or clears every box the selector finds
 *   data-kfq-width="42"           an element drawn 42% wide (a progress bar)
 *   data-kfq-drop-empty           a filter form whose empty fields stay out of the address
 *   .industry-picker              the industry picker of enterprise forms (industry_picker.html)
 */
(function () {
  "use strict";

  function each(root, selector, action) {
    if (root.matches && root.matches(selector)) {
      action(root);
    }
    root.querySelectorAll(selector).forEach(action);
  }

  function once(element, name) {
    var flag = "kfq" + name + "Bound";
    if (element.dataset[flag]) {
      return false;
    }
    element.dataset[flag] = "1";
    return true;
  }

  function industryPicker(root) {
    if (!once(root, "Picker")) {
      return;
    }
    var code = root.querySelector("input[type=hidden]");
    var query = root.querySelector("input[type=search]");
    var results = root.querySelector("[data-industry-results]");
    // Typing makes the earlier pick stale; the server then reads the code from the box itself.
    query.addEventListener("input", function () { code.value = ""; });
    // The search answers the parameter q, whatever the box is called in the form.
    query.addEventListener("htmx:configRequest", function (event) {
      event.detail.parameters.q = query.value;
    });
    root.addEventListener("click", function (event) {
      var item = event.target.closest("[data-industry-code]");
      if (!item) {
        return;
      }
      event.preventDefault();
      code.value = item.dataset.industryCode;
      query.value = item.dataset.industryLabel;
      results.innerHTML = "";
    });
  }

  function attach(root) {
    each(root, "[data-kfq-autosubmit]", function (select) {
      if (once(select, "Submit")) {
        select.addEventListener("change", function () { select.form.submit(); });
      }
    });
    each(root, "[data-kfq-select-all]", function (box) {
      if (once(box, "All")) {
        box.addEventListener("change", function () {
          document.querySelectorAll(box.dataset.kfqSelectAll).forEach(function (other) {
            other.checked = box.checked;
          });
        });
      }
    });
    // Style set through the CSSOM: the policy refuses style="…" attributes, not this.
    each(root, "[data-kfq-width]", function (bar) {
      bar.style.width = Math.max(0, Math.min(100, Number(bar.dataset.kfqWidth) || 0)) + "%";
    });
    each(root, ".industry-picker", industryPicker);
  }

  // Filters left empty stay out of the address the list pushes into the history.
  document.addEventListener("htmx:configRequest", function (event) {
    if (!event.detail.elt.closest || !event.detail.elt.closest("[data-kfq-drop-empty]")) {
      return;
    }
    var parameters = event.detail.parameters;
    Object.keys(parameters).forEach(function (name) {
      if (parameters[name] === "") { delete parameters[name]; }
    });
  });

  if (window.htmx) {
    window.htmx.onLoad(attach);
  } else {
    document.addEventListener("DOMContentLoaded", function () { attach(document); });
  }
})();
