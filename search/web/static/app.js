// unsearch: small enhancements; every page works without this file.
(function () {
  "use strict";

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "offscreen";
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } finally { document.body.removeChild(area); }
    return Promise.resolve();
  }

  document.querySelectorAll("button.copy").forEach(function (button) {
    button.hidden = false;
    var label = button.textContent;
    button.addEventListener("click", function () {
      copyText(button.dataset.copy).then(function () {
        button.textContent = document.body.dataset.copied || "Copied";
        button.classList.add("done");
        setTimeout(function () { button.textContent = label; button.classList.remove("done"); }, 1500);
      });
    });
  });

  // back to the results the reader came from, when there are some
  var back = document.querySelector("[data-back]");
  if (back && document.referrer && new URL(document.referrer).origin === location.origin) {
    back.addEventListener("click", function (event) { event.preventDefault(); history.back(); });
  }

  // the paragraph the reader came for: centred, and focused for keyboard users
  var hit = document.querySelector(".para.is-hit") ||
    (location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1))));
  if (hit) {
    hit.setAttribute("tabindex", "-1");
    hit.scrollIntoView({ block: "center" });
    hit.focus({ preventScroll: true });
  }

  // "/" jumps to the search box
  var box = document.getElementById("q");
  document.addEventListener("keydown", function (event) {
    var typing = /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement.tagName);
    if (box && event.key === "/" && !typing) {
      event.preventDefault();
      box.focus();
      box.select();
    }
  });
})();
