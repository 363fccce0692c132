/* Back office, product form: show the chosen photo at once (no upload needed to see it).
 * A data: URL, as the CSP allows images from 'self' and data: only. */
"use strict";

(function () {
  const input = document.querySelector("[data-photo-input]");
  const preview = document.querySelector("[data-photo-preview]");
  if (!input || !preview) return;
  input.addEventListener("change", function () {
    const file = input.files && input.files[0];
    if (!file || !file.type.startsWith("image/")) return;
    const reader = new FileReader();
    reader.addEventListener("load", function () {
      preview.src = String(reader.result);
      preview.alt = "";
      preview.hidden = false;
      const placeholder = document.querySelector("[data-photo-placeholder]");
      if (placeholder) placeholder.hidden = true;
    });
    reader.readAsDataURL(file);
  });
})();
