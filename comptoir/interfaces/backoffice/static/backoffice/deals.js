// The deal form: show only the fields of the chosen kind, and the products
// list only for "some products". Without JavaScript every field shows and the
// server keeps only those of the kind.
(function () {
  "use strict";

  function checked(form, name) {
    const input = form.querySelector("input[name=" + name + "]:checked");
    return input ? input.value : "";
  }

  function sync(form) {
    const kind = checked(form, "kind");
    form.querySelectorAll("[data-kind-for]").forEach(function (group) {
      group.hidden = Boolean(kind) && group.dataset.kindFor !== kind;
    });
    const products = form.querySelector("[data-scope-products]");
    if (products) products.hidden = checked(form, "scope") !== "products";
  }

  function setUp(root) {
    root.querySelectorAll("[data-deal-form]").forEach(function (form) {
      if (form.dataset.dealReady) return;
      form.dataset.dealReady = "true";
      form.addEventListener("change", function (event) {
        if (event.target.name === "kind" || event.target.name === "scope") sync(form);
      });
      sync(form);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUp(document);
  });
})();
