"""What changed between two versions, in the words province staff use: a credit table's rows and cells side by side
(pathways and levels by their labels), a diagram's elements by name (added, removed, and what changed in each) —
not the XML."""
import re

from lxml import etree

from ..i18n import _l
from ..workflow.feel import feel_cell
from ..workflow.wording import names as listed
from .choices import input_choices

# The diagram elements a province edits, and what each kind is called.
KIND_NAMES = {
    'startEvent': _l('开始事件'), 'endEvent': _l('结束事件'), 'boundaryEvent': _l('边界事件'),
    'intermediateCatchEvent': _l('中间事件'), 'intermediateThrowEvent': _l('中间事件'),
    'userTask': _l('用户任务'), 'serviceTask': _l('服务任务'), 'scriptTask': _l('脚本任务'),
    'businessRuleTask': _l('业务规则任务'), 'manualTask': _l('人工任务'), 'task': _l('任务'),
    'callActivity': _l('调用活动'), 'subProcess': _l('子流程'),
    'exclusiveGateway': _l('排他网关'), 'parallelGateway': _l('并行网关'), 'inclusiveGateway': _l('包容网关'),
    'eventBasedGateway': _l('事件网关'), 'sequenceFlow': _l('连线'), 'lane': _l('泳道'), 'message': _l('消息'),
}
FEEL_STRINGS = re.compile(r'\s*"([^"]*)"\s*(?:,\s*"([^"]*)"\s*)*')


def _local(element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ''


def _root(content: str):
    try:
        return etree.fromstring(content.encode('utf-8'))
    except etree.XMLSyntaxError:
        return None


# --- credit tables ---

def _shown_cell(text: str, labels: dict | None) -> str:
    """A cell as staff read it: FEEL, and for a column with catalogue values, the labels of the codes it names."""
    feel = feel_cell(text or '').strip()
    if feel in ('', '-'):
        return str(_l('任意')) if labels is not None else ''
    if labels is None:
        return feel
    negated = re.fullmatch(r'not\((.*)\)', feel)
    inner = negated.group(1) if negated else feel
    if not FEEL_STRINGS.fullmatch(inner):
        return feel
    shown = listed(labels.get(code, code) for code in re.findall(r'"([^"]*)"', inner))
    return str(_l('除 %(names)s 以外', names=shown)) if negated else shown


def _table(content: str) -> dict | None:
    root = _root(content)
    table = root.find('.//{*}decisionTable') if root is not None else None
    if table is None:
        return None
    choices = {name: dict(pairs) for name, pairs in input_choices().items()}
    columns = []
    for column in table:
        if _local(column) == 'input':
            expression = (column.findtext('{*}inputExpression/{*}text') or '').strip()
            columns.append({'id': column.get('id'), 'label': column.get('label') or expression,
                            'labels': choices.get(expression)})
        elif _local(column) == 'output':
            columns.append({'id': column.get('id'), 'label': column.get('label') or column.get('name'),
                            'labels': None})
    rules = {}
    for number, rule in enumerate(table.findall('{*}rule'), start=1):
        entries = [e for e in rule if _local(e) in ('inputEntry', 'outputEntry')]
        cells = {column['id']: _shown_cell(entry.findtext('{*}text'), column['labels'])
                 for column, entry in zip(columns, entries)}
        cells['description'] = (rule.findtext('{*}description') or '').strip()
        rules[rule.get('id')] = {'row': number, 'cells': cells}
    return {'hit_policy': (table.get('hitPolicy') or 'UNIQUE').upper(), 'columns': columns, 'rules': rules}


def decision_diff(old_content: str, new_content: str) -> dict | None:
    """The rows of two credit-table versions that differ, each with its cells side by side: {'columns', 'rows'
    [{'status': added/removed/changed, 'old_row', 'new_row', 'description', 'cells': [(column label, old, new,
    changed)]}], 'notes' (hit policy and columns), 'same' (rows unchanged)}; None when either is not a table."""
    old, new = _table(old_content), _table(new_content)
    if old is None or new is None:
        return None
    notes = []
    if old['hit_policy'] != new['hit_policy']:
        notes.append(_l('命中策略：%(old)s → %(new)s', old=old['hit_policy'], new=new['hit_policy']))
    old_columns = {c['id']: c for c in old['columns']}
    new_columns = {c['id']: c for c in new['columns']}
    for column in new['columns']:
        before = old_columns.get(column['id'])
        if before is None:
            notes.append(_l('新增列“%(column)s”', column=column['label']))
        elif before['label'] != column['label']:
            notes.append(_l('列“%(old)s”改名为“%(new)s”', old=before['label'], new=column['label']))
    notes.extend(_l('删除列“%(column)s”', column=c['label']) for c in old['columns'] if c['id'] not in new_columns)
    columns = new['columns'] + [c for c in old['columns'] if c['id'] not in new_columns]
    columns.append({'id': 'description', 'label': _l('说明')})
    rows, same = [], 0
    order = list(new['rules']) + [rule_id for rule_id in old['rules'] if rule_id not in new['rules']]
    for rule_id in order:
        before, after = old['rules'].get(rule_id), new['rules'].get(rule_id)
        cells = [(c['label'], (before or {}).get('cells', {}).get(c['id'], ''),
                  (after or {}).get('cells', {}).get(c['id'], '')) for c in columns]
        if before and after and all(a == b for _label, a, b in cells):
            same += 1
            continue
        status = 'changed' if before and after else ('added' if after else 'removed')  # i18n: data - css kinds
        described = (after or before)['cells']['description']
        rows.append({'status': status, 'old_row': before and before['row'], 'new_row': after and after['row'],
                     'description': described,
                     'cells': [(label, a if before else '', b if after else '', a != b or status != 'changed')
                               for label, a, b in cells if status == 'changed' or (a if before else b)]})
    return {'notes': notes, 'rows': rows, 'same': same}


# --- process diagrams ---

def _properties(element) -> dict:
    return {p.get('name'): p.get('value') for p in element.iter('{*}property') if p.get('name')}


def _elements(content: str) -> dict | None:
    """Each diagram element the province edits: id -> (kind, name, facets: {what: value})."""
    root = _root(content)
    if root is None:
        return None
    found = [e for e in root.iter() if _local(e) in KIND_NAMES and e.get('id')
             and etree.QName(e).namespace == etree.QName(root).namespace]
    names = {e.get('id'): e.get('name') or e.get('id') for e in found}
    lanes = {ref.text.strip(): lane.get('name') or lane.get('id')
             for lane in found if _local(lane) == 'lane' for ref in lane.findall('{*}flowNodeRef') if ref.text}
    elements = {}
    for e in found:
        facets = {str(_l('名称')): e.get('name') or ''}
        facets.update({str(_l('属性 %(name)s', name=name)): value for name, value in _properties(e).items()})
        if _local(e) == 'sequenceFlow':
            facets[str(_l('连接'))] = f"{names.get(e.get('sourceRef'), e.get('sourceRef'))} → " \
                                     f"{names.get(e.get('targetRef'), e.get('targetRef'))}"
            facets[str(_l('条件'))] = (e.findtext('{*}conditionExpression') or '').strip()
        if e.get('attachedToRef'):
            facets[str(_l('附着于'))] = names.get(e.get('attachedToRef'), e.get('attachedToRef'))
        if e.get('default'):
            facets[str(_l('默认连线'))] = e.get('default')
        if _local(e) == 'scriptTask':
            facets[str(_l('脚本'))] = (e.findtext('{*}script') or '').strip()
        for timer in e.iter('{*}timeDate', '{*}timeDuration', '{*}timeCycle'):
            facets[str(_l('计时器'))] = (timer.text or '').strip()
        for called in e.iter('{*}calledDecisionId'):
            facets[str(_l('决策表'))] = (called.text or '').strip()
        for operator in e.iter('{*}serviceTaskOperator'):
            facets[str(_l('服务'))] = operator.get('id') or ''
        if e.get('id') in lanes:
            facets[str(_l('泳道'))] = lanes[e.get('id')]
        elements[e.get('id')] = (KIND_NAMES[_local(e)], e.get('name') or '', {k: v for k, v in facets.items() if v})
    return elements


def process_diff(old_content: str, new_content: str) -> dict | None:
    """Elements added, removed and changed between two diagram versions, by kind and name: {'added': [(kind, name,
    id)], 'removed': [...], 'changed': [(kind, name, id, [(what, old, new)])], 'layout_only': bool}; None when
    either is not a diagram."""
    old, new = _elements(old_content), _elements(new_content)
    if old is None or new is None:
        return None
    added = [(kind, name, element_id) for element_id, (kind, name, _f) in new.items() if element_id not in old]
    removed = [(kind, name, element_id) for element_id, (kind, name, _f) in old.items() if element_id not in new]
    changed = []
    for element_id, (kind, name, facets) in new.items():
        if element_id not in old:
            continue
        before = old[element_id][2]
        what = [(key, before.get(key, ''), facets.get(key, '')) for key in dict.fromkeys([*before, *facets])
                if before.get(key, '') != facets.get(key, '')]
        if what:
            changed.append((kind, name or old[element_id][1], element_id, what))
    return {'added': added, 'removed': removed, 'changed': changed,
            'layout_only': not (added or removed or changed) and old_content != new_content}
