/* DMN editor: dmn-js decision table. Cells are written in FEEL; the server translates them to the engine's form. */
const ZH = {
  'When': '当', 'And': '且', 'Then': '则', 'Annotations': '说明', 'Annotation': '说明',
  'Hit policy:': '命中策略：', 'Hit policy': '命中策略', 'View DRD': '查看决策关系图',
  'Unique': '唯一 Unique', 'First': '第一条 First', 'Collect': '收集 Collect',
  'Priority': '优先级（不支持）', 'Any': '任意（不支持）', 'Collect (Sum)': '收集求和（不支持）',
  'Collect (Min)': '收集最小值（不支持）', 'Collect (Max)': '收集最大值（不支持）', 'Collect (Count)': '收集计数（不支持）',
  'Rule order': '规则顺序（不支持）', 'Output order': '输出顺序（不支持）',
  'No overlap is possible and all rules are disjoint. Only a single rule can be matched':
    '规则互不重叠，只能匹配一条（本系统按第一条匹配取值）',
  'Rules may overlap. The first matching rule will be chosen': '规则可重叠，取第一条匹配的规则',
  'Collects the values of all matching rules': '收集全部匹配规则的输出（列表）',
  'Add rule': '添加规则', 'Add rule above': '在上方添加规则', 'Add rule below': '在下方添加规则',
  'Remove rule': '删除规则', 'Copy rule': '复制规则', 'Cut rule': '剪切规则', 'Move rule': '移动规则',
  'Paste rule above': '粘贴到上方', 'Paste rule below': '粘贴到下方',
  'Add input': '添加输入列', 'Add output': '添加输出列',
  'Add input column left': '在左侧添加输入列', 'Add input column right': '在右侧添加输入列',
  'Add output column left': '在左侧添加输出列', 'Add output column right': '在右侧添加输出列',
  'Remove input column': '删除输入列', 'Remove output column': '删除输出列',
  'Copy input column': '复制输入列', 'Copy output column': '复制输出列',
  'Cut input column': '剪切输入列', 'Cut output column': '剪切输出列',
  'Paste input column left': '粘贴到左侧', 'Paste input column right': '粘贴到右侧',
  'Paste output column left': '粘贴到左侧', 'Paste output column right': '粘贴到右侧',
  'Add cell description': '添加单元格说明', 'Remove cell description': '删除单元格说明',
  'Input label': '输入列标题', 'Input expression': '输入表达式', 'Input type': '输入类型',
  'Output label': '输出列标题', 'Output name': '输出名称', 'Output type': '输出类型',
  'Expression language': '表达式语言', 'Type': '类型', 'Delete': '删除', 'Edit': '编辑',
  'Strings must be in double quotes': '文字须加英文双引号',
};

/* dmn-js labels in Chinese; a hit policy the engine does not implement says so in its name. */
function translate(template, replacements) {
  return (ZH[template] || template).replace(/{([^}]+)}/g, (m, key) => (replacements || {})[key] ?? m);
}

(async function () {
  const page = document.getElementById('dmn-editor');
  const xmlField = document.getElementById('xml');
  const zh = {additionalModules: [{translate: ['value', translate]}]};
  const modeler = new DmnJS({container: '#canvas', common: {keyboard: {bindTo: window}}, decisionTable: zh, drd: zh,
                             literalExpression: zh});
  window.dmnModeler = modeler;
  // Edits live only in the page until 保存草稿: the bench, the test cases and any link load a new page.
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
    document.getElementById('editor-error').textContent = '决策表无法显示：' + err.message;
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
