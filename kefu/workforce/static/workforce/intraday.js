/* The intraday table opens at the current interval: the hours past scroll above it. */
(function () {
  "use strict";
  var row = document.querySelector("#intraday-table tr.current");
  var box = row && row.closest(".table-scroll");
  if (!box) { return; }
  var header = box.querySelector("thead");
  box.scrollTop = Math.max(0, row.offsetTop - (header ? header.offsetHeight : 0) - row.offsetHeight);
})();
