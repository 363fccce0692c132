// Reading a customer's QR code with the counter's camera: the desk's pickup
// codes and the voucher screen share it. BarcodeDetector where the browser
// has one that reads QR codes; otherwise the vendored jsQR decoder (loaded
// before this file) reads frames drawn on a canvas. No network, no inline
// script.
//
//   ComptoirQrCamera.available()         -> can this browser scan at all?
//   const camera = ComptoirQrCamera.open(dialog, onText, label)
//   camera.stop()                        -> camera off, dialog closed
//
// `dialog` holds a <video>; `onText(text)` gets the first code read, once,
// after the camera is off. A failure to open the camera sets
// `dialog.dataset.failed`, which the page's CSS turns into a message.
window.ComptoirQrCamera = (function () {
  "use strict";

  function available() {
    const hasCamera = Boolean(navigator.mediaDevices && typeof navigator.mediaDevices.getUserMedia === "function");
    return hasCamera && ("BarcodeDetector" in window || typeof window.jsQR === "function");
  }

  function newDetector() {
    if (!("BarcodeDetector" in window)) return null;
    try {
      return new window.BarcodeDetector({ formats: ["qr_code"] });
    } catch (error) {
      return null; // no QR support in this BarcodeDetector: jsQR reads instead
    }
  }

  function open(dialog, onText, label) {
    const video = dialog.querySelector("video");
    const canvas = document.createElement("canvas");
    const detector = newDetector();
    let stream = null;
    let timer = null;
    let done = false;

    function stop() {
      done = true;
      window.clearTimeout(timer);
      if (stream) stream.getTracks().forEach(function (track) {
        track.stop();
      });
      stream = null;
      if (dialog.open) dialog.close();
    }

    // One frame through jsQR: the text of the QR code in it, or "".
    function decodeFrame() {
      if (!video.videoWidth || typeof window.jsQR !== "function") return "";
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

    function look() {
      if (done) return;
      detect()
        .then(function (text) {
          if (done) return;
          if (text) {
            stop();
            onText(text.trim());
          } else {
            timer = window.setTimeout(look, 200);
          }
        })
        .catch(function () {
          if (!done) timer = window.setTimeout(look, 400);
        });
    }

    delete dialog.dataset.failed;
    dialog.showModal();
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (camera) {
        if (done) {
          camera.getTracks().forEach(function (track) {
            track.stop();
          });
          return;
        }
        stream = camera;
        video.srcObject = camera;
        return video.play().then(look);
      })
      .catch(function (error) {
        console.warn("Comptoir " + label + ": camera unavailable:", error);
        dialog.dataset.failed = "true";
      });

    return { stop: stop };
  }

  return { available: available, open: open };
})();
