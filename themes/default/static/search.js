// Search on /search/ with Pagefind's modular UI: the page's own search box,
// a live summary and a list of results, in the theme's markup and styles.
// The header form sends its query here as ?q=...
(function () {
  "use strict";
  var root = document.getElementById("search");
  if (!root || typeof PagefindModularUI === "undefined") return;
  var base = root.getAttribute("data-base") || "/";
  var ui = PagefindModularUI;
  var bundle = base + "pagefind/";
  // A large site's index comes in shards: shards.json lists the ones after
  // the first. They are merged into Pagefind here, all at once, before the
  // search interface starts: it imports the same pagefind.js module, so it
  // finds them merged (its own mergeIndex option loads them one by one).
  // Revalidated on every visit: a list cached from before a deploy could
  // name shards that no longer exist.
  fetch(bundle + "shards.json", { cache: "no-cache" })
    .then(function (r) { return r.ok ? r.json() : []; })
    .then(function (shards) {
      if (!shards.length) return;
      return import(bundle + "pagefind.js").then(function (pagefind) {
        return pagefind.options({ basePath: bundle, baseUrl: base })
          .then(function () { return pagefind.init(); })
          .then(function () {
            return Promise.all(shards.map(function (dir) {
              return pagefind.mergeIndex(bundle + dir, { baseUrl: base });
            }));
          });
      });
    })
    .catch(function () {})
    .then(start);

  function start() {
    var search = new ui.Instance({ bundlePath: bundle, baseUrl: base });

    function el(tag, cls, text) {
      var e = document.createElement(tag);
      if (cls) e.className = cls;
      if (text) e.textContent = text;
      return e;
    }

    // One result: the page title as a link, then Pagefind's excerpt (its own
    // escaped text with <mark> around the matches).
    function result(r) {
      var li = el("li", "search-result");
      var title = el("p", "search-result-title");
      var a = el("a", null, (r.meta && r.meta.title) || r.url);
      a.href = r.url;
      title.appendChild(a);
      li.appendChild(title);
      var excerpt = el("p", "search-result-excerpt");
      excerpt.innerHTML = r.excerpt || "";
      li.appendChild(excerpt);
      return li;
    }

    search.add(new ui.Input({ inputElement: "#search-q" }));
    // The summary line in the page's language: the theme's strings, in the
    // plural form `Intl.PluralRules` gives for the number of results.
    var summary = document.getElementById("search-summary");
    var forms = {};
    try {
      forms = JSON.parse(root.getAttribute("data-results") || "{}");
    } catch (e) {}
    var plural = new Intl.PluralRules(document.documentElement.lang || "en");
    var term = "";
    function fill(text, n) {
      return String(text || "").replace("{n}", n).replace("{term}", term);
    }
    search.on("search", function (t) {
      term = t;
    });
    search.on("loading", function () {
      summary.textContent = fill(root.getAttribute("data-searching"), 0);
    });
    search.on("results", function (r) {
      var n = (r && r.results ? r.results.length : 0);
      summary.textContent = term ? fill(forms[plural.select(n)] || forms.other, n) : "";
    });
    search.add(
      new ui.ResultList({
        containerElement: "#search-results",
        showImages: false,
        resultTemplate: result,
        placeholderTemplate: function () {
          return el("li", "search-result search-result-loading", root.getAttribute("data-loading") || "Loading…");
        }
      })
    );

    var q = new URLSearchParams(location.search).get("q");
    if (q) {
      document.getElementById("search-q").value = q;
      search.triggerSearch(q);
    }
  }
})();
