/* DMN editor: dmn-js decision table. Cells are written in FEEL; the server translates them to the engine's form.
   The input columns whose values the catalogue lists (#catalog-choices: pathway, level) are filled with a picker:
   clicking such a cell opens #cell-picker, which offers the values by their labels and writes their codes into the
   cell ("seminar", "training" — or not(...) — or nothing for any); each such cell shows the labels under its codes.
   The texts come from the page (workbench/dmn_editor.html: #i18n-texts), in the reader's language: `labels` replaces
   dmn-js's own English UI strings (all of them for a Chinese reader; for an English reader only the hit policies the
   engine does not implement, which say so, and the ones it implements differently). */
(async function () {
  const page = document.getElementById('dmn-editor');
  const xmlField = document.getElementById('xml');
  const texts = JSON.parse(document.getElementById('i18n-texts').textContent);
  // dmn-js's translate service: its template, in the reader's language, with {placeholders} filled in
  const translate = (template, replacements) => {
    const text = Object.hasOwn(texts.labels, template) ? texts.labels[template] : template;
    return text.replace(/{([^}]+)}/g, (m, key) => (replacements || {})[key] ?? m);
  };
  const labels = {additionalModules: [{translate: ['value', translate]}]};
  const modeler = new DmnJS({container: '#canvas', common: {keyboard: {bindTo: window}}, decisionTable: labels,
                             drd: labels, literalExpression: labels});
  window.dmnModeler = modeler;
  // Edits live only in the page until the draft is saved: the bench, the test cases and any link load a new page.
  let unsaved = page.dataset.unsaved === '1';  // a refused save shows the edits it did not store
  const watch = () => {
    const viewer = modeler.getActiveViewer();
    if (viewer) viewer.on('elements.changed', () => { unsaved = true; });
  };
  modeler.on('views.changed', watch);
  try {
    await modeler.importXML(xmlField.value);
    const table = modeler.getViews().find(v => v.type === 'decisionTable');
    if (table) {
      await modeler.open(table);
      cellPicker(modeler.getActiveViewer());
    }
  } catch (err) {
    document.getElementById('editor-error').textContent = texts.loadError.replace('{error}', () => err.message);
  }
  document.getElementById('draft-form').addEventListener('submit', async function (event) {
    event.preventDefault();
    const {xml} = await modeler.saveXML({format: true});
    xmlField.value = xml;
    unsaved = false;
    this.submit();  // no second submit event, no constraint validation of the hidden fields
  });
  // The bench, the test cases and publishing use the saved draft: sending them now would use the old table and
  // drop the edits. Discarding the draft drops them on purpose (its own confirm() has asked).
  const warning = document.getElementById('unsaved-warning');
  for (const id of ['bench-form', 'case-form', 'publish-form']) {
    const form = document.getElementById(id);
    if (!form) continue;  // no publish form without a draft
    form.addEventListener('submit', event => {
      if (!unsaved) return;
      event.preventDefault();
      warning.hidden = false;
      warning.scrollIntoView({block: 'nearest'});
    });
  }
  const discard = document.getElementById('discard-form');
  if (discard) discard.addEventListener('submit', event => { if (!event.defaultPrevented) unsaved = false; });
  window.addEventListener('beforeunload', event => {
    if (unsaved) event.preventDefault();
  });
  page.dataset.loaded = '1';
})();

/* The cell picker of the catalogue columns (see the top of this file). */
function cellPicker(viewer) {
  const choices = JSON.parse(document.getElementById('catalog-choices').textContent);
  const texts = JSON.parse(document.getElementById('i18n-texts').textContent);
  const box = document.getElementById('cell-picker');
  const options = document.getElementById('cell-picker-options');
  const negate = document.getElementById('cell-picker-not');
  const free = document.getElementById('cell-picker-free');
  const container = document.getElementById('dmn-editor');
  const eventBus = viewer.get('eventBus');
  const registry = viewer.get('elementRegistry');
  const modeling = viewer.get('modeling');
  let current = null;  // the cell being picked for

  const columnOf = cell => {
    const clause = cell && cell.col && cell.col.businessObject;
    const expression = clause && clause.inputExpression && (clause.inputExpression.text || '').trim();
    return expression && Object.hasOwn(choices, expression) ? expression : null;
  };
  // A cell's text as a list of codes: "a", "b" or not("a", "b"); null when it is some other condition.
  const parse = text => {
    const value = (text || '').trim();
    if (value === '' || value === '-') return {codes: [], negated: false};
    const negated = /^not\((.*)\)$/s.exec(value);
    const inner = negated ? negated[1] : value;
    if (!/^\s*"[^"]*"\s*(,\s*"[^"]*"\s*)*$/.test(inner)) return null;
    return {codes: [...inner.matchAll(/"([^"]*)"/g)].map(match => match[1]), negated: Boolean(negated)};
  };
  const format = (codes, negated) => {
    if (!codes.length) return '';
    const list = codes.map(code => `"${code}"`).join(', ');
    return negated ? `not(${list})` : list;
  };
  const tdOf = cell => container.querySelector(`td[data-row-id="${cell.row.id}"][data-col-id="${cell.col.id}"]`);
  const catalogueCells = () => registry.filter(e => e.row && e.col && columnOf(e) && e.businessObject
                                                   && e.businessObject.$type === 'dmn:UnaryTests');

  // Under each catalogue cell, the labels of the codes it holds.
  const showLabels = () => {
    for (const cell of catalogueCells()) {
      const td = tdOf(cell);
      if (!td) continue;
      const parsed = parse(cell.businessObject.text);
      const labels = new Map(choices[columnOf(cell)]);
      const named = parsed ? parsed.codes.map(code => labels.get(code) || code).join(texts.listSeparator) : '';
      const shown = parsed && parsed.negated ? texts.negated.replace('{names}', () => named) : named;
      if (shown) td.dataset.labels = shown; else delete td.dataset.labels;
    }
  };

  const write = () => {
    const codes = [...options.querySelectorAll('input:checked')].map(input => input.value);
    modeling.editCell(current.businessObject, format(codes, negate.checked && codes.length > 0));
    free.hidden = true;
  };
  const close = () => { box.hidden = true; current = null; };
  const open = cell => {
    current = cell;
    const parsed = parse(cell.businessObject.text);
    const picked = new Set(parsed ? parsed.codes : []);
    document.getElementById('cell-picker-title').textContent = cell.col.businessObject.label || columnOf(cell);
    options.replaceChildren(...choices[columnOf(cell)].map(([code, label], i) => {
      const row = document.createElement('div');
      row.className = 'form-check';
      const input = Object.assign(document.createElement('input'), {
        type: 'checkbox', className: 'form-check-input', id: `cell-pick-${i}`, value: code,
        checked: picked.has(code)});
      input.addEventListener('change', write);
      const text = Object.assign(document.createElement('label'), {
        className: 'form-check-label', htmlFor: input.id, textContent: label});
      const small = Object.assign(document.createElement('span'), {className: 'text-muted small ms-1',
                                                                   textContent: code});
      text.append(small);
      row.append(input, text);
      return row;
    }));
    negate.checked = Boolean(parsed && parsed.negated);
    free.hidden = parsed !== null;
    const td = tdOf(cell);
    const at = td.getBoundingClientRect(), origin = container.getBoundingClientRect();
    box.style.left = `${at.left - origin.left}px`;
    box.style.top = `${at.bottom - origin.top + 2}px`;
    box.hidden = false;
  };

  negate.addEventListener('change', () => { if (current) write(); });
  document.getElementById('cell-picker-any').addEventListener('click', () => {
    if (current) modeling.editCell(current.businessObject, '');
    close();
  });
  document.getElementById('cell-picker-close').addEventListener('click', close);
  box.addEventListener('keydown', event => { if (event.key === 'Escape') close(); });
  document.addEventListener('mousedown', event => {  // a click elsewhere (another cell, the page) closes it
    if (!box.hidden && !box.contains(event.target)) close();
  });
  eventBus.on('cellSelection.changed', ({elementId, selection}) => {
    if (!selection || !selection.selected) return;  // focus leaving a cell (to the picker) keeps it open
    const cell = registry.get(elementId);
    if (cell && columnOf(cell) && cell.businessObject && cell.businessObject.$type === 'dmn:UnaryTests') open(cell);
    else close();
  });
  // (a listener returning a value stops the event for the others: the unsaved-edits flag listens too)
  eventBus.on('elements.changed', () => { requestAnimationFrame(showLabels); });
  showLabels();
}
