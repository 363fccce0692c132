// The counter's voucher screen: scan the customer's QR code with the camera
// (qr_camera.js), or type it.
(function () {
  "use strict";

  const page = document.querySelector("[data-voucher-desk]");
  if (!page) return;
  const form = page.querySelector("[data-voucher-check]");
  const input = page.querySelector("[data-voucher-code]");
  const scanButton = page.querySelector("[data-voucher-scan]");
  const scanner = page.querySelector("[data-voucher-scanner]");

  if (window.ComptoirQrCamera.available()) document.documentElement.classList.add("can-camera");

  let camera = null;

  function stop() {
    if (camera) camera.stop();
    camera = null;
  }

  function start() {
    camera = window.ComptoirQrCamera.open(
      scanner,
      function (text) {
        camera = null;
        input.value = text.toUpperCase();
        form.requestSubmit();
      },
      "vouchers",
    );
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
