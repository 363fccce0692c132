/* The add-to-basket confirmation sheet (#basket-sheet): its close button.
 * htmx swaps the confirmation in; this only empties it again on "×" or Escape.
 * Loaded with `defer`, no inline script (CSP). */
"use strict";

(function () {
  function close() {
    const sheet = document.getElementById("basket-sheet");
    if (sheet) sheet.replaceChildren();
  }

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-basket-sheet-close]")) close();
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") close();
  });
})();
