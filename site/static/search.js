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

  /* The names of the localities a service covers: all of them (null), else each
     listed index, or each of a run given as [first, last]. */
  function places(s) {
    if (s.l === null) return index.localities;
    var names = [];
    s.l.forEach(function (r) {
      var first = typeof r === "number" ? r : r[0];
      var last = typeof r === "number" ? r : r[1];
      for (var i = first; i <= last; i++) names.push(index.localities[i]);
    });
    return names;
  }

  /* Each service's searchable text: its own words, its categories' and its areas' names. */
  var entries = index.services.map(function (s) {
    var words = [s.n, s.s].concat(s.c.map(function (i) { return index.categories[i]; }), places(s));
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
