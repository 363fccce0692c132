/* The − / + buttons of a quantity picker ([data-quantity]).
 * Progressive enhancement: the number input works alone; this script only
 * reveals the buttons (hidden in the HTML) and makes them step the value
 * within the input's min and max. Loaded with `defer`, no inline script (CSP). */
"use strict";

(function () {
  function bounds(input) {
    const min = input.min === "" ? 1 : Number(input.min);
    const max = input.max === "" ? Infinity : Number(input.max);
    return { min, max };
  }

  function refresh(picker) {
    const input = picker.querySelector("input[type=number]");
    const { min, max } = bounds(input);
    const value = Number(input.value);
    picker.querySelectorAll("[data-step]").forEach(function (button) {
      const step = Number(button.dataset.step);
      // aria-disabled, not disabled: a focused button keeps its focus at the limit.
      const atLimit = step < 0 ? value <= min : value >= max;
      button.setAttribute("aria-disabled", String(input.disabled || atLimit));
    });
  }

  function enhance(root) {
    root.querySelectorAll("[data-quantity]").forEach(function (picker) {
      picker.querySelectorAll("[data-step]").forEach(function (button) {
        button.hidden = false;
      });
      refresh(picker);
    });
  }

  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-quantity] [data-step]");
    if (!button) return;
    const picker = button.closest("[data-quantity]");
    const input = picker.querySelector("input[type=number]");
    const { min, max } = bounds(input);
    const current = Number.isFinite(Number(input.value)) && input.value !== "" ? Number(input.value) : min;
    const next = Math.min(max, Math.max(min, Math.round(current) + Number(button.dataset.step)));
    if (next !== Number(input.value)) {
      input.value = String(next);
      input.dispatchEvent(new Event("input", { bubbles: true }));
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }
    refresh(picker);
  });

  document.addEventListener("input", function (event) {
    const picker = event.target.closest && event.target.closest("[data-quantity]");
    if (picker) refresh(picker);
  });

  // Fragments swapped in by htmx get their buttons too.
  document.addEventListener("htmx:load", function (event) {
    enhance(event.target);
  });
  enhance(document);
})();
