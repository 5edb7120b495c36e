// Coverage editor (templates/accounts/coverage): the keyboard focus follows the cell. A cell that
// opens puts the focus on its first field (or the first one with an error); Save and Cancel
// redraw the board, and the focus goes back to the same cell instead of the top of the page.
// Escape in an open cell cancels it. The save is announced by the server (#coverage-status).
(function () {
  var cellId = null; // the cell whose link, form or Cancel sent the last request

  document.addEventListener("htmx:beforeRequest", function (event) {
    var cell = event.target.closest && event.target.closest("#coverage-board td.kam-cov-cell");
    cellId = cell ? cell.id : null;
  });

  document.addEventListener("htmx:afterSettle", function () {
    var cell = cellId && document.getElementById(cellId);
    if (!cell || cell.contains(document.activeElement)) {
      return;
    }
    if (cell.classList.contains("kam-cov-editing")) {
      var field =
        cell.querySelector(".is-invalid") ||
        cell.querySelector("select, input:not([type=hidden]), textarea");
      if (field) {
        field.focus();
      }
    } else {
      var link = cell.querySelector("a");
      if (link) {
        link.focus();
      }
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !event.target.closest) {
      return;
    }
    var cell = event.target.closest("#coverage-board td.kam-cov-editing");
    var cancel = cell && cell.querySelector("[data-kam-cancel]");
    if (cancel) {
      event.preventDefault();
      cancel.click();
    }
  });
})();
