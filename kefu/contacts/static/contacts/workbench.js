/* The workbench during a call: the call reason looks its name up in the knowledge base and
   says when it repeats an earlier contact's; the text boxes count their characters against
   what will be kept; the standard phrases follow the situation and the kind of order. */
(function () {
  "use strict";
  var SEPARATOR = " › ";

  // The option the typed call reason names: the whole path, or the end of exactly one.
  function reasonOption(text) {
    var typed = text.trim();
    if (!typed) { return null; }
    var options = Array.prototype.slice.call(document.querySelectorAll("#service-contents option"));
    var whole = options.filter(function (o) { return o.value === typed || o.dataset.code === typed; });
    if (whole.length === 1) { return whole[0]; }
    var ending = options.filter(function (o) {
      var value = o.value;
      return value.slice(-typed.length) === typed && value.slice(-typed.length - SEPARATOR.length, -typed.length) === SEPARATOR;
    });
    return ending.length === 1 ? ending[0] : null;
  }

  var reason = document.querySelector("input[name=service_content]");
  var flag = document.getElementById("repeat-flag");
  var repeatTag = document.getElementById("repeat-reason");
  function onReason() {
    var option = reasonOption(reason.value);
    var search = document.getElementById("kb-q");
    if (option && search) {
      search.value = option.value.split(SEPARATOR).pop();
      htmx.trigger(search, "search");
    }
    if (repeatTag) {
      var codes = flag ? (flag.dataset.repeatCodes || "").split(" ") : [];
      repeatTag.hidden = !(option && codes.indexOf(option.dataset.code) >= 0);
    }
  }
  if (reason) {
    reason.addEventListener("change", onReason);
    if (reason.value) { onReason(); }
  }

  // "123/2000": the count turns red past the limit; the server refuses, it never cuts.
  document.querySelectorAll("[data-counter-for]").forEach(function (counter) {
    var field = document.querySelector("#contact-form [name=" + counter.dataset.counterFor + "]");
    var limit = Number(counter.dataset.limit);
    if (!field) { return; }
    function count() {
      var length = Array.from(field.value).length;
      counter.textContent = length + "/" + limit;
      counter.classList.toggle("over", length > limit);
      if (length > limit) { field.setAttribute("aria-invalid", "true"); }
    }
    field.addEventListener("input", count);
    count();
  });

  // Standard phrases: the situation picked shows its wording; a kind of order brings its own.
  var situation = document.getElementById("phrase-situation");
  function showPhrase() {
    document.querySelectorAll("[data-phrase]").forEach(function (phrase) {
      phrase.hidden = phrase.dataset.phrase !== situation.value;
    });
  }
  if (situation) {
    situation.addEventListener("change", showPhrase);
    var kind = document.getElementById("order-kind");
    if (kind) {
      kind.addEventListener("change", function () {
        var match = situation.querySelector('option[data-kinds~="' + CSS.escape(kind.value) + '"]');
        if (match) { situation.value = match.value; showPhrase(); }
      });
    }
  }
})();
