"""Diagrams and DMN tables edited by province staff must not run arbitrary Python, nor name unknown things."""
from pathlib import Path

import pytest

from models.workflow import BPMN, DMN
from webapp.workflow import engine, expressions, versions
from webapp.workflow.validation import DiagramError

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


@pytest.mark.parametrize('source', ['decision == "approve"', 'hours_per_unit * quantity', 'min(36, a + b)',
                                    'level in ("national", "provincial")', 'rank <= 5 and not deleted'])
def test_whitelist_allows_plain_expressions(source):
    expressions.check_expression(source)


def test_escape_in_a_gateway_condition_is_refused_on_load(ctx):
    bad = CLAIM.replace('decision == "reject"', ESCAPE, 1)
    with pytest.raises(DiagramError, match='unit_decision'):
        versions.add_version(BPMN, bad)


def test_escape_in_a_script_is_refused_on_load(ctx):
    bad = CLAIM.replace('table_hours = hours_per_unit * quantity', f'table_hours = {ESCAPE}')
    with pytest.raises(DiagramError, match='total_hours'):
        versions.add_version(BPMN, bad)


def test_escape_in_a_dmn_cell_is_refused_on_load(ctx):
    bad = RULES.replace('<text>"exam"</text>', f'<text>{ESCAPE}</text>', 1)
    with pytest.raises(DiagramError, match='决策表'):
        versions.add_version(DMN, bad)


def test_the_engine_itself_refuses_an_escape_at_run_time():
    """A diagram that somehow skipped validation still cannot escape: the script environment checks first."""
    from SpiffWorkflow.util.task import TaskState
    parsed = engine.parse_process('claim', CLAIM.replace('decision == "reject"', ESCAPE, 1), (RULES,))
    workflow = engine.new_workflow(parsed)
    workflow.get_next_task(state=TaskState.READY).data.update(
        window_closes_at='2099-12-31T23:59:59+08:00', remind_after='P3D', escalate_after='P7D')
    workflow.do_engine_steps()
    edit = workflow.get_next_task(state=TaskState.READY, manual=True)
    edit.set_data(action='submit', target='unit', pathway='exam', level='', rank=0, quantity=1)
    edit.run()
    workflow.do_engine_steps()
    review = workflow.get_next_task(state=TaskState.READY, manual=True)
    review.set_data(decision='return')
    review.run()
    with pytest.raises(Exception) as info:
        workflow.do_engine_steps()
    assert info.value.error_type == 'UnsafeExpression'
    assert isinstance(info.value.__context__, expressions.UnsafeExpression)
    with pytest.raises(expressions.UnsafeExpression):
        engine.RestrictedEnvironment().execute(f'x = {ESCAPE}', {}, {})


@pytest.mark.parametrize('replace,expected', [
    (('name="unit_admin"', 'name="janitor"'), '泳道 "janitor"'),
    (('value="claim_unit_review"', 'value="no_such_form"'), '表单 "no_such_form"'),
    (('value="通过认定"', 'value="随便什么"'), '状态 "随便什么"'),
])
def test_unknown_lane_form_key_or_status_is_refused(ctx, replace, expected):
    with pytest.raises(DiagramError, match=expected):
        versions.add_version(BPMN, CLAIM.replace(*replace, 1))


def test_a_renamed_status_label_from_the_known_list_is_accepted_and_shown(ctx):
    """A province renames 待初审 to 等待单位审核 by editing the diagram, not the code."""
    from webapp.claims import operations as ops

    from ..conftest import ZHANG_WEI, membership
    from ..helpers import claim_input
    v2 = versions.add_version(BPMN, CLAIM.replace('value="待初审"', 'value="等待单位审核"'))
    assert v2.version == 2
    learner = membership(ZHANG_WEI, 'learner')
    claim = ops.create_claim(learner, claim_input())
    ops.submit_claim(learner, claim, 'unit')
    assert claim.status_label == '等待单位审核'


def test_running_instances_stay_on_their_version(ctx):
    from models import WorkflowInstance, db
    from webapp.claims import operations as ops

    from ..conftest import ZHANG_WEI, membership
    from ..helpers import claim_input
    learner = membership(ZHANG_WEI, 'learner')
    old = ops.create_claim(learner, claim_input())
    v2 = versions.add_version(BPMN, CLAIM.replace('value="待初审"', 'value="等待单位审核"'))
    new = ops.create_claim(learner, claim_input())
    assert db.session.get(WorkflowInstance, new.instance_id).process_version_id == v2.id
    assert db.session.get(WorkflowInstance, old.instance_id).process_version_id != v2.id
    ops.submit_claim(learner, old, 'unit')
    ops.submit_claim(learner, new, 'unit')
    assert (old.status_label, new.status_label) == ('待初审', '等待单位审核')


def test_a_diagram_that_breaks_the_schema_is_refused(ctx):
    with pytest.raises(DiagramError, match='流程图无法解析'):
        versions.add_version(BPMN, CLAIM.replace('<bpmn:userTask id="edit_claim"', '<bpmn:userTask idx="x"', 1))


def test_not_xml_at_all_is_refused(ctx):
    with pytest.raises(DiagramError, match='不是有效的 BPMN 流程图'):
        versions.add_version(BPMN, 'print("hello")')
    with pytest.raises(DiagramError, match='不是有效的 DMN 决策表'):
        versions.add_version(DMN, '<definitions/>')
