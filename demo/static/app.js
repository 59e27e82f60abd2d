// Shows one channel at a time, like Discord: the one in the address (#c<id>), else the first pair channel.
(function () {
  "use strict";
  var sections = Array.prototype.slice.call(document.querySelectorAll("section.channel"));
  var links = Array.prototype.slice.call(document.querySelectorAll(".sidebar a"));
  function show() {
    var wanted = window.location.hash.slice(1);
    var current = sections.filter(function (s) { return s.id === wanted; })[0] ||
      sections.filter(function (s) { return s.dataset.kind === "pair"; })[0] || sections[0];
    sections.forEach(function (s) { s.hidden = s !== current; });
    links.forEach(function (a) { a.classList.toggle("active", current && a.getAttribute("href") === "#" + current.id); });
  }
  window.addEventListener("hashchange", show);
  show();
})();
