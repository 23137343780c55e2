// Starts Pagefind's search UI on /search/ and runs the query from the
// header form (?q=...).
(function () {
  "use strict";
  var root = document.getElementById("search");
  if (!root || typeof PagefindUI === "undefined") return;
  var ui = new PagefindUI({
    element: "#search",
    baseUrl: root.getAttribute("data-base") || "/",
    showSubResults: true,
    showImages: false,
    resetStyles: false
  });
  // Pagefind labels its input only with a title; give it a real accessible name.
  var input = root.querySelector("input.pagefind-ui__search-input");
  if (input) input.setAttribute("aria-label", "Search the knowledge base");
  var q = new URLSearchParams(location.search).get("q");
  if (q) ui.triggerSearch(q);
})();
