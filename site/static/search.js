/* Search across services, in the page: filters the index embedded in #search-data
   (id, name, summary, categories, localities). Nothing is fetched or stored. */
(function () {
  "use strict";
  var form = document.getElementById("search");
  var input = document.getElementById("search-input");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  var source = document.getElementById("search-data");
  if (!form || !input || !list || !status || !source) return;
  var index = JSON.parse(source.textContent);
  var root = list.getAttribute("data-root");

  function fold(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[^a-z0-9]+/g, " ");
  }

  /* Each service's searchable text: its own words, its categories' and its areas' names. */
  var entries = index.services.map(function (s) {
    var places = s.l === null ? index.localities : s.l.map(function (i) { return index.localities[i]; });
    var words = [s.n, s.s].concat(s.c.map(function (i) { return index.categories[i]; }), places);
    return { service: s, text: " " + fold(words.join(" ")) };
  });

  function matches(terms, entry) {
    return terms.every(function (t) { return entry.text.indexOf(" " + t) >= 0; });
  }

  function item(s) {
    var link = document.createElement("a");
    link.href = root + s.u;
    link.textContent = s.n;
    var li = document.createElement("li");
    li.appendChild(link);
    li.appendChild(document.createElement("br"));
    li.appendChild(document.createTextNode(s.s));
    return li;
  }

  function update() {
    var terms = fold(input.value).split(" ").filter(Boolean);
    while (list.firstChild) list.removeChild(list.firstChild);
    if (!terms.length) {
      status.textContent = "";
      return;
    }
    var found = entries.filter(function (e) { return matches(terms, e); });
    found.forEach(function (e) { list.appendChild(item(e.service)); });
    status.textContent = found.length === 1 ? "1 service found" : found.length + " services found";
  }

  form.hidden = false;
  document.getElementById("search-fallback").hidden = true;
  form.addEventListener("submit", function (event) { event.preventDefault(); update(); });
  input.addEventListener("input", update);
})();
