// Tables a person reads on a phone (issue 19), for every page at once rather than template by template:
// - every table sits in a scrolling region that the keyboard can reach (WCAG: scrollable-region-focusable), so no
//   page is ever wider than the screen;
// - every data table gets its column headings on its cells (data-label), which portal.css uses below 576 px to show
//   each row as a card of "heading: value" lines, so key figures (金额, 余额, state, deadline) need no sideways scroll.
//   Matrices (.heat-table) stay tables and scroll inside their region.
(function () {
  "use strict";

  function labelFor(table) {
    const caption = table.querySelector("caption");
    if (caption) return caption.textContent.trim();
    if (table.getAttribute("aria-label")) return table.getAttribute("aria-label");
    let node = table.closest(".table-responsive") || table;
    while (node && node !== document.body) {
      let sibling = node.previousElementSibling;
      while (sibling) {
        if (/^H[1-6]$/.test(sibling.tagName)) return sibling.textContent.trim();
        const heading = sibling.querySelector && sibling.querySelector("h1, h2, h3, h4, h5, h6");
        if (heading) return heading.textContent.trim();
        sibling = sibling.previousElementSibling;
      }
      node = node.parentElement;
    }
    return document.title;
  }

  function stack(table) {
    const headerRow = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    if (!headerRow || table.classList.contains("heat-table")) return;
    const headings = [];
    Array.from(headerRow.cells).forEach(function (th) {
      for (let i = 0; i < (th.colSpan || 1); i += 1) headings.push(th.textContent.trim());
    });
    table.classList.add("table-stack");
    Array.from(table.tBodies).concat(table.tFoot ? [table.tFoot] : []).forEach(function (section) {
      Array.from(section.rows).forEach(function (row) {
        let column = 0;
        Array.from(row.cells).forEach(function (cell) {
          if (headings[column] && !cell.hasAttribute("data-label") && (cell.colSpan || 1) === 1) {
            cell.setAttribute("data-label", headings[column]);
          }
          column += cell.colSpan || 1;
        });
      });
    });
  }

  function contain(table) {
    let region = table.closest(".table-responsive");
    if (!region) {
      region = document.createElement("div");
      region.className = "table-responsive";
      table.parentNode.insertBefore(region, table);
      region.appendChild(table);
    }
    if (!region.hasAttribute("tabindex")) {
      region.tabIndex = 0;
      region.setAttribute("role", "region");
      region.setAttribute("aria-label", labelFor(table));
    }
  }

  document.querySelectorAll("main table").forEach(function (table) {
    stack(table);
    contain(table);
  });
})();
