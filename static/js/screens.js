/* TV mode: keep the board fresh without anyone touching the TV. The screen's token (already in its URL)
   authenticates a read-only socket that joins the store's room, and watches the store's board (the
   board's frequent hints go only to the screens showing it); a "changed" hint, or a reconnect after
   missed hints, makes htmx re-fetch the board. htmx also polls every minute, in case the socket is down.
   No inline script anywhere: the CSP forbids it. */
(function () {
  "use strict";

  var DEBOUNCE_MS = 500;

  function refresher(board) {
    var timer = null;
    return function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        if (window.htmx && board) window.htmx.trigger(board, "live-refresh");
      }, DEBOUNCE_MS);
    };
  }

  function connect(token, events, watch, refresh) {
    if (typeof window.io !== "function" || !token) return;
    var socket = window.io({ auth: { screen: token }, transports: ["websocket", "polling"] });
    window.ascentSocket = socket;
    var connectedBefore = false;
    socket.on("connect", function () {
      // The rooms the server let it watch are kept on the socket (tests wait for them).
      if (watch.length) socket.emit("watch", { rooms: watch }, function (watching) { socket.ascentWatching = watching || []; });
      if (connectedBefore) refresh();
      connectedBefore = true;
    });
    events.forEach(function (name) { socket.on(name, refresh); });
    // The link was revoked: the server closes the socket right after this, so show the
    // "link no longer works" page now rather than at the next poll.
    socket.on("session-ended", function () { window.location.reload(); });
  }

  function keepAwake() {
    if (!("wakeLock" in navigator)) return;
    var request = function () { navigator.wakeLock.request("screen").catch(function () { /* not allowed here */ }); };
    request();
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") request();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var body = document.body;
    var board = document.getElementById("tv-board");
    var events = (body.dataset.liveEvents || "board-changed").split(/\s+/).filter(Boolean);
    var refresh = refresher(board);
    var watch = (body.dataset.liveWatch || "").split(/\s+/).filter(Boolean);
    connect(body.dataset.screenToken, events, watch, refresh);
    // A revoked link: show the "link no longer works" page instead of a stale board.
    body.addEventListener("htmx:responseError", function (event) {
      if (event.detail && event.detail.xhr && event.detail.xhr.status === 404) window.location.reload();
    });
    keepAwake();
  });
})();
