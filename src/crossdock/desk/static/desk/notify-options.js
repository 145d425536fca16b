// Store settings, Notifications: show only the fields of the chosen "tell the store" option.
// A field marked data-shown-with="<option>" is hidden while another option is chosen; a field
// showing an error always stays visible. Without this script every field shows, each labelled
// with the option it belongs to, and the form works the same.
(function () {
  "use strict";

  function update(select) {
    var form = select.form;
    if (!form) {
      return;
    }
    form.querySelectorAll("[data-shown-with]").forEach(function (input) {
      var field = input.closest(".field") || input;
      var shown = input.getAttribute("data-shown-with") === select.value;
      field.hidden = !shown && !field.classList.contains("has-error");
    });
  }

  function start() {
    var select = document.querySelector('select[name="notify_store"]');
    if (!select) {
      return;
    }
    select.addEventListener("change", function () { update(select); });
    update(select);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
