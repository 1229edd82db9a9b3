/* Scan a QR label with the tablet's or laptop's camera, on any current browser.
   The fast path is the browser's own BarcodeDetector where it reads QR codes (Chrome on Android, macOS,
   ChromeOS); elsewhere (desktop Chrome on Linux and Windows, Firefox, Safari) the vendored @zxing/library
   decoder (vendor/README.md) is loaded on the first click, from our own origin. Without a camera or without
   JavaScript the field works as typed, or filled by a USB scanner. The label's URL goes into the field and
   the form is sent, as a USB scanner does.
   <script src="scan.js" data-field="id_tag" data-zxing="..." data-label="..." data-stop="..." data-busy="..."
           data-no-camera="..."> */
(function () {
  "use strict";
  var script = document.currentScript;
  var input = document.getElementById(script.getAttribute("data-field"));
  if (!input || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return;
  var text = function (name) { return script.getAttribute("data-" + name) || ""; };

  var button = document.createElement("button");
  button.type = "button";
  button.className = "secondary";
  button.id = input.id + "-camera";
  button.textContent = text("label");
  var status = document.createElement("p");
  status.setAttribute("role", "status");
  status.className = "scan-status";
  input.insertAdjacentElement("afterend", button);
  button.insertAdjacentElement("afterend", status);
  var running = null;

  function loadZxing() {
    if (window.ZXing) return Promise.resolve(window.ZXing);
    return new Promise(function (resolve, reject) {
      var tag = document.createElement("script");
      tag.src = text("zxing");
      tag.onload = function () { resolve(window.ZXing); };
      tag.onerror = reject;
      document.head.appendChild(tag);
    });
  }

  function nativeDetector() {
    if (!("BarcodeDetector" in window) || !window.BarcodeDetector.getSupportedFormats) return Promise.resolve(null);
    return window.BarcodeDetector.getSupportedFormats().then(function (formats) {
      return formats.indexOf("qr_code") >= 0 ? new window.BarcodeDetector({ formats: ["qr_code"] }) : null;
    }, function () { return null; });
  }

  function stop() {
    if (!running) return;
    running.stop();
    running = null;
    button.textContent = text("label");
    status.textContent = "";
  }

  function found(value) {
    stop();
    input.value = value;
    input.dispatchEvent(new Event("input", { bubbles: true }));
    if (input.form) input.form.requestSubmit();
  }

  function start() {
    status.textContent = text("busy");
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false }).then(function (stream) {
      var video = document.createElement("video");
      video.setAttribute("playsinline", "");
      video.muted = true;
      video.className = "scan-video";
      status.insertAdjacentElement("afterend", video);
      video.srcObject = stream;
      video.play();
      var timer = null;
      var reader = null;
      running = {
        stop: function () {
          if (timer) clearInterval(timer);
          if (reader) reader.reset();
          stream.getTracks().forEach(function (track) { track.stop(); });
          video.remove();
        }
      };
      button.textContent = text("stop");
      nativeDetector().then(function (detector) {
        if (!running) return;
        if (detector) {
          script.setAttribute("data-decoder", "barcodedetector");
          timer = setInterval(function () {
            detector.detect(video).then(function (codes) { if (codes.length) found(codes[0].rawValue); }, function () {});
          }, 250);
          return;
        }
        loadZxing().then(function (ZXing) {
          if (!running) return;
          script.setAttribute("data-decoder", "zxing");
          reader = new ZXing.BrowserQRCodeReader();
          reader.decodeFromStream(stream, video, function (result) { if (result) found(result.getText()); });
        });
      });
    }, function () {
      status.textContent = text("no-camera");
    });
  }

  button.addEventListener("click", function () { if (running) stop(); else start(); });
})();
