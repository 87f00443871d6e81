/* Leaderboards: the "overtaken" toast (on any page that loads this script) and the board's live dot.
   The board itself refreshes through static/js/app.js: a "board-changed" hint triggers live-refresh
   on [data-live-on~='board-changed'] and htmx re-fetches the fragment. */
(function () {
  "use strict";
  if (window.ascentLeaderboards) return; // loaded twice (page + shell): wire once
  window.ascentLeaderboards = true;

  function toastHost() {
    let host = document.getElementById("board-toasts");
    if (!host) {
      host = document.createElement("div");
      host.id = "board-toasts";
      host.className = "board-toasts";
      host.setAttribute("role", "status");
      host.setAttribute("aria-live", "polite");
      document.body.appendChild(host);
    }
    return host;
  }

  function showToast(message) {
    const toast = document.createElement("p");
    toast.className = "board-toast";
    const star = document.createElement("span");
    star.className = "board-toast__icon";
    star.setAttribute("aria-hidden", "true");
    star.textContent = "★";
    const text = document.createElement("span");
    text.textContent = message; // plain text from the server, never HTML
    toast.append(star, text);
    toastHost().appendChild(toast);
    setTimeout(function () { toast.classList.add("board-toast--leaving"); }, 5500);
    setTimeout(function () { toast.remove(); }, 6000);
  }

  function watchConnection() {
    const socket = window.ascentSocket;
    if (!socket) return false;
    function mark() {
      document.querySelectorAll("[data-board-live]").forEach(function (dot) {
        dot.classList.toggle("board-live--on", socket.connected);
      });
    }
    socket.on("connect", mark);
    socket.on("disconnect", mark);
    document.body.addEventListener("htmx:afterSettle", mark);
    mark();
    return true;
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.body.addEventListener("live:overtaken", function (event) {
      const detail = event.detail || {};
      if (detail.message) showToast(detail.message);
    });
    // app.js opens the socket on DOMContentLoaded too; it may run after this script.
    if (!watchConnection()) setTimeout(watchConnection, 0);
  });
})();
