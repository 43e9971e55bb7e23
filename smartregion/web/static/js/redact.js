// The moderators' edit form: text marked in the title or the description is added, with one click, to
// the passages to remove. Without JavaScript the button stays hidden and the passages are typed or
// pasted into their field, which is all the server needs.
(function () {
  "use strict";

  var button = document.getElementById("redact-selection");
  var list = document.getElementById("id_redactions");
  var status = document.getElementById("redact-status");
  if (!button || !list || !status) {
    return;
  }
  var sources = ["id_title", "id_body"]
    .map(function (id) { return document.getElementById(id); })
    .filter(Boolean);
  var last = sources[sources.length - 1];
  sources.forEach(function (field) {
    field.addEventListener("select", function () { last = field; });
    field.addEventListener("focus", function () { last = field; });
  });

  button.hidden = false;
  button.addEventListener("click", function () {
    var passage = last ? last.value.slice(last.selectionStart, last.selectionEnd).trim() : "";
    if (!passage) {
      status.textContent = button.dataset.empty;
      return;
    }
    var lines = list.value.split("\n").filter(function (line) { return line.trim(); });
    if (lines.indexOf(passage) === -1) {
      lines.push(passage);
    }
    list.value = lines.join("\n");
    status.textContent = button.dataset.added + " " + passage;
  });
})();
