// Catalogue pages: the print button, and adding/removing rows in the guide editor's formsets.
document.addEventListener("click", (event) => {
  const print = event.target.closest("[data-print]");
  if (print) {
    window.print();
    return;
  }
  const add = event.target.closest("[data-add-row]");
  if (add) {
    const prefix = add.dataset.addRow;
    const total = document.getElementById(`id_${prefix}-TOTAL_FORMS`);
    const template = document.getElementById(`${prefix}-empty`);
    const list = document.getElementById(`${prefix}-rows`);
    const index = Number(total.value);
    const html = template.innerHTML.replaceAll("__prefix__", String(index)).replaceAll("__num__", String(index + 1));
    list.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    const first = list.lastElementChild.querySelector("input, select, textarea");
    if (first) first.focus();
  }
});
