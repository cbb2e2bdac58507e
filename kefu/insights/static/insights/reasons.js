// Call-reason suggestions on the workbench (issue 21 point 2): a click on a suggestion
// fills the call-reason box, as if the agent had picked it from the list.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-reason-fill]");
    if (!button) { return; }
    var box = document.querySelector("#contact-form input[name=service_content]");
    if (!box) { return; }
    box.value = button.dataset.reasonFill;
    box.dispatchEvent(new Event("input", { bubbles: true }));
    box.dispatchEvent(new Event("change", { bubbles: true }));
    document.querySelectorAll("[data-reason-fill]").forEach(function (other) {
      other.setAttribute("aria-pressed", other === button ? "true" : "false");
    });
  });
})();
