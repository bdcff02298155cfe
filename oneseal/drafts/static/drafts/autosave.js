// Autosave of an online application (保存草稿): a form marked data-autosave="URL" posts its
// fields a few seconds after a change, and each chosen file at once, to that URL. The first
// save of the application's form creates the draft (the URL is drafts:start); its answer
// gives the draft's own URLs, which later saves and the submit button use. Without
// JavaScript the form's 保存草稿 button does the same by a plain post.
(function () {
  "use strict";
  var DELAY_MS = 3000;

  function setup(form) {
    var status = document.getElementById("autosave-status");
    var queue = Promise.resolve();
    var dirty = false;
    var timer = null;

    function say(text) { if (status) { status.textContent = text; } }

    function showErrors(errors) {
      form.querySelectorAll("[data-error-for]").forEach(function (el) { el.remove(); });
      Object.keys(errors || {}).forEach(function (name) {
        var input = form.querySelector("[name='" + name + "']");
        var span = document.createElement("span");
        span.className = "errorlist";
        span.dataset.errorFor = name;
        span.textContent = errors[name].join(" ");
        if (input) { input.insertAdjacentElement("afterend", span); } else { say(span.textContent); }
      });
    }

    function showUploads(uploads) {
      Object.keys(uploads || {}).forEach(function (name) {
        var box = form.querySelector("[data-saved-for='" + name + "']");
        if (!box) { return; }
        var link = document.createElement("a");
        link.href = uploads[name].url;
        link.textContent = uploads[name].name;
        box.textContent = box.dataset.label || "";
        box.appendChild(link);
      });
    }

    // A file is sent by XMLHttpRequest, whose upload reports its progress (fetch does not):
    // a bar beside the field shows how much of the file has gone.
    function send(url, data, withFile) {
      return new Promise(function (resolve, reject) {
        var xhr = new XMLHttpRequest();
        var bar = null;
        xhr.open("POST", url);
        xhr.setRequestHeader("X-Autosave", "1");
        xhr.responseType = "json";
        if (withFile) {
          bar = document.createElement("progress");
          bar.max = 100;
          bar.value = 0;
          bar.className = "upload-progress";
          bar.dataset.uploadProgress = withFile.name;
          bar.setAttribute("aria-label", withFile.dataset.progressLabel || "");
          withFile.insertAdjacentElement("afterend", bar);
          xhr.upload.addEventListener("progress", function (e) {
            if (e.lengthComputable) { bar.value = Math.round(e.loaded * 100 / e.total); }
          });
        }
        xhr.addEventListener("load", function () {
          if (bar) { bar.remove(); }
          if (xhr.response === null) { reject(new Error("not json")); return; }
          resolve({ ok: xhr.status >= 200 && xhr.status < 300, body: xhr.response });
        });
        xhr.addEventListener("error", function () {
          if (bar) { bar.remove(); }
          reject(new Error("offline"));
        });
        xhr.send(data);
      });
    }

    function post(withFile) {
      var data = new FormData(form);
      form.querySelectorAll("input[type=file]").forEach(function (input) {
        if (input !== withFile) { data.delete(input.name); }
      });
      return send(form.dataset.autosave, data, withFile).then(function (result) {
        var body = result.body;
        if (body.save_url) {
          // The draft exists now: later saves go to it, and so does the submission.
          form.dataset.autosave = body.save_url;
          form.action = body.submit_url;
          form.querySelectorAll("[data-draft-save]").forEach(function (b) { b.formAction = body.save_url; });
          // Not once the form is on its way (site.js): a history change would cancel the
          // navigation to the answer.
          if (window.location.pathname !== body.page_url && !form.dataset.sending) {
            window.history.replaceState(null, "", body.page_url);
          }
        }
        showUploads(body.uploads);
        showErrors(body.errors);
        if (withFile && result.ok) { withFile.value = ""; }
        say(body.status || "");
        form.dataset.saved = body.saved_at || "";
      }).catch(function () {
        say(form.dataset.offline || "");
        dirty = true;
      });
    }

    function enqueue(withFile) {
      queue = queue.then(function () { return post(withFile); });
      return queue;
    }

    form.addEventListener("input", function (e) {
      if (e.target.type === "file") { return; }
      dirty = true;
      clearTimeout(timer);
      timer = setTimeout(function () { if (dirty) { dirty = false; enqueue(null); } }, DELAY_MS);
    });
    form.addEventListener("change", function (e) {
      if (e.target.type === "file" && e.target.files.length) {
        enqueue(e.target);
      } else if (e.target.type !== "file") {
        dirty = false;
        clearTimeout(timer);
        enqueue(null);
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-autosave]").forEach(setup);
  });
})();
