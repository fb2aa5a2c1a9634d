/* DMN editor: dmn-js decision table. Cells are written in FEEL; the server translates them to the engine's form. */
(async function () {
  const page = document.getElementById('dmn-editor');
  const xmlField = document.getElementById('xml');
  const modeler = new DmnJS({container: '#canvas', common: {keyboard: {bindTo: window}}});
  window.dmnModeler = modeler;
  try {
    await modeler.importXML(xmlField.value);
    const table = modeler.getViews().find(v => v.type === 'decisionTable');
    if (table) await modeler.open(table);
  } catch (err) {
    document.getElementById('editor-error').textContent = '决策表无法显示：' + err.message;
  }
  document.getElementById('draft-form').addEventListener('submit', async function (event) {
    event.preventDefault();
    const {xml} = await modeler.saveXML({format: true});
    xmlField.value = xml;
    this.submit();  // no second submit event, no constraint validation of the hidden fields
  });
  page.dataset.loaded = '1';
})();
