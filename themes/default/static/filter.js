// In-page filters of the global timeline: a lane shows when it matches the
// chosen case, entity and tag; inside a lane, events and marks that do not
// involve the chosen entity or tag are hidden. Without this script every
// lane and event stays visible.
(function () {
  "use strict";
  var form = document.getElementById("timeline-filter");
  if (!form) return;
  form.hidden = false;
  var lanes = Array.prototype.slice.call(document.querySelectorAll(".lane[data-case]"));
  var status = form.querySelector(".filter-status");
  function value(name) {
    var el = form.querySelector('[data-filter="' + name + '"]');
    return el ? el.value : "";
  }
  function has(el, attr, v) {
    return !v || (" " + (el.getAttribute(attr) || "") + " ").indexOf(" " + v + " ") >= 0;
  }
  function apply() {
    var c = value("case"), e = value("entity"), t = value("tag");
    var shown = 0;
    lanes.forEach(function (lane) {
      var visible = (!c || lane.getAttribute("data-case") === c) &&
        has(lane, "data-entities", e) && has(lane, "data-tags", t);
      lane.hidden = !visible;
      if (visible) shown += 1;
      var laneTagged = has(lane, "data-tags", t);
      lane.querySelectorAll("[data-entities]").forEach(function (item) {
        var keep = has(item, "data-entities", e) && (has(item, "data-tags", t) || laneTagged);
        if (item.tagName.toLowerCase() === "a") {
          item.style.display = keep ? "" : "none";
        } else {
          item.hidden = !keep;
        }
      });
    });
    status.textContent = (status.getAttribute("data-text") || "{shown} of {total} lanes shown")
      .replace("{shown}", shown)
      .replace("{total}", lanes.length);
    var params = new URLSearchParams();
    if (c) params.set("case", c);
    if (e) params.set("entity", e);
    if (t) params.set("tag", t);
    var q = params.toString();
    history.replaceState(null, "", q ? "?" + q : location.pathname);
  }
  var initial = new URLSearchParams(location.search);
  ["case", "entity", "tag"].forEach(function (name) {
    var el = form.querySelector('[data-filter="' + name + '"]');
    if (el && initial.get(name)) el.value = initial.get(name);
  });
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (ev) { ev.preventDefault(); });
  if (initial.toString()) apply();
})();
