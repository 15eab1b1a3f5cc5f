/*
 * Embedded videos and documents (templates/partials/embed_card.html).
 *
 * A card is Kollegi's own picture and title with a play control that is a
 * link to the original page: without JavaScript, or opened in a new tab, it
 * goes there. A plain click (or Enter) puts the service's player in the
 * control's place instead — the <iframe> the card's <template> holds, built
 * by the server from the service's own player address — and moves focus to
 * it. Until then the page asks the service for nothing.
 *
 * One listener on the document, so cards that htmx brings in work too.
 */
(function () {
  "use strict";

  function play(control) {
    var card = control.closest("[data-embed-card]");
    var template = card && card.querySelector("template");
    var source = template && template.content.querySelector("iframe");
    if (!source) {
      return false;
    }
    var frame = document.importNode(source, true);
    var picture = card.querySelector(".k-embed-thumb");
    if (picture) {
      picture.remove();
    }
    control.replaceWith(frame);
    template.remove();
    card.classList.add("is-playing");
    frame.focus();
    return true;
  }

  document.addEventListener("click", function (event) {
    var control = event.target.closest && event.target.closest("[data-embed-play]");
    if (!control) {
      return;
    }
    // A middle click or a modifier opens the original page, as a link does.
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return;
    }
    if (play(control)) {
      event.preventDefault();
    }
  });
})();
