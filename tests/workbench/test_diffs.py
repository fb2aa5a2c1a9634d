"""The version diff in the province's words: a credit table's changed rows and cells side by side (pathways and
levels by label), a diagram's elements added, removed and changed by name."""
import re
from pathlib import Path

from webapp.workbench import diffs

from ..diagrams import one_tier, three_tier

ROOT = Path(__file__).resolve().parents[2]
CLAIM = (ROOT / 'bpmn' / 'claim.bpmn').read_text(encoding='utf-8')
RULES = (ROOT / 'rules' / 'credit_hours.dmn').read_text(encoding='utf-8')
NEW_RULE = '''<rule id="rule_new"><description>县级高研班</description>
  <inputEntry id="rule_new_p"><text>"seminar"</text></inputEntry>
  <inputEntry id="rule_new_l"><text>"county"</text></inputEntry>
  <inputEntry id="rule_new_r"><text></text></inputEntry><inputEntry id="rule_new_q"><text>&gt; 0</text></inputEntry>
  <outputEntry id="rule_new_out"><text>12</text></outputEntry></rule>'''


def test_credit_table_diff_shows_the_changed_rows_cells_side_by_side(ctx):
    new = RULES.replace('<text>8</text>', '<text>10</text>', 1)
    new = new.replace('<inputEntry id="rule_4_l"><text>"municipal"</text>',
                      '<inputEntry id="rule_4_l"><text>? in ("municipal", "county")</text>')
    new = re.sub(r'<rule id="rule_9">.*?</rule>', '', new, flags=re.S)
    new = new.replace('</decisionTable>', NEW_RULE + '</decisionTable>')
    diff = diffs.decision_diff(RULES, new)
    rows = {(row['status'], row['old_row'], row['new_row']): row for row in diff['rows']}
    assert set(rows) == {('changed', 1, 1), ('changed', 4, 4), ('removed', 9, None), ('added', None, 16)}
    exam = rows[('changed', 1, 1)]['cells']
    assert ('每单位学时', '8', '10', True) in exam and ('认定类型', '参加资格证书考试', '参加资格证书考试', False) in exam
    assert ('级别', '市级', '市级、县级', True) in rows[('changed', 4, 4)]['cells']
    assert ('认定类型', '', '参加高研班', True) in rows[('added', None, 16)]['cells']
    assert ('级别', '县级', '', True) in rows[('removed', 9, None)]['cells']
    assert rows[('added', None, 16)]['description'] == '县级高研班'
    assert diff['same'] == 16 - 3 and diff['notes'] == []
    policy = diffs.decision_diff(RULES, RULES.replace('hitPolicy="FIRST"', 'hitPolicy="UNIQUE"'))
    assert policy['rows'] == [] and [str(n) for n in policy['notes']] == ['命中策略：FIRST → UNIQUE']


def test_negated_and_free_cells_read_as_written(ctx):
    labels = {'exam': '参加资格证书考试', 'seminar': '参加高研班'}
    assert diffs._shown_cell('not("exam", "seminar")', labels) == '除 参加资格证书考试、参加高研班 以外'
    assert diffs._shown_cell('', labels) == '任意' and diffs._shown_cell('<= 5', None) == '<= 5'


def test_process_diff_lists_elements_by_name(ctx):
    one = diffs.process_diff(CLAIM, one_tier(CLAIM))
    assert one['added'] == one['removed'] == []
    changed = {element_id: what for _kind, _name, element_id, what in one['changed']}
    assert changed['unit_review'] == [('属性 grantsHours', '', 'true')]
    assert changed['f_to_final'] == [('连接', '初审通过 → 主管部门终审', '初审通过 → 通过认定')]
    assert changed['final_review'] == [('属性 grantsHours', 'true', '')]
    three = diffs.process_diff(CLAIM, three_tier(CLAIM))
    assert ('用户任务', '学时办终审', 'province_review') in three['added']
    assert ('泳道', 'province', 'lane_province') in three['added']
    assert ('排他网关', '主管部门审核结果', 'mid_decision') in three['added']
    removed = diffs.process_diff(three_tier(CLAIM), CLAIM)['removed']
    assert ('用户任务', '学时办终审', 'province_review') in removed
    moved = CLAIM.replace('<dc:Bounds x="1010" y="350"', '<dc:Bounds x="1020" y="350"')
    assert diffs.process_diff(CLAIM, moved) == {'added': [], 'removed': [], 'changed': [], 'layout_only': True}
