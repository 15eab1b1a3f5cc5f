/*
 * Suggestions for tag inputs (community.forms.TagInput).
 *
 * Each <input data-tag-suggest="/tags/suggest/"> gets a <datalist>: while the
 * member types, it holds the text before the last comma followed by each
 * existing tag that starts like the last part, so the browser's own list
 * (arrow keys, Enter, screen readers) offers them. Without this script the
 * input is a plain comma-separated field.
 */
(function () {
  "use strict";

  var DELAY = 200;

  // Tags are split on commas only (community.forms.tags_parse): a name
  // with a comma in it needs quotes to stay whole.
  function written(name) {
    if (name.indexOf(",") >= 0) {
      return '"' + name.replace(/"/g, "") + '"';
    }
    return name;
  }

  function attach(input) {
    var address = input.getAttribute("data-tag-suggest");
    if (!address || !input.id) {
      return;
    }
    var list = document.createElement("datalist");
    list.id = input.id + "-suggestions";
    input.insertAdjacentElement("afterend", list);
    input.setAttribute("list", list.id);

    var timer = null;
    var asked = null;
    var pending = null;

    function fill(head, names) {
      var options = names.map(function (name) {
        var option = document.createElement("option");
        option.value = head + written(name);
        return option;
      });
      list.replaceChildren.apply(list, options);
    }

    function suggest() {
      var value = input.value;
      var cut = value.lastIndexOf(",");
      var rest = value.slice(cut + 1);
      var token = rest.trim().replace(/^"+|"+$/g, "").trim();
      // The text before the part being typed, with the spaces typed after the comma.
      var head = value.slice(0, cut + 1 + rest.length - rest.replace(/^\s+/, "").length);
      if (!token) {
        asked = null;
        fill(head, []);
        return;
      }
      if (value === asked) {
        return;
      }
      asked = value;
      if (pending) {
        pending.abort();
      }
      pending = new AbortController();
      fetch(address + "?q=" + encodeURIComponent(token), {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        signal: pending.signal,
      })
        .then(function (response) {
          return response.ok ? response.json() : { tags: [] };
        })
        .then(function (data) {
          // Typed on meanwhile: a newer request answers.
          if (input.value === value) {
            fill(head, data.tags || []);
          }
        })
        .catch(function () {
          // Aborted or offline: the input still works without suggestions.
        });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(suggest, DELAY);
    });
  }

  document.querySelectorAll("input[data-tag-suggest]").forEach(attach);
})();
