/*
 * Tabs on one line that scroll sideways (.ui-scroll-tabs around a .nav, in
 * static/css/design.css): the current tab is scrolled into view when the page
 * opens, and each edge beyond which more tabs hide is marked (data-more-start,
 * data-more-end) so the style sheet fades it. Without JavaScript the tabs
 * still scroll, and a tab reached with the keyboard scrolls into view.
 */
(function () {
  "use strict";

  function watch(frame) {
    var list = frame.querySelector(".nav");
    if (!list) {
      return;
    }

    function update() {
      var hidden = list.scrollWidth - list.clientWidth;
      var left = Math.abs(list.scrollLeft);
      frame.toggleAttribute("data-more-start", left > 1);
      frame.toggleAttribute("data-more-end", hidden - left > 1);
    }

    var current = list.querySelector("[aria-current='page']");
    if (current) {
      // Moves the list only, never the page (scrollIntoView would).
      var tab = current.getBoundingClientRect();
      var box = list.getBoundingClientRect();
      list.scrollLeft += tab.left - box.left - (box.width - tab.width) / 2;
    }
    update();
    list.addEventListener("scroll", update, { passive: true });
    window.addEventListener("resize", update);
  }

  Array.prototype.forEach.call(document.querySelectorAll(".ui-scroll-tabs"), watch);
})();
