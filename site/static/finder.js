/* The pathway finder, in the page: walks the compiled decision diagram (format
   pathways-diagram/1) embedded in #finder-data. No requests, no storage: the answers
   live only in the address fragment, so Back, refresh and Change links just work. */
var Pathways = (function () {
  "use strict";

  function valueIndex(question, answer) {
    for (var i = 0; i < question.values.length; i++) {
      if (question.values[i].id === answer) return i;
    }
    return -1;
  }

  function own(answers, key) {
    return Object.prototype.hasOwnProperty.call(answers, key) ? answers[key] : undefined;
  }

  /* Follows the answers from the root. Returns {ask: questionIndex} at the first
     question the diagram tests that has no valid answer, or {outcome: index}; both
     carry questionsAsked, the questions answered on the way, in order. Questions the
     path does not test are never asked: their answers are ignored. */
  function walk(diagram, answers) {
    var ref = diagram.root;
    var asked = [];
    for (var steps = 0; ref >= 0; steps++) {
      var node = diagram.nodes[ref];
      if (!node || steps > diagram.nodes.length) throw new Error("pathways: bad diagram at node " + ref);
      var question = diagram.questions[node[0]];
      var value = valueIndex(question, own(answers, question.id));
      if (value < 0) return { ask: node[0], questionsAsked: asked };
      asked.push(node[0]);
      ref = node[1][value];
    }
    return { outcome: -ref - 1, questionsAsked: asked };
  }

  /* The answers that matter on the current path, in asking order. */
  function relevant(diagram, answers) {
    var asked = walk(diagram, answers).questionsAsked;
    return asked.map(function (q) {
      var id = diagram.questions[q].id;
      return [id, answers[id]];
    });
  }

  function parseHash(hash) {
    var state = { answers: Object.create(null), view: "", change: "" };
    hash.replace(/^#/, "").split("&").forEach(function (pair) {
      var at = pair.indexOf("=");
      if (at < 1) return;
      var key = decodeURIComponent(pair.slice(0, at));
      var value = decodeURIComponent(pair.slice(at + 1));
      if (key === "_view") state.view = value;
      else if (key === "_change") state.change = value;
      else state.answers[key] = value;
    });
    return state;
  }

  function formatHash(pairs, view, change) {
    var parts = pairs.map(function (p) {
      return encodeURIComponent(p[0]) + "=" + encodeURIComponent(p[1]);
    });
    if (view) parts.push("_view=" + view);
    if (change) parts.push("_change=" + encodeURIComponent(change));
    return "#" + parts.join("&");
  }

  return { walk: walk, relevant: relevant, parseHash: parseHash, formatHash: formatHash, valueIndex: valueIndex };
})();

(function () {
  "use strict";
  if (typeof document === "undefined") return;
  var root = document.getElementById("finder");
  var source = document.getElementById("finder-data");
  if (!root || !source || !window.addEventListener) return;
  var data = JSON.parse(source.textContent);
  var diagram = data.diagram;
  var siteTitle = root.getAttribute("data-title");

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (attrs[name] !== null && attrs[name] !== undefined) node.setAttribute(name, attrs[name]);
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) return;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  /* Only links the build validated reach the page; refuse anything else. */
  function safeHref(href) {
    return /^(https?:\/\/|mailto:|tel:)/.test(href || "") ? href : null;
  }

  function show(title, nodes, focus) {
    document.title = title + " - " + siteTitle;
    while (root.firstChild) root.removeChild(root.firstChild);
    nodes.forEach(function (n) { if (n) root.appendChild(n); });
    var target = root.querySelector(focus || "h1");
    if (target) {
      target.setAttribute("tabindex", "-1");
      target.focus();
    }
  }

  function backLink(href) {
    return el("a", { href: href, "class": "back-link" }, ["Back"]);
  }

  function previousHash(pairs) {
    return pairs.length ? Pathways.formatHash(pairs.slice(0, -1)) : root.getAttribute("data-start");
  }

  function answerLabel(qIndex, answer) {
    var q = diagram.questions[qIndex];
    var v = q.values[Pathways.valueIndex(q, answer)];
    return v ? v.label : "";
  }

  function isNumber(q) {
    return q.kind === "number" || q.kind === "age";
  }

  function choices(q, name, current) {
    var inline = q.kind === "yes-no" ? " radios--inline" : "";
    return el("div", { "class": "radios" + inline }, q.values.map(function (v, i) {
      var id = name + "-" + i;
      var input = el("input", { type: "radio", id: id, name: name, value: v.id, "class": "radios__input" });
      if (v.id === current) input.checked = true;
      return el("div", { "class": "radios__item" }, [input, el("label", { "for": id, "class": "radios__label" }, [v.label])]);
    }));
  }

  function numberInput(q, name, current) {
    var first = q.values[0].id;
    var last = q.values[q.values.length - 1].id;
    return [
      el("p", { id: name + "-range", "class": "hint" }, ["A whole number from " + first + " to " + last + "."]),
      el("input", {
        type: "text", inputmode: "numeric", id: name, name: name, "class": "input input--short",
        autocomplete: "off", spellcheck: "false", value: current || null, "aria-describedby": name + "-range"
      })
    ];
  }

  /* The link moves focus itself: following it would change the fragment, the state. */
  function errorSummary(message, target) {
    var link = el("a", { href: "#" + target }, [message]);
    link.addEventListener("click", function (event) {
      event.preventDefault();
      document.getElementById(target).focus();
    });
    return el("div", { "class": "error-summary", role: "alert", tabindex: "-1" }, [
      el("h2", { "class": "error-summary__title" }, ["There is a problem"]),
      el("p", {}, [link])
    ]);
  }

  function askQuestion(state, qIndex, error) {
    var q = diagram.questions[qIndex];
    var pairs = Pathways.relevant(diagram, state.answers);
    var name = "q-" + q.id;
    var current = state.answers[q.id];
    var hintId = name + "-hint";
    var field = isNumber(q) ? numberInput(q, name, current) : [choices(q, name, current)];
    var fieldset = el("fieldset", { "class": "fieldset", "aria-describedby": q.help ? hintId : null }, [
      el("legend", { "class": "fieldset__legend" }, [el("h1", { "class": "fieldset__heading" }, [q.text])]),
      q.help ? el("p", { id: hintId, "class": "hint" }, [q.help]) : null,
      error ? el("p", { "class": "error-message", id: name + "-error" }, [el("span", { "class": "visually-hidden" }, ["Error: "]), error]) : null
    ].concat(field));
    var form = el("form", { "class": "question" + (error ? " question--error" : ""), novalidate: "" }, [
      el("div", { "class": "form-group" + (error ? " form-group--error" : "") }, [fieldset]),
      el("button", { type: "submit", "class": "button" }, ["Continue"])
    ]);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      answer(state, qIndex, form);
    });
    var back = state.change ? Pathways.formatHash(pairs, "check") : previousHash(pairs);
    var title = (error ? "Error: " : "") + q.text;
    show(title, [backLink(back), error ? errorSummary(error, isNumber(q) ? name : name + "-0") : null, form],
      error ? ".error-summary" : "h1");
  }

  function answer(state, qIndex, form) {
    var q = diagram.questions[qIndex];
    var name = "q-" + q.id;
    var value;
    if (isNumber(q)) {
      value = String(parseInt(form.elements[name].value.replace(/\s/g, ""), 10));
      if (Pathways.valueIndex(q, value) < 0) {
        return askQuestion(state, qIndex, "Enter a whole number from " + q.values[0].id + " to " + q.values[q.values.length - 1].id);
      }
    } else {
      var checked = form.querySelector("input[name='" + name + "']:checked");
      if (!checked) return askQuestion(state, qIndex, "Select an answer");
      value = checked.value;
    }
    var answers = Object.create(null);
    Object.keys(state.answers).forEach(function (k) { answers[k] = state.answers[k]; });
    answers[q.id] = value;
    var done = Pathways.walk(diagram, answers).outcome !== undefined;
    location.hash = Pathways.formatHash(Pathways.relevant(diagram, answers), done ? "check" : "", done ? "" : state.change);
  }

  function summaryList(pairs, withChange) {
    var asked = Pathways.walk(diagram, state().answers).questionsAsked;
    return el("dl", { "class": "summary-list" }, asked.map(function (qIndex) {
      var q = diagram.questions[qIndex];
      var change = withChange ? el("dd", { "class": "summary-list__actions" }, [
        el("a", { href: Pathways.formatHash(pairs, "", q.id) }, ["Change", el("span", { "class": "visually-hidden" }, [" " + q.text.toLowerCase()])])
      ]) : null;
      return el("div", { "class": "summary-list__row" }, [
        el("dt", { "class": "summary-list__key" }, [q.text]),
        el("dd", { "class": "summary-list__value" }, [answerLabel(qIndex, state().answers[q.id])]),
        change
      ]);
    }));
  }

  function checkAnswers(pairs) {
    show("Check your answers", [
      backLink(previousHash(pairs)),
      el("h1", {}, ["Check your answers"]),
      summaryList(pairs, true),
      el("p", {}, [el("a", { href: Pathways.formatHash(pairs, "results"), "class": "button", role: "button", draggable: "false" }, ["See where to refer"])])
    ]);
  }

  function fact(label, value, href) {
    if (!value) return [];
    var link = safeHref(href);
    return [el("dt", {}, [label]), el("dd", {}, [link ? el("a", { href: link }, [value]) : value])];
  }

  function serviceCard(referral) {
    var s = data.services[referral.service] || { name: referral.service };
    var u = data.urgency[referral.urgency] || { label: referral.urgency, text: "" };
    var facts = [].concat(
      fact("How to refer", s.how), fact("Referral form", s.form && "Referral form", s.form),
      fact("Phone", s.phone, s.tel), fact("Email", s.email, s.mailto),
      fact("Website", s.website, s.website), fact("Hours", s.hours), fact("Who it is for", s.eligibility));
    var why = referral.pathways.map(function (p) {
      var pathway = diagram.pathways[p];
      var when = (data.when || [])[p];
      return el("li", {}, [el("strong", {}, [pathway.title + ": "]), pathway.reason,
        when ? el("span", { "class": "why__when" }, [" It applies when " + when + "."]) : null]);
    });
    if (referral.fallback) why.push(el("li", {}, [data.fallback_reason || ""]));
    var heading = "svc-" + referral.service;
    return el("article", { "class": "service", "aria-labelledby": heading }, [
      el("h2", { id: heading, "class": "service__name" }, [
        el("span", { "class": "tickbox", "aria-hidden": "true" }, []),
        s.href ? el("a", { href: root.getAttribute("data-root") + s.href }, [s.name]) : s.name
      ]),
      el("p", {}, [el("strong", { "class": "tag tag--" + referral.urgency }, [u.label]), " ", u.text]),
      s.summary ? el("p", {}, [s.summary]) : null,
      el("dl", { "class": "facts" }, facts),
      el("details", { "class": "why" }, [el("summary", {}, ["Why is this service listed?"]), el("ul", {}, why)]),
      el("p", { "class": "print-only checklist-line" }, ["Referred on ____________ by ____________"])
    ]);
  }

  function results(pairs, outcome) {
    var found = diagram.outcomes[outcome];
    var printButton = el("button", { type: "button", "class": "button button--secondary" }, ["Print as a referral checklist"]);
    printButton.addEventListener("click", function () { window.print(); });
    show("Where to refer", [
      backLink(Pathways.formatHash(pairs, "check")),
      el("h1", {}, ["Where to refer"]),
      el("p", { "class": "lead" }, [found.referrals.length === 1 ? "Refer to this service." : "Refer to these " + found.referrals.length + " services, most urgent first."]),
      found.fallback ? el("p", { "class": "inset" }, [data.fallback_reason || ""]) : null,
      el("div", { "class": "services" }, found.referrals.map(serviceCard)),
      el("h2", {}, ["Your answers"]),
      summaryList(pairs, true),
      el("p", { "class": "no-print" }, [printButton, " ", el("a", { href: "#", "class": "button button--secondary" }, ["Start again"])])
    ]);
  }

  function state() {
    return Pathways.parseHash(location.hash);
  }

  function render() {
    var current = state();
    var step = Pathways.walk(diagram, current.answers);
    var pairs = Pathways.relevant(diagram, current.answers);
    var change = diagram.questions.map(function (q) { return q.id; }).indexOf(current.change);
    if (change >= 0 && step.questionsAsked.indexOf(change) >= 0) return askQuestion(current, change);
    if (step.ask !== undefined) return askQuestion(current, step.ask);
    if (current.view === "results") return results(pairs, step.outcome);
    return checkAnswers(pairs);
  }

  /* Details open in print, so a printed result carries its reasons. */
  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll("details"), function (d) { d.open = true; });
  });
  /* Fragments that are not answers (the skip link's #main) are left to the browser. */
  window.addEventListener("hashchange", function () {
    if (location.hash.length < 2 || location.hash.indexOf("=") >= 0) render();
  });
  render();
})();
