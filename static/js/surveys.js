// Survey pages: "clear" buttons that empty an answer row (so an indicator can be left unasked
// after a click), and "copy" buttons for a private link. Both stay hidden without JavaScript.
document.querySelectorAll("[data-clear-row]").forEach(function (button) {
  button.classList.remove("d-none");
  button.addEventListener("click", function () {
    button.closest("tr").querySelectorAll("input[type=radio]").forEach(function (input) {
      input.checked = false;
    });
  });
});

document.querySelectorAll("[data-copy-link]").forEach(function (button) {
  if (!navigator.clipboard) {
    return;
  }
  button.classList.remove("d-none");
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(document.getElementById(button.dataset.copyLink).value);
    button.querySelector("i").className = "bi bi-clipboard-check";
  });
});
