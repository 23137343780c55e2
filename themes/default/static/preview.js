// Link previews: hovering or focusing an internal link shows the title and
// summary of the page it leads to; a citation shows its entry in the page's
// reference list. Without JavaScript the summary is still the link's title.
//
// The preview stays open while the pointer moves onto it, and Escape closes
// it (WCAG 1.4.13). It is one element, reused, described to assistive
// technology through aria-describedby while it is shown.
(function () {
  "use strict";
  var LINKS = "main a.internal, main .cite a[href^='#ref-']";
  var box = null;
  var current = null;
  var showTimer = 0;
  var hideTimer = 0;

  function preview() {
    if (box) return box;
    box = document.createElement("div");
    box.id = "link-preview";
    box.className = "link-preview";
    box.setAttribute("role", "tooltip");
    box.hidden = true;
    box.addEventListener("mouseenter", function () {
      clearTimeout(hideTimer);
    });
    box.addEventListener("mouseleave", function () {
      hideSoon();
    });
    document.body.appendChild(box);
    return box;
  }

  // Title and summary of a link, or null when there is nothing to show.
  function content(a) {
    var href = a.getAttribute("href") || "";
    if (href.indexOf("#ref-") === 0) {
      var entry = document.getElementById(decodeURIComponent(href.slice(1)));
      if (!entry) return null;
      var copy = entry.cloneNode(true);
      copy.querySelectorAll("a.ref-all, .cited-by").forEach(function (n) {
        n.remove();
      });
      return { title: document.body.getAttribute("data-reference-label") || "Reference", summary: copy.textContent.trim() };
    }
    // A page carries each target's preview once, on its first link.
    if (!a.hasAttribute("title") && !a.hasAttribute("data-preview-summary")) {
      var first = Array.prototype.find.call(document.querySelectorAll("main a.internal"), function (o) {
        return o !== a && o.getAttribute("href") === href && (o.hasAttribute("title") || o.hasAttribute("data-preview-summary"));
      });
      if (first) {
        a.setAttribute("data-preview-summary", first.getAttribute("data-preview-summary") || first.getAttribute("title"));
        if (first.hasAttribute("data-preview-title")) a.setAttribute("data-preview-title", first.getAttribute("data-preview-title"));
      }
    }
    // The summary moves from title to data-preview-summary, so the
    // browser's own tooltip does not show it a second time.
    if (a.hasAttribute("title")) {
      a.setAttribute("data-preview-summary", a.getAttribute("title"));
      a.removeAttribute("title");
    }
    return {
      title: a.getAttribute("data-preview-title") || a.textContent.trim(),
      summary: a.getAttribute("data-preview-summary") || ""
    };
  }

  function show(a) {
    clearTimeout(hideTimer);
    clearTimeout(showTimer);
    var c = content(a);
    if (!c) return;
    var el = preview();
    if (current && current !== a) current.removeAttribute("aria-describedby");
    el.textContent = "";
    var title = document.createElement("strong");
    title.className = "link-preview-title";
    title.textContent = c.title;
    el.appendChild(title);
    if (c.summary) {
      var summary = document.createElement("span");
      summary.className = "link-preview-summary";
      summary.textContent = c.summary;
      el.appendChild(summary);
    }
    el.hidden = false;
    var r = a.getBoundingClientRect();
    var root = document.documentElement;
    var width = el.offsetWidth;
    var left = Math.max(8, Math.min(r.left, root.clientWidth - width - 8));
    el.style.left = left + window.scrollX + "px";
    el.style.top = r.bottom + window.scrollY + 6 + "px";
    a.setAttribute("aria-describedby", el.id);
    current = a;
  }

  function hide() {
    clearTimeout(showTimer);
    if (box) box.hidden = true;
    if (current) current.removeAttribute("aria-describedby");
    current = null;
  }

  function hideSoon() {
    clearTimeout(hideTimer);
    hideTimer = setTimeout(hide, 200);
  }

  function linkOf(target) {
    return target && target.closest ? target.closest(LINKS) : null;
  }

  document.addEventListener("mouseover", function (e) {
    var a = linkOf(e.target);
    if (!a) return;
    clearTimeout(hideTimer);
    clearTimeout(showTimer);
    showTimer = setTimeout(function () {
      show(a);
    }, 150);
  });
  document.addEventListener("mouseout", function (e) {
    var a = linkOf(e.target);
    if (a && !a.contains(e.relatedTarget)) {
      clearTimeout(showTimer);
      hideSoon();
    }
  });
  document.addEventListener("focusin", function (e) {
    var a = linkOf(e.target);
    if (a) show(a);
  });
  document.addEventListener("focusout", function (e) {
    if (linkOf(e.target)) hide();
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && current) hide();
  });
})();
