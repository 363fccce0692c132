/* Site-wide behaviour, loaded with `defer` on every page (no inline script: CSP).
 * Registers the service worker whose URL the script tag carries in
 * data-service-worker (offline page, cached static files). */
"use strict";

(function () {
  const script = document.currentScript;
  if (!script || !("serviceWorker" in navigator)) return;
  const url = script.dataset.serviceWorker;
  window.addEventListener("load", function () {
    navigator.serviceWorker.register(url, { scope: "/" }).catch(function (error) {
      // The site works without it (private windows, old browsers): no error.
      console.warn("Comptoir: service worker not registered:", error);
    });
  });
})();
