// StageSub: every page works without this file. It only improves: confirm dialogs, drag-to-reorder on
// ranking lists (the Up/Down buttons stay for the keyboard), and a live view of a need's requests.
"use strict";

document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) event.preventDefault();
});

// Drag a musician to a new rank; on drop the new order is posted by the list's own reorder form.
(function () {
  var list = document.querySelector("ol.ranking[data-reorder-form]");
  if (!list) return;
  var form = document.getElementById(list.getAttribute("data-reorder-form"));
  if (!form) return;
  var dragged = null;
  Array.prototype.forEach.call(list.children, function (item) {
    item.setAttribute("draggable", "true");
    item.addEventListener("dragstart", function (e) {
      dragged = item; item.classList.add("dragging");
      e.dataTransfer.effectAllowed = "move";
      e.dataTransfer.setData("text/plain", item.getAttribute("data-id"));
    });
    item.addEventListener("dragend", function () { item.classList.remove("dragging"); });
    item.addEventListener("dragover", function (e) {
      if (!dragged || dragged === item) return;
      e.preventDefault();
      var box = item.getBoundingClientRect();
      var after = e.clientY > box.top + box.height / 2;
      list.insertBefore(dragged, after ? item.nextSibling : item);
    });
    item.addEventListener("drop", function (e) {
      e.preventDefault();
      var ids = Array.prototype.map.call(list.children, function (li) { return li.getAttribute("data-id"); });
      form.querySelector("input[name=order]").value = ids.join(",");
      form.submit();
    });
  });
})();

// A need's requests refresh themselves while the page is open (every 15 s, only when visible).
(function () {
  var live = document.querySelector("[data-live]");
  if (!live || !window.fetch || !window.DOMParser) return;
  setInterval(function () {
    if (document.hidden) return;
    fetch(window.location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("[data-live]");
        if (fresh) live.innerHTML = fresh.innerHTML;
      })
      .catch(function () {});
  }, 15000);
})();
