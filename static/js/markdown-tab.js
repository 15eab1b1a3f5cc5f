/*
 * Tab leaves a Markdown text area (community.forms.MarkdownEditor).
 *
 * markdownx's editor indents on Tab and un-indents on Shift+Tab, so a
 * keyboard alone could never leave it for the button that sends the form
 * (WCAG 2.1.2, no keyboard trap). This listener, on the window in the capture
 * phase, sees the key before markdownx's listener on the text area and stops
 * it there; the browser then moves focus as in any text area. Ctrl+] and
 * Ctrl+[ still indent and un-indent.
 */
(function () {
  "use strict";

  window.addEventListener(
    "keydown",
    function (event) {
      var target = event.target;
      if (
        event.key === "Tab" &&
        target instanceof HTMLTextAreaElement &&
        target.classList.contains("markdownx-editor")
      ) {
        event.stopPropagation();
      }
    },
    true
  );
})();
