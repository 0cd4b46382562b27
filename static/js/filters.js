// Progressive enhancement for the filter forms: apply a filter as soon as a box is ticked.
// Without JavaScript the form's own "Apply filters" button does the same.
document.addEventListener("change", (event) => {
  const box = event.target;
  const form = box.closest && box.closest("form[data-autosubmit]");
  if (form && box.matches("input[type=checkbox]")) {
    form.requestSubmit();
  }
});
