/* People list: how many people are ticked for invite sheets, and the "Select all on this page" box (its
   ticking is app.js's [data-select-all]). Without JavaScript both stay hidden: the boxes still tick one by
   one, and "Print invites for everyone not signed in yet" covers every page from the server. */
(function () {
  "use strict";

  function refresh(form) {
    const boxes = Array.from(form.querySelectorAll("input[type=checkbox][name=person_id]"));
    const chosen = boxes.filter(function (box) { return box.checked; }).length;
    const toggle = form.querySelector("[data-select-all]");
    if (toggle) {
      toggle.checked = boxes.length > 0 && chosen === boxes.length;
      toggle.indeterminate = chosen > 0 && chosen < boxes.length;
    }
    const count = form.querySelector("[data-selected-count]");
    if (count) count.textContent = (chosen === 1 ? count.dataset.one : count.dataset.many).replace("{n}", chosen);
  }

  function enhance(root) {
    root.querySelectorAll("form[data-invite-picker]").forEach(function (form) {
      form.querySelectorAll("[data-js-only]").forEach(function (element) { element.hidden = false; });
      refresh(form);
    });
  }

  document.addEventListener("change", function (event) {
    const form = event.target.closest("form[data-invite-picker]");
    // After app.js's select-all handler has ticked the boxes, whichever listener runs first.
    if (form) window.setTimeout(function () { refresh(form); }, 0);
  });

  document.addEventListener("DOMContentLoaded", function () {
    enhance(document);
    document.body.addEventListener("htmx:afterSettle", function (event) { enhance(event.target); });
  });
})();
