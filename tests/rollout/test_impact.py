"""Rule impact preview: exact differences on a small year, through a draft credit table."""
import io
from datetime import date
from decimal import Decimal

from openpyxl import load_workbook

from models import db
from models.workflow import DMN, DRAFT
from webapp.claims import operations as ops
from webapp.rollout import impact
from webapp.workflow import rules
from webapp.workflow.versions import add_version, published

from ..helpers import claim_input, year
from ..people import CHEN_JING, LI_NA, ZHANG_WEI, login, membership, zj

TRAINING_6 = '<outputEntry id="rule_5_out"><text>6</text></outputEntry>'


def with_training(hours: int) -> str:
    content = published(DMN, 'credit_hours', zj()).content
    assert TRAINING_6 in content or 'rule_5_out"><text>' in content
    start = content.index('<outputEntry id="rule_5_out"><text>') + len('<outputEntry id="rule_5_out"><text>')
    return content[:start] + str(hours) + content[content.index('</text>', start):]


def approved(learner_key, **overrides):
    learner = membership(learner_key, 'learner')
    claim = ops.create_claim(learner, claim_input(**overrides))
    ops.submit_claim(learner, claim, 'unit')
    claim.outcome, claim.registered_hours = 'approved', claim.applied_hours  # the reviews are not under test
    db.session.flush()
    return claim


def changed(result: impact.Impact) -> list[impact.Changed]:
    """Every changed claim of a preview, as its page and its export read them."""
    return impact.changed_claims(result, result.changed_ids)


def days(n):
    y = year()
    return dict(start_date=date(y, 3, 1), end_date=date(y, 3, n), applied_hours=Decimal(min(6 * n, 36)))


def small_year():
    """A: training 3 d, B: training 5 d (30 h), C: exam 2 subjects, D: training 7 d (capped at 36), all on the shipped
    table (6 h/day); then the province publishes 7 h/day and E (training 2 d) is computed with that one."""
    a = approved(ZHANG_WEI, title='A', **days(3))
    b = approved(LI_NA, title='B', **days(5))
    c = approved(CHEN_JING, title='C', pathway='exam', sub_type='交通运输类执（职）业资格考试', quantity=Decimal(2),
                 applied_hours=Decimal(16))
    d = approved(CHEN_JING, title='D', **days(7))
    add_version(DMN, with_training(7), comment='7 h/day', province_id=zj())
    e = approved(ZHANG_WEI, title='E', **dict(days(2), applied_hours=Decimal(14)))
    draft = add_version(DMN, with_training(8), comment='8 h/day', status=DRAFT, province_id=zj())
    return [a, b, c, d, e], draft


def test_preview_replays_each_claim_through_its_own_table_and_the_draft(ctx):
    (a, b, c, d, e), draft = small_year()
    assert (a.table_hours, e.table_hours) == (Decimal(18), Decimal(14))
    assert published(DMN, 'credit_hours', zj()).comment == '7 h/day'  # the draft is not live
    result = impact.preview(draft, year(), a.province_id)
    assert result.claims == 5
    # A 18 -> 24 (+6), B 30 -> 36 (40 capped, +6), E 14 -> 16 (+2); C exam unchanged; D 36 -> 36 (capped both times)
    assert {(c_.title, c_.old_hours, c_.new_hours) for c_ in changed(result)} == {
        ('A', 18, 24), ('B', 30, 36), ('E', 14, 16)}
    by_pathway = {g.name: (g.claims, g.changed, g.old_hours, g.new_hours, g.difference) for g in result.by_pathway}
    assert by_pathway == {'参加培训进修': (4, 3, 98, 112, 14), '参加资格证书考试': (1, 0, 16, 16, 0)}
    by_unit = {g.name: (g.claims, g.changed, g.difference) for g in result.by_unit}
    assert by_unit == {a.unit.name: (3, 3, 14), c.unit.name: (2, 0, 0)}
    assert result.difference == 14
    assert result.distinct_inputs == 5  # training 3/5/7/2 days, exam 2


def test_plain_xml_and_the_published_table_itself_change_nothing(ctx):
    (a, *_), draft = small_year()
    assert impact.preview(with_training(8), year(), a.province_id).difference == 14
    # the published 7 h/day table: only the claims computed with 6 h/day differ (A +3, B +5 → 35)
    same = impact.preview(published(DMN, 'credit_hours', zj()), year(), a.province_id)
    assert {(c.title, c.new_hours - c.old_hours) for c in changed(same)} == {('A', 3), ('B', 5)}


def test_broken_draft_is_refused(ctx):
    try:
        impact.preview('<definitions', year(), 1)
    except impact.ImpactError as exc:
        assert '无法解析' in str(exc)
    else:
        raise AssertionError('a broken table was accepted')


def test_a_table_failing_on_some_inputs_names_them(ctx):
    (a, *_), _draft = small_year()
    try:
        impact.preview(with_training('quantity / 0'), year(), a.province_id)
    except impact.ImpactError as exc:
        assert str(exc).startswith('决策表对输入 training/-/0/') and '计算出错：' in str(exc)
    else:
        raise AssertionError('a failing cell was not reported')


def test_each_table_is_evaluated_once_per_distinct_input_tuple(ctx, monkeypatch):
    (a, *_), draft = small_year()
    approved(LI_NA, title='F', **days(3))  # the inputs of A and each other, computed with 7 h/day
    approved(CHEN_JING, title='G', **days(3))
    calls = []
    result = rules.DMNEngine.result
    monkeypatch.setattr(rules.DMNEngine, 'result', lambda engine, task: calls.append(task.data) or result(engine, task))
    assert impact.preview(draft, year(), a.province_id).distinct_inputs == 5
    # 7 claims, 2 tables each, but: the draft 5 tuples; 6 h/day (A B C D) training 3/5/7 days and exam 2;
    # 7 h/day (E F G) training 2 and 3 days
    assert len(calls) == 5 + 4 + 2


def test_impact_page_and_export(ctx, client):
    (a, *_), draft = small_year()
    y, draft_id = year(), draft.id
    db.session.commit()
    login(client, 'shengji')
    page = client.get(f'/rollout/impact?version={draft_id}&year={y}').get_data(as_text=True)
    assert '5 条已通过的登记，其中 3 条的折算学时将改变，合计差额 +14 学时' in page
    response = client.get(f'/rollout/impact?version={draft_id}&year={y}&export=xlsx')
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert rows[0] == tuple(impact.EXPORT_HEADERS)
    assert sorted((r[4], r[6], r[7], r[8]) for r in rows[1:]) == [('A', 18, 24, 6), ('B', 30, 36, 6), ('E', 14, 16, 2)]


def test_impact_page_is_for_the_province_only(client):
    login(client, 'jtjt_admin')
    assert client.get('/rollout/impact').status_code == 403
