// Names for the admin's search-as-you-type boxes (select2), which Django draws
// named only by their (often empty) selection: each takes its field's label.
// Queued on jQuery's "ready" after Django's autocomplete.js, which builds them.
function nameSearchBoxes() {
  for (const select of document.querySelectorAll("select.admin-autocomplete")) {
    const label = document.querySelector(`label[for="${select.id}"]`);
    const box = select.nextElementSibling?.querySelector("[role=combobox]");
    if (!label || !box) continue;
    label.id ||= `${select.id}-label`;
    const shown = box.getAttribute("aria-labelledby") || "";
    if (!shown.includes(label.id)) {
      box.setAttribute("aria-labelledby", `${label.id} ${shown}`.trim());
    }
    box.querySelector("[role=textbox]")?.setAttribute("aria-labelledby", label.id);
  }
}

if (window.django?.jQuery) {
  window.django.jQuery(nameSearchBoxes);
}

// Django's two-list picker (SelectFilter2.js, built on "load") names its
// search icons with aria-label on a bare <span>, which ARIA does not allow
// there: each is a picture with a name.
function nameFilterIcons() {
  for (const icon of document.querySelectorAll(".selector .help-tooltip[aria-label]:not([role])")) {
    icon.setAttribute("role", "img");
  }
}

window.addEventListener("load", () => setTimeout(nameFilterIcons, 0));
