/*
 * A search box for long checkbox lists (community.forms.ChooserSelectMultiple).
 *
 * Each <fieldset data-choice-filter> gets, above its .choice-list: the checked
 * choices as chips (a button on each takes the choice off), a search field
 * that hides the choices whose label does not contain what is typed, and a
 * polite live region that says how many are shown. The checkboxes stay the
 * form's real inputs, so the form sends what is checked whether shown or not;
 * without this script the fieldset is a plain list of checkboxes.
 *
 * Keys in the search field: Down arrow moves to the first choice shown,
 * Enter checks or unchecks the only (or first) choice shown instead of
 * sending the form, Escape clears the search.
 */
(function () {
  "use strict";

  var counter = 0;

  function fold(text) {
    return text.toLocaleLowerCase().replace(/ё/g, "е").trim();
  }

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (match, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : match;
    });
  }

  function attach(fieldset) {
    var list = fieldset.querySelector(".choice-list");
    if (!list) {
      return;
    }
    var rows = Array.prototype.slice.call(list.querySelectorAll(".form-check"));
    var items = rows
      .map(function (row) {
        var box = row.querySelector("input[type=checkbox]");
        var label = row.querySelector("label");
        return box && label ? { row: row, box: box, name: label.textContent.trim() } : null;
      })
      .filter(Boolean);
    if (!items.length) {
      return;
    }
    counter += 1;
    var text = function (key) {
      return fieldset.getAttribute("data-text-" + key) || "";
    };

    var panel = document.createElement("div");
    panel.className = "choice-filter";

    var chips = document.createElement("ul");
    chips.className = "choice-chips list-unstyled";
    chips.setAttribute("aria-label", text("chosen"));

    var searchId = "choice-filter-" + counter;
    var searchLabel = document.createElement("label");
    searchLabel.className = "form-label small mb-1";
    searchLabel.htmlFor = searchId;
    searchLabel.textContent = text("search");

    var search = document.createElement("input");
    search.type = "search";
    search.id = searchId;
    search.className = "form-control choice-filter-search";
    search.autocomplete = "off";
    if (list.id) {
      search.setAttribute("aria-controls", list.id);
    }

    var status = document.createElement("p");
    status.className = "choice-filter-status small text-body-secondary";
    status.id = searchId + "-status";
    status.setAttribute("aria-live", "polite");
    search.setAttribute("aria-describedby", status.id);

    panel.append(chips, searchLabel, search, status);
    list.insertAdjacentElement("beforebegin", panel);

    function shown() {
      return items.filter(function (item) {
        return !item.row.hidden;
      });
    }

    function drawChips() {
      var nodes = items
        .filter(function (item) {
          return item.box.checked;
        })
        .map(function (item) {
          var chip = document.createElement("li");
          var button = document.createElement("button");
          button.type = "button";
          button.className = "btn btn-sm choice-chip";
          button.setAttribute("aria-label", format(text("remove"), { name: item.name }));
          button.dataset.value = item.box.value;
          var name = document.createElement("span");
          name.textContent = item.name;
          var cross = document.createElement("span");
          cross.setAttribute("aria-hidden", "true");
          cross.textContent = "×";
          button.append(name, cross);
          chip.append(button);
          return chip;
        });
      chips.replaceChildren.apply(chips, nodes);
      chips.hidden = nodes.length === 0;
    }

    function filter() {
      var query = fold(search.value);
      items.forEach(function (item) {
        item.row.hidden = query !== "" && fold(item.name).indexOf(query) < 0;
      });
      var count = shown().length;
      if (query === "") {
        status.textContent = "";
      } else if (count === 0) {
        status.textContent = text("none");
      } else {
        status.textContent = format(text("count"), { shown: count, total: items.length });
      }
    }

    chips.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-value]");
      if (!button) {
        return;
      }
      var item = items.find(function (candidate) {
        return candidate.box.value === button.dataset.value;
      });
      if (!item) {
        return;
      }
      var buttons = Array.prototype.slice.call(chips.querySelectorAll("button"));
      var index = buttons.indexOf(button);
      item.box.checked = false;
      item.box.dispatchEvent(new Event("change", { bubbles: true }));
      // Focus stays in the chips (the next one, else the previous), else the search.
      var left = chips.querySelectorAll("button");
      var next = left[Math.min(index, left.length - 1)];
      (next || search).focus();
    });

    list.addEventListener("change", drawChips);

    search.addEventListener("input", filter);
    search.addEventListener("keydown", function (event) {
      var visible = shown();
      if (event.key === "Enter") {
        event.preventDefault();
        if (search.value.trim() !== "" && visible.length) {
          visible[0].box.checked = !visible[0].box.checked;
          visible[0].box.dispatchEvent(new Event("change", { bubbles: true }));
        }
      } else if (event.key === "Escape" && search.value !== "") {
        event.preventDefault();
        search.value = "";
        filter();
      } else if (event.key === "ArrowDown" && visible.length) {
        event.preventDefault();
        visible[0].box.focus();
      }
    });

    drawChips();
  }

  function start() {
    document.querySelectorAll("fieldset[data-choice-filter]").forEach(attach);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
