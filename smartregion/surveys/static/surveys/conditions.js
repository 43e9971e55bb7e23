/*
 * Conditional questions and sections of a survey's answer form, shown and hidden as people answer.
 *
 * Without JavaScript every question is shown with a note saying when to answer it, and the server drops
 * the answers of questions whose condition is not met (surveys/forms.py). This script applies the same
 * rule live, in the same order: walking the questions top to bottom, a question (or section) with
 * data-show-if="<option ids>" is shown only if one of those options was chosen in a question shown
 * above it. Hidden questions get the `hidden` attribute and their inputs are disabled, so they are
 * neither read out, nor reachable with the keyboard, nor submitted; what was typed into them stays and
 * comes back when they are shown again. A polite live region says that questions appeared or went.
 */
(function () {
  "use strict";

  function optionIds(element) {
    return (element.getAttribute("data-show-if") || "").split(" ").filter(Boolean);
  }

  function conditionMet(element, chosen) {
    var ids = optionIds(element);
    return ids.length === 0 || ids.some(function (id) { return chosen.has(id); });
  }

  function setShown(element, shown) {
    if (element.hidden === !shown) {
      return false;
    }
    element.hidden = !shown;
    element.querySelectorAll("input, select, textarea").forEach(function (input) {
      input.disabled = !shown;
    });
    return true;
  }

  function apply(form, live) {
    var chosen = new Set();
    var appeared = 0;
    var went = 0;
    form.querySelectorAll(".sr-survey-section").forEach(function (section) {
      var sectionShown = conditionMet(section, chosen);
      if (setShown(section, sectionShown)) {
        if (sectionShown) { appeared += 1; } else { went += 1; }
      }
      section.querySelectorAll(".sr-question").forEach(function (question) {
        var shown = sectionShown && conditionMet(question, chosen);
        // A question inside a hidden section keeps its own state; the section hides it.
        if (sectionShown && setShown(question, shown)) {
          if (shown) { appeared += 1; } else { went += 1; }
        }
        if (shown && question.hasAttribute("data-choice")) {
          question.querySelectorAll("input[type=radio]:checked, input[type=checkbox]:checked")
            .forEach(function (input) { chosen.add(input.value); });
        }
      });
    });
    if (live && (appeared || went)) {
      live.textContent = appeared ? live.getAttribute("data-shown") : live.getAttribute("data-hidden");
    }
  }

  document.querySelectorAll("form[data-survey-form]").forEach(function (form) {
    var live = form.querySelector("[data-survey-live]");
    apply(form, null);
    form.addEventListener("change", function () { apply(form, live); });
  });
}());
