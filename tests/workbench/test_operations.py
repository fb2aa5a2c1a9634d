"""Drafts, conflict refusal, publishing, history, diff, running-instance counts, decision test cases, and the
validation corpus of malicious or broken diagrams as province staff would save them."""
from pathlib import Path

import pytest
from sqlalchemy import select

from models import FlowLog, ProcessVersion, db
from models.workflow import BPMN, DMN, DRAFT, PUBLISHED, RETIRED
from webapp.workbench import diffs, operations as ops
from webapp.workflow import versions

from ..people import membership, zj

ROOT = Path(__file__).resolve().parents[2]
CLAIM = (ROOT / 'bpmn' / 'claim.bpmn').read_text(encoding='utf-8')
RULES = (ROOT / 'rules' / 'credit_hours.dmn').read_text(encoding='utf-8')
CHANGED = CLAIM.replace('value="待初审"', 'value="等待单位审核"', 1)


def province():
    return membership('shengji')


def opened(kind='bpmn', key='claim'):
    version = ops.working_copy(zj(), kind, key)
    return version.id, version.sha256


def test_save_draft_then_publish_makes_a_new_version_for_new_instances(ctx):
    v1 = versions.published(BPMN, 'claim', zj())
    draft, problems = ops.save_draft(BPMN, 'claim', CHANGED, province(), *opened())
    assert problems == [] and draft.status == DRAFT and draft.version == 2
    assert versions.published(BPMN, 'claim', zj()) == v1  # a draft never runs
    published = ops.publish(BPMN, 'claim', province(), '初审状态改名')
    assert versions.published(BPMN, 'claim', zj()) == published and published.version == 2
    assert [(v.version, v.status) for v in ops.history(zj(), BPMN, 'claim')] == [(2, PUBLISHED), (1, RETIRED)]
    assert ops.history(zj(), BPMN, 'claim')[0].comment == '初审状态改名'
    actions = db.session.scalars(select(FlowLog.action).where(FlowLog.subject_type == 'process_version')).all()
    assert actions == ['保存草稿', '发布']


def test_one_draft_per_key_saved_again_in_place(ctx):
    first, _ = ops.save_draft(BPMN, 'claim', CHANGED, province(), *opened())
    second, _ = ops.save_draft(BPMN, 'claim', CLAIM, province(), first.id, first.sha256)
    assert second.id == first.id and second.content == CLAIM
    assert db.session.scalar(select(db.func.count()).select_from(ProcessVersion).where(
        ProcessVersion.key == 'claim', ProcessVersion.status == DRAFT)) == 1


def test_saving_over_someone_elses_draft_is_refused_naming_who_and_when(ctx):
    base = opened()
    ops.save_draft(BPMN, 'claim', CHANGED, province(), *base)
    with pytest.raises(ops.WorkbenchError, match='草稿已被 省学时办审核员 于 .* 保存') as info:
        ops.save_draft(BPMN, 'claim', CLAIM, province(), *base)  # opened before the other save
    assert '未保存' in info.value.message
    assert ops.draft_of(zj(), BPMN, 'claim').content == CHANGED


def test_saving_after_someone_published_is_refused(ctx):
    base = opened()
    draft, _ = ops.save_draft(BPMN, 'claim', CHANGED, province(), *base)
    ops.publish(BPMN, 'claim', province(), '改名')
    with pytest.raises(ops.WorkbenchError, match='第 2 版已被 .* 发布'):
        ops.save_draft(BPMN, 'claim', CLAIM, province(), *base)


def test_a_changed_key_or_non_xml_is_refused(ctx):
    with pytest.raises(ops.WorkbenchError, match='标识不能修改'):
        ops.save_draft(BPMN, 'claim', CLAIM.replace('id="claim"', 'id="other"', 1), province(), *opened())
    with pytest.raises(ops.WorkbenchError, match='不是有效的 BPMN'):
        ops.save_draft(BPMN, 'claim', 'hello', province(), *opened())


def test_publish_needs_a_draft_a_comment_and_the_draft_seen(ctx):
    with pytest.raises(ops.WorkbenchError, match='没有可发布的草稿'):
        ops.publish(BPMN, 'claim', province(), 'x')
    draft, _ = ops.save_draft(BPMN, 'claim', CHANGED, province(), *opened())
    with pytest.raises(ops.WorkbenchError, match='发布说明'):
        ops.publish(BPMN, 'claim', province(), '  ')
    with pytest.raises(ops.WorkbenchError, match='再次保存'):
        ops.publish(BPMN, 'claim', province(), 'x', draft_sha='0' * 64)


ESCAPE = '().__class__.__base__.__subclasses__()'


@pytest.mark.parametrize('replace,element,expected', [
    (('action == "delete"', ESCAPE), '元素', '条件'),
    (('table_hours = hours_per_unit * quantity', 'import os'), 'total_hours', 'Import'),
    (('>remind_after<', '>"P3X"<'), '元素', 'ISO 8601'),
    (('name="单位管理员"', 'name="janitor"'), '元素', '泳道 "janitor"'),
    (('value="claim_unit_review"', 'value="no_such_form"'), 'unit_review', '表单 "no_such_form"'),
    (('<spiffworkflow:property name="statusLabel" value="待初审"/>', ''), 'unit_review', '状态 ""'),
    # runaway: a loop that never waits for anyone, a string repeated ten billion times, a timer firing for ever
    (('sourceRef="total_hours" targetRef="choose_target"', 'sourceRef="total_hours" targetRef="edited"'),
     '元素 edited（已编辑） → 元素 edit_action（提交还是删除） → 元素 compute_hours（按折算表计算学时） → '
     '元素 total_hours（折算学时合计） → 元素 edited', '循环没有任何等待'),
    (('hours_per_unit * quantity', '"9" * 10000000000'), 'total_hours', '不允许重复字符串或列表'),
    (('<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">remind_after</bpmn:timeDuration>',
      '<bpmn:timeCycle xsi:type="bpmn:tFormalExpression">"R/PT1S"</bpmn:timeCycle>'), 'remind_unit', '没有重复次数'),
])
def test_broken_diagrams_are_saved_as_drafts_with_problems_and_never_published(ctx, replace, element, expected):
    assert replace[0] in CLAIM
    draft, problems = ops.save_draft(BPMN, 'claim', CLAIM.replace(*replace, 1), province(), *opened())
    assert any(element in p and expected in p for p in problems), problems
    with pytest.raises(ops.WorkbenchError, match='未通过校验'):
        ops.publish(BPMN, 'claim', province(), '试试')
    assert versions.published(BPMN, 'claim', zj()).version == 1


def test_an_escape_in_a_dmn_cell_using_the_input_placeholder_is_refused(ctx):
    content = RULES.replace('<text>"exam"</text>', f'<text>? == {ESCAPE}</text>', 1)
    _draft, problems = ops.save_draft(DMN, 'credit_hours', content, province(), *opened(DMN, 'credit_hours'))
    assert any('第 1 行' in p for p in problems), problems


def test_feel_cells_are_translated_on_save_and_untranslatable_ones_refused(ctx):
    base = opened(DMN, 'credit_hours')
    with pytest.raises(ops.WorkbenchError) as info:
        ops.save_draft(DMN, 'credit_hours', RULES.replace('<text>"exam"</text>', '<text>date("2020")</text>', 1),
                       province(), *base)
    assert info.value.problems[0].startswith('第 1 行“认定类型”列')
    draft, problems = ops.save_draft(DMN, 'credit_hours', RULES.replace(
        '<text>"exam"</text>', '<text>"exam","exam2"</text>', 1), province(), *base)
    assert problems == [] and '<text>? in ("exam", "exam2")</text>' in draft.content


def test_bench_shows_the_matched_rule_and_outputs_of_the_draft(ctx):
    draft, _ = ops.save_draft(DMN, 'credit_hours', RULES.replace('<text>8</text>', '<text>10</text>', 1), province(),
                              *opened(DMN, 'credit_hours'))
    result = ops.bench(draft.content, ops.bench_inputs({'pathway': 'exam', 'quantity': '2'}))
    assert result['matched'] == [(1, '参加资格证书考试，每通过一科'), (16, '其他情形不计学时')]
    assert result['outputs'] == {'hours_per_unit': 10}  # the first match
    assert result['note'] == '按命中策略 FIRST 取第 1 行（另有第 16 行也匹配）' and result['warning'] is None
    overlapping = RULES.replace('hitPolicy="FIRST"', 'hitPolicy="UNIQUE"').replace(
        '<text>"training"</text>', '<text>"exam"</text>', 1)
    result = ops.bench(overlapping, ops.bench_inputs({'pathway': 'exam', 'quantity': '2'}))
    assert [row for row, _ in result['matched']] == [1, 5, 16] and result['outputs'] == {'hours_per_unit': 8}
    assert result['warning'].startswith('有 3 条规则同时匹配（第 1、5、16 行），引擎只取第 1 行（标准 DMN 的 UNIQUE')
    with pytest.raises(ops.WorkbenchError, match='数量应为数字'):
        ops.bench_inputs({'quantity': 'abc'})


def test_publish_refuses_a_table_whose_saved_case_fails(ctx):
    ops.add_case('credit_hours', '考试每科 8 学时', {'pathway': 'exam', 'level': None, 'rank': None, 'quantity': 1},
                 {'hours_per_unit': 8}, province())
    ops.save_draft(DMN, 'credit_hours', RULES.replace('<text>8</text>', '<text>10</text>', 1), province(),
                   *opened(DMN, 'credit_hours'))
    with pytest.raises(ops.WorkbenchError, match='测试用例未通过') as info:
        ops.publish(DMN, 'credit_hours', province(), '考试改 10 学时')
    assert '考试每科 8 学时' in info.value.problems[0] and '"hours_per_unit": 10' in info.value.problems[0]
    draft = ops.draft_of(zj(), DMN, 'credit_hours')
    ops.save_draft(DMN, 'credit_hours', RULES, province(), draft.id, draft.sha256)
    assert ops.publish(DMN, 'credit_hours', province(), '原样发布').version == 2


def test_test_case_expectations_come_typed_from_a_field_per_output(ctx):
    outputs = ops.table_outputs(RULES)
    assert outputs == [{'name': 'hours_per_unit', 'label': '每单位学时', 'number': True}]
    assert ops.expected_outputs({'expect-hours_per_unit': '8'}, outputs) == {'hours_per_unit': 8}
    assert ops.expected_outputs({'expect-hours_per_unit': ' 7.5 '}, outputs) == {'hours_per_unit': 7.5}
    with pytest.raises(ops.WorkbenchError, match='请填写期望输出'):
        ops.expected_outputs({'expect-hours_per_unit': ''}, outputs)
    with pytest.raises(ops.WorkbenchError, match='期望的“每单位学时”'):
        ops.expected_outputs({'expect-hours_per_unit': '1e999999'}, outputs)
    with pytest.raises(ops.WorkbenchError, match='请填写期望输出'):
        ops.add_case('credit_hours', '', {}, {}, province())


def test_bench_inputs_are_the_catalogues_codes_shown_by_label(ctx):
    with pytest.raises(ops.WorkbenchError, match='“认定类型”没有这个选项'):
        ops.bench_inputs({'pathway': 'nope'})
    inputs = ops.bench_inputs({'pathway': 'seminar', 'level': 'provincial', 'quantity': '1'})
    assert ops.described_inputs(inputs) == [('认定类型', '参加高研班'), ('级别', '省级'), ('数量', '1')]


def test_diff_and_process_list(ctx):
    v1 = versions.published(BPMN, 'claim', zj())
    draft, _ = ops.save_draft(BPMN, 'claim', CHANGED, province(), *opened())
    unified = ops.unified_diff(v1, draft)
    assert 'value="待初审"' in unified and 'value="等待单位审核"' in unified
    readable = diffs.process_diff(v1.content, draft.content)
    assert readable['changed'] == [('用户任务', '单位初审', 'unit_review', [('属性 statusLabel', '待初审', '等待单位审核')])]
    assert readable['added'] == readable['removed'] == [] and not readable['layout_only']
    row = next(r for r in ops.process_list(zj()) if r['key'] == 'claim')
    assert row['published'] == v1 and row['draft'] == draft and row['running'] == []


def test_diff_ignores_reformatting_by_the_editor(ctx):
    v1 = versions.published(BPMN, 'claim', zj())
    reformatted = CHANGED.replace('\n        ', '\n    ')
    reformatted = reformatted.replace('id="unit_review" name="单位初审"', 'name="单位初审" id="unit_review"')
    draft, _ = ops.save_draft(BPMN, 'claim', reformatted, province(), *opened())
    changed = [line for line in ops.unified_diff(v1, draft).splitlines()
               if line[:1] in '+-' and not line.startswith(('+++', '---'))]
    assert changed == ['-          <spiffworkflow:property name="statusLabel" value="待初审"/>',
                       '+          <spiffworkflow:property name="statusLabel" value="等待单位审核"/>']


def test_discard_draft_keeps_the_published_version(ctx):
    draft, _ = ops.save_draft(BPMN, 'claim', CHANGED, province(), *opened())
    with pytest.raises(ops.WorkbenchError, match='再次保存'):
        ops.discard_draft(BPMN, 'claim', province(), 'stale')
    ops.discard_draft(BPMN, 'claim', province(), draft.sha256)
    assert ops.draft_of(zj(), BPMN, 'claim') is None and ops.working_copy(zj(), BPMN, 'claim').version == 1


def test_running_instances_are_counted_per_process_and_table_version(ctx):
    from webapp.claims import operations as claims
    from ..helpers import claim_input
    from ..people import ZHANG_WEI
    learner = membership(ZHANG_WEI, 'learner')
    claims.submit_claim(learner, claims.create_claim(learner, claim_input()), 'unit')
    claims.create_claim(learner, claim_input())
    rows = {r['key']: r for r in ops.process_list(zj())}
    assert [(v.version, n) for v, n in rows['claim']['running']] == [(1, 2)]
    # each claim pinned the table version when it started
    assert [(v.version, n) for v, n in rows['credit_hours']['running']] == [(1, 2)]


@pytest.mark.committing  # two threads
def test_two_people_saving_at_once_one_wins_and_the_other_is_told(app):
    """Both opened version 1; the first saves and holds her transaction open while the second saves: the second
    waits, then is refused naming the first, and only the first one's draft exists."""
    from ..people import login
    from ..helpers import first_one_holding_on
    with app.app_context():
        base = opened()
    with first_one_holding_on(app, lambda: ops.save_draft(BPMN, 'claim', CHANGED, province(), *base)):
        second = login(app.test_client(), 'shengji')
        response = second.post('/workbench/bpmn/claim/edit', data={
            'xml': CHANGED.replace('等待单位审核', '单位审核中'), 'base_version_id': base[0], 'base_sha': base[1]})
    assert response.status_code == 422 and '草稿已被 省学时办审核员' in response.get_data(as_text=True)
    with app.app_context():
        drafts = db.session.scalars(select(ProcessVersion).where(ProcessVersion.key == 'claim',
                                                                 ProcessVersion.status == DRAFT)).all()
        assert [d.content for d in drafts] == [CHANGED]
