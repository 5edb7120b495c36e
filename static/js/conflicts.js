// Edit conflicts (templates/components/edit_conflict.html): "use stored" puts the stored value
// back into the form's field, so merging is one click a field. Hidden without JavaScript, where
// the stored value is there to read and type.
document.querySelectorAll("[data-kam-use-stored]").forEach(function (button) {
  var form = button.closest("form") || document.querySelector("form[method=post]");
  if (!form) {
    return;
  }
  var fields = form.querySelectorAll('[name="' + button.dataset.kamUseStored + '"]');
  if (!fields.length) {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    var value = button.dataset.kamValue;
    fields.forEach(function (field) {
      if (field.type === "checkbox") {
        field.checked = value === "on";
      } else if (field.type === "radio") {
        field.checked = field.value === value;
      } else {
        field.value = value;
      }
      field.dispatchEvent(new Event("change", { bubbles: true }));
    });
    button.closest("tr").classList.add("kam-conflict-taken");
    button.textContent = button.dataset.kamTaken || button.textContent;
    button.setAttribute("aria-label", button.textContent);
    fields[0].focus();
  });
});
