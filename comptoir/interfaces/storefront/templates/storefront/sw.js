/* Comptoir's service worker (rendered by comptoir/interfaces/storefront/pwa.py).
 *
 * What it does, and the rule for what it must never keep:
 *
 * - Only same-origin GET requests are handled. POSTs (and every other method)
 *   go straight to the network and are never cached.
 * - Never handled at all: /operator/ (back office), /live/ (event streams),
 *   /api/, /i18n/, /media/ and this file. The network answers them as if the
 *   worker did not exist.
 * - Personal pages, any URL with a basket, checkout, account or order(s) path
 *   segment, are never cached: network only, the offline page when it fails.
 *   Pages that show personal data elsewhere must answer with
 *   `Cache-Control: private` or `no-store` (Django's `never_cache` does): the
 *   worker never caches such a response either.
 * - Other page navigations: network first. A successful page is kept (the last
 *   30) so a shop page seen once can be read offline;
 *   with no network and no copy, the offline page is shown.
 * - Static files: cache first when their names carry a content hash (they then
 *   never change), network first otherwise (development).
 * - A deploy changes the hashed names or the offline page, hence VERSION, hence
 *   this file: the browser installs the new worker, which drops the old caches.
 * - Web Push (comptoir/domain/notifications/push.py): each push carries
 *   {title, body, url, tag} and no personal data; it is shown at once, a later
 *   push with the same tag (the same order) replaces it, and a tap focuses a
 *   tab already on that page or opens it.
 */
"use strict";

const VERSION = "{{ version }}";
const STATIC_CACHE = "comptoir-static-" + VERSION;
const PAGES_CACHE = "comptoir-pages-" + VERSION;
const PAGES_KEPT = 30;
const OFFLINE_URL = "{{ offline_url }}";
const STATIC_URL = "{{ static_url }}";
const STATIC_NAMES_ARE_HASHED = {{ static_names_are_hashed|yesno:"true,false" }};
const PRECACHE = [
{% for url in precache %}  "{{ url }}",
{% endfor %}];
const NEVER_HANDLED = /^\/(operator|live|api|i18n|media)(\/|$)|^\/sw\.js$/;
const PERSONAL = /\/(basket|checkout|account|orders?)(\/|$)/;
const PRIVATE_RESPONSE = /no-store|private/i;
// Unhashed names (collectstatic keeps them): a notification needs no precache.
const PUSH_ICON = STATIC_URL + "icons/icon-192.png";
const PUSH_BADGE = STATIC_URL + "icons/badge-96.png";

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches
      .open(STATIC_CACHE)
      .then(function (cache) {
        return cache.addAll(PRECACHE);
      })
      .then(function () {
        return self.skipWaiting();
      })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches
      .keys()
      .then(function (names) {
        return Promise.all(
          names
            .filter(function (name) {
              return name.startsWith("comptoir-") && name !== STATIC_CACHE && name !== PAGES_CACHE;
            })
            .map(function (name) {
              return caches.delete(name);
            })
        );
      })
      .then(function () {
        return self.clients.claim();
      })
  );
});

self.addEventListener("fetch", function (event) {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || NEVER_HANDLED.test(url.pathname)) return;
  if (url.pathname.startsWith(STATIC_URL)) {
    event.respondWith(STATIC_NAMES_ARE_HASHED ? cacheFirst(request) : networkFirst(request));
  } else if (request.mode === "navigate") {
    event.respondWith(page(request, !PERSONAL.test(url.pathname)));
  }
});

async function cacheFirst(request) {
  const cached = await caches.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok && response.type === "basic") {
    const cache = await caches.open(STATIC_CACHE);
    await cache.put(request, response.clone());
  }
  return response;
}

async function networkFirst(request) {
  try {
    const response = await fetch(request);
    if (response.ok && response.type === "basic") {
      const cache = await caches.open(STATIC_CACHE);
      await cache.put(request, response.clone());
    }
    return response;
  } catch (error) {
    const cached = await caches.match(request);
    if (cached) return cached;
    throw error;
  }
}

async function page(request, keep) {
  try {
    const response = await fetch(request);
    if (keep && keepable(response)) {
      const cache = await caches.open(PAGES_CACHE);
      await cache.put(request, response.clone());
      await trim(cache);
    }
    return response;
  } catch (error) {
    const copy = keep ? await caches.match(request, { cacheName: PAGES_CACHE }) : undefined;
    return copy || (await caches.match(OFFLINE_URL)) || Response.error();
  }
}

function keepable(response) {
  return (
    response.ok &&
    response.type === "basic" &&
    !PRIVATE_RESPONSE.test(response.headers.get("Cache-Control") || "")
  );
}

async function trim(cache) {
  const keys = await cache.keys();
  await Promise.all(
    keys.slice(0, Math.max(0, keys.length - PAGES_KEPT)).map(function (key) {
      return cache.delete(key);
    })
  );
}

self.addEventListener("push", function (event) {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = { body: event.data ? event.data.text() : "" };
  }
  event.waitUntil(
    self.registration.showNotification(data.title || "Comptoir", {
      body: data.body || "",
      icon: PUSH_ICON,
      badge: PUSH_BADGE,
      tag: data.tag || "comptoir",
      renotify: true,
      data: { url: sameSitePath(data.url) },
    })
  );
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  const path = sameSitePath(event.notification.data && event.notification.data.url);
  const target = new URL(path, self.location.origin).href;
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
      for (const client of windows) {
        if (client.url === target && "focus" in client) return client.focus();
      }
      return self.clients.openWindow(target);
    })
  );
});

// A notification only ever opens a page of this site.
function sameSitePath(url) {
  return typeof url === "string" && url.startsWith("/") && !url.startsWith("//") ? url : "/";
}
