/* The live order desk: hear new orders, ring until someone answers, one tap per step.
 *
 * The database is the source of truth: the stream (/live/shops/<id>/desk) only
 * nudges, and on every nudge (and on every (re)connection) the board is
 * re-read from the server (desk:board) and merged into the page.
 *
 * The stream is read with fetch() rather than EventSource: EventSource hides
 * the server's `: ping` comments, so it cannot tell a quiet line from a dead
 * one (a phone that changed network keeps an "open" EventSource forever). Here
 * every byte resets a watchdog; after 2 x the heartbeat without one, the
 * connection is dropped and re-opened, with exponential backoff from the
 * server's `retry:` delay. A 401/403/404 means "signed out": no retry loop.
 *
 * Sound: browsers only let a page play sound after a tap. Until then a big
 * "Tap to enable sound" banner stays on screen; the tap also asks for
 * notification permission and keeps the screen awake (Wake Lock API).
 * While any order waits for an answer a WebAudio beep repeats, faster and
 * louder once an order is escalated (the shop's escalation delay passed).
 *
 * Loaded with `defer` by desk/desk.html; no inline script (strict CSP).
 */
"use strict";

(function () {
  const root = document.querySelector("[data-desk]");
  if (!root) return;

  // htmx copies "style" between old and new elements of the same id while
  // settling; an input the browser gave an empty style="" then trips the CSP.
  if (window.htmx) window.htmx.config.attributesToSettle = ["class", "width", "height"];

  const streamUrl = root.dataset.streamUrl;
  const boardUrl = root.dataset.boardUrl;
  const heartbeat = parseFloat(String(root.dataset.heartbeat || "").replace(",", "."));
  const heartbeatMs = (heartbeat > 0 ? heartbeat : 15) * 1000;
  const statusEl = root.querySelector("[data-desk-status]");
  const unlockEls = Array.from(document.querySelectorAll("[data-desk-unlock]"));
  const baseTitle = document.title;
  const MAX_BACKOFF_MS = 30000;
  const OFFLINE_AFTER_FAILURES = 3;
  const POLL_MS = 10000;

  // --- Connection status ----------------------------------------------------

  function setStatus(state) {
    if (statusEl) statusEl.dataset.state = state;
    root.dataset.connection = state;
  }

  // --- The board: fetched, then merged so typed input survives a refresh ----

  let refreshing = null;
  let refreshAgain = false;

  function board() {
    return document.getElementById("desk-board");
  }

  function mergeBoard(fresh) {
    const current = board();
    if (!current) return;
    const active = document.activeElement;
    const activeId = active && current.contains(active) ? active.id : "";
    // Keep the cards that did not change (same order, same version, no new
    // message): their inputs (a pickup code half typed, a refusal reason)
    // and open panels survive a nudge caused by another order.
    fresh.querySelectorAll("[data-card]").forEach(function (card) {
      const old = current.querySelector("#" + CSS.escape(card.id));
      if (old && old.dataset.version === card.dataset.version && !card.querySelector("[data-card-error]")) {
        card.replaceWith(old);
      }
    });
    current.replaceWith(fresh);
    if (window.htmx) window.htmx.process(fresh);
    if (activeId) {
      const again = document.getElementById(activeId);
      if (again) again.focus({ preventScroll: true });
    }
    boardChanged();
  }

  function refreshBoard() {
    if (refreshing) {
      refreshAgain = true;
      return refreshing;
    }
    refreshing = fetch(boardUrl, {
      credentials: "same-origin",
      headers: { "HX-Request": "true", Accept: "text/html" },
      cache: "no-store",
    })
      .then(function (response) {
        if (response.status === 403 || response.status === 404 || response.redirected) {
          setStatus("signed-out");
          stopStream();
          return null;
        }
        if (!response.ok) throw new Error("board " + response.status);
        return response.text();
      })
      .then(function (html) {
        if (html === null) return;
        const template = document.createElement("template");
        template.innerHTML = html.trim();
        const fresh = template.content.querySelector("#desk-board");
        if (fresh) mergeBoard(fresh);
      })
      .catch(function (error) {
        console.warn("Comptoir desk: board not refreshed:", error);
      })
      .finally(function () {
        refreshing = null;
        if (refreshAgain) {
          refreshAgain = false;
          refreshBoard();
        }
      });
    return refreshing;
  }

  // --- What the board says: waiting orders, escalations, new arrivals -------

  const known = new Set();
  let firstRead = true;
  let waiting = 0;
  let escalated = 0;

  function boardChanged() {
    const current = board();
    if (!current) return;
    waiting = Number(current.dataset.waiting || "0");
    escalated = Number(current.dataset.escalated || "0");
    document.title = waiting > 0 ? "(" + waiting + ") " + baseTitle : baseTitle;
    const arrivals = [];
    current.querySelectorAll("[data-card][data-waiting]").forEach(function (card) {
      if (!known.has(card.id)) {
        known.add(card.id);
        arrivals.push(card);
      }
    });
    if (!firstRead && arrivals.length) notify(arrivals);
    firstRead = false;
    alarm.update();
  }

  // --- Sound ----------------------------------------------------------------

  const AudioContextClass = window.AudioContext || window.webkitAudioContext;
  let audio = null;

  function tone(at, frequency, duration, volume, wave) {
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.type = wave;
    oscillator.frequency.setValueAtTime(frequency, at);
    // A short attack and release: no click at either end.
    gain.gain.setValueAtTime(0.0001, at);
    gain.gain.exponentialRampToValueAtTime(volume, at + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + duration);
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start(at);
    oscillator.stop(at + duration + 0.02);
  }

  function ring(urgent) {
    if (!audio || audio.state !== "running") return;
    const start = audio.currentTime + 0.01;
    if (urgent) {
      [0, 0.18, 0.36].forEach(function (offset, i) {
        tone(start + offset, i % 2 ? 1175 : 1568, 0.16, 0.9, "square");
      });
    } else {
      tone(start, 880, 0.18, 0.6, "triangle");
      tone(start + 0.24, 660, 0.22, 0.6, "triangle");
    }
    if (navigator.vibrate) navigator.vibrate(urgent ? [200, 80, 200, 80, 200] : [200]);
  }

  const alarm = {
    timer: null,
    urgent: false,
    update: function () {
      const urgent = escalated > 0;
      const wanted = waiting > 0 && audio !== null;
      if (!wanted) {
        this.stop();
      } else if (!this.timer || urgent !== this.urgent) {
        this.stop();
        this.urgent = urgent;
        ring(urgent);
        this.timer = window.setInterval(function () {
          ring(urgent);
        }, urgent ? 1000 : 2500);
      }
      root.dataset.ringing = wanted ? (urgent ? "urgent" : "yes") : "no";
    },
    stop: function () {
      if (this.timer) window.clearInterval(this.timer);
      this.timer = null;
    },
  };

  function soundReady() {
    unlockEls.forEach(function (el) {
      el.hidden = true;
    });
    root.dataset.sound = "on";
    alarm.update();
  }

  function unlock() {
    if (AudioContextClass && !audio) audio = new AudioContextClass();
    if (audio) {
      const resumed = audio.state !== "running" ? audio.resume() : Promise.resolve();
      resumed
        .then(function () {
          soundReady();
          // A short beep says "sound works" (the alarm itself rings if orders wait).
          if (waiting === 0) tone(audio.currentTime + 0.01, 880, 0.12, 0.3, "sine");
        })
        .catch(function (error) {
          console.warn("Comptoir desk: sound not enabled:", error);
        });
    } else {
      soundReady(); // no WebAudio: notifications and the title badge still work
    }
    if ("Notification" in window && Notification.permission === "default") {
      Notification.requestPermission().catch(function () {});
    }
    keepAwake();
  }

  // A browser that already allows sound on this site (the desk used daily)
  // starts "running": no banner needed.
  if (AudioContextClass) {
    try {
      const probe = new AudioContextClass();
      if (probe.state === "running") {
        audio = probe;
        soundReady();
        keepAwake();
      } else {
        probe.close();
      }
    } catch (error) {
      console.warn("Comptoir desk: no audio:", error);
    }
  }
  unlockEls.forEach(function (el) {
    el.addEventListener("click", unlock);
  });
  // Any first tap on the page will do, not only the banner.
  document.addEventListener("pointerdown", function first() {
    document.removeEventListener("pointerdown", first);
    if (!audio || audio.state !== "running") unlock();
  });

  // --- Notifications when the tab is hidden ---------------------------------

  function notify(cards) {
    if (!document.hidden || !("Notification" in window) || Notification.permission !== "granted") return;
    const title = cards.length === 1 ? root.dataset.notifyOne : root.dataset.notifyMany.replace("%(n)s", String(cards.length));
    const body = cards
      .map(function (card) {
        return card.dataset.summary || "";
      })
      .join("\n");
    const options = { body: body, tag: "comptoir-desk", renotify: true, requireInteraction: true, icon: root.dataset.icon };
    const show = function () {
      try {
        const notification = new Notification(title, options);
        notification.onclick = function () {
          window.focus();
          notification.close();
        };
      } catch (error) {
        console.warn("Comptoir desk: notification not shown:", error);
      }
    };
    // Android Chrome only shows notifications through a service worker.
    if (navigator.serviceWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.ready
        .then(function (registration) {
          return registration.showNotification(title, options);
        })
        .catch(show);
    } else {
      show();
    }
  }

  // --- Keep the screen on ---------------------------------------------------

  let wakeLock = null;

  function keepAwake() {
    if (!("wakeLock" in navigator) || wakeLock || document.hidden) return;
    navigator.wakeLock
      .request("screen")
      .then(function (lock) {
        wakeLock = lock;
        lock.addEventListener("release", function () {
          wakeLock = null;
        });
      })
      .catch(function () {});
  }

  // --- The stream -----------------------------------------------------------

  let controller = null;
  let retryMs = 2000;
  let failures = 0;
  let lastSeen = 0;
  let reconnectTimer = null;
  let stopped = false;

  function stopStream() {
    stopped = true;
    if (controller) controller.abort();
    controller = null;
    window.clearTimeout(reconnectTimer);
  }

  function scheduleReconnect() {
    if (stopped) return;
    if (controller) controller.abort();
    controller = null;
    failures += 1;
    setStatus(failures >= OFFLINE_AFTER_FAILURES || navigator.onLine === false ? "offline" : "reconnecting");
    const delay = Math.min(MAX_BACKOFF_MS, retryMs * Math.pow(2, failures - 1));
    window.clearTimeout(reconnectTimer);
    reconnectTimer = window.setTimeout(connect, delay * (0.8 + Math.random() * 0.4));
  }

  function handleEvent(name, data) {
    if (name === "hello") {
      failures = 0;
      setStatus("connected");
      refreshBoard();
    } else if (name === "order" || name === "resync") {
      // "resync": the server may have missed events (bus reconnected): re-read.
      refreshBoard();
    }
    root.dispatchEvent(new CustomEvent("desk:event", { detail: { name: name, data: data } }));
  }

  function parse(block) {
    let name = "message";
    const data = [];
    block.split("\n").forEach(function (line) {
      if (!line || line.charAt(0) === ":") return;
      const colon = line.indexOf(":");
      const field = colon === -1 ? line : line.slice(0, colon);
      let value = colon === -1 ? "" : line.slice(colon + 1);
      if (value.charAt(0) === " ") value = value.slice(1);
      if (field === "event") name = value;
      else if (field === "data") data.push(value);
      else if (field === "retry" && /^\d+$/.test(value)) retryMs = Number(value);
    });
    if (data.length) handleEvent(name, data.join("\n"));
  }

  function connect() {
    if (stopped) return;
    window.clearTimeout(reconnectTimer);
    if (controller) controller.abort();
    const mine = new AbortController();
    controller = mine;
    lastSeen = Date.now();
    if (failures === 0 && root.dataset.connection !== "connected") setStatus("connecting");
    fetch(streamUrl, {
      credentials: "same-origin",
      headers: { Accept: "text/event-stream" },
      cache: "no-store",
      signal: mine.signal,
    })
      .then(function (response) {
        if (response.status === 401 || response.status === 403 || response.status === 404) {
          setStatus("signed-out");
          stopStream();
          return;
        }
        if (!response.ok || !response.body) throw new Error("stream " + response.status);
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = "";
        function pump() {
          return reader.read().then(function (chunk) {
            if (chunk.done) throw new Error("stream ended");
            lastSeen = Date.now();
            buffer = (buffer + chunk.value).replace(/\r\n?/g, "\n");
            let end = buffer.indexOf("\n\n");
            while (end !== -1) {
              parse(buffer.slice(0, end));
              buffer = buffer.slice(end + 2);
              end = buffer.indexOf("\n\n");
            }
            return pump();
          });
        }
        return pump();
      })
      .catch(function (error) {
        if (controller !== mine) return; // replaced on purpose (watchdog, online)
        console.info("Comptoir desk: stream interrupted:", error && error.message);
        scheduleReconnect();
      });
  }

  // The watchdog: the server pings every heartbeat; silence for two means a dead line.
  window.setInterval(function () {
    if (stopped || !controller) return;
    if (Date.now() - lastSeen > 2 * heartbeatMs) {
      console.info("Comptoir desk: no ping for " + (2 * heartbeatMs) / 1000 + " s, reconnecting");
      scheduleReconnect();
    }
  }, 1000);

  window.addEventListener("online", function () {
    if (stopped) return;
    failures = 0;
    setStatus("reconnecting");
    connect();
  });
  window.addEventListener("offline", function () {
    setStatus("offline");
  });
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) return;
    keepAwake();
    // Back on screen: the phone may have slept; read the truth again.
    refreshBoard();
  });

  // --- Buttons that need a little script ------------------------------------

  // +5 / +10 / +15 minutes on the ready-by time of an accept form.
  document.addEventListener("click", function (event) {
    const bump = event.target.closest("[data-add-minutes]");
    if (!bump) return;
    event.preventDefault();
    const input = bump.form && bump.form.querySelector("input[name=ready_at]");
    if (!input || !input.value) return;
    const parts = input.value.split(":").map(Number);
    const total = (parts[0] * 60 + parts[1] + Number(bump.dataset.addMinutes)) % (24 * 60);
    input.value = String(Math.floor(total / 60)).padStart(2, "0") + ":" + String(total % 60).padStart(2, "0");
    input.dispatchEvent(new Event("change", { bubbles: true }));
  });

  // A quick refusal reason fills the reason field (still one more tap to confirm).
  document.addEventListener("click", function (event) {
    const quick = event.target.closest("[data-reason]");
    if (!quick) return;
    event.preventDefault();
    const field = quick.form && quick.form.querySelector("[name=reason]");
    if (field) {
      field.value = quick.dataset.reason;
      field.focus();
    }
  });

  // Every htmx swap of the board (an action's answer) re-reads its counters.
  document.body.addEventListener("htmx:afterSettle", function () {
    if (board()) boardChanged();
  });

  // --- The pickup code's QR, read with the camera (qr_camera.js) -------------

  const scanner = document.querySelector("[data-desk-scanner]");
  if (scanner && window.ComptoirQrCamera.available()) document.documentElement.classList.add("can-scan");
  let camera = null;

  function stopScan() {
    if (camera) camera.stop();
    camera = null;
  }

  function scanInto(form) {
    if (!scanner || !window.ComptoirQrCamera.available()) return;
    camera = window.ComptoirQrCamera.open(
      scanner,
      function (text) {
        camera = null;
        form.querySelector("input[name=pickup_code]").value = text.toUpperCase();
        form.requestSubmit();
      },
      "desk",
    );
  }

  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-scan]");
    if (!button) return;
    event.preventDefault();
    scanInto(button.form);
  });
  if (scanner) {
    scanner.addEventListener("close", stopScan);
    scanner.querySelector("[data-scan-close]").addEventListener("click", stopScan);
  }

  // --- Start ----------------------------------------------------------------

  boardChanged();
  if (streamUrl) {
    connect();
  } else {
    // No /live/ next to this server (plain WSGI, e.g. `runserver`): poll instead.
    stopped = true;
    setStatus("polling");
    window.setInterval(refreshBoard, POLL_MS);
  }
})();
