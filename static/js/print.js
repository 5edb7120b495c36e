// The plan's "Print" button: a link with data-print opens the browser's print dialog.
document.addEventListener("click", (event) => {
  const trigger = event.target.closest("[data-print]");
  if (!trigger) return;
  event.preventDefault();
  window.print();
});
