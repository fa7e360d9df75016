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

// A need's page keeps itself current while it is open (every 15 s, only when visible): its status, the booked
// and waiting counts, the preview, the requests and the forms that depend on them, each a [data-live] region
// replaced by the same region of a fresh copy of the page. A region where the person is typing or has changed
// a field is left alone, so nothing they entered is lost.
(function () {
  var regions = document.querySelectorAll("[data-live]");
  if (!regions.length || !window.fetch || !window.DOMParser) return;
  function edited(region) {
    var active = document.activeElement;
    if (active && active !== document.body && region.contains(active) && active.matches("input, select, textarea")) return true;
    return Array.prototype.some.call(region.querySelectorAll("input, select, textarea"), function (field) {
      if (field.type === "hidden") return false;
      if (field.tagName === "SELECT") {
        // With no option marked selected, a single select starts on its first.
        var marked = Array.prototype.some.call(field.options, function (o) { return o.defaultSelected; });
        if (!marked && !field.multiple) return field.selectedIndex > 0;
        return Array.prototype.some.call(field.options, function (o) { return o.selected !== o.defaultSelected; });
      }
      if (field.type === "checkbox" || field.type === "radio") return field.checked !== field.defaultChecked;
      return field.value !== field.defaultValue;
    });
  }
  setInterval(function () {
    if (document.hidden) return;
    fetch(window.location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, "text/html");
        Array.prototype.forEach.call(regions, function (region) {
          var twin = fresh.querySelector('[data-live="' + region.getAttribute("data-live") + '"]');
          if (twin && twin.innerHTML !== region.innerHTML && !edited(region)) region.innerHTML = twin.innerHTML;
        });
      })
      .catch(function () {});
  }, 15000);
})();
