// A table or chart wider than its box scrolls sideways inside it (on a phone, most tables do).
// Such a box takes the keyboard focus, so the arrow keys can scroll it without a mouse; one that
// fits is left out of the Tab order. Boxes a template already made focusable keep their markup.
(() => {
  const SCROLLING_BOXES = ".table-responsive, .kam-chart-scroll";

  function markScrollingBoxes(root) {
    root.querySelectorAll(SCROLLING_BOXES).forEach((box) => {
      if (box.dataset.kamScrollFocus !== "auto" && box.hasAttribute("tabindex")) return;
      if (box.scrollWidth > box.clientWidth) {
        box.tabIndex = 0;
        box.dataset.kamScrollFocus = "auto";
      } else if (box.dataset.kamScrollFocus === "auto") {
        box.removeAttribute("tabindex");
        delete box.dataset.kamScrollFocus;
      }
    });
  }

  markScrollingBoxes(document);
  document.addEventListener("htmx:afterSettle", (event) => markScrollingBoxes(event.target));
  let pending = null;
  window.addEventListener("resize", () => {
    clearTimeout(pending);
    pending = setTimeout(() => markScrollingBoxes(document), 150);
  });
})();
