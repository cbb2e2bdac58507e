// Taking an exam: each answer is saved as it changes; the time left counts down and the
// paper is handed in when it reaches zero. The server keeps the time limit whatever
// this script does: answers after the deadline are refused.
(function () {
  "use strict";
  var form = document.querySelector("form.paper-form");
  var clock = document.querySelector(".time-left");
  if (!form || !clock) return;
  var url = form.dataset.answerUrl;
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var state = document.querySelector(".save-state");
  var deadline = Date.now() + parseInt(clock.dataset.seconds, 10) * 1000;
  var handingIn = false;

  // One request at a time per question, each reading the fields when it is sent, so a
  // slower earlier request never overwrites a later answer.
  var queue = {}, latest = {};
  function save(position) {
    var item = form.querySelector("[data-position='" + position + "']");
    var n = (latest[position] || 0) + 1;
    latest[position] = n;
    item.classList.remove("saved");
    queue[position] = (queue[position] || Promise.resolve()).then(function () {
      if (latest[position] !== n) return null;
      var body = new URLSearchParams();
      body.append("position", position);
      form.querySelectorAll("[name=q_" + position + "]").forEach(function (field) {
        if ((field.type === "radio" || field.type === "checkbox") && !field.checked) return;
        body.append("answer", field.value);
      });
      return fetch(url, { method: "POST", body: body, headers: { "X-CSRFToken": token }, credentials: "same-origin" })
        .then(function (response) {
          return response.json().then(function (data) {
            if (state) state.textContent = response.ok ? form.dataset.saved : data.message;
            if (response.ok && latest[position] === n) item.classList.add("saved");
            if (response.status === 409) handIn();
          });
        })
        .catch(function () { if (state) state.textContent = "…"; });
    });
  }

  function handIn() {
    if (handingIn) return;
    handingIn = true;
    form.submit();
  }

  var timers = {};
  form.addEventListener("change", function (event) {
    var item = event.target.closest("[data-position]");
    if (item && event.target.tagName !== "TEXTAREA") save(item.dataset.position);
  });
  form.addEventListener("input", function (event) {
    if (event.target.tagName !== "TEXTAREA") return;
    var item = event.target.closest("[data-position]");
    var position = item.dataset.position;
    item.classList.remove("saved");
    clearTimeout(timers[position]);
    timers[position] = setTimeout(function () { save(position); }, 800);
  });
  form.addEventListener("submit", function () { handingIn = true; });
  // A written answer still waiting for its pause is saved when the page is left.
  window.addEventListener("pagehide", function () {
    Object.keys(timers).forEach(function (position) {
      clearTimeout(timers[position]);
      var item = form.querySelector("[data-position='" + position + "']");
      if (item.classList.contains("saved") || handingIn) return;
      var body = new URLSearchParams();
      body.append("csrfmiddlewaretoken", token);
      body.append("position", position);
      body.append("answer", item.querySelector("textarea").value);
      navigator.sendBeacon(url, body);
    });
  });

  function tick() {
    var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    var minutes = Math.floor(left / 60), seconds = left % 60;
    clock.querySelector("strong").textContent =
      minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
    if (left === 0) handIn();
    else setTimeout(tick, 1000);
  }
  tick();
})();
