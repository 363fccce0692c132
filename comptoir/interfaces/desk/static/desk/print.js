/* "Print" buttons (tickets, preparation list): shown only with JavaScript. */
"use strict";

(function () {
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
