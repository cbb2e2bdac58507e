/* A click on a day of an agent in the rota grid chooses them in the change form. */
(function () {
  "use strict";
  var grid = document.getElementById("rota-grid");
  var form = document.getElementById("shift-edit");
  if (!grid || !form) { return; }
  grid.addEventListener("click", function (event) {
    var cell = event.target.closest("td[data-day]");
    if (!cell) { return; }
    form.elements.member.value = cell.parentElement.dataset.member;
    form.elements.day.value = cell.dataset.day;
    var chosen = grid.querySelector("td.chosen");
    if (chosen) { chosen.classList.remove("chosen"); }
    cell.classList.add("chosen");
    form.elements.template.focus();
  });
})();
