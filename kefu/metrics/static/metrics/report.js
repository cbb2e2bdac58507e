/* The report's filters: the name select offers only the chosen scope's queues, teams or agents. */
(function () {
  "use strict";
  var scope = document.getElementById("report-scope"), name = document.getElementById("report-name");
  if (!scope || !name) { return; }
  function narrow() {
    var chosen = scope.value, keep = false;
    name.disabled = chosen === "centre";
    name.querySelectorAll("optgroup").forEach(function (group) {
      var shown = group.dataset.scope === chosen;
      group.hidden = !shown; group.disabled = !shown;
      if (shown && name.selectedOptions[0] && name.selectedOptions[0].parentNode === group) { keep = true; }
    });
    if (!keep) { name.value = ""; }
  }
  scope.addEventListener("change", narrow);
  narrow();
})();
