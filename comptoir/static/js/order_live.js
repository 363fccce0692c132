/* An order's live status on the customer's pages (order page, guest confirmation).
 *
 * Each [data-order-live] box listens to /live/orders/<number> (Server-Sent
 * Events, the browser's EventSource: it reconnects by itself, after the
 * server's `retry:` delay). On the stream's `hello` (every (re)connection) and
 * on every `order` nudge, the box re-reads its status fragment
 * (accounts:order_status) and replaces itself: the database is the truth, the
 * event only says "look again". Once the order is over (collected, refused…)
 * the stream is closed. Coming back to the tab also re-reads the status.
 */
"use strict";

(function () {
  const streams = new Map();

  function box(number) {
    return document.getElementById("order-live-" + number);
  }

  function refresh(number) {
    const current = box(number);
    if (!current) return Promise.resolve();
    return fetch(current.dataset.statusUrl, {
      credentials: "same-origin",
      headers: { "HX-Request": "true", Accept: "text/html" },
      cache: "no-store",
    })
      .then(function (response) {
        if (!response.ok) throw new Error("status " + response.status);
        return response.text();
      })
      .then(function (html) {
        const template = document.createElement("template");
        template.innerHTML = html.trim();
        const fresh = template.content.querySelector("[data-order-live]");
        const now = box(number);
        if (!fresh || !now) return;
        const changed = fresh.dataset.state !== now.dataset.state;
        now.replaceWith(fresh);
        if (changed) {
          // Parts of the page that only make sense in some states (the
          // cancel button while placed, the pickup code while open) follow.
          document.querySelectorAll("[data-live-states]").forEach(function (part) {
            part.hidden = part.dataset.liveStates.split(" ").indexOf(fresh.dataset.state) === -1;
          });
          fresh.classList.add("order-live--changed");
          if (navigator.vibrate) navigator.vibrate(150);
        }
        if (fresh.hasAttribute("data-final")) close(number);
      })
      .catch(function (error) {
        console.warn("Comptoir: order status not refreshed:", error);
      });
  }

  function close(number) {
    const source = streams.get(number);
    if (source) source.close();
    streams.delete(number);
  }

  function listen(element) {
    const number = element.dataset.number;
    if (streams.has(number) || element.hasAttribute("data-final")) return;
    const source = new EventSource(element.dataset.streamUrl, { withCredentials: true });
    streams.set(number, source);
    source.addEventListener("hello", function () {
      const current = box(number);
      if (current) current.dataset.connection = "live";
      refresh(number);
    });
    source.addEventListener("order", function () {
      refresh(number);
    });
    source.addEventListener("resync", function () {
      refresh(number);
    });
    source.addEventListener("error", function () {
      const current = box(number);
      if (current) current.dataset.connection = "reconnecting";
    });
  }

  // Without /live/ next to this server (plain WSGI, e.g. `runserver`), poll.
  const POLL_MS = 15000;

  function poll(element) {
    const number = element.dataset.number;
    if (streams.has(number) || element.hasAttribute("data-final")) return;
    const timer = window.setInterval(function () {
      refresh(number);
    }, POLL_MS);
    streams.set(number, { close: function () { window.clearInterval(timer); } });
    refresh(number);
  }

  document.querySelectorAll("[data-order-live]").forEach(function (element) {
    if (element.dataset.streamUrl && window.EventSource) listen(element);
    else poll(element);
  });

  document.addEventListener("visibilitychange", function () {
    if (document.hidden) return;
    streams.forEach(function (_source, number) {
      refresh(number);
    });
  });
})();
