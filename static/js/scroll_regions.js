// Regions that scroll sideways (tables in .table-responsive, charts in .kam-chart-scroll): while
// their content is wider than they are, they take the keyboard focus (arrow keys scroll them),
// are a named region for screen readers, and say with data-kam-scrolls="start end" which edges
// have more to see (kam.css fades those edges). A region whose template already makes it
// focusable and names it keeps what the template says. Runs again on every htmx swap and resize.
(function () {
  var SELECTOR = ".table-responsive, .kam-chart-scroll";
  var watched = new WeakSet();
  var added = new WeakMap(); // region → the attributes this script gave it

  function text(element) {
    return element ? element.textContent.replace(/\s+/g, " ").trim() : "";
  }

  function labelledBy(element) {
    var ids = (element.getAttribute("aria-labelledby") || "").split(/\s+/).filter(Boolean);
    return ids.map(function (id) { return text(document.getElementById(id)); }).join(" ").trim();
  }

  function previousHeading(region) {
    // The nearest heading before the region, within its section or card.
    var scope = region.closest("section, .card, main") || document.body;
    var headings = scope.querySelectorAll("h1, h2, h3, h4, h5, h6, legend");
    var found = "";
    headings.forEach(function (heading) {
      if (heading.compareDocumentPosition(region) & Node.DOCUMENT_POSITION_FOLLOWING) {
        found = text(heading);
      }
    });
    return found;
  }

  function nameFor(region) {
    var table = region.querySelector("table");
    var svg = region.querySelector("svg");
    var name =
      region.dataset.kamScrollLabel ||
      (table && (text(table.querySelector("caption")) || table.getAttribute("aria-label"))) ||
      (svg && (labelledBy(svg) || svg.getAttribute("aria-label"))) ||
      labelledBy(region.closest("[aria-labelledby]") || region) ||
      previousHeading(region) ||
      document.body.dataset.kamScrollLabel;
    // Landmarks need distinct names: a region named like another landmark (the section it sits
    // in, named by the same heading, or a second region under that heading) is numbered.
    var taken = new Set();
    var landmarks = "[role=region], section[aria-label], section[aria-labelledby], nav, aside, form[aria-label]";
    document.querySelectorAll(landmarks).forEach(function (other) {
      if (other !== region) {
        taken.add(other.getAttribute("aria-label") || labelledBy(other));
      }
    });
    var unique = name;
    for (var n = 2; taken.has(unique); n++) {
      unique = name + " (" + n + ")";
    }
    return unique;
  }

  function give(region, attribute, value) {
    region.setAttribute(attribute, value);
    added.set(region, (added.get(region) || []).concat(attribute));
  }

  function makeScrollable(region) {
    if (!region.hasAttribute("tabindex")) {
      give(region, "tabindex", "0");
    }
    if (!region.hasAttribute("role")) {
      give(region, "role", "region");
    }
    if (!region.hasAttribute("aria-label") && !region.hasAttribute("aria-labelledby")) {
      give(region, "aria-label", nameFor(region));
    }
  }

  function undoScrollable(region) {
    // Only what this script added: a region that fits needs no focus stop of its own.
    (added.get(region) || []).forEach(function (attribute) {
      region.removeAttribute(attribute);
    });
    added.delete(region);
  }

  function update(region) {
    // A template that makes the region focusable and names it means a region, even when it fits.
    if (region.hasAttribute("tabindex") && region.hasAttribute("aria-label") && !region.hasAttribute("role")) {
      region.setAttribute("role", "region");
    }
    var overflow = region.scrollWidth - region.clientWidth;
    if (overflow <= 1) {
      region.removeAttribute("data-kam-scrolls");
      undoScrollable(region);
      return;
    }
    makeScrollable(region);
    var edges = [];
    if (region.scrollLeft > 1) {
      edges.push("start");
    }
    if (region.scrollLeft < overflow - 1) {
      edges.push("end");
    }
    region.setAttribute("data-kam-scrolls", edges.join(" "));
  }

  var resizes = new ResizeObserver(function (entries) {
    entries.forEach(function (entry) { update(entry.target); });
  });

  function watch(root) {
    var regions = Array.from(root.querySelectorAll(SELECTOR));
    if (root.matches && root.matches(SELECTOR)) {
      regions.push(root);
    }
    regions.forEach(function (region) {
      if (!watched.has(region)) {
        watched.add(region);
        region.addEventListener("scroll", function () { update(region); }, { passive: true });
        resizes.observe(region);
      }
      update(region);
    });
  }

  watch(document);
  document.addEventListener("htmx:load", function (event) { watch(event.target); });
})();
