"""A published diagram or decision table that fails at run time: publishing tries every expression and decision on
sample data and refuses what fails."""
import re
import time
from pathlib import Path

import pytest

from models.workflow import BPMN, DMN
from webapp.workbench import operations as workbench
from webapp.workflow import versions
from webapp.workflow.validation import DiagramError

from ..people import membership

ROOT = Path(__file__).resolve().parents[2]
CLAIM = (ROOT / 'bpmn' / 'claim.bpmn').read_text(encoding='utf-8')
RULES = (ROOT / 'rules' / 'credit_hours.dmn').read_text(encoding='utf-8')
SCRIPT = 'table_hours = hours_per_unit * quantity'
LONG_SUM = 'table_hours = ' + '+'.join(['1'] * 600)  # a 600-term sum
REMIND = '<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">remind_after</bpmn:timeDuration>'


def timer(expression):
    return f'<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">{expression}</bpmn:timeDuration>'


# --- Publishing tries each version on sample data ----------------------------------------------------------------

@pytest.mark.parametrize('kind,content,old,new,expected', [
    (BPMN, CLAIM, SCRIPT, f'{SCRIPT} / 0',
     r'元素 total_hours（折算学时合计） 的脚本：按样例数据（hours_per_unit=\d+, quantity=[\d.]+）求值出错：除数为零'),
    (BPMN, CLAIM, SCRIPT, LONG_SUM, r'元素 total_hours（折算学时合计） 的脚本：表达式嵌套过深'),
    (BPMN, CLAIM, 'decision == "reject"', 'decison == "reject"',
     r'元素 unit_decision（初审结果） 的条件：按样例数据求值出错：数据项“decison”不存在'),
    (BPMN, CLAIM, REMIND, timer('remind_afterr'), r'元素 remind_unit（超时提醒） 的计时器：按样例数据求值出错：数据项“remind_afterr”不存在'),
    (BPMN, CLAIM, REMIND, timer('remind_after + "X"'),
     r'元素 remind_unit（超时提醒） 的计时器：按样例数据（remind_after=\'P3D\'）求值出错：“P3DX” 不是有效的 ISO 8601'),
    (BPMN, CLAIM, 'target == "supervisor"', 'quantity / (quantity - 1000) > 0',
     r'元素 choose_target（.*） 的条件：按样例数据（quantity=1000.0）求值出错：除数为零'),
    # The credit table is tried on a claim of each pathway, level and rank: research claims may have no rank (0).
    (DMN, RULES, '<outputEntry id="rule_6_out"><text>24</text>', '<outputEntry id="rule_6_out"><text>120 / rank</text>',
     r'决策表 .* 第 6 行 rule_6_out：按样例输入（level=\'national\', pathway=\'research\', quantity=1.0, rank=0）'
     r'求值出错：除数为零'),
    (DMN, RULES, '<inputEntry id="rule_1_q"><text>&gt; 0</text>', '<inputEntry id="rule_1_q"><text>&gt; 1 / 0</text>',
     r'决策表 .* 第 1 行 rule_1_q：按样例输入（.*）求值出错：除数为零'),
    (DMN, RULES, '<inputEntry id="rule_2_l"><text>"national"</text>', '<inputEntry id="rule_2_l"><text>&gt; 5</text>',
     r'决策表 .* 第 2 行 rule_2_l：按样例输入（.*）求值出错：数据类型不符'),
])
def test_publishing_refuses_what_fails_on_sample_data(ctx, kind, content, old, new, expected):
    assert old in content
    start = time.monotonic()
    with pytest.raises(DiagramError) as info:
        versions.add_version(kind, content.replace(old, new, 1))
    assert time.monotonic() - start < 1
    assert any(re.fullmatch(expected + '.*', problem) for problem in info.value.problems), info.value.problems


def test_the_shipped_diagrams_and_tables_pass_the_trial(ctx):
    for folder, kind in (('rules', DMN), ('bpmn', BPMN)):
        for path in sorted((ROOT / folder).glob('*.' + folder.replace('rules', 'dmn'))):
            start = time.monotonic()
            assert versions.validate_content(kind, path.read_text(encoding='utf-8'))
            assert time.monotonic() - start < 1, path


def test_the_workbench_refuses_to_publish_a_draft_that_fails_on_sample_data(ctx):
    province = membership('shengji')
    opened = workbench.working_copy(BPMN, 'claim')
    draft, problems = workbench.save_draft(BPMN, 'claim', CLAIM.replace(SCRIPT, f'{SCRIPT} / 0'), province,
                                           opened.id, opened.sha256)
    assert any('除数为零' in p for p in problems)  # shown in the editor as soon as it is saved
    with pytest.raises(workbench.WorkbenchError, match='草稿未通过校验，不能发布') as info:
        workbench.publish(BPMN, 'claim', province, '除以零')
    assert any('元素 total_hours（折算学时合计） 的脚本' in p for p in info.value.problems)
    assert versions.published(BPMN, 'claim').version == 1
