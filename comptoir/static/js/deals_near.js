/* The deals page's "Near me" button: asks the browser where we are, then
 * reloads the page with ?lat=&lng= (the server sorts by distance and shows it).
 * Without JavaScript or geolocation the button stays hidden; the rest works. */
"use strict";

(function () {
  const button = document.querySelector("[data-deals-near]");
  if (!button || !("geolocation" in navigator)) return;
  const status = document.getElementById("deals-near-status");
  button.hidden = false;
  button.addEventListener("click", function () {
    button.disabled = true;
    if (status) status.textContent = button.dataset.waiting || "";
    navigator.geolocation.getCurrentPosition(
      function (position) {
        const url = new URL(window.location.href);
        url.searchParams.set("lat", position.coords.latitude.toFixed(5));
        url.searchParams.set("lng", position.coords.longitude.toFixed(5));
        window.location.assign(url.toString());
      },
      function () {
        button.disabled = false;
        if (status) status.textContent = button.dataset.refused || "";
      },
      { enableHighAccuracy: false, timeout: 15000, maximumAge: 300000 }
    );
  });
})();
