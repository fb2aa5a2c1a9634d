/* BPMN editor: bpmn-js Modeler plus plain form fields for the SpiffWorkflow extension properties the app needs.
   Every field writes into the XML through the modeler's moddle / modeling API (undoable, saved by saveXML).
   The texts come from the page (workbench/bpmn_editor.html: #i18n-texts), in the reader's language; {name} in a text
   stands for a value filled in here. */
// The whole diagram in the canvas, its left edge (the lane labels) clear of the tool palette.
function fitBesidePalette(canvas, container) {
  canvas.zoom('fit-viewport', 'auto');
  const palette = container.querySelector('.djs-palette');
  const inner = canvas.viewbox().inner;  // the diagram's bounds
  const outer = container.getBoundingClientRect();
  if (!palette || !inner.width || !inner.height) return;
  const left = palette.getBoundingClientRect().right - outer.left + 12;  // the pixels the palette covers, and a gap
  const scale = Math.min((outer.width - left - 12) / inner.width, (outer.height - 24) / inner.height, 1.5);
  canvas.viewbox({x: inner.x - left / scale, y: inner.y - 12 / scale, width: outer.width / scale,
                  height: outer.height / scale});
}

(async function () {
  const page = document.getElementById('bpmn-editor');
  const options = JSON.parse(document.getElementById('editor-options').textContent);
  const texts = JSON.parse(document.getElementById('i18n-texts').textContent);
  const say = (text, values) => text.replace(/{(\w+)}/g, (m, key) => (Object.hasOwn(values, key) ? values[key] : m));
  const descriptor = await (await fetch(page.dataset.descriptor)).json();
  const modeler = new BpmnJS({container: '#canvas', moddleExtensions: {spiffworkflow: descriptor}});
  window.bpmnModeler = modeler;
  const xmlField = document.getElementById('xml');
  try {
    await modeler.importXML(xmlField.value);
    fitBesidePalette(modeler.get('canvas'), document.getElementById('canvas'));
  } catch (err) {
    document.getElementById('editor-error').textContent = say(texts.loadError, {error: err.message});
  }
  const moddle = modeler.get('moddle');
  const modeling = modeler.get('modeling');
  const canvas = modeler.get('canvas');
  const registry = modeler.get('elementRegistry');
  const panel = document.getElementById('properties');

  for (const id of options.problemIds) {
    if (registry.get(id)) canvas.addMarker(id, 'wb-problem');
  }

  function extensionValues(bo) {
    return (bo.extensionElements && bo.extensionElements.values) || [];
  }

  function getProperty(bo, name) {
    for (const ext of extensionValues(bo)) {
      if (ext.$type === 'spiffworkflow:Properties') {
        const prop = (ext.properties || []).find(p => p.name === name);
        if (prop) return prop.value || '';
      }
    }
    return '';
  }

  function ensureExtensions(element) {
    const bo = element.businessObject;
    let ext = bo.extensionElements;
    if (!ext) {
      ext = moddle.create('bpmn:ExtensionElements', {values: []});
      ext.$parent = bo;
      modeling.updateProperties(element, {extensionElements: ext});
    }
    return ext;
  }

  function setProperty(element, name, value) {
    const bo = element.businessObject;
    const ext = ensureExtensions(element);
    let props = ext.values.find(v => v.$type === 'spiffworkflow:Properties');
    if (!props) {
      props = moddle.create('spiffworkflow:Properties', {properties: []});
      props.$parent = ext;
      ext.values.push(props);
    }
    const list = props.properties || (props.properties = []);
    const existing = list.find(p => p.name === name);
    if (value) {
      if (existing) existing.value = value;
      else {
        const prop = moddle.create('spiffworkflow:Property', {name: name, value: value});
        prop.$parent = props;
        list.push(prop);
      }
    } else if (existing) {
      list.splice(list.indexOf(existing), 1);
    }
    modeling.updateProperties(element, {extensionElements: ext});  // marks the diagram changed
    bo.extensionElements = ext;
  }

  function getCalledDecision(bo) {
    const el = extensionValues(bo).find(v => v.$type === 'spiffworkflow:CalledDecisionId');
    return el ? (el.value || '').trim() : '';
  }

  function setCalledDecision(element, value) {
    const ext = ensureExtensions(element);
    let el = ext.values.find(v => v.$type === 'spiffworkflow:CalledDecisionId');
    if (!el) {
      el = moddle.create('spiffworkflow:CalledDecisionId', {value: value});
      el.$parent = ext;
      ext.values.push(el);
    }
    el.value = value;
    modeling.updateProperties(element, {extensionElements: ext});
  }

  function select(label, name, choices, current, onChange, allowEmpty) {
    const wrap = document.createElement('div');
    wrap.className = 'mb-2';
    const id = 'field-' + name;
    wrap.innerHTML = `<label class="form-label small" for="${id}"></label><select class="form-select form-select-sm" id="${id}" name="${name}"></select>`;
    wrap.querySelector('label').textContent = label;
    const sel = wrap.querySelector('select');
    const values = Object.entries(choices);
    if (allowEmpty || !(current in choices)) values.unshift(['', allowEmpty ? texts.none : texts.choose]);
    if (current && !(current in choices)) values.push([current, say(texts.unknown, {value: current})]);
    for (const [value, text] of values) {
      const opt = document.createElement('option');
      opt.value = value;
      opt.textContent = text;
      if (value === current) opt.selected = true;
      sel.appendChild(opt);
    }
    sel.addEventListener('change', () => onChange(sel.value));
    panel.appendChild(wrap);
  }

  function textField(label, name, current, onChange) {
    const wrap = document.createElement('div');
    wrap.className = 'mb-2';
    wrap.innerHTML = `<label class="form-label small" for="field-${name}"></label><input class="form-control form-control-sm font-monospace" id="field-${name}" name="${name}">`;
    wrap.querySelector('label').textContent = label;
    const input = wrap.querySelector('input');
    input.value = current;
    input.addEventListener('change', () => onChange(input.value.trim()));
    panel.appendChild(wrap);
  }

  function checkbox(label, name, checked, onChange) {
    const wrap = document.createElement('div');
    wrap.className = 'form-check mb-2';
    wrap.innerHTML = `<input class="form-check-input" type="checkbox" id="field-${name}" name="${name}"><label class="form-check-label small" for="field-${name}"></label>`;
    wrap.querySelector('label').textContent = label;
    const input = wrap.querySelector('input');
    input.checked = checked;
    input.addEventListener('change', () => onChange(input.checked));
    panel.appendChild(wrap);
  }

  const asChoices = list => Object.fromEntries(list.map(v => [v, v]));

  function show(element) {
    panel.innerHTML = '';
    if (!element) {
      panel.innerHTML = '<p class="text-muted small"></p>';
      panel.querySelector('p').textContent = texts.selectHint;
      return;
    }
    const bo = element.businessObject;
    const head = document.createElement('p');
    head.className = 'small';
    head.innerHTML = '<strong></strong> <code></code>';
    head.querySelector('strong').textContent = bo.name || bo.$type.replace('bpmn:', '');
    head.querySelector('code').textContent = bo.id;
    panel.appendChild(head);
    const type = bo.$type;
    if (type === 'bpmn:Lane') {
      select(texts.lane, 'lane', options.roles, bo.name || '', v => modeling.updateProperties(element, {name: v}));
    }
    if (type === 'bpmn:UserTask') {
      select(texts.formKey, 'formKey', options.formKeys, getProperty(bo, 'formKey'),
             v => { setProperty(element, 'formKey', v); show(element); });
      select(texts.statusLabel, 'statusLabel', options.statuses, getProperty(bo, 'statusLabel'),
             v => { setProperty(element, 'statusLabel', v); });
      // Which review grants the registered hours (those that count) is the task's choice: the unit's in a one-tier province
      if (options.hoursForms.includes(getProperty(bo, 'formKey')) || getProperty(bo, 'grantsHours')) {
        checkbox(texts.grantsHours, 'grantsHours', getProperty(bo, 'grantsHours') === 'true',
                 v => setProperty(element, 'grantsHours', v ? 'true' : ''));
      }
    }
    if (type === 'bpmn:EndEvent') {
      select(texts.endStatusLabel, 'statusLabel', options.statuses, getProperty(bo, 'statusLabel'),
             v => setProperty(element, 'statusLabel', v), true);
    }
    if (type === 'bpmn:BusinessRuleTask') {
      select(texts.calledDecisionId, 'calledDecisionId', asChoices(options.decisions), getCalledDecision(bo),
             v => setCalledDecision(element, v));
    }
    if (type === 'bpmn:SequenceFlow' && /Gateway$/.test(bo.sourceRef.$type)) {
      const current = bo.conditionExpression ? (bo.conditionExpression.body || '') : '';
      textField(texts.condition, 'condition', current, v => {
        modeling.updateProperties(element, {
          conditionExpression: v ? moddle.create('bpmn:FormalExpression', {body: v}) : undefined,
        });
      });
    }
    if (panel.children.length === 1) {
      const note = document.createElement('p');
      note.className = 'text-muted small';
      note.textContent = texts.noProperties;
      panel.appendChild(note);
    }
  }

  modeler.on('selection.changed', e => show(e.newSelection.length === 1 ? e.newSelection[0] : null));
  show(null);

  document.getElementById('draft-form').addEventListener('submit', async function (event) {
    event.preventDefault();
    const {xml} = await modeler.saveXML({format: true});
    xmlField.value = xml;
    this.submit();  // no second submit event, no constraint validation of the hidden fields
  });
  page.dataset.loaded = '1';
})();
