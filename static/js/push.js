/*
 * «Включить уведомления на этом устройстве» on the devices page
 * (accounts/device_list.html, `[data-push]`).
 *
 * The button is the user gesture browsers require before they ask for the
 * permission. Then: the site's service worker (registered from every page) is
 * subscribed to push with the site's public VAPID key, and the subscription is
 * posted as JSON to the address in `data-push-url`, with the CSRF token in the
 * X-CSRFToken header; the page reloads to show the device in the list (and the
 * server's message saying so).
 *
 * Every text it shows comes from the template's data-text-* attributes
 * (translated there), in a status line that screen readers announce.
 */
(function () {
  "use strict";

  // A service worker that never becomes ready (blocked, not registered) must
  // not leave the button waiting for ever.
  var READY_TIMEOUT = 15000;

  var root = document.querySelector("[data-push]");
  if (!root) return;
  var button = root.querySelector("[data-push-enable]");
  var status = root.querySelector("[data-push-status]");

  function say(name, text) {
    status.textContent = text || root.getAttribute("data-text-" + name) || "";
  }

  function supported() {
    return (
      "serviceWorker" in navigator &&
      "PushManager" in window &&
      "Notification" in window
    );
  }

  // The VAPID public key is base64url text; the browser wants its bytes.
  function keyBytes(text) {
    var padded = (text + "===".slice((text.length + 3) % 4))
      .replace(/-/g, "+")
      .replace(/_/g, "/");
    var raw = window.atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var index = 0; index < raw.length; index += 1) {
      bytes[index] = raw.charCodeAt(index);
    }
    return bytes;
  }

  function sameKey(buffer, bytes) {
    if (!buffer) return false;
    var given = new Uint8Array(buffer);
    if (given.length !== bytes.length) return false;
    for (var index = 0; index < bytes.length; index += 1) {
      if (given[index] !== bytes[index]) return false;
    }
    return true;
  }

  // Older Safari answers through a callback, newer browsers with a promise.
  function askPermission() {
    return new Promise(function (resolve) {
      var answer = Notification.requestPermission(resolve);
      if (answer && typeof answer.then === "function") answer.then(resolve);
    });
  }

  function workerReady() {
    return Promise.race([
      navigator.serviceWorker.ready,
      new Promise(function (resolve, reject) {
        window.setTimeout(function () {
          reject(new Error("no service worker"));
        }, READY_TIMEOUT);
      }),
    ]);
  }

  // The browser's subscription for this site, made with the site's key: a
  // subscription left from an older key is replaced.
  function subscribe(registration, key) {
    return registration.pushManager.getSubscription().then(function (existing) {
      if (existing && sameKey(existing.options.applicationServerKey, key)) {
        return existing;
      }
      var gone = existing ? existing.unsubscribe() : Promise.resolve();
      return gone.then(function () {
        return registration.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: key,
        });
      });
    });
  }

  function send(subscription) {
    return fetch(root.getAttribute("data-push-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "X-CSRFToken": root.getAttribute("data-push-csrf"),
      },
      body: JSON.stringify(subscription.toJSON()),
    }).then(function (response) {
      if (response.ok) return;
      return response
        .json()
        .catch(function () {
          return {};
        })
        .then(function (data) {
          var error = new Error("refused");
          error.shown = data && data.error;
          throw error;
        });
    });
  }

  function turnOn() {
    if (!supported()) {
      say("unsupported");
      return;
    }
    if (Notification.permission === "denied") {
      say("denied");
      return;
    }
    button.disabled = true;
    say("working");
    askPermission()
      .then(function (permission) {
        if (permission !== "granted") {
          var error = new Error("denied");
          error.denied = true;
          throw error;
        }
        return workerReady();
      })
      .then(function (registration) {
        return subscribe(registration, keyBytes(root.getAttribute("data-push-key")));
      })
      .then(send)
      .then(function () {
        say("done");
        window.location.reload();
      })
      .catch(function (error) {
        if (error.denied || error.name === "NotAllowedError") {
          say("denied");
        } else {
          say("failed", error.shown);
        }
        button.disabled = false;
      });
  }

  button.addEventListener("click", turnOn);
})();
