// The report works without JavaScript; this only adds the workload
// table's filter and sorting. It reads the page, never the network.
(function () {
  "use strict";
  // Print everything: open the collapsed sections first (browsers without
  // ::details-content would otherwise leave them out of the printout).
  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll("details"), function (d) { d.open = true; });
  });
  var table = document.getElementById("wl-table");
  var input = document.getElementById("wl-filter");
  var count = document.getElementById("wl-count");
  if (!table || !input) { return; }
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  Array.prototype.forEach.call(document.querySelectorAll(".js-only"), function (el) { el.style.display = "block"; });
  function filter() {
    var q = input.value.trim().toLowerCase();
    var shown = 0;
    rows.forEach(function (r) {
      var hit = q === "" || r.textContent.toLowerCase().indexOf(q) !== -1;
      r.hidden = !hit;
      if (hit) { shown += 1; }
    });
    count.textContent = shown + " of " + rows.length + " workloads";
  }
  input.addEventListener("input", filter);
  var rank = { critical: 3, warning: 2, info: 1 };
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
    th.addEventListener("click", function () {
      var kind = th.getAttribute("data-sort");
      var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) { c.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
      function key(r) {
        if (kind === "sev") { return rank[r.getAttribute("data-sev")] || 0; }
        var t = r.cells[col].textContent.trim();
        return kind === "num" ? (t === "" ? -1 : Number(t)) : t.toLowerCase();
      }
      rows.sort(function (a, b) { var x = key(a), y = key(b); return x < y ? -dir : x > y ? dir : 0; });
      rows.forEach(function (r) { table.tBodies[0].appendChild(r); });
    });
  });
  filter();
})();
