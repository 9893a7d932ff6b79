/* The embeddable chat: one script tag on the ministry's web site.
 *
 *   <script src="https://contact.housing.gov.bh/static/chat/embed.js" data-lang="ar" defer></script>
 *
 * It adds a button and, when pressed, a frame holding the chat panel from this server, so
 * the host page's Content-Security-Policy needs only this origin in script-src and
 * frame-src: no inline script, no inline style (positions are set through the CSSOM,
 * which CSP allows), no cookies of the host page read or written. The frame's own page
 * says which sites may frame it (HOUSING_CHAT_EMBED_ORIGINS → frame-ancestors).
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) return;
  var origin = new URL(script.src, location.href).origin;
  var lang = script.getAttribute("data-lang") || document.documentElement.lang || "ar";
  lang = lang.slice(0, 2) === "en" ? "en" : "ar";
  var labels = {ar: ["محادثة مباشرة", "إغلاق المحادثة"], en: ["Live chat", "Close the chat"]}[lang];
  var rtl = lang === "ar";

  var button = document.createElement("button");
  button.type = "button";
  button.textContent = labels[0];
  button.setAttribute("aria-expanded", "false");
  button.setAttribute("data-hc-chat", "launcher");
  var b = button.style;
  b.position = "fixed"; b.insetBlockEnd = "1rem"; b.insetInlineEnd = "1rem"; b.zIndex = "2147483000";
  b.padding = ".75rem 1.25rem"; b.borderRadius = "2rem"; b.border = "0"; b.cursor = "pointer";
  b.background = "#0b5d3b"; b.color = "#fff"; b.font = "600 1rem system-ui, sans-serif";
  button.dir = rtl ? "rtl" : "ltr";

  var frame = null;
  function open() {
    if (!frame) {
      frame = document.createElement("iframe");
      frame.src = origin + "/portal/chat/?embed=1&lang=" + lang;
      frame.title = labels[0];
      frame.setAttribute("data-hc-chat", "frame");
      frame.dir = rtl ? "rtl" : "ltr";  // the logical insets follow the chat's direction
      var f = frame.style;
      f.position = "fixed"; f.insetBlockEnd = "4.5rem"; f.insetInlineEnd = "1rem"; f.zIndex = "2147483000";
      f.inlineSize = "min(380px, calc(100vw - 2rem))"; f.blockSize = "min(600px, calc(100vh - 6rem))";
      f.border = "1px solid #ccc"; f.borderRadius = ".75rem"; f.background = "#fff";
      f.boxShadow = "0 .5rem 1.5rem rgba(0,0,0,.2)";
      document.body.appendChild(frame);
    }
    frame.hidden = false;
    button.textContent = labels[1];
    button.setAttribute("aria-expanded", "true");
  }
  function close() {
    if (frame) frame.hidden = true;
    button.textContent = labels[0];
    button.setAttribute("aria-expanded", "false");
  }
  button.addEventListener("click", function () {
    if (frame && !frame.hidden) close(); else open();
  });
  function mount() { document.body.appendChild(button); }
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
})();
