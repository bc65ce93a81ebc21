// Tables of the site that list things (notices, sources, values …) sort by a column when its header
// is clicked, and again the other way. Numbers sort as numbers, other text as Chinese text. A row
// whose first cell is emphasised (a total, a "… more" line) stays at the end. Cells are compared by
// their text: nothing is parsed as HTML.
(function () {
  "use strict";
  const collator = new Intl.Collator("zh");
  const number = (text) => (/^-?[\d,]+(\.\d+)?%?$/.test(text) ? Number(text.replace(/[,%]/g, "")) : NaN);

  function sortBy(table, column, header) {
    const body = table.tBodies[0];
    const rows = [...body.rows];
    const fixed = rows.filter((row) => row.cells[0] && row.cells[0].querySelector("strong, em"));
    const moving = rows.filter((row) => !fixed.includes(row));
    const text = (row) => (row.cells[column] ? row.cells[column].textContent.trim() : "");
    const numeric = moving.every((row) => !text(row) || !Number.isNaN(number(text(row))));
    const down = header.getAttribute("aria-sort") === "ascending";
    moving.sort((a, b) => {
      const order = numeric ? (number(text(a)) || 0) - (number(text(b)) || 0) : collator.compare(text(a), text(b));
      return down ? -order : order;
    });
    for (const other of table.tHead.rows[0].cells) other.removeAttribute("aria-sort");
    header.setAttribute("aria-sort", down ? "descending" : "ascending");
    body.append(...moving, ...fixed);
  }

  for (const table of document.querySelectorAll("article table")) {
    if (!table.tHead || !table.tBodies.length || table.tBodies[0].rows.length < 2) continue;
    [...table.tHead.rows[0].cells].forEach((header, column) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "gw-sort";
      button.append(...header.childNodes);
      button.addEventListener("click", () => sortBy(table, column, header));
      header.append(button);
    });
  }
})();
