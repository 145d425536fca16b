// Copy buttons: <button data-copy="ID"> copies the value (or text) of the element #ID.
(function () {
  "use strict";
  function valueOf(target) {
    return "value" in target ? target.value : target.textContent.trim();
  }
  function fallbackCopy(target) {
    if (typeof target.select === "function") {
      target.select();
      return document.execCommand("copy");
    }
    return false;
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) {
      return;
    }
    var target = document.getElementById(button.getAttribute("data-copy"));
    if (!target) {
      return;
    }
    var label = button.textContent;
    function done(ok) {
      button.textContent = ok ? "Copied" : "Press Ctrl+C";
      if (!ok && typeof target.select === "function") {
        target.select();
      }
      window.setTimeout(function () { button.textContent = label; }, 2000);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(valueOf(target)).then(
        function () { done(true); },
        function () { done(fallbackCopy(target)); }
      );
    } else {
      done(fallbackCopy(target));
    }
  });
})();
