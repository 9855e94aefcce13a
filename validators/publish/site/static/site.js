// claimtrail site: a click on a highlight opens its list of citing records; the search box.
// Everything else on the pages works without this script.
"use strict";

document.addEventListener("click", function (event) {
  if (event.target.closest("a")) return;
  var mark = event.target.closest("mark.hl");
  if (!mark) return;
  var id = mark.getAttribute("data-pointer") || mark.getAttribute("data-part-of");
  if (id) location.hash = "ref-" + id;
});

(function () {
  var box = document.getElementById("q");
  var list = document.getElementById("results");
  var status = document.getElementById("search-status");
  var entries = window.claimtrailSearch;
  if (!box || !list || !entries) return;
  var fold = function (s) {
    return s.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  };
  var haystacks = null;
  var LIMIT = 50;
  function search() {
    var terms = fold(box.value).split(/\s+/).filter(Boolean);
    list.textContent = "";
    if (!terms.length) { status.textContent = ""; return; }
    if (!haystacks) haystacks = entries.map(function (e) { return fold(e[0] + " " + e[2] + " " + e[4]); });
    var found = 0;
    for (var i = 0; i < entries.length; i++) {
      var hay = haystacks[i];
      if (!terms.every(function (t) { return hay.indexOf(t) !== -1; })) continue;
      found++;
      if (found > LIMIT) continue;
      var e = entries[i];
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = e[3];
      a.textContent = e[2];
      li.appendChild(a);
      var meta = document.createElement("span");
      meta.className = "id";
      meta.textContent = " " + e[1] + " " + e[0];
      li.appendChild(meta);
      list.appendChild(li);
    }
    status.textContent = found === 0 ? "Nothing found." :
      found + (found === 1 ? " record" : " records") + (found > LIMIT ? ", the first " + LIMIT + " shown." : ".");
  }
  box.addEventListener("input", search);
  box.form.addEventListener("submit", function (event) { event.preventDefault(); search(); });
  if (box.value) search();
})();
