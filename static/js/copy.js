// Copy buttons ({% include "components/copy_button.html" %}): copy the named field and say so in
// its live region, so the person knows it worked (also with a screen reader). Without a secure
// context the Clipboard API is missing (KAM on http://host:8001), so the selection is copied the
// old way; if that fails too, the field is selected and the message says to press Ctrl+C.
// Hidden without JavaScript: the field stays selectable.
document.querySelectorAll("[data-copy-target]").forEach(function (button) {
  var field = document.getElementById(button.dataset.copyTarget);
  var status = document.getElementById(button.dataset.copyTarget + "-copied");
  if (!field || !status) {
    return;
  }
  button.classList.remove("d-none");

  function say(text) {
    // Emptied first, so a second click is announced again.
    status.textContent = "";
    window.setTimeout(function () {
      status.textContent = text;
    }, 50);
  }

  function copied() {
    button.querySelector("i").className = "bi bi-clipboard-check";
    say(button.dataset.copied);
  }

  function copyTheSelection() {
    field.focus();
    field.select();
    var done = false;
    try {
      done = document.execCommand("copy");
    } catch (error) {
      done = false;
    }
    if (done) {
      copied();
    } else {
      say(button.dataset.copyFailed);
    }
  }

  button.addEventListener("click", function () {
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(copied, copyTheSelection);
    } else {
      copyTheSelection();
    }
  });
});
