/* The participant signs on the tablet's screen (signature_pad, vendor/README.md). Each box is a
   <div data-signature="<id of the hidden input>" hidden>: shown only when this script runs, so without
   JavaScript the paper checkbox or button is all there is. A stroke fills the hidden input with a PNG. */
(function () {
  "use strict";
  if (typeof SignaturePad === "undefined") return;
  document.querySelectorAll("[data-signature]").forEach(function (box) {
    var input = document.getElementById(box.getAttribute("data-signature"));
    var canvas = box.querySelector("canvas");
    if (!input || !canvas) return;
    box.hidden = false;
    var form = box.closest("form");
    var save = form && form.querySelector("[data-signature-save]");
    if (save) save.hidden = false;
    var pad = new SignaturePad(canvas, { penColor: "#111", minWidth: 1, maxWidth: 2.5 });
    function resize() {
      var ratio = Math.max(window.devicePixelRatio || 1, 1);
      var strokes = pad.toData();
      canvas.width = canvas.offsetWidth * ratio;
      canvas.height = canvas.offsetHeight * ratio;
      canvas.getContext("2d").scale(ratio, ratio);
      pad.clear();
      pad.fromData(strokes);
    }
    window.addEventListener("resize", resize);
    resize();
    pad.addEventListener("endStroke", function () {
      input.value = pad.toDataURL("image/png");
      box.classList.add("signed");
    });
    var clear = box.querySelector("[data-signature-clear]");
    if (clear) {
      clear.addEventListener("click", function () {
        pad.clear();
        input.value = "";
        box.classList.remove("signed");
      });
    }
  });
})();
