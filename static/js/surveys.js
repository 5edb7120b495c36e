// Survey pages: "clear" buttons that empty an answer row (so an indicator can be left unasked
// after a click). They stay hidden without JavaScript. Copy buttons are in copy.js.
document.querySelectorAll("[data-clear-row]").forEach(function (button) {
  button.classList.remove("d-none");
  button.addEventListener("click", function () {
    button.closest("tr").querySelectorAll("input[type=radio]").forEach(function (input) {
      input.checked = false;
    });
  });
});
