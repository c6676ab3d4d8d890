// Hide the parts of a form that do not apply (a procedure's "show_if" conditions), so people only
// see what they have to fill. The server checks the same conditions, so nothing depends on this.
(function () {
  "use strict";
  function valueOf(form, name) {
    const inputs = form.querySelectorAll('[name="' + CSS.escape(name) + '"]');
    for (const input of inputs) {
      if ((input.type === "radio" || input.type === "checkbox")) {
        if (input.checked) { return input.type === "checkbox" ? true : input.value; }
      } else {
        return input.value;
      }
    }
    return inputs.length && inputs[0].type === "checkbox" ? false : "";
  }
  function applies(form, condition) {
    if (condition.case) {
      const chosen = valueOf(form, "case");
      if (chosen && chosen !== condition.case) { return false; }
    }
    const value = valueOf(form, condition.field);
    if ("equals" in condition) { return value === condition.equals; }
    if ("in" in condition) { return condition.in.includes(value); }
    return true;
  }
  function refresh(form) {
    form.querySelectorAll("[data-show-if]").forEach(function (element) {
      let condition;
      try { condition = JSON.parse(element.dataset.showIf); } catch (error) { return; }
      element.hidden = !applies(form, condition);
    });
  }
  document.querySelectorAll("form").forEach(function (form) {
    if (!form.querySelector("[data-show-if]")) { return; }
    form.addEventListener("change", function () { refresh(form); });
    refresh(form);
  });
})();
