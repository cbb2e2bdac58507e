/* The workbench: choosing the call reason looks its name up in the knowledge base at once. */
(function () {
  "use strict";
  var reason = document.querySelector("input[name=service_content]");
  if (!reason) { return; }
  reason.addEventListener("change", function () {
    var option = document.querySelector('#service-contents option[value="' + CSS.escape(reason.value) + '"]');
    var search = document.getElementById("kb-q");
    if (option && search) {
      search.value = option.textContent.split(" / ").pop();
      htmx.trigger(search, "search");
    }
  });
})();
