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

  function save(position) {
    var body = new FormData();
    body.append("position", position);
    form.querySelectorAll("[name=q_" + position + "]").forEach(function (field) {
      if ((field.type === "radio" || field.type === "checkbox") && !field.checked) return;
      body.append("answer", field.value);
    });
    fetch(url, { method: "POST", body: body, headers: { "X-CSRFToken": token }, credentials: "same-origin" })
      .then(function (response) {
        return response.json().then(function (data) {
          if (state) state.textContent = response.ok ? form.dataset.saved || "✓" : data.message;
          if (response.status === 409) handIn();
        });
      })
      .catch(function () { if (state) state.textContent = "…"; });
  }

  function handIn() {
    if (handingIn) return;
    handingIn = true;
    form.submit();
  }

  var timers = {};
  form.addEventListener("change", function (event) {
    var item = event.target.closest("[data-position]");
    if (item) save(item.dataset.position);
  });
  form.addEventListener("input", function (event) {
    if (event.target.tagName !== "TEXTAREA") return;
    var position = event.target.closest("[data-position]").dataset.position;
    clearTimeout(timers[position]);
    timers[position] = setTimeout(function () { save(position); }, 800);
  });
  form.addEventListener("submit", function () { handingIn = true; });

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
