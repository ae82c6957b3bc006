// Every page's forms: posted once, and the session kept while someone types into them.
(function () {
  "use strict";

  // A second press (a double click, Ctrl+Enter twice) while the first is on its way would send
  // the page again, and the answer shown would be the second's ("sent twice"), not the first's
  // with its tracking code. Forms that htmx sends itself have had their submit taken already.
  const SEND_AGAIN_AFTER_MS = 10000;
  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (event.defaultPrevented || (form.getAttribute("method") || "").toLowerCase() !== "post") return;
    const sentAt = Number(form.dataset.sentAt || 0);
    if (Date.now() - sentAt < SEND_AGAIN_AFTER_MS) {
      event.preventDefault();
      return;
    }
    form.dataset.sentAt = String(Date.now());
  });

  // crispy-forms ends a required field's label with "*", which a screen reader reads as part of
  // the field's name ("来访人数 star"); the field says it is required itself (`required`). Hidden
  // before the focus below has the name read out.
  document.querySelectorAll(".asteriskField").forEach(function (mark) {
    mark.setAttribute("aria-hidden", "true");
  });

  // A form that came back refused: the cursor goes to the first field marked, not to the top of
  // the page twenty Tab presses away.
  const refused = document.querySelector("form [aria-invalid=true]");
  if (refused) refused.focus();

  // A page drawn at a form's own address (a refused action, at its POST-only URL) takes the
  // address of the page it is: a reload or a form sent from it then starts from there.
  const address = document.querySelector("[data-page-address]");
  if (address) history.replaceState(history.state, "", address.dataset.pageAddress);

  // A page the browser kept, shown again by Back: its forms may be sent again at once.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-sent-at]").forEach(function (form) {
      delete form.dataset.sentAt;
    });
  });

  // Typing is activity: an account typed for half an hour at the window must not find the
  // session ended (30 minutes idle) when it is sent. Asking the server renews the session.
  const stillHere = document.body.dataset.stillHere;
  if (!stillHere) return;
  const everyMs = Number(document.body.dataset.stillHereEvery) * 1000;
  let askedAt = Date.now(); // the page's own request counts
  let pending = null;
  function ask() {
    pending = null;
    askedAt = Date.now();
    fetch(stillHere, { credentials: "same-origin", cache: "no-store" }).catch(function () {});
  }
  // Typing is told at once if the server has not heard from the page for a while, else at the
  // end of the interval: typing in its first minutes counts too.
  document.addEventListener("input", function () {
    if (pending) return;
    pending = setTimeout(ask, Math.max(0, askedAt + everyMs - Date.now()));
  });
})();
