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
  var q = new URLSearchParams(location.search).get("q");
  if (q) ui.triggerSearch(q);
})();
