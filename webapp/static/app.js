// What the pages do in the browser, declared in the markup with data attributes: the Content-Security-Policy runs
// scripts only from files of this site, never an inline <script> or an on… handler.
//   data-confirm="…"           a form, the button that sends it, or a link asks first in a modal (base.html);
//                              cancelling sends nothing, its OK button sends the form with confirmed=1 (webapp/confirmation.py);
//                              {n} in it is the number of ticked .pick boxes, {choice} the option chosen in the
//                              form's select[data-confirm-choice]
//   data-autosubmit            a select or checkbox submits its form when changed
//   data-check-all=".pick"     a checkbox ticks or clears every box the selector names
//   data-show-target="id" data-show-value="v"   a select shows element #id only while its value is v
//   data-refresh-src="url"     clicking the (captcha) image loads a new one
//   data-width="42"            a progress bar's width in percent (set from here: no inline style)
//   table.table-stack          on a phone each row is a card (app.css): every cell gets its column's heading as
//                              data-label, which the card prints before the value
(function () {
  // Confirmations: the modal of base.html names what will happen; only its OK button sends the form.
  let pending = null;  // what OK does
  let approved = null;  // the form OK is sending
  function ask(message, then) {
    const modal = document.getElementById('confirm-modal');
    if (!modal || !window.bootstrap) {
      if (window.confirm(message)) then();
      return;
    }
    document.getElementById('confirm-text').textContent = message;
    pending = then;
    window.bootstrap.Modal.getOrCreateInstance(modal).show();
  }
  const ok = document.getElementById('confirm-ok');
  if (ok) {
    ok.addEventListener('click', function () {
      const then = pending;
      pending = null;
      window.bootstrap.Modal.getOrCreateInstance(document.getElementById('confirm-modal')).hide();
      if (then) then();
    });
    document.getElementById('confirm-modal').addEventListener('hidden.bs.modal', function () { pending = null; });
  }

  document.addEventListener('click', function (event) {
    const link = event.target.closest('a[data-confirm]');
    if (link) {
      event.preventDefault();
      ask(link.dataset.confirm, function () { window.location.href = link.href; });
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
    const submitter = event.submitter;
    let message = (submitter && submitter.dataset.confirm) || form.dataset.confirm;
    if (!message || event.defaultPrevented) return;  // (a page's own script stopped it: nothing to ask)
    if (message.includes('{n}')) {  // {n}: how many rows are ticked; none: the server says so
      const ticked = form.querySelectorAll('.pick:checked').length;
      if (!ticked) return;
      message = message.replace('{n}', ticked);
    }
    const choice = form.querySelector('select[data-confirm-choice]');  // "{choice}": the chosen action's name
    if (choice) message = message.replace('{choice}', choice.options[choice.selectedIndex].text);
    if (approved === form) {  // OK was pressed: sent, saying so to the server
      if (!form.querySelector('input[name=confirmed]')) {
        const field = document.createElement('input');
        field.type = 'hidden';
        field.name = 'confirmed';
        field.value = '1';
        form.appendChild(field);
      }
      return;
    }
    event.preventDefault();
    ask(message, function () {
      approved = form;
      try { form.requestSubmit(submitter || null); } finally { approved = null; }
    });
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
