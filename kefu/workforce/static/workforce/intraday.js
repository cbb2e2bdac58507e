/* The intraday table opens at the current interval: the hours past scroll above it. */
(function () {
  "use strict";
  var row = document.querySelector("#intraday-table tr.current");
  var box = row && row.closest(".table-scroll");
  if (!box) { return; }
  var header = box.querySelector("thead");
  box.scrollTop = Math.max(0, row.offsetTop - (header ? header.offsetHeight : 0) - row.offsetHeight);
  // Late in the day the last rows cannot scroll up to the top of the box: the window
  // brings the row into sight if the box's end lies below the fold.
  if (row.getBoundingClientRect().bottom > window.innerHeight) {
    row.scrollIntoView({ block: "nearest" });
  }
})();
