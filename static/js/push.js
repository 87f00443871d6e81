/* Ascent push opt-in: the "Notifications on your phone" card (templates/push/_card.html).
   An explicit tap asks the browser for permission, subscribes through the service worker with the
   server's VAPID public key, and posts the subscription (with the CSRF header) to the server.
   Every refusal or gap gets a sentence the person can act on. No inline script: the CSP forbids it. */
(function () {
  "use strict";

  function supported() {
    return window.isSecureContext && "serviceWorker" in navigator && "PushManager" in window &&
      "Notification" in window;
  }

  function csrfHeaders() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}");
    } catch (error) {
      return {};
    }
  }

  function keyBytes(base64url) {
    const padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    const raw = window.atob(padded);
    const bytes = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i += 1) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function withTimeout(promise, ms) {
    return Promise.race([promise, new Promise(function (_resolve, reject) {
      setTimeout(function () { reject(new Error("timeout")); }, ms);
    })]);
  }

  function registration() {
    // app.js registers the worker; wait for it, but not forever (it may have failed to install).
    return withTimeout(navigator.serviceWorker.ready, 10000);
  }

  function post(url, body) {
    const headers = Object.assign({ "Content-Type": "application/json", "Accept": "application/json" }, csrfHeaders());
    return fetch(url, { method: "POST", headers: headers, body: JSON.stringify(body), credentials: "same-origin" })
      .then(function (response) {
        if (response.ok) return response.json();
        return response.json().catch(function () { return {}; }).then(function (problem) {
          // The server's explanation is already in the person's language: show it as it is.
          throw Object.assign(new Error(problem.detail || ""), { shown: Boolean(problem.detail) });
        });
      });
  }

  function Card(card) {
    this.card = card;
    this.status = card.querySelector("[data-push-status]");
    this.enable = card.querySelector("[data-push-enable]");
    this.disable = card.querySelector("[data-push-disable]");
  }

  Card.prototype.say = function (message, isError) {
    this.status.textContent = message || "";
    this.status.classList.toggle("push-card__status--error", Boolean(isError));
  };

  Card.prototype.show = function (subscribed) {
    this.enable.hidden = subscribed;
    this.disable.hidden = !subscribed;
  };

  Card.prototype.busy = function (on) {
    this.enable.disabled = on;
    this.disable.disabled = on;
    if (on) this.say(this.card.dataset.msgWorking);
  };

  Card.prototype.markThisDevice = function (endpoint) {
    let listed = false;
    this.card.querySelectorAll("[data-endpoint]").forEach(function (row) {
      const mine = row.dataset.endpoint === endpoint;
      listed = listed || mine;
      const pill = row.querySelector("[data-this-device]");
      if (pill) pill.hidden = !mine;
    });
    return listed;
  };

  Card.prototype.refresh = function () {
    if (window.htmx) {
      window.htmx.ajax("GET", this.card.dataset.cardUrl, { target: "#push-card", swap: "outerHTML" });
    }
  };

  Card.prototype.start = function () {
    const self = this;
    if (!supported()) {
      self.say(self.card.dataset.msgUnsupported, true);
      return;
    }
    if (Notification.permission === "denied") {
      self.say(self.card.dataset.msgDenied, true);
      self.show(false);
      return;
    }
    self.enable.addEventListener("click", function () { self.turnOn(); });
    self.disable.addEventListener("click", function () { self.turnOff(); });
    registration().then(function (reg) { return reg.pushManager.getSubscription(); }).then(function (existing) {
      self.show(Boolean(existing));
      if (!existing) return;
      self.say(self.card.dataset.msgOn);
      // The server may have dropped it (expired, or removed from another device): send it again.
      if (!self.markThisDevice(existing.endpoint)) {
        post(self.card.dataset.subscribeUrl, existing.toJSON()).then(function () { self.refresh(); })
          .catch(function () { /* shown as on; the next visit tries again */ });
      }
    }).catch(function () {
      self.show(false);
    });
  };

  Card.prototype.turnOn = function () {
    const self = this;
    self.busy(true);
    Notification.requestPermission().then(function (permission) {
      if (permission === "denied") throw Object.assign(new Error(self.card.dataset.msgDenied), { shown: true });
      if (permission !== "granted") throw Object.assign(new Error(self.card.dataset.msgDismissed), { shown: true });
      return registration();
    }).then(function (reg) {
      // The browser asks its push service; on a dead connection that can take forever.
      return withTimeout(reg.pushManager.subscribe({
        userVisibleOnly: true, applicationServerKey: keyBytes(self.card.dataset.publicKey),
      }), 20000);
    }).then(function (subscription) {
      return post(self.card.dataset.subscribeUrl, subscription.toJSON());
    }).then(function () {
      self.say(self.card.dataset.msgOn);
      self.show(true);
      self.refresh();
    }).catch(function (error) {
      // Browser errors (no push service, a timeout) are technical and in English: say it our way.
      const message = error && error.shown ? error.message
        : (error && error.name === "NotAllowedError" ? self.card.dataset.msgDenied : self.card.dataset.msgFailed);
      self.say(message, true);
    }).finally(function () {
      self.busy(false);
      if (!self.status.textContent) self.say("");
    });
  };

  Card.prototype.turnOff = function () {
    const self = this;
    self.busy(true);
    registration().then(function (reg) { return reg.pushManager.getSubscription(); }).then(function (subscription) {
      if (!subscription) return null;
      const endpoint = subscription.endpoint;
      return subscription.unsubscribe().then(function () {
        return post(self.card.dataset.unsubscribeUrl, { endpoint: endpoint }).catch(function () { return null; });
      });
    }).then(function () {
      self.say(self.card.dataset.msgOff);
      self.show(false);
      self.refresh();
    }).catch(function () {
      self.say(self.card.dataset.msgFailed, true);
    }).finally(function () {
      self.busy(false);
    });
  };

  function scan(root) {
    const scope = root && root.querySelectorAll ? root : document;
    const found = scope.matches && scope.matches("[data-push-card]") ? [scope] : [];
    scope.querySelectorAll("[data-push-card]").forEach(function (card) { found.push(card); });
    found.forEach(function (card) {
      if (card.dataset.pushReady) return;
      card.dataset.pushReady = "1";
      new Card(card).start();
    });
  }

  document.addEventListener("DOMContentLoaded", function () { scan(document); });
  // Boosted navigation and htmx swaps bring new cards without a page load.
  document.addEventListener("htmx:load", function (event) { scan(event.target); });
})();
