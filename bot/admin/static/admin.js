// Borgerbot staff pages: the live preview of a guide, and focus on an error summary.
// Everything works without this script; it only saves a round trip.
(function () {
  "use strict";
  var summary = document.querySelector("[data-focus]");
  if (summary) summary.focus();

  var form = document.getElementById("guide-form");
  var target = document.getElementById("preview");
  if (!form || !target || !form.dataset.preview) return;
  var timer = null;
  var token = form.querySelector("input[name=csrftoken]");

  function refresh() {
    var body = new URLSearchParams(new FormData(form));
    fetch(form.dataset.preview, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "x-csrftoken": token ? token.value : "" },
    })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null) return;
        // The fragment is our own server's autoescaped template: guide text arrives as text.
        var parsed = new DOMParser().parseFromString(html, "text/html");
        target.replaceChildren.apply(target, Array.prototype.slice.call(parsed.body.childNodes));
      })
      .catch(function () { /* the preview is a convenience; saving still works */ });
  }

  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 400);
  });
})();
