/* The report's filters: the name select holds only the chosen scope's queues, teams or
   agents. The page renders the current scope's; a change of scope swaps in another's from
   its <template>, so no option of another scope can ever be chosen. */
(function () {
  "use strict";
  var scope = document.getElementById("report-scope"), name = document.getElementById("report-name");
  if (!scope || !name) { return; }
  scope.addEventListener("change", function () {
    var source = document.querySelector('template.report-names[data-scope="' + scope.value + '"]');
    name.replaceChildren();
    if (source) { name.appendChild(source.content.cloneNode(true)); }
    name.value = "";
    name.disabled = !source;
  });
})();
