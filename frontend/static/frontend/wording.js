/* Live preview of an SMS wording as the administrator types: the text with the organisation's real data and
   an example participant, and how many SMS it takes. Without JavaScript the "Preview" button does the same. */
(function () {
  "use strict";
  var box = document.getElementById("id_body");
  var preview = document.getElementById("preview");
  if (!box || !preview || !window.fetch) return;
  var text = document.getElementById("preview-text");
  var size = document.getElementById("preview-size");
  var timer = null;
  box.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var url = preview.getAttribute("data-url") + "&body=" + encodeURIComponent(box.value);
      fetch(url, { credentials: "same-origin" }).then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; });
      }).then(function (answer) {
        if (!answer.ok) {
          text.textContent = "";
          size.textContent = answer.data.error;
          return;
        }
        text.textContent = answer.data.text;
        var many = preview.getAttribute("data-many").replace("%(n)s", answer.data.segments);
        size.textContent = answer.data.length + " · " + (answer.data.segments > 1 ? many : preview.getAttribute("data-one"));
      });
    }, 250);
  });
})();
