// Progressive enhancement for the filter forms: apply a filter as soon as a box is ticked.
// Without JavaScript the form's own "Apply filters" button does the same.
// The new page starts at the top with the filters folded: the box that changed is remembered
// for that one load, unfolded and focused again, so a keyboard or screen reader user goes on
// from where they were.
const FOCUS_KEY = "agora:filter-focus";

document.addEventListener("change", (event) => {
  const box = event.target;
  const form = box.closest && box.closest("form[data-autosubmit]");
  if (form && box.matches("input[type=checkbox]")) {
    try {
      const where = { path: location.pathname, name: box.name, value: box.value };
      sessionStorage.setItem(FOCUS_KEY, JSON.stringify(where));
    } catch {
      // No storage (a private window may refuse it): the filter still applies.
    }
    form.requestSubmit();
  }
});

function refocusChangedFilter() {
  let where = null;
  try {
    where = JSON.parse(sessionStorage.getItem(FOCUS_KEY));
    sessionStorage.removeItem(FOCUS_KEY);
  } catch {
    return;
  }
  if (!where || where.path !== location.pathname) return;
  const boxes = document.querySelectorAll("form[data-autosubmit] input[type=checkbox]");
  const box = [...boxes].find((b) => b.name === where.name && b.value === where.value);
  if (!box) return; // the option is gone (it now has no results): the page keeps its place
  for (let fold = box.closest("details"); fold; fold = fold.parentElement.closest("details")) {
    fold.open = true;
  }
  box.focus();
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", refocusChangedFilter);
} else {
  refocusChangedFilter();
}
