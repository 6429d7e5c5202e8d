// Exception Desk console: progressive enhancement only. Every page works without this file;
// with it, a draft being edited is checked as you type and the chain status loads itself.
(function () {
  "use strict";

  function post(url, form) {
    return fetch(url, {
      method: "POST",
      body: new URLSearchParams(new FormData(form)),
      credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    }).then(function (r) { return r.text(); });
  }

  function replace(id, html) {
    var old = document.getElementById(id);
    if (!old) return;
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var fresh = holder.querySelector("#" + id);
    if (fresh) old.replaceWith(fresh);
  }

  function draftChecker() {
    var form = document.getElementById("draft-form");
    if (!form) return;
    var button = document.getElementById("check-draft");
    var timer = null;
    function check() {
      post(form.dataset.check, form).then(function (html) { replace("draft-check", html); });
    }
    button.hidden = false;
    button.addEventListener("click", check);
    form.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(check, 600);
    });
  }

  function chainStatus() {
    var holder = document.getElementById("chain");
    if (!holder) return;
    holder.setAttribute("aria-busy", "true");
    fetch(holder.dataset.src, { credentials: "same-origin" })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        var box = document.createElement("div");
        box.innerHTML = html;
        var status = box.querySelector("#chain-status");
        if (status) { holder.replaceChildren(status); }
        holder.removeAttribute("aria-busy");
      });
  }

  document.addEventListener("DOMContentLoaded", function () {
    draftChecker();
    chainStatus();
  });
})();
