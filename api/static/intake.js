// Intake: each dropped or chosen file goes up in its own request, with its own progress bar; the answer
// is the file's row, which htmx then keeps up to date (queued -> OCR page k/n -> indexed).
(function () {
  "use strict";
  var form = document.getElementById("intake");
  var input = document.getElementById("files");
  var list = document.getElementById("uploads");
  var token = document.querySelector('meta[name="csrf-token"]').content;

  function send(file) {
    var row = document.createElement("tr");
    row.className = "upload-row";
    var name = document.createElement("td");
    name.className = "name";
    name.textContent = file.name;
    var cell = document.createElement("td");
    var bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    cell.appendChild(bar);
    var state = document.createElement("td");
    state.className = "state";
    state.textContent = "…";
    row.append(name, cell, state);
    list.prepend(row);

    var body = new FormData();
    body.append("file", file, file.name);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("X-CSRF-Token", token);
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) { bar.value = Math.round((100 * e.loaded) / e.total); }
    };
    xhr.onload = function () {
      var holder = document.createElement("tbody");
      holder.innerHTML = xhr.responseText.trim();
      var fresh = holder.querySelector("tr");
      if (fresh) {
        row.replaceWith(fresh);
        if (window.htmx) { window.htmx.process(fresh); }
      } else {
        state.textContent = xhr.status + " " + xhr.statusText;
      }
    };
    xhr.onerror = function () { state.textContent = xhr.statusText || "error"; };
    xhr.send(body);
  }

  function sendAll(files) { Array.prototype.forEach.call(files, send); }

  input.addEventListener("change", function () { sendAll(input.files); input.value = ""; });
  form.addEventListener("submit", function (e) { e.preventDefault(); sendAll(input.files); });
  ["dragenter", "dragover"].forEach(function (kind) {
    form.addEventListener(kind, function (e) { e.preventDefault(); form.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (kind) {
    form.addEventListener(kind, function (e) { e.preventDefault(); form.classList.remove("over"); });
  });
  form.addEventListener("drop", function (e) { sendAll(e.dataTransfer.files); });
})();
