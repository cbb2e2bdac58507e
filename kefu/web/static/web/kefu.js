/* kefu's page behaviours. The Content-Security-Policy allows no inline script and no
   inline event handler, so templates mark elements with data- attributes and this file,
   loaded on every page after htmx, gives them their behaviour, also in htmx-swapped parts. */
(function () {
  "use strict";

  function each(root, selector, fn) {
    if (root.matches && root.matches(selector)) { fn(root); }
    if (root.querySelectorAll) { root.querySelectorAll(selector).forEach(fn); }
  }

  function bind(root) {
    // <select data-submit-on-change>: choosing sends the form (the language switch).
    each(root, "[data-submit-on-change]", function (element) {
      element.addEventListener("change", function () { element.form.requestSubmit(); });
    });
    // <form data-submit-on-ctrl-enter>: Ctrl+Enter (⌘+Enter) sends the form from any field.
    each(root, "form[data-submit-on-ctrl-enter]", function (form) {
      form.addEventListener("keydown", function (event) {
        if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
          event.preventDefault();
          form.requestSubmit();
        }
      });
    });
    // <input type=checkbox data-disables="ID">: ticked, the element ID is disabled.
    each(root, "input[data-disables]", function (box) {
      var target = document.getElementById(box.dataset.disables);
      function apply() { if (target) { target.disabled = box.checked; } }
      box.addEventListener("change", apply);
      apply();
    });
    // <select data-into="FIELD">: a chosen standard phrase fills the form's field FIELD.
    each(root, "select[data-into]", function (select) {
      select.addEventListener("change", function () {
        if (select.value) { select.form.elements[select.dataset.into].value = select.value; }
      });
    });
    // Sizes that come from data: set through the style object, which the policy allows,
    // rather than a style attribute, which it does not.
    each(root, "[data-percent]", function (element) {
      element.style.width = Math.max(0, Math.min(100, Number(element.dataset.percent))) + "%";
    });
    // <input type=file data-max-bytes data-too-large>: a file over the limit is refused
    // before it is sent, with the form's own error line saying why.
    each(root, "input[type=file][data-max-bytes]", function (input) {
      input.addEventListener("change", function () {
        var file = input.files && input.files[0];
        var error = input.form && input.form.querySelector("[role=alert]");
        var tooLarge = file && file.size > Number(input.dataset.maxBytes);
        input.setCustomValidity(tooLarge ? input.dataset.tooLarge : "");
        if (error) {
          error.textContent = tooLarge ? input.dataset.tooLarge : "";
          error.hidden = !tooLarge;
        }
      });
    });
    // <button data-print>: prints the page (the print style shows its content only).
    each(root, "[data-print]", function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
    each(root, "[data-cards]", function (element) {
      element.style.setProperty("--cards", String(Number(element.dataset.cards) || 1));
    });
  }

  htmx.onLoad(bind);
})();
