/*
 * Registers the service worker (static/js/sw.js, served at /sw.js: the
 * script tag's data-worker) and tells it who reads this page (data-reader:
 * "" for a visitor, community/installable.py). The worker keeps pages for
 * reading offline for that member alone, and drops them when someone else,
 * or a visitor, uses the browser. The offline page has no data-reader: shown
 * in place of any page, it names nobody.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || !("serviceWorker" in navigator)) {
    return;
  }
  var reader = script.getAttribute("data-reader");

  navigator.serviceWorker
    .register(script.getAttribute("data-worker"), { scope: "/" })
    .then(function () {
      return navigator.serviceWorker.ready;
    })
    .then(function (registration) {
      if (reader !== null && registration.active) {
        registration.active.postMessage({ type: "reader", reader: reader });
      }
    })
    .catch(function () {
      // No worker (a private window, an old browser): the site works as before.
    });
})();
