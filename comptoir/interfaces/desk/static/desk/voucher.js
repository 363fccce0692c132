// The counter's voucher screen: scan the customer's QR code with the camera.
// BarcodeDetector where the browser has it; otherwise the vendored jsQR
// decoder reads frames drawn on a canvas. No network, no inline script.
(function () {
  "use strict";

  const page = document.querySelector("[data-voucher-desk]");
  if (!page) return;
  const form = page.querySelector("[data-voucher-check]");
  const input = page.querySelector("[data-voucher-code]");
  const scanButton = page.querySelector("[data-voucher-scan]");
  const scanner = page.querySelector("[data-voucher-scanner]");
  const video = scanner.querySelector("video");
  const canvas = scanner.querySelector("canvas");
  const hasCamera = Boolean(navigator.mediaDevices && typeof navigator.mediaDevices.getUserMedia === "function");
  const hasDetector = "BarcodeDetector" in window;

  if (hasCamera && (hasDetector || typeof window.jsQR === "function")) {
    document.documentElement.classList.add("can-camera");
  }

  let stream = null;
  let timer = null;
  let detector = null;

  function stop() {
    window.clearTimeout(timer);
    if (stream) stream.getTracks().forEach(function (track) {
      track.stop();
    });
    stream = null;
    if (scanner.open) scanner.close();
  }

  // One frame through jsQR: the text of the QR code in it, or "".
  function decodeFrame() {
    if (!video.videoWidth) return "";
    const width = Math.min(video.videoWidth, 800);
    const height = Math.round((video.videoHeight * width) / video.videoWidth);
    canvas.width = width;
    canvas.height = height;
    const context = canvas.getContext("2d", { willReadFrequently: true });
    context.drawImage(video, 0, 0, width, height);
    const found = window.jsQR(context.getImageData(0, 0, width, height).data, width, height, {
      inversionAttempts: "dontInvert",
    });
    return found ? found.data : "";
  }

  function detect() {
    if (detector) {
      return detector.detect(video).then(function (codes) {
        return codes.length ? codes[0].rawValue || "" : "";
      });
    }
    return Promise.resolve(decodeFrame());
  }

  function found(text) {
    stop();
    input.value = text.trim().toUpperCase();
    form.requestSubmit();
  }

  function look() {
    if (!stream) return;
    detect()
      .then(function (text) {
        if (text) found(text);
        else timer = window.setTimeout(look, 200);
      })
      .catch(function () {
        timer = window.setTimeout(look, 400);
      });
  }

  function start() {
    delete scanner.dataset.failed;
    scanner.showModal();
    if (hasDetector) {
      try {
        detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      } catch (error) {
        detector = null; // no QR support in this BarcodeDetector: jsQR reads instead
      }
    }
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (camera) {
        stream = camera;
        video.srcObject = camera;
        return video.play();
      })
      .then(look)
      .catch(function (error) {
        console.warn("Comptoir vouchers: camera unavailable:", error);
        scanner.dataset.failed = "true";
      });
  }

  scanButton.addEventListener("click", function (event) {
    event.preventDefault();
    start();
  });
  scanner.addEventListener("close", stop);
  scanner.querySelector("[data-voucher-scan-close]").addEventListener("click", stop);

  // After a check or a redeem, bring the verdict (and its big button) into view.
  document.body.addEventListener("htmx:afterSettle", function (event) {
    if (!event.target || event.target.id !== "voucher-verdict") return;
    const confirm = event.target.querySelector("[data-voucher-confirm]");
    const verdict = event.target.querySelector(".voucher-verdict");
    if (confirm) confirm.focus();
    else if (verdict) verdict.focus();
    if (verdict) verdict.scrollIntoView({ block: "nearest" });
  });
})();
