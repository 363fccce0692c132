/* "Be notified on this phone" (notifications/_push_optin.html; no inline script: CSP).
 *
 * Each [data-push-optin] box stays hidden unless the browser can push (service
 * worker + PushManager + Notification; on iPhone only once the site is added
 * to the home screen). A tap asks permission, subscribes with the site's VAPID
 * public key and POSTs the subscription with the box's audience (an order, or
 * a shop's desk). States, in data-state: off, on, denied (blocked in the
 * browser's settings), busy, error. Turning off forgets this phone for this
 * audience only: the browser's one subscription may serve other pages.
 */
"use strict";

(function () {
  if (window.comptoirPush) return; // the include may appear twice on a page
  window.comptoirPush = true;

  function supported() {
    return "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
  }

  function keyBytes(text) {
    const base64 = (text + "===".slice((text.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    return Uint8Array.from(atob(base64), function (c) {
      return c.charCodeAt(0);
    });
  }

  function sameKey(buffer, bytes) {
    if (!buffer) return false;
    const other = new Uint8Array(buffer);
    return other.length === bytes.length && other.every(function (b, i) {
      return b === bytes[i];
    });
  }

  function audience(box) {
    if (box.dataset.scope === "shop") {
      return { scope: "shop", city: box.dataset.city, shop: box.dataset.shop };
    }
    return { scope: "order", order: box.dataset.order };
  }

  async function post(box, url, payload) {
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": box.dataset.csrf },
      body: JSON.stringify(Object.assign(audience(box), payload)),
    });
    if (!response.ok) throw new Error("push: HTTP " + response.status + " from " + url);
    return response.json();
  }

  let keyRequest = null;
  function publicKey(box) {
    keyRequest =
      keyRequest ||
      fetch(box.dataset.keyUrl, { credentials: "same-origin" }).then(function (response) {
        if (!response.ok) throw new Error("push: no public key");
        return response.json();
      });
    return keyRequest.then(function (data) {
      return keyBytes(data.public_key);
    });
  }

  async function registration(box) {
    // app.js registers the worker on load; registering again is harmless and
    // covers a tap that comes first.
    await navigator.serviceWorker.register(box.dataset.serviceWorker, { scope: "/" });
    return navigator.serviceWorker.ready;
  }

  function show(box, state) {
    box.dataset.state = state;
    const label = state === "on" ? "on" : "off";
    box.querySelectorAll("[data-push-label]").forEach(function (el) {
      el.hidden = el.dataset.pushLabel !== label;
    });
    box.querySelectorAll("[data-push-note]").forEach(function (el) {
      el.hidden = el.dataset.pushNote !== state;
    });
    const button = box.querySelector("[data-push-toggle]");
    button.setAttribute("aria-pressed", state === "on" ? "true" : "false");
    button.disabled = state === "denied" || state === "busy";
  }

  async function refresh(box) {
    if (Notification.permission === "denied") return show(box, "denied");
    if (Notification.permission !== "granted") return show(box, "off");
    const subscription = await (await registration(box)).pushManager.getSubscription();
    if (!subscription) return show(box, "off");
    const answer = await post(box, box.dataset.statusUrl, { endpoint: subscription.endpoint });
    show(box, answer.subscribed ? "on" : "off");
  }

  async function turnOn(box) {
    const permission = await Notification.requestPermission();
    if (permission !== "granted") return show(box, permission === "denied" ? "denied" : "off");
    const worker = await registration(box);
    const key = await publicKey(box);
    let subscription = await worker.pushManager.getSubscription();
    if (subscription && !sameKey(subscription.options && subscription.options.applicationServerKey, key)) {
      // Subscribed with an older key of the site: pushes signed now would be refused.
      await subscription.unsubscribe();
      subscription = null;
    }
    if (!subscription) {
      subscription = await worker.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: key,
      });
    }
    await post(box, box.dataset.subscribeUrl, { subscription: subscription.toJSON() });
    show(box, "on");
  }

  async function turnOff(box) {
    const subscription = await (await registration(box)).pushManager.getSubscription();
    if (subscription) await post(box, box.dataset.unsubscribeUrl, { endpoint: subscription.endpoint });
    show(box, "off");
  }

  function init(box) {
    if (box.dataset.pushReady || !supported()) return;
    box.dataset.pushReady = "1";
    box.hidden = false;
    box.querySelector("[data-push-toggle]").addEventListener("click", function () {
      const wasOn = box.dataset.state === "on";
      show(box, "busy");
      (wasOn ? turnOff(box) : turnOn(box)).catch(function (error) {
        console.warn("Comptoir:", error);
        show(box, "error");
      });
    });
    refresh(box).catch(function (error) {
      console.warn("Comptoir:", error);
      show(box, "off");
    });
  }

  function start(root) {
    root.querySelectorAll("[data-push-optin]").forEach(init);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      start(document);
    });
  } else {
    start(document);
  }
  // Boxes swapped in by htmx (the desk refreshes its panels).
  document.addEventListener("htmx:load", function (event) {
    if (event.target && event.target.querySelectorAll) start(event.target);
  });
})();
