// Behaviour the pages share, kept in a file so the Content-Security-Policy needs no inline
// script (settings.CONTENT_SECURITY_POLICY: script-src 'self').
(function () {
  "use strict";

  // One submission per form: a double click on a button marked data-once must not send the
  // form twice (the server also returns the first case for a repeated key).
  document.addEventListener("submit", function (e) {
    var button = e.target.querySelector("button[data-once]");
    if (!button) { return; }
    if (button.dataset.sent) { e.preventDefault(); return; }
    button.dataset.sent = "1";
    button.setAttribute("aria-disabled", "true");
  });

  // An input marked data-enter-trigger="EVENT": Enter fires that htmx event (e.g. a search)
  // instead of submitting the surrounding form.
  document.addEventListener("keydown", function (e) {
    var name = e.target.dataset && e.target.dataset.enterTrigger;
    if (e.key !== "Enter" || !name || typeof htmx === "undefined") { return; }
    e.preventDefault();
    htmx.trigger(e.target, name);
  });

  // A button marked data-fill="FIELD-ID" data-value="…" puts the value into that field (the
  // window picks one of the applicant's licences into the intake form).
  document.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest("button[data-fill]");
    if (!button) { return; }
    var field = document.getElementById(button.dataset.fill);
    if (field) { field.value = button.dataset.value; field.focus(); }
  });
})();
