// reunite web: small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Pedigree chart: choosing a person fills the "selected person" of the add-person form.
  function choose(person) {
    var id = person.getAttribute("data-person-id");
    var anchor = document.getElementById("anchor");
    if (!anchor) { return; }
    anchor.value = id;
    anchor.dispatchEvent(new Event("change"));
    document.querySelectorAll(".chart g.person.selected").forEach(function (g) {
      g.classList.remove("selected");
      g.setAttribute("aria-pressed", "false");
    });
    person.classList.add("selected");
    person.setAttribute("aria-pressed", "true");
    var relation = document.getElementById("relation");
    if (relation && relation.value === "founder") { relation.value = "child"; relation.dispatchEvent(new Event("change")); }
    var label = document.getElementById("label");
    if (label) { label.focus(); }
  }

  document.querySelectorAll(".chart g.person[data-person-id]").forEach(function (person) {
    person.addEventListener("click", function () { choose(person); });
    person.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); choose(person); }
    });
  });

  // Show the child-only fields only when adding a child.
  var relation = document.getElementById("relation");
  function sync() {
    var child = relation.value === "child";
    document.querySelectorAll(".child-only").forEach(function (el) { el.hidden = !child; });
  }
  if (relation) { relation.addEventListener("change", sync); sync(); }

  // After a refused form, move the keyboard focus to the explanation so it is read first.
  var alert = document.querySelector("main [role=alert]");
  if (alert) {
    alert.setAttribute("tabindex", "-1");
    alert.focus();
  }
})();
