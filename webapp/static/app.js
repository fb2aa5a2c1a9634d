// What the pages do in the browser, declared in the markup with data attributes: the Content-Security-Policy runs
// scripts only from files of this site, never an inline <script> or an on… handler.
//   data-confirm="…"           a button or form asks first; cancelling sends nothing
//   data-autosubmit            a select or checkbox submits its form when changed
//   data-check-all=".pick"     a checkbox ticks or clears every box the selector names
//   data-show-target="id" data-show-value="v"   a select shows element #id only while its value is v
//   data-refresh-src="url"     clicking the (captcha) image loads a new one
//   data-width="42"            a progress bar's width in percent (set from here: no inline style)
//   table.table-stack          on a phone each row is a card (app.css): every cell gets its column's heading as
//                              data-label, which the card prints before the value
(function () {
  document.addEventListener('click', function (event) {
    const asking = event.target.closest('[data-confirm]');
    if (asking && asking.tagName !== 'FORM' && !window.confirm(asking.dataset.confirm)) {
      event.preventDefault();
      return;
    }
    const all = event.target.closest('[data-check-all]');
    if (all) {
      document.querySelectorAll(all.dataset.checkAll).forEach(function (box) { box.checked = all.checked; });
    }
    const image = event.target.closest('[data-refresh-src]');
    if (image) image.src = image.dataset.refreshSrc + '?' + Date.now();
  });
  document.addEventListener('submit', function (event) {
    const form = event.target;
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) event.preventDefault();
  });
  document.addEventListener('change', function (event) {
    const field = event.target;
    if (field.matches('[data-autosubmit]')) field.form.submit();
    if (field.dataset.showTarget) {
      document.getElementById(field.dataset.showTarget).classList.toggle('d-none', field.value !== field.dataset.showValue);
    }
  });
  document.querySelectorAll('[data-width]').forEach(function (bar) { bar.style.width = bar.dataset.width + '%'; });
  document.querySelectorAll('table.table-stack').forEach(function (table) {
    const headings = [];
    table.querySelectorAll('thead tr:first-child > *').forEach(function (th) {
      for (let i = 0; i < th.colSpan; i++) headings.push(th.textContent.trim());
    });
    table.querySelectorAll('tbody tr').forEach(function (row) {
      let column = 0;
      Array.from(row.cells).forEach(function (cell) {
        if (cell.colSpan === 1 && headings[column] && !cell.hasAttribute('data-label')) {
          cell.dataset.label = headings[column];
        }
        column += cell.colSpan;
      });
    });
  });
})();
