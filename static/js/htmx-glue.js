/*
 * What htmx (static/vendor/htmx/) needs from us: small buttons (reactions,
 * follow, bookmark, watch, mark all read) are ordinary forms that post and
 * redirect; with `hx-post` they swap in the button the server sends back.
 *
 * - A refusal the server wrote for the form (a 4xx that says how to swap it:
 *   the `HX-Reswap` header, set by community.htmx.refusal) is shown, although
 *   htmx leaves error responses unswapped.
 * - Any other failure (a missing page, an expired CSRF token, a server error,
 *   no network) sends the same form again as a plain page post, so the member
 *   sees the site's own page for it instead of a button that did nothing.
 * - A new click clears the last refusal shown in its form.
 */
(function () {
  "use strict";

  document.addEventListener("htmx:beforeRequest", function (event) {
    var shown = event.detail.elt.querySelectorAll(".htmx-refusal");
    Array.prototype.forEach.call(shown, function (node) {
      node.remove();
    });
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (xhr.status >= 400 && xhr.getResponseHeader("HX-Reswap")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  function asPage(event) {
    var form = event.detail.elt.closest("form");
    if (form) {
      // The element's own submit(): no submit event, so htmx stays out of it.
      HTMLFormElement.prototype.submit.call(form);
    }
  }

  // After follow or unfollow, the profile's "N followers" (where the page
  // shows it) says the new count the server sent (the HX-Trigger header).
  document.addEventListener("kollegi:followers", function (event) {
    var detail = event.detail || {};
    var links = document.querySelectorAll("[data-follower-count]");
    Array.prototype.forEach.call(links, function (link) {
      if (link.getAttribute("data-follower-count") === detail.username) {
        link.textContent = detail.text;
      }
    });
  });

  document.addEventListener("htmx:responseError", asPage);
  document.addEventListener("htmx:sendError", asPage);
})();
