/* Ascent shell behaviour: service worker, live hints over Socket.IO, accessible navigation.
   No inline script anywhere: the CSP forbids it, so everything the pages need lives here. */
(function () {
  "use strict";

  function registerServiceWorker() {
    const url = document.body.dataset.swUrl;
    if (!url || !("serviceWorker" in navigator)) return;
    navigator.serviceWorker.register(url, { scope: "/" }).catch(function () { /* the app works without it */ });
  }

  function announce(message) {
    const status = document.getElementById("live-status");
    if (!status) return;
    status.textContent = message;
    status.hidden = false;
    clearTimeout(announce.timer);
    announce.timer = setTimeout(function () { status.hidden = true; }, 4000);
  }

  /* Socket events are hints: a region that cares listens for "live:<event>" on the body and
     re-fetches itself over HTTP. After a reconnect every live region refreshes, because hints
     may have been missed while the connection was down.
     Frequent hints (a board's) reach only the sockets watching that thing: regions name their watch
     rooms in data-live-watch, and after every swap (a boosted page change, a board switch) the socket
     tells the server which rooms the page now shows. The server checks each and acknowledges with the
     rooms it watches (kept on the socket as ascentWatching, which tests wait for). */
  function watchedRooms() {
    const rooms = new Set();
    document.querySelectorAll("[data-live-watch]").forEach(function (el) {
      el.dataset.liveWatch.split(/\s+/).forEach(function (room) { if (room) rooms.add(room); });
    });
    return Array.from(rooms).sort();
  }

  function sendWatch(socket) {
    const rooms = watchedRooms();
    const key = rooms.join(" ");
    if (!socket.connected || key === socket.ascentAsked) return;
    socket.ascentAsked = key;
    socket.emit("watch", { rooms: rooms }, function (watching) { socket.ascentWatching = watching || []; });
  }

  function connectLive() {
    if (!document.body.dataset.live || typeof window.io !== "function") return;
    if (window.ascentSocket) return;
    const socket = window.io({ transports: ["websocket", "polling"] });
    window.ascentSocket = socket;
    let connectedBefore = false;
    socket.on("connect", function () {
      socket.ascentAsked = ""; // a new connection starts with no watch rooms
      sendWatch(socket);
      if (connectedBefore) refreshLiveRegions();
      connectedBefore = true;
    });
    document.body.addEventListener("htmx:afterSettle", function () { sendWatch(socket); });
    socket.on("session-ended", function () { window.location.reload(); });
    socket.onAny(function (event, payload) {
      document.body.dispatchEvent(new CustomEvent("live:" + event, { detail: payload || {} }));
      document.querySelectorAll("[data-live-on~='" + event + "']").forEach(function (el) {
        if (window.htmx) window.htmx.trigger(el, "live-refresh", payload || {});
      });
    });
  }

  function refreshLiveRegions() {
    document.querySelectorAll("[data-live-on]").forEach(function (el) {
      if (window.htmx) window.htmx.trigger(el, "live-refresh", {});
    });
  }

  function wireHtmx() {
    document.body.addEventListener("htmx:sendError", function () {
      announce(document.body.dataset.offlineMessage || "You seem to be offline. Try again in a moment.");
    });
    document.body.addEventListener("htmx:afterSettle", function (event) {
      // After a boosted page change, move focus to the new content for screen-reader users.
      if (event.detail && event.detail.boosted) {
        const main = document.getElementById("main");
        if (main) main.focus({ preventScroll: true });
      }
    });
  }

  /* Auto-submitting filters: a change in a [data-autosubmit] form submits it (htmx takes over
     when present, plain GET otherwise). */
  function wireAutosubmit() {
    document.addEventListener("change", function (event) {
      const form = event.target.closest("form[data-autosubmit]");
      if (form && event.target.type !== "search") form.requestSubmit();
    });
  }

  function wirePrint() {
    document.addEventListener("click", function (event) {
      if (event.target.closest("[data-print]")) window.print();
    });
  }

  function wireSelectAll() {
    document.addEventListener("change", function (event) {
      const toggle = event.target.closest("[data-select-all]");
      if (!toggle) return;
      document.querySelectorAll("input[name='" + toggle.dataset.selectAll + "']").forEach(function (box) {
        box.checked = toggle.checked;
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    registerServiceWorker();
    wireHtmx();
    wireAutosubmit();
    wirePrint();
    wireSelectAll();
    connectLive();
  });
})();
