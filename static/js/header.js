/*
 * The site header (templates/partials/nav.html): small comforts on top of
 * markup that already works without JavaScript.
 *
 * - The header's menus are <details>: Enter and Space open them natively.
 *   Escape closes the open one and gives focus back to its button; opening one
 *   closes the other; a click or focus elsewhere closes it.
 * - The search icon is a link to the search page. Below the width where the
 *   bar has a field, it opens a full-width field under the bar instead and
 *   puts the cursor there; Escape closes it.
 */
(function () {
  "use strict";

  var header = document.querySelector(".site-header");
  if (!header) {
    return;
  }
  var menus = Array.prototype.slice.call(header.querySelectorAll("details.header-menu"));
  var toggle = header.querySelector(".search-toggle");
  var field = header.querySelector("#site-search");

  function closeMenus(except) {
    menus.forEach(function (menu) {
      if (menu !== except) {
        menu.open = false;
      }
    });
  }

  function setSearch(open) {
    header.classList.toggle("search-open", open);
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  }

  menus.forEach(function (menu) {
    menu.addEventListener("toggle", function () {
      if (menu.open) {
        closeMenus(menu);
      }
    });
  });

  if (toggle && field) {
    toggle.setAttribute("aria-controls", "site-search-form");
    toggle.setAttribute("aria-expanded", "false");
    toggle.addEventListener("click", function (event) {
      event.preventDefault();
      var open = !header.classList.contains("search-open");
      closeMenus(null);
      setSearch(open);
      if (open) {
        field.focus();
      }
    });
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    var open = menus.filter(function (menu) {
      return menu.open;
    })[0];
    if (open) {
      open.open = false;
      open.querySelector("summary").focus();
    } else if (toggle && header.classList.contains("search-open")) {
      setSearch(false);
      toggle.focus();
    }
  });

  // Drafts of unsent texts (markdown-editor.js) are kept in this browser: a
  // member who signs out, on a shared school computer say, leaves none behind
  // for whoever signs in next.
  var logout = header.querySelector("a[data-logout]");
  if (logout) {
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (new URL(form.action, location.href).pathname !== logout.pathname) {
        return;
      }
      try {
        Object.keys(localStorage)
          .filter(function (key) { return key.indexOf("kollegi-draft:") === 0; })
          .forEach(function (key) { localStorage.removeItem(key); });
      } catch (error) {
        // Storage switched off: there are no drafts either.
      }
      dropKeptPages();
    });
  }

  // So are the pages the service worker kept for reading offline (sw.js,
  // caches named "kollegi-pages-…"): dropped here, and the worker told. The
  // next page, a visitor's, tells it again should this one be cut short.
  function dropKeptPages() {
    try {
      if (window.caches) {
        caches.keys().then(function (names) {
          names
            .filter(function (name) { return name.indexOf("kollegi-pages-") === 0; })
            .forEach(function (name) { caches.delete(name); });
        });
      }
      if (navigator.serviceWorker && navigator.serviceWorker.controller) {
        navigator.serviceWorker.controller.postMessage({ type: "sign-out" });
      }
    } catch (error) {
      // No caches in this browser: nothing was kept.
    }
  }

  // A click or the focus outside an open menu closes it.
  ["click", "focusin"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      menus.forEach(function (menu) {
        if (menu.open && !menu.contains(event.target)) {
          menu.open = false;
        }
      });
    });
  });
})();
