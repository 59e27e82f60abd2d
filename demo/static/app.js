// Shows one channel at a time, like Discord: the one in the address (#c<channel> or #c<channel>/m<message>,
// scrolled to that message), else the first pair channel.
(function () {
  "use strict";
  var sections = Array.prototype.slice.call(document.querySelectorAll("section.channel"));
  var links = Array.prototype.slice.call(document.querySelectorAll(".sidebar a"));
  function show() {
    var wanted = window.location.hash.slice(1).split("/");
    var current = sections.filter(function (s) { return s.id === wanted[0]; })[0] ||
      sections.filter(function (s) { return s.dataset.kind === "pair"; })[0] || sections[0];
    sections.forEach(function (s) { s.hidden = s !== current; });
    links.forEach(function (a) { a.classList.toggle("active", !!current && a.getAttribute("href") === "#" + current.id); });
    var target = wanted[1] && document.getElementById(wanted[1]);
    if (target) { target.scrollIntoView(); } else if (current) { document.querySelector("main").scrollTop = 0; }
  }
  window.addEventListener("hashchange", show);
  show();
})();
