// The HTML packing slip: the Print button prints (no inline handler, so a strict
// Content-Security-Policy allows it). Without scripts, the browser's own Print still works.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) {
      window.print();
    }
  });
})();
