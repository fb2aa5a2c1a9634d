"""Numbers and dates as every door lets them in (forms, review hours, spreadsheet rows, the platform API) are bounded
before they are converted and kept as their column keeps them; a value the database itself refuses at the final
commit gives a clear page, saves nothing and shows no success message; odd input (a JSON body, a file in a text
field, department 0) gets a 4xx instead of a 500."""
import io
import resource
import time
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from models import Claim, Department, FlowLog, ImportJob, LearningRecord, db
from webapp.claims import operations as claims
from webapp.imports import operations as imports
from webapp.learning import operations as learning
from webapp.numbers import NotANumber, TooLarge, TooPrecise, parse_decimal, row_id
from webapp.supplements import operations as supplements
from webapp.unit import operations as unit_ops

from ..helpers import claim_form, submitted_claim
from ..people import ZHANG_WEI, login, membership
from .test_fuzz_forms import world
from .test_imports import row, upload, xlsx
from .test_learning_api import post as api_post

Y = claims.today().year
HUGE = ['1e-999999999', '1e999999999', '9' * 100_000, '1' + '0' * 50, '0.' + '0' * 100 + '1']


def count(model) -> int:
    db.session.rollback()  # see what the request committed
    return db.session.scalar(select(func.count(model.id)))


@pytest.mark.parametrize('value, expected', [
    ('18', Decimal('18.0')), (' 4.5 ', Decimal('4.5')), ('12.50', Decimal('12.5')), ('1E1', Decimal('10.0')),
    (7, Decimal('7.0')), (2.5, Decimal('2.5')), (Decimal('3'), Decimal('3.0')), ('-2', Decimal('-2.0')),
    ('0', Decimal('0.0')), ('99999.9', Decimal('99999.9')),
])
def test_plain_amounts_are_kept_as_their_column_keeps_them(value, expected):
    assert parse_decimal(value) == expected and parse_decimal(value).as_tuple().exponent == -1


@pytest.mark.parametrize('value, refusal', [
    ('0.04', TooPrecise), ('1.25', TooPrecise), (1.25, TooPrecise), ('1e-5', TooPrecise),
    ('100000', TooLarge), (10 ** 400, TooLarge), ('1e30', TooLarge), (1e300, NotANumber),
    ('1e-999999999', NotANumber), ('1e999999999', NotANumber), ('9' * 100_000, NotANumber), ('NaN', NotANumber),
    ('-Infinity', NotANumber), ('sNaN', NotANumber), ('١٢', NotANumber), ('１２', NotANumber), ('0x10', NotANumber),
    ('1_0', NotANumber), ('', NotANumber), (' ', NotANumber), (None, NotANumber), (True, NotANumber),
    ([1], NotANumber), (float('inf'), NotANumber),
])
def test_anything_else_is_refused_cheaply(value, refusal):
    start = time.perf_counter()
    with pytest.raises(refusal):
        parse_decimal(value)
    assert time.perf_counter() - start < 0.05


def test_row_ids_are_ascii_digits_of_a_database_integer():
    assert [row_id(v) for v in ('12', '0', '123456789', '1234567890', '²', '١', '-1', ' 1', None, 12)] == \
        [12, 0, 123456789, None, None, None, None, None, None, None]


def bounded(client, *args, **kwargs):
    """One request, which must take under a second and under 50 MB of new peak memory."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    response = client.post(*args, **kwargs)
    assert time.perf_counter() - start < 1
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak < 50 * 1024
    return response


@pytest.mark.parametrize('field, value, message', [
    ('applied_hours', '0.04', '最多保留 1 位小数'),
    ('applied_hours', '1.25', '最多保留 1 位小数'),
    ('quantity', '0.04', '最多保留 1 位小数'),
    *[('applied_hours', v, '请输入有效的数字') for v in HUGE[:3]],
    ('applied_hours', '1e-1000', '请输入有效的数字'),  # a 500 on PostgreSQL (its flow-log remark overflowed)
    ('applied_hours', '1e30', '数值过大，不能超过 99999.9'),
    ('start_date', '0001-01-01', '日期应在 2000 年至'),
    ('end_date', '9999-12-31', f'日期应在 2000 年至 {Y + 1} 年之间'),
])
def test_claim_form_refuses_huge_tiny_and_implausible_values(client, ctx, field, value, message):
    login(client, ZHANG_WEI)
    response = bounded(client, '/claims/new', data=claim_form(**{field: value}))
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page and 'invalid-feedback' in page
    assert len(page) < 50_000 + len(value)  # the form shows what was typed, nothing built from it
    assert count(Claim) == 0 and count(FlowLog) == 0


def test_review_hours_below_the_precision_or_huge_are_refused(client, ctx):
    claim_id, item_id = submitted_claim(ZHANG_WEI)
    login(client, 'jtjt_admin')
    for hours, message in [('0.04', '最多保留 1 位小数'), ('1e-999999999', '请输入有效的数字'),
                           ('1e-1000', '请输入有效的数字')]:
        response = bounded(client, f'/claims/{claim_id}/review',
                           data={'work_item_id': item_id, 'decision': 'approve', 'hours': hours},
                           follow_redirects=True)
        assert message in response.get_data(as_text=True)
        assert db.session.get(Claim, claim_id).status_label == '待初审'
    response = client.post(f'/claims/{claim_id}/review', data={'work_item_id': item_id, 'decision': 'approve',
                                                               'hours': '9.5'})
    assert response.status_code == 302
    assert db.session.get(Claim, claim_id).reviewed_hours == Decimal('9.5')


def test_supplement_review_hours_are_bounded(app, client, ctx):
    w = world()
    login(client, 'hzcj_admin')
    url, entry = f"/supplements/{w['reported']}/review", w['entry']
    for hours, message in [('0.04', '审核学时最多保留 1 位小数'), ('1e-999999999', '审核学时应大于 0 且不超过 12'),
                           ('1e-1000', '审核学时应大于 0 且不超过 12'), ('NaN', '审核学时应大于 0 且不超过 12')]:
        response = bounded(client, url, data={'work_item_id': w['reported_item'], 'decision': 'approve',
                                              f'hours-{entry}': hours}, follow_redirects=True)
        assert message in response.get_data(as_text=True), hours
        assert db.session.get(Claim, entry).reviewed_hours is None
    client.post(url, data={'work_item_id': w['reported_item'], 'decision': 'approve', f'hours-{entry}': '10.5'})
    db.session.expire_all()
    assert db.session.get(Claim, entry).reviewed_hours == Decimal('10.5')
    assert supplements.live_entries(db.session.get(supplements.Supplement, w['reported']))[0].id == entry


def test_a_supplement_entry_is_checked_as_a_claim(client, ctx):
    w = world()
    login(client, ZHANG_WEI)
    before = count(Claim)
    response = bounded(client, f"/supplements/{w['filling']}/entries/new", data=claim_form(
        year=str(Y - 1), start_date=f'{Y - 1}-09-01', end_date=f'{Y - 1}-09-02', applied_hours='1e-999999999'))
    assert response.status_code == 422 and '请输入有效的数字' in response.get_data(as_text=True)
    assert count(Claim) == before


def test_import_rows_with_huge_tiny_or_ancient_values_fail_alone(client, ctx):
    login(client, 'jtjt_admin')
    rows = [(row(申请学时='1e-999999999'), '申请学时“1e-999999999”不是数字'),
            (row(申请学时='9' * 5000), '申请学时“99999999999999999999…”不是数字'),
            (row(申请学时=0.04), '申请学时最多保留 1 位小数'),
            (row(数量='1e5'), '数量应在 0.1 到 1000 之间'),
            (row(申请学时=10 ** 30), '申请学时应大于 0 且不超过 36'),
            (row(开始时间=date(1900, 4, 1)), '开始时间 1900-04-01：日期应在 2000 年至'),
            (row(结束时间='9999-04-03'), '结束时间 9999-04-03：日期应在 2000 年至')]
    upload(client, xlsx([r for r, _ in rows] + [row()]))
    start = time.perf_counter()
    assert imports.run_pending() == 1
    assert time.perf_counter() - start < 10
    job = db.session.scalar(select(ImportJob))
    assert (job.ok_rows, job.failed_rows) == (1, len(rows))
    for result, (_row, reason) in zip(job.results, rows):
        assert result['message'].startswith(reason), result
    assert db.session.scalar(select(func.count(Claim.id))) == 1


@pytest.fixture
def platform(ctx):
    created, token = learning.create_platform(membership('shengji'), '边界测试平台')
    db.session.commit()
    return token


@pytest.mark.parametrize('hours, completed_on, message', [
    ('6', '0001-01-01', '完成日期：日期应在 2000 年至'),
    ('6', '1999-12-31', '完成日期：日期应在 2000 年至'),
    ('"1e-999999999"', None, '学时必须是数字'),
    ('"1e-1000"', None, '学时必须是数字'),
    ('1e-300', None, '学时必须是数字'),
    ('1e-999999999', None, '学时必须大于 0'),  # a JSON number: read as the float 0.0
    ('"0.04"', None, '学时最多保留一位小数'),
    ('0.04', None, '学时最多保留一位小数'),
    ('1' + '0' * 4000, None, '学时不能超过 100'),
])
def test_the_api_refuses_ancient_dates_and_unbounded_hours(client, platform, hours, completed_on, message):
    body = ('{"records": [{"id_number": "%s", "course": "c", "category": "general", "hours": %s, '
            '"completed_on": "%s", "record_id": "R-1"}]}' % (ZHANG_WEI, hours, completed_on or f'{Y}-01-01'))
    start = time.perf_counter()
    response = api_post(client, platform, body, content_type='application/json')
    assert time.perf_counter() - start < 1
    assert response.status_code == 200, response.get_data(as_text=True)
    result = response.get_json()['results'][0]
    assert result['status'] == 'error' and message in result['message'], result
    assert count(LearningRecord) == 0


def test_a_platform_file_with_an_ancient_date_is_refused_on_its_row(client, ctx):
    created, _token = learning.create_platform(membership('shengji'), '文件平台')
    db.session.commit()
    login(client, 'shengji')
    body = (f'身份证号,课程名称,科目类别,学时,完成日期,记录编号\n{ZHANG_WEI},课程,general,2,1900/1/2,F-1\n'
            f'{ZHANG_WEI},课程,general,1e-999999999,{Y}-01-02,F-2\n{ZHANG_WEI},课程,general,2,{Y}-01-02,F-3\n')
    response = bounded(client, f'/province/platforms/{created.id}/upload', content_type='multipart/form-data',
                       data={'file': (io.BytesIO(body.encode('utf-8')), 'r.csv')})
    page = response.get_data(as_text=True)
    assert '日期应在 2000 年至' in page and '学时必须是数字' in page
    assert count(LearningRecord) == 1


@pytest.mark.parametrize('url, data, message', [
    ('/province/window', {'year': str(Y), 'opens_on': '0001-01-01', 'closes_on': f'{Y}-12-31'}, '日期应在 2000 年至'),
    ('/province/supplement-window', {'year': str(Y - 1), 'opens_on': f'{Y}-01-01', 'closes_on': '9999-01-20'},
     '日期应在 2000 年至'),
])
def test_window_dates_are_plausible(client, ctx, url, data, message):
    login(client, 'shengji')
    response = client.post(url, data=data)
    assert response.status_code == 422 and message in response.get_data(as_text=True)


def test_a_title_may_be_older_than_the_activities_but_not_ancient(client, ctx):
    login(client, ZHANG_WEI)
    response = client.post('/profile/', data={'what': 'title', 'title-title': '高级工程师',
                                              'title-title_date': '1949-12-31'})
    assert '日期应在 1950 年至' in response.get_data(as_text=True)
    response = client.post('/profile/', data={'what': 'title', 'title-title': '高级工程师',
                                              'title-title_date': '1995-07-01'})
    assert response.status_code == 302


@pytest.mark.app_config(EARLIEST_YEAR=2020)
def test_the_earliest_year_is_configured(client, ctx):
    login(client, ZHANG_WEI)
    response = client.post('/claims/new', data=claim_form(start_date='2019-12-31'))
    assert '日期应在 2020 年至' in response.get_data(as_text=True)


# The request boundary ------------------------------------------------------------------------------------------------

def test_a_value_the_database_refuses_at_commit_saves_nothing_and_flashes_no_success(app, client, monkeypatch):
    """A department name beyond its column, written only at the request's final commit: PostgreSQL refuses it there
    (DataError, after the view queued its success message)."""
    if not app.config['SQLALCHEMY_DATABASE_URI'].startswith('postgresql'):
        pytest.skip('SQLite does not enforce column sizes')
    real_add = unit_ops.add_department

    def overflowing_add(m, name):
        department = real_add(m, name)
        department.name = '部' * 500  # String(100): past the checks, as a bug or a race would let it
        return department

    monkeypatch.setattr(unit_ops, 'add_department', overflowing_add)
    login(client, 'jtjt_admin')
    response = client.post('/unit/departments', data={'action': 'add', 'name': '质检部'})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and '超出了允许的范围' in page and '未保存任何内容' in page
    assert '已新增部门' not in page
    with client.session_transaction() as session:
        assert '_flashes' not in session  # the view's 已新增部门 was dropped with the transaction
    with app.app_context():
        assert db.session.scalar(select(func.count(Department.id)).where(Department.name.like('部%'))) == 0
        assert db.session.scalar(select(func.count(FlowLog.id)).where(FlowLog.subject_type == 'department')) == 0
    assert '已新增部门' not in client.get('/unit/departments').get_data(as_text=True)


# Odd input -----------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize('action', ['rename', 'delete'])
@pytest.mark.parametrize('department_id', ['0', '', '99999', '9' * 30])
def test_renaming_or_deleting_no_department_is_refused(client, ctx, action, department_id):
    login(client, 'jtjt_admin')
    response = client.post('/unit/departments', data={'action': action, 'department_id': department_id,
                                                      'name': '新名字'}, follow_redirects=True)
    assert response.status_code in (200, 400)
    page = response.get_data(as_text=True)
    assert '请选择部门' in page or '部门不存在' in page or '请求参数无效' in page
    assert db.session.scalar(select(func.count(Department.id)).where(Department.name == '新名字')) == 0


@pytest.mark.parametrize('body', [{'title': 1}, {'title': ['a', 'b']}, [1, 2], 'text', {'title': {'x': None}}])
def test_a_form_posted_as_json_is_refused_with_a_clear_page(client, ctx, body):
    login(client, ZHANG_WEI)
    response = client.post('/claims/new', json=body)
    assert response.status_code == 415 and '请在页面上填写并提交表单' in response.get_data(as_text=True)
    assert count(Claim) == 0


def test_a_file_posted_as_a_text_field_is_left_out(client, ctx):
    login(client, ZHANG_WEI)
    data = {**claim_form(), 'title': (io.BytesIO(b'not text'), 'title.txt')}
    response = client.post('/claims/new', data=data, content_type='multipart/form-data')
    assert response.status_code == 422 and '此项为必填项' in response.get_data(as_text=True)
    assert count(Claim) == 0


def test_a_decision_without_its_work_item_is_refused_not_a_500(client, ctx):
    """The review form of 报名 is built with the page's own work item as a number; a post without one is refused."""
    w = world()
    login(client, 'hzcj_admin')
    response = client.post(f"/enrolment/{w['enrolment']}", data={'decision': 'approve'})
    assert response.status_code < 500


def test_unicode_digits_are_not_row_ids(app, ctx):
    """'²'.isdigit() is true and int('²') fails: ids and old 15-digit ID numbers are read as ASCII digits only."""
    anonymous = app.test_client()
    for value in ('²', '١٢', '9' * 5000):
        anonymous.get('/captcha.png')
        assert anonymous.post('/register/propose', data={'parent_org_id': value, 'captcha': 'TEST'}).status_code == 422
        assert anonymous.post('/register/unit', data={'parent_org_id': value, 'captcha': 'TEST'}).status_code == 422
    anonymous.get('/captcha.png')
    response = anonymous.post('/login', data={'username': '²' * 15, 'password': 'x', 'captcha': 'TEST'})
    assert response.status_code == 422 and '账号或密码错误' in response.get_data(as_text=True)
    login(anonymous, 'shengji')
    assert anonymous.post('/rollout/migrate', data={'source': '1', 'target': '2', 'instance_id': ['²', '1']}
                          ).status_code < 500
