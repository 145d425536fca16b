// <button data-print> prints the page (an inline onclick would break the Content-Security-Policy).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-print]");
    if (button) {
      window.print();
    }
  });
})();
