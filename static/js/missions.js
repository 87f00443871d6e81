/* Missions: say a photo is too large before uploading it over shop-floor Wi-Fi. The server checks
   size and type again (and is the only check that counts). */
(function () {
  "use strict";

  function checkPhoto(input) {
    const limit = parseInt(input.dataset.maxBytes || "0", 10);
    const message = document.getElementById("photo-client-error");
    const file = input.files && input.files[0];
    const tooBig = Boolean(limit && file && file.size > limit);
    input.setCustomValidity(tooBig ? input.dataset.tooBig : "");
    input.setAttribute("aria-invalid", tooBig ? "true" : "false");
    if (message) {
      message.textContent = tooBig ? input.dataset.tooBig : "";
      message.hidden = !tooBig;
    }
    return !tooBig;
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches("input[type=file][data-max-bytes]")) checkPhoto(event.target);
  });

  document.addEventListener("submit", function (event) {
    const input = event.target.querySelector("input[type=file][data-max-bytes]");
    if (input && !checkPhoto(input)) {
      event.preventDefault();
      input.focus();
    }
  });
})();
