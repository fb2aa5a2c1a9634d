"""Diagrams and DMN tables edited by province staff must not run arbitrary Python, nor name unknown things."""
import re
from pathlib import Path

import pytest

from models.workflow import BPMN, DMN
from webapp.workflow import engine, expressions, versions
from webapp.workflow.validation import DiagramError
from ..people import zj

ROOT = Path(__file__).resolve().parents[2]
CLAIM = (ROOT / 'bpmn' / 'claim.bpmn').read_text(encoding='utf-8')
RULES = (ROOT / 'rules' / 'credit_hours.dmn').read_text(encoding='utf-8')
ESCAPE = '().__class__.__base__.__subclasses__()'


@pytest.mark.parametrize('source', [
    ESCAPE, '__import__("os").system("id")', 'open("/etc/passwd").read()', '(lambda: 1)()',
    'x.__class__', 'getattr(x, "y")', '[c for c in ()]', 'eval("1")', '"__class__"',
])
def test_whitelist_refuses_escapes(source):
    with pytest.raises(expressions.UnsafeExpression):
        expressions.check_expression(source)


@pytest.mark.parametrize('source,mode', [
    ('"a" * 10000000000', 'eval'), ('[0] * 100000000', 'eval'), ('10000000000 * (0,)', 'eval'),
    ('str(x) * 1000', 'eval'), ('s = "a"\ns *= 10000000000', 'exec'), ('s = ["a"]\nt = s\nu = t * 1000', 'exec'),
])
def test_whitelist_refuses_repeating_a_sequence(source, mode):
    """Repetition needs no loop to fill the memory: the engine would die before any time limit."""
    with pytest.raises(expressions.UnsafeExpression, match='不允许重复字符串或列表'):
        expressions.check_expression(source, mode)


@pytest.mark.parametrize('source', ['10000000000000', 'x - 99999999999999', '1e300'])
def test_whitelist_refuses_huge_numbers(source):
    with pytest.raises(expressions.UnsafeExpression, match='过大'):
        expressions.check_expression(source)


@pytest.mark.parametrize('source', ['decision == "approve"', 'hours_per_unit * quantity', 'min(36, a + b)',
                                    'level in ("national", "provincial")', 'rank <= 5 and not deleted',
                                    'quantity * 1000000000000', 'round(hours * 1.5, 1)', '"第" + str(rank) + "名"'])
def test_whitelist_allows_plain_expressions(source):
    expressions.check_expression(source)


def test_escape_in_a_gateway_condition_is_refused_on_load(ctx):
    bad = CLAIM.replace('decision == "reject"', ESCAPE, 1)
    with pytest.raises(DiagramError, match='unit_decision'):
        versions.add_version(BPMN, bad, province_id=zj())


def test_escape_in_a_script_is_refused_on_load(ctx):
    bad = CLAIM.replace('table_hours = hours_per_unit * quantity', f'table_hours = {ESCAPE}')
    with pytest.raises(DiagramError, match='total_hours'):
        versions.add_version(BPMN, bad, province_id=zj())


def test_a_loop_that_never_waits_is_refused_naming_its_elements(ctx):
    """Gateways and a script going round with no user task: the engine would spin until its task tree breaks."""
    bad = CLAIM.replace('sourceRef="total_hours" targetRef="choose_target"',
                        'sourceRef="total_hours" targetRef="edited"', 1)
    with pytest.raises(DiagramError) as info:
        versions.add_version(BPMN, bad, province_id=zj())
    assert info.value.problems == [
        '元素 edited（已编辑） → 元素 edit_action（提交还是删除） → 元素 compute_hours（按折算表计算学时） → '
        '元素 total_hours（折算学时合计） → 元素 edited：流程中的循环没有任何等待的任务（用户任务、消息或计时器事件），'
        '会无限运行']


def test_a_return_loop_through_a_user_task_is_accepted(ctx):
    """Returning a claim straight back to the learner's edit step loops through a person: that is a workflow."""
    returned = CLAIM.replace('sourceRef="unit_decision" targetRef="to_revise"',
                             'sourceRef="unit_decision" targetRef="to_draft"', 1)
    assert returned != CLAIM
    assert versions.add_version(BPMN, returned, province_id=zj()).version == 2


def test_a_loop_waiting_only_for_an_error_boundary_event_is_refused(ctx):
    """An error boundary event does not wait for the outside world: a script that fails and retries spins."""
    bad = CLAIM.replace(
        '<bpmn:sequenceFlow id="f_totalled" sourceRef="total_hours" targetRef="choose_target"/>',
        '<bpmn:sequenceFlow id="f_totalled" sourceRef="total_hours" targetRef="choose_target"/>'
        '<bpmn:boundaryEvent id="retry_total" name="重算" attachedToRef="total_hours"><bpmn:outgoing>f_retry'
        '</bpmn:outgoing><bpmn:errorEventDefinition id="retry_def"/></bpmn:boundaryEvent>'
        '<bpmn:sequenceFlow id="f_retry" sourceRef="retry_total" targetRef="edited"/>', 1)
    with pytest.raises(DiagramError, match='元素 edited（已编辑） → .* → 元素 compute_hours（按折算表计算学时） → '
                                           '元素 retry_total（重算） → 元素 edited：流程中的循环没有任何等待'):
        versions.add_version(BPMN, bad, province_id=zj())


TOTAL = CLAIM[CLAIM.index('    <bpmn:scriptTask id="total_hours"'):CLAIM.index('</bpmn:scriptTask>') + 18]
ADD = ('<bpmn:scriptTask id="s_step" name="累加"><bpmn:script>table_hours = hours_per_unit * quantity'
       '</bpmn:script></bpmn:scriptTask>')
WAIT = ('<bpmn:intermediateCatchEvent id="s_step" name="等一天"><bpmn:timerEventDefinition id="s_t">'
        '<bpmn:timeDuration>"P1D"</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>')
LOOP = ('sourceRef="total_hours" targetRef="choose_target"', 'sourceRef="total_hours" targetRef="edited"')


def subprocess(step, loop):
    """total_hours as an embedded subprocess: start → s_again → s_step → s_check → end, maybe back to s_again."""
    back = ('<bpmn:sequenceFlow id="s_f4" sourceRef="s_check" targetRef="s_again">'
            '<bpmn:conditionExpression>quantity &lt; 10</bpmn:conditionExpression></bpmn:sequenceFlow>')
    return CLAIM.replace(TOTAL, f"""<bpmn:subProcess id="total_hours" name="折算学时合计">
      <bpmn:incoming>f_computed</bpmn:incoming><bpmn:outgoing>f_totalled</bpmn:outgoing>
      <bpmn:startEvent id="s_start"/><bpmn:sequenceFlow id="s_f1" sourceRef="s_start" targetRef="s_again"/>
      <bpmn:exclusiveGateway id="s_again" name="再算"/>
      <bpmn:sequenceFlow id="s_f2" sourceRef="s_again" targetRef="s_step"/>{step}
      <bpmn:sequenceFlow id="s_f3" sourceRef="s_step" targetRef="s_check"/>
      <bpmn:exclusiveGateway id="s_check" name="够了吗" default="s_f5"/>{back if loop else ''}
      <bpmn:sequenceFlow id="s_f5" sourceRef="s_check" targetRef="s_end"/><bpmn:endEvent id="s_end"/>
    </bpmn:subProcess>""")


def test_loops_inside_and_through_subprocesses(ctx):
    """A subprocess is checked on its own, and counts as waiting in its parent when every path through it waits."""
    assert TOTAL.startswith('    <bpmn:scriptTask') and TOTAL.endswith('</bpmn:scriptTask>')
    with pytest.raises(DiagramError) as info:
        versions.add_version(BPMN, subprocess(ADD, loop=True), province_id=zj())
    assert info.value.problems == ['元素 s_again（再算） → 元素 s_step（累加） → 元素 s_check（够了吗） → 元素 s_again：'
                                   '流程中的循环没有任何等待的任务（用户任务、消息或计时器事件），会无限运行']
    with pytest.raises(DiagramError, match='元素 compute_hours（按折算表计算学时） → 元素 total_hours（折算学时合计） → '
                                           '元素 edited：流程中的循环没有任何等待'):
        versions.add_version(BPMN, subprocess(ADD, loop=False).replace(*LOOP), province_id=zj())
    assert versions.add_version(BPMN, subprocess(WAIT, loop=True), province_id=zj()).version == 2
    assert versions.add_version(BPMN, subprocess(WAIT, loop=False).replace(*LOOP), province_id=zj()).version == 3


REMIND = '<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">remind_after</bpmn:timeDuration>'


@pytest.mark.parametrize('cycle,expected', [
    ('R/P1D', '周期“R/P1D”没有重复次数，会无限触发（请写明次数，例如 R3/P1D）'),
    ('R10/PT30S', '周期“R10/PT30S”的间隔短于 1 分钟'),
])
def test_a_runaway_cycle_timer_is_refused_naming_its_event(ctx, cycle, expected):
    bad = CLAIM.replace(REMIND, f'<bpmn:timeCycle xsi:type="bpmn:tFormalExpression">"{cycle}"</bpmn:timeCycle>', 1)
    with pytest.raises(DiagramError) as info:
        versions.add_version(BPMN, bad, province_id=zj())
    assert info.value.problems == [f'元素 remind_unit（超时提醒） 的计时器：{expected}']


def test_a_bounded_daily_reminder_cycle_is_accepted(ctx):
    cycle = CLAIM.replace(REMIND, '<bpmn:timeCycle xsi:type="bpmn:tFormalExpression">"R3/P1D"</bpmn:timeCycle>', 1)
    assert versions.add_version(BPMN, cycle, province_id=zj()).version == 2


def test_escape_in_a_dmn_cell_is_refused_on_load(ctx):
    bad = RULES.replace('<text>"exam"</text>', f'<text>{ESCAPE}</text>', 1)
    with pytest.raises(DiagramError, match='决策表'):
        versions.add_version(DMN, bad, province_id=zj())


def test_the_engine_itself_refuses_an_escape_at_run_time():
    """A diagram that somehow skipped validation still cannot escape: the script environment checks first."""
    from ..helpers import claim_through_the_engine
    with pytest.raises(Exception) as info:
        claim_through_the_engine(CLAIM.replace('decision == "reject"', ESCAPE, 1), RULES)
    assert info.value.error_type == 'UnsafeExpression'
    assert isinstance(info.value.__context__, expressions.UnsafeExpression)
    with pytest.raises(expressions.UnsafeExpression):
        engine.RestrictedEnvironment().execute(f'x = {ESCAPE}', {}, {})


@pytest.mark.parametrize('replace,expected', [
    (('name="单位管理员"', 'name="janitor"'), '泳道 "janitor"'),
    (('value="claim_unit_review"', 'value="no_such_form"'), '表单 "no_such_form"'),
    (('value="通过认定"', 'value="随便什么"'), '状态 "随便什么"'),
])
def test_unknown_lane_form_key_or_status_is_refused(ctx, replace, expected):
    with pytest.raises(DiagramError, match=expected):
        versions.add_version(BPMN, CLAIM.replace(*replace, 1), province_id=zj())


def test_a_renamed_status_label_from_the_known_list_is_accepted_and_shown(ctx):
    """A province renames 待初审 to 等待单位审核 by editing the diagram, not the code."""
    from webapp.claims import operations as ops

    from ..people import ZHANG_WEI, membership
    from ..helpers import claim_input
    v2 = versions.add_version(BPMN, CLAIM.replace('value="待初审"', 'value="等待单位审核"'), province_id=zj())
    assert v2.version == 2
    learner = membership(ZHANG_WEI, 'learner')
    claim = ops.create_claim(learner, claim_input())
    ops.submit_claim(learner, claim, 'unit')
    assert claim.status_label == '等待单位审核'


def test_lanes_named_by_the_roles_key_as_before_are_still_read_as_that_role(ctx):
    """The shipped lanes read 专技人员 / 单位管理员 / 主管部门; a diagram saved before names them by the role's key."""
    from webapp.claims import operations as ops

    from ..people import ZHANG_WEI, membership
    from ..helpers import claim_input
    assert 'name="learner"' not in CLAIM and 'name="专技人员"' in CLAIM
    before = CLAIM
    for key, name in (('learner', '专技人员'), ('unit_admin', '单位管理员'), ('supervisor', '主管部门')):
        before = before.replace(f'name="{name}"', f'name="{key}"')
    assert versions.add_version(BPMN, before, zj()).version == 2
    learner = membership(ZHANG_WEI, 'learner')
    claim = ops.create_claim(learner, claim_input())
    assert ops.open_item(claim).lane == 'learner'
    ops.submit_claim(learner, claim, 'unit')
    assert ops.open_item(claim).lane == 'unit_admin'


def test_running_instances_stay_on_their_version(ctx):
    from models import WorkflowInstance, db
    from webapp.claims import operations as ops

    from ..people import ZHANG_WEI, membership
    from ..helpers import claim_input
    learner = membership(ZHANG_WEI, 'learner')
    old = ops.create_claim(learner, claim_input())
    v2 = versions.add_version(BPMN, CLAIM.replace('value="待初审"', 'value="等待单位审核"'), province_id=zj())
    new = ops.create_claim(learner, claim_input())
    assert db.session.get(WorkflowInstance, new.instance_id).process_version_id == v2.id
    assert db.session.get(WorkflowInstance, old.instance_id).process_version_id != v2.id
    ops.submit_claim(learner, old, 'unit')
    ops.submit_claim(learner, new, 'unit')
    assert (old.status_label, new.status_label) == ('待初审', '等待单位审核')


def test_a_diagram_that_breaks_the_schema_is_refused(ctx):
    with pytest.raises(DiagramError, match='流程图无法解析'):
        versions.add_version(BPMN, CLAIM.replace('<bpmn:userTask id="edit_claim"', '<bpmn:userTask idx="x"', 1),
                             province_id=zj())


def test_not_xml_at_all_is_refused(ctx):
    with pytest.raises(DiagramError, match='不是有效的 BPMN 流程图'):
        versions.add_version(BPMN, 'print("hello")', province_id=zj())
    with pytest.raises(DiagramError, match='不是有效的 DMN 决策表'):
        versions.add_version(DMN, '<definitions/>', province_id=zj())


@pytest.mark.parametrize('timer,expected', [
    ('<bpmn:timeDate xsi:type="bpmn:tFormalExpression">"P3D"</bpmn:timeDate>', '“P3D” 不是有效的 ISO 8601'),
    ('<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">"2027-01-20T23:59:59+08:00"</bpmn:timeDuration>',
     '“2027-01-20T23:59:59+08:00” 不是有效的 ISO 8601'),
])
def test_a_timer_of_the_wrong_kind_is_refused(ctx, timer, expected):
    """A date where a moment is due (or the reverse) would only fail when the timer is reached."""
    with pytest.raises(DiagramError, match=re.escape(f'remind_unit（超时提醒） 的计时器：{expected}')):
        versions.add_version(BPMN, CLAIM.replace(REMIND, timer, 1), province_id=zj())


def test_loop_and_multi_instance_tasks_are_refused(ctx):
    """Their cardinality and conditions run in the engine's own loop, out of reach of the loop check."""
    end = CLAIM.index('</bpmn:userTask>', CLAIM.index('<bpmn:userTask id="unit_review"'))
    looped = (CLAIM[:end] + '<bpmn:multiInstanceLoopCharacteristics isSequential="true"><bpmn:loopCardinality>'
              '999999999999</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics>' + CLAIM[end:])
    with pytest.raises(DiagramError, match='元素 unit_review：不支持循环或多实例任务'):
        versions.add_version(BPMN, looped, province_id=zj())


@pytest.mark.parametrize('source,context', [
    ('comment * 999999999999', {'comment': '一段很长的审核意见'}),   # a learner's text, times a number
    ('"%*d" % (900000000, 1)', {}),                                # printf padding: a gigabyte
    ('fmt % (900000000, 1)', {'fmt': '%*d'}),
])
def test_the_engine_stops_results_that_would_exhaust_memory(source, context):
    """What the parse check cannot see is bounded when it runs: the guards refuse before the memory is taken."""
    with pytest.raises(expressions.UnsafeExpression):
        engine.RestrictedEnvironment().evaluate(source, dict(context))


def test_the_engine_stops_numbers_squared_again_and_again():
    """Unguarded, the 40th square is one C call that never returns. The integer guard refuses it (整数过长); at the
    end of a long suite CI once saw the 0.25 s run budget stop it first (a pause of the test process): stopped too."""
    script = 'a = 999999999999\n' + 'a *= a\n' * 40
    with pytest.raises(expressions.UnsafeExpression, match='整数过长|表达式运行超时'):
        engine.RestrictedEnvironment().execute(script, {}, {})


def test_guarded_arithmetic_gives_the_same_results():
    env = engine.RestrictedEnvironment()
    assert env.evaluate('hours_per_unit * quantity + 0.5', {'hours_per_unit': 6, 'quantity': 3}) == 18.5
    assert env.evaluate('"第" + str(rank) + "名" if rank % 2 else "-"', {'rank': 3}) == '第3名'
    data = {'d': {'k': 3}}
    env.execute('d["k"] *= 2\nx = 7 % 3', data, {})
    assert data == {'d': {'k': 6}, 'x': 1}
