// Behaviour the pages share, kept in a file so the Content-Security-Policy needs no inline
// script (settings.CONTENT_SECURITY_POLICY: script-src 'self').
(function () {
  "use strict";

  // A file input carrying the server's limits (the interface's upload_attrs tag: data-max-bytes,
  // data-types and the refusals worded as the server words them) refuses a file at once, before
  // a byte is sent: a 21 MB scan is not uploaded whole only to be turned away. The server checks
  // every file again by its content. Runs in the capture phase, before autosave.js sends it.
  function clientError(input) {
    var id = input.id ? input.id + "-client-error" : "";
    return id ? document.getElementById(id) : null;
  }

  function refuseFile(input, text) {
    var note = clientError(input);
    if (!note) {
      note = document.createElement("span");
      note.className = "errorlist";
      note.setAttribute("role", "alert");
      if (input.id) { note.id = input.id + "-client-error"; }
      input.insertAdjacentElement("afterend", note);
    }
    note.textContent = text;
    input.value = "";
    input.setAttribute("aria-invalid", "true");
    if (note.id) {
      var described = (input.getAttribute("aria-describedby") || "").split(" ");
      if (described.indexOf(note.id) < 0) {
        input.setAttribute("aria-describedby", described.concat([note.id]).join(" ").trim());
      }
    }
  }

  function fileProblem(input) {
    var limit = parseInt(input.dataset.maxBytes, 10);
    var types = (input.dataset.types || "").split(",").filter(Boolean);
    for (var i = 0; i < input.files.length; i++) {
      var file = input.files[i];
      var dot = file.name.lastIndexOf(".");
      var suffix = dot < 0 ? "" : file.name.slice(dot + 1).toLowerCase();
      if (types.length && types.indexOf(suffix) < 0) { return input.dataset.badType; }
      if (limit && file.size > limit) { return input.dataset.tooBig; }
    }
    return "";
  }

  document.addEventListener("change", function (e) {
    var input = e.target;
    if (!input || input.type !== "file" || !input.dataset.maxBytes) { return; }
    var problem = input.files.length ? fileProblem(input) : "";
    if (problem) {
      refuseFile(input, problem);
      // Nobody downstream (autosave.js) sees a file that would only be refused.
      e.stopImmediatePropagation();
      return;
    }
    var note = clientError(input);
    if (note) { note.remove(); }
    input.removeAttribute("aria-invalid");
  }, true);

  // Every form shows it is working once sent (提交中…, the wording on <body data-working>) and
  // is not sent twice: a second click or Enter is ignored until the page changes. The server
  // still answers a repeated submission with the first result (idempotency keys, row locks).
  // The buttons are disabled only after the event, so the pressed button's name and value
  // (e.g. decision=accept) are still part of what is sent.
  function release(form) {
    delete form.dataset.sending;
    form.removeAttribute("aria-busy");
    form.querySelectorAll("[data-working-label]").forEach(function (button) {
      button.textContent = button.dataset.workingLabel;
      delete button.dataset.workingLabel;
      button.disabled = false;
      button.removeAttribute("aria-disabled");
    });
    form.querySelectorAll("progress[data-upload-progress], [data-upload-percent]").forEach(function (el) { el.remove(); });
  }

  function hasFiles(form) {
    return Array.prototype.some.call(form.querySelectorAll("input[type=file]"), function (input) {
      return input.files && input.files.length > 0;
    });
  }

  // A form sending files goes by XMLHttpRequest, whose upload reports its progress (a plain
  // post shows none, and fetch reports none either): a bar under the pressed button, and the
  // percentage as text for screen readers. The answer is then shown exactly as after a plain
  // post: a redirect (handed back by oneseal.interface.middleware.UploadRedirects as
  // X-Oneseal-Location) is followed by the browser itself, so the next page and its one-time
  // messages are fetched once; any other answer (the form sent back with its errors, an error
  // page) replaces this document. Without JavaScript, or when the request cannot be made, the
  // form is posted as it is.
  function sendsWithProgress(form, pressed) {
    if (form.dataset.plain || form.hasAttribute("data-no-progress")) { return false; }
    if (pressed && pressed.hasAttribute("formmethod") && pressed.formMethod !== "post") { return false; }
    return form.enctype === "multipart/form-data" && hasFiles(form) &&
      typeof XMLHttpRequest !== "undefined" && typeof FormData !== "undefined";
  }

  function formData(form, pressed) {
    try {
      return new FormData(form, pressed || undefined);
    } catch (err) {
      // A browser without FormData's submitter argument: the pressed button's value by hand.
      var data = new FormData(form);
      if (pressed && pressed.name) { data.append(pressed.name, pressed.value); }
      return data;
    }
  }

  function showProgress(form, pressed) {
    var bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    bar.dataset.uploadProgress = "1";
    bar.setAttribute("aria-label", document.body.dataset.uploading || "");
    var text = document.createElement("span");
    text.className = "upload-percent";
    text.dataset.uploadPercent = "1";
    text.setAttribute("role", "status");
    (pressed || form).insertAdjacentElement("afterend", bar);
    bar.insertAdjacentElement("afterend", text);
    var said = -10;
    return function (percent) {
      bar.value = percent;
      // Said in steps of ten, so a screen reader is not talked over at every event.
      if (percent === 100 || percent >= said + 10) {
        said = percent;
        text.textContent = (document.body.dataset.uploaded || "") + " " + percent + "%";
      }
    };
  }

  function replaceDocument(html, url) {
    document.open();
    document.write(html);
    document.close();
    if (url && url !== window.location.href) { window.history.replaceState(null, "", url); }
  }

  // The page a plain post's redirect would load. A target that differs from this page only by
  // its fragment (/inspections/1/#photo) would merely scroll: the page itself is loaded again
  // (one navigation, as after a plain post), and the fragment put back once it is in.
  var FRAGMENT_KEY = "oneseal-redirect-fragment";
  function follow(next) {
    var target = new URL(next, window.location.href);
    var here = window.location;
    if (target.hash && target.pathname === here.pathname && target.search === here.search) {
      try { window.sessionStorage.setItem(FRAGMENT_KEY, target.hash); } catch (err) { /* private mode */ }
      target.hash = "";
    }
    window.location.assign(target.href);
  }
  document.addEventListener("DOMContentLoaded", function () {
    var hash = null;
    try {
      hash = window.sessionStorage.getItem(FRAGMENT_KEY);
      window.sessionStorage.removeItem(FRAGMENT_KEY);
    } catch (err) { return; }
    if (!hash) { return; }
    window.history.replaceState(null, "", hash);
    var anchor = document.getElementById(decodeURIComponent(hash.slice(1)));
    if (anchor) { anchor.scrollIntoView(); }
  });

  function postPlainly(form, pressed) {
    release(form);
    form.dataset.plain = "1";
    if (form.requestSubmit) { form.requestSubmit(pressed || undefined); } else { form.submit(); }
  }

  function sendWithProgress(form, pressed) {
    var progress = showProgress(form, pressed);
    var action = pressed && pressed.hasAttribute("formaction") ? pressed.formAction : form.action;
    var xhr = new XMLHttpRequest();
    xhr.open("POST", action);
    xhr.setRequestHeader("X-Oneseal-Upload", "1");
    var started = false;
    xhr.upload.addEventListener("progress", function (e) {
      if (e.loaded > 0) { started = true; }
      if (e.lengthComputable && e.total) { progress(Math.min(100, Math.floor(e.loaded * 100 / e.total))); }
    });
    xhr.upload.addEventListener("load", function () { progress(100); });
    xhr.addEventListener("load", function () {
      // An answer means every byte went: a fast upload may have reported no progress event
      // (Chromium sends them at most every 50 ms), and the bar must not stop short.
      progress(100);
      var next = xhr.getResponseHeader("X-Oneseal-Location");
      if (next) { follow(next); return; }
      replaceDocument(xhr.responseText, xhr.responseURL);
    });
    xhr.addEventListener("error", function () {
      // Nothing went yet: the request could not be made, so the form is posted as it is. Once
      // bytes went, the server may have acted on them: sending again could act twice, so the
      // form is released and the person told, not resent behind their back.
      if (!started) { postPlainly(form, pressed); return; }
      release(form);
      var note = document.createElement("p");
      note.className = "errorlist";
      note.setAttribute("role", "alert");
      note.textContent = document.body.dataset.uploadBroken || "";
      (pressed || form).insertAdjacentElement("afterend", note);
    });
    xhr.send(formData(form, pressed));
  }

  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (form.dataset.sending) { e.preventDefault(); return; }
    // A GET form (a search, a filter, an export) may answer with a download and leave the page
    // as it is: only forms that change something are held.
    if (e.defaultPrevented || form.method !== "post" || form.target || form.hasAttribute("data-no-working")) { return; }
    var working = document.body.dataset.working || "";
    var pressed = e.submitter || form.querySelector("button[type=submit], button:not([type])");
    var withProgress = sendsWithProgress(form, e.submitter);
    delete form.dataset.plain;
    form.dataset.sending = "1";
    form.setAttribute("aria-busy", "true");
    if (withProgress) {
      e.preventDefault();
      sendWithProgress(form, e.submitter);
    }
    if (pressed && working && pressed.tagName === "BUTTON") {
      pressed.dataset.workingLabel = pressed.textContent;
      pressed.textContent = working;
    }
    setTimeout(function () {
      form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]").forEach(function (button) {
        if (!button.dataset.workingLabel) { button.dataset.workingLabel = button.textContent; }
        button.disabled = true;
        button.setAttribute("aria-disabled", "true");
      });
    }, 0);
  });

  // htmx redraws part of a form (the window's checklist when the applicant's kind or the agent
  // changes): a file already chosen there is carried into the redrawn part, by its input's id,
  // so nobody chooses it again.
  var carried = null;
  document.addEventListener("htmx:beforeSwap", function (e) {
    carried = {};
    var target = e.detail && e.detail.target;
    if (!target || !target.querySelectorAll) { return; }
    target.querySelectorAll("input[type=file]").forEach(function (input) {
      if (input.id && input.files && input.files.length) { carried[input.id] = input.files; }
    });
  });
  document.addEventListener("htmx:afterSwap", function () {
    Object.keys(carried || {}).forEach(function (id) {
      var input = document.getElementById(id);
      if (input && input.type === "file") { input.files = carried[id]; }
    });
    carried = null;
  });

  // A form htmx sends stays on the page: it is released when the answer is in. Only the
  // form's own request (sent by the form or its submit button) releases it: a field's check
  // answered while the form is on its way (the number checked as typed) must not re-enable
  // its buttons or take away its upload bar.
  document.addEventListener("htmx:afterRequest", function (e) {
    var elt = e.detail && e.detail.elt;
    var form = !elt ? null : elt.tagName === "FORM" ? elt : elt.type === "submit" ? elt.form : null;
    if (form && form.dataset.sending) { release(form); }
  });

  // Back to a page kept in the browser's cache: its forms may be sent again.
  window.addEventListener("pageshow", function (e) {
    if (e.persisted) { document.querySelectorAll("form[data-sending]").forEach(release); }
  });

  // A table wider than the screen scrolls inside its .table-wrap: that box must be reachable by
  // keyboard (focusable) so it can be scrolled without a mouse (WCAG 2.1.1; axe's
  // scrollable-region-focusable). Only a box that does scroll is put in the tab order.
  function focusableScrollers() {
    document.querySelectorAll(".table-wrap").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth) {
        box.setAttribute("tabindex", "0");
      } else if (box.getAttribute("tabindex") === "0") {
        box.removeAttribute("tabindex");
      }
    });
  }
  document.addEventListener("DOMContentLoaded", focusableScrollers);
  window.addEventListener("resize", focusableScrollers);

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
