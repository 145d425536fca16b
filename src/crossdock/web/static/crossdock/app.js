// Small progressive enhancements; every page works without them.
//  - <button data-copy="ID"> copies the value (or text) of the element #ID.
//  - Open menus (<details class="nav-menu">) close on Escape or on a click elsewhere.
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

  function copy(button) {
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
  }

  function closeMenus(except) {
    document.querySelectorAll("details.nav-menu[open]").forEach(function (menu) {
      if (menu !== except) {
        menu.removeAttribute("open");
      }
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (button) {
      copy(button);
    }
    closeMenus(event.target.closest("details.nav-menu"));
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    var menu = event.target.closest && event.target.closest("details.nav-menu[open]");
    closeMenus(null);
    if (menu) {
      menu.querySelector("summary").focus();
    }
  });
})();
