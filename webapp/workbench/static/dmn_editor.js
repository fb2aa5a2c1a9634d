/* DMN editor: dmn-js decision table. Cells are written in FEEL; the server translates them to the engine's form.
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
    if (table) await modeler.open(table);
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
