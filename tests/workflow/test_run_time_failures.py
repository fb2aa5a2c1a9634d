"""A published diagram or decision table that fails at run time: publishing tries every expression and decision on
sample data and refuses what fails; one that slips past gives the person a clear Chinese message instead of a 500,
saves nothing, and leaves an entry for province staff that survives the rollback."""
import re
import time
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text

from models import Claim, FlowLog, ProcessFailure, ProcessVersion, WorkItem, db
from models.workflow import BPMN, DMN, PUBLISHED
from webapp.workbench import operations as workbench
from webapp.workflow import engine, versions
from webapp.workflow.validation import DiagramError

from ..helpers import claim_form
from ..people import ZHANG_WEI, login, membership, zj

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
        versions.add_version(kind, content.replace(old, new, 1), province_id=zj())
    assert time.monotonic() - start < 1
    assert any(re.fullmatch(expected + '.*', problem) for problem in info.value.problems), info.value.problems


def test_the_shipped_diagrams_and_tables_pass_the_trial(ctx):
    for folder, kind in (('rules', DMN), ('bpmn', BPMN)):
        for path in sorted((ROOT / folder).glob('*.' + folder.replace('rules', 'dmn'))):
            start = time.monotonic()
            assert versions.validate_content(kind, path.read_text(encoding='utf-8'), zj())
            assert time.monotonic() - start < 1, path


def test_the_workbench_refuses_to_publish_a_draft_that_fails_on_sample_data(ctx):
    province = membership('shengji')
    opened = workbench.working_copy(zj(), BPMN, 'claim')
    draft, problems = workbench.save_draft(BPMN, 'claim', CLAIM.replace(SCRIPT, f'{SCRIPT} / 0'), province,
                                           opened.id, opened.sha256)
    assert any('除数为零' in p for p in problems)  # shown in the editor as soon as it is saved
    with pytest.raises(workbench.WorkbenchError, match='草稿未通过校验，不能发布') as info:
        workbench.publish(BPMN, 'claim', province, '除以零')
    assert any('元素 total_hours（折算学时合计） 的脚本' in p for p in info.value.problems)
    assert versions.published(BPMN, 'claim', zj()).version == 1


# --- One that slips past: a message, nothing saved, an entry for province staff -----------------------------------

def publish_unchecked(kind, content) -> ProcessVersion:
    """Store *content* as the published version without any check, as if it had slipped past them."""
    key = versions.content_key(kind, content)
    latest = db.session.scalar(select(func.max(ProcessVersion.version)).where(
        ProcessVersion.province_id == zj(), ProcessVersion.kind == kind, ProcessVersion.key == key))
    version = ProcessVersion(province_id=zj(), kind=kind, key=key, version=latest + 1, content=content,
                             sha256=engine.sha256(content),
                             status=PUBLISHED)
    db.session.add(version)
    db.session.flush()
    versions.retire_superseded(version)
    db.session.commit()
    return version


def failures():
    db.session.expire_all()
    return [(f.key, f.element, f.error, f.count, f.subject_type) for f in db.session.scalars(
        select(ProcessFailure).order_by(ProcessFailure.id))]


def claim_state(claim_id):
    db.session.expire_all()
    claim = db.session.get(Claim, claim_id)
    items = db.session.scalars(select(WorkItem.task_name).where(
        WorkItem.subject_type == 'claim', WorkItem.subject_id == claim_id, WorkItem.completed_at.is_(None))).all()
    logs = db.session.scalars(select(FlowLog.action).where(
        FlowLog.subject_type == 'claim', FlowLog.subject_id == claim_id)).all()
    return claim.status_label, claim.submitted_at, claim.table_hours, items, logs


MESSAGE = '“学时登记”第 2 版在“元素 total_hours（折算学时合计）”处出错：除数为零。本次操作未保存，已报告省级管理员，请稍后再试'


def test_a_submit_that_fails_in_the_diagram_is_a_message_saves_nothing_and_is_reported(ctx, client):
    publish_unchecked(BPMN, CLAIM.replace(SCRIPT, f'{SCRIPT} / 0'))
    login(client, ZHANG_WEI)
    created = client.post('/claims/new', data=claim_form())
    assert created.status_code == 302, created.get_data(as_text=True)
    claim_id = int(created.location.rsplit('/', 1)[1])
    before = claim_state(claim_id)
    for attempt in (1, 2):
        response = client.post(f'/claims/{claim_id}/submit', data={'target': 'unit'}, follow_redirects=True)
        assert response.status_code == 200
        assert MESSAGE in response.get_data(as_text=True)
        assert claim_state(claim_id) == before == ('待提交', None, None, ['edit_claim'], ['新增登记'])
        assert failures() == [('claim', '元素 total_hours（折算学时合计）', '除数为零', attempt, 'claim')]
    page = login(ctx.test_client(), 'shengji').get('/province/timers').get_data(as_text=True)
    assert '流程运行出错' in page and '元素 total_hours（折算学时合计）' in page and '除数为零' in page


def test_a_script_too_long_to_compile_that_slipped_past_is_refused_when_it_runs(ctx):
    from webapp.claims import operations as claims
    from webapp.workflow.failures import ProcessFailed

    from ..helpers import claim_input
    publish_unchecked(BPMN, CLAIM.replace(SCRIPT, LONG_SUM))
    learner = membership(ZHANG_WEI, 'learner')
    claim = claims.create_claim(learner, claim_input())
    with pytest.raises(ProcessFailed, match='表达式嵌套过深'):
        claims.submit_claim(learner, claim, 'unit')


def test_the_estimate_of_a_failing_table_answers_without_hours_and_reports_it(ctx, client):
    publish_unchecked(DMN, RULES.replace('<text>8</text>', '<text>8 / 0</text>', 1))
    login(client, ZHANG_WEI)
    response = client.get('/claims/estimate?pathway=exam&quantity=1')
    assert response.status_code == 200 and response.get_json()['hours'] is None
    assert failures() == [('credit_hours', '决策表 credit_hours_table 第 1 行 rule_1_out', '除数为零', 1, None)]
    assert Decimal(client.get('/claims/estimate?pathway=training&quantity=2').get_json()['hours']) == 12


def test_the_estimate_of_a_table_with_an_expensive_cell_answers_at_once(ctx, client):
    """round(1, -10000000) is 10 ** 10000000: seconds of one C call (10 ** 12 digits would never end)."""
    publish_unchecked(DMN, RULES.replace('<text>8</text>', '<text>round(1, -10000000)</text>', 1))
    login(client, ZHANG_WEI)
    start = time.monotonic()
    response = client.get('/claims/estimate?pathway=exam&quantity=1')
    assert time.monotonic() - start < 1
    assert response.status_code == 200 and response.get_json()['hours'] is None
    assert 'round() 的小数位数' in failures()[0][2]


@pytest.mark.committing  # the entry must survive a real rollback, written on a connection of its own
def test_the_failure_entry_survives_the_rollback_of_the_request(app, client):
    with app.app_context():
        publish_unchecked(BPMN, CLAIM.replace(SCRIPT, f'{SCRIPT} / 0'))
    login(client, ZHANG_WEI)
    claim_id = int(client.post('/claims/new', data=claim_form()).location.rsplit('/', 1)[1])
    response = client.post(f'/claims/{claim_id}/submit', data={'target': 'unit'}, follow_redirects=True)
    assert MESSAGE in response.get_data(as_text=True)
    other = create_engine(app.config['SQLALCHEMY_DATABASE_URI'])  # what any other connection now sees
    try:
        with other.connect() as conn:
            assert conn.execute(text('SELECT element, error, count FROM process_failure')).all() == [
                ('元素 total_hours（折算学时合计）', '除数为零', 1)]
            assert conn.execute(text('SELECT status_label, submitted_at FROM claim WHERE id = :id'),
                                {'id': claim_id}).one() == ('待提交', None)
    finally:
        other.dispose()
