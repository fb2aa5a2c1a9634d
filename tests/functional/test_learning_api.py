"""Learning platforms report 公需 hours through POST /api/v1/learning-records: each record is checked on its own,
replays are idempotent, conflicting replays are refused, and every answer is JSON (never a 500)."""
import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from stdnum.cn import ric

from models import FlowLog, LearningRecord, db
from webapp import hours
from webapp.learning import operations as ops

from ..helpers import year
from ..people import LI_NA, ZHANG_WEI, membership

URL = '/api/v1/learning-records'


@pytest.fixture
def platform(ctx):
    """(platform id, token) of a platform of the demo province."""
    created, token = ops.create_platform(membership('shengji'), '测试学习平台')
    db.session.commit()
    return created.id, token


def record(**overrides) -> dict:
    values = dict(id_number=ZHANG_WEI, course='专业技术人员职业道德与诚信建设', category='general', hours=6,
                  completed_on=f'{year()}-01-01', record_id='R-1')
    values.update(overrides)
    return values


def post(client, token, body, **kwargs):
    headers = {'Authorization': f'Bearer {token}'} if token is not None else {}
    if isinstance(body, (dict, list)):
        return client.post(URL, json=body, headers=headers, **kwargs)
    return client.post(URL, data=body, headers=headers, **kwargs)


def stored() -> int:
    db.session.rollback()  # see what the request committed
    return db.session.scalar(select(func.count(LearningRecord.id)))


def unknown_id_number() -> str:
    prefix = '11010119700101123'  # a valid ID number nobody in the demo has
    return prefix + ric.calc_check_digit(prefix + '0')


BAD = [  # (record, what the message says)
    (record(record_id='B-1', id_number='33010619850312001Y'), '身份证号无效'),
    (record(record_id='B-2', id_number=unknown_id_number()), '本省没有该身份证号的专技人员'),
    (record(record_id='B-3', id_number=''), '身份证号不能为空'),
    (record(record_id='B-4', course='  '), '课程名称不能为空'),
    (record(record_id='B-5', course='课' * 201), '课程名称不能超过 200 个字符'),
    (record(record_id='B-6', category='elective'), '科目类别无效'),
    (record(record_id='B-7', hours=0), '学时必须大于 0'),
    (record(record_id='B-8', hours=-3), '学时必须大于 0'),
    (record(record_id='B-9', hours=100.5), '学时不能超过 100'),
    (record(record_id='B-10', hours='六'), '学时必须是数字'),
    (record(record_id='B-11', hours=1.25), '学时最多保留一位小数'),
    (record(record_id='B-12', hours=None), '学时不能为空'),
    (record(record_id='B-13', completed_on='2026/03/01'), '完成日期格式应为 yyyy-mm-dd'),
    (record(record_id='B-14', completed_on=f'{year()}-02-30'), '完成日期格式应为 yyyy-mm-dd'),
    (record(record_id='B-15', completed_on=(date.today() + timedelta(days=3)).isoformat()), '完成日期不能晚于今天'),
    (record(record_id=''), '记录编号不能为空'),
    (record(record_id='x' * 101), '记录编号不能超过 100 个字符'),
    (record(record_id='B-18', course=['list']), '课程名称必须是文本'),
    (record(record_id='B-19', course='含\x00字符'), '课程名称包含无效字符'),
    ('not an object', '记录格式无效'),
]


def test_good_records_are_stored_bad_ones_refused_each_with_its_reason(client, platform):
    _id, token = platform
    good = [record(record_id='G-1'), record(record_id='G-2', id_number=LI_NA, category='行业公需', hours='2.5'),
            record(record_id='G-3', id_number=ZHANG_WEI.lower(), category='industry', hours=100)]
    body = {'records': good[:1] + [r for r, _ in BAD] + good[1:]}
    response = post(client, token, body)
    assert response.status_code == 200 and response.is_json
    data = response.get_json()
    assert (data['created'], data['duplicates'], data['errors']) == (3, 0, len(BAD))
    results = data['results']
    assert [r['index'] for r in results] == list(range(len(body['records'])))
    assert results[0] == {'index': 0, 'record_id': 'G-1', 'status': 'created', 'message': '已导入'}
    for result, (bad, message) in zip(results[1:-2], BAD):
        assert result['status'] == 'error' and message in result['message'], (bad, result)
    assert [r['status'] for r in results[-2:]] == ['created', 'created']
    db.session.rollback()
    rows = db.session.scalars(select(LearningRecord).order_by(LearningRecord.record_id)).all()
    assert [(r.record_id, r.category, r.hours, r.year) for r in rows] == [
        ('G-1', 'general', Decimal('6.0'), year()), ('G-2', 'industry', Decimal('2.5'), year()),
        ('G-3', 'industry', Decimal('100.0'), year())]
    log = db.session.scalars(select(FlowLog).where(FlowLog.subject_type == 'learning_platform',
                                                   FlowLog.action == '导入学习记录')).all()
    assert [entry.remark for entry in log] == [f'3 条成功，{len(BAD)} 条失败']


def test_one_record_with_several_problems_names_them_all(client, platform):
    result = post(client, platform[1], {'records': [record(course='', hours=0, category='x')]}).get_json()
    message = result['results'][0]['message']
    assert '课程名称不能为空' in message and '学时必须大于 0' in message and '科目类别无效' in message


def test_a_replayed_batch_is_all_duplicates_and_nothing_is_counted_twice(client, platform):
    batch = {'records': [record(record_id='R-1'), record(record_id='R-2', hours=3), record(record_id='R-x', hours=0)]}
    first = post(client, platform[1], batch).get_json()
    assert (first['created'], first['errors']) == (2, 1)
    again = post(client, platform[1], batch).get_json()
    assert (again['created'], again['duplicates'], again['errors']) == (0, 2, 1)
    assert [r['status'] for r in again['results']] == ['duplicate', 'duplicate', 'error']
    assert stored() == 2
    from webapp.claims.operations import yearly_totals
    learner = membership(ZHANG_WEI, 'learner')
    assert yearly_totals(learner.user_id)[0]['public'] == Decimal(9)
    assert not hours.disagreements(db.session)


def test_the_same_record_twice_in_one_batch_is_stored_once(client, platform):
    data = post(client, platform[1], {'records': [record(), record(), record(hours=7)]}).get_json()
    assert [r['status'] for r in data['results']] == ['created', 'duplicate', 'conflict']
    assert stored() == 1


def test_a_replay_with_other_content_is_refused(client, platform):
    post(client, platform[1], {'records': [record(record_id='R-1', hours=6)]})
    data = post(client, platform[1], {'records': [record(record_id='R-1', hours=16),
                                                  record(record_id='R-1', course='另一门课')]}).get_json()
    assert [r['status'] for r in data['results']] == ['conflict', 'conflict']
    assert '内容不同' in data['results'][0]['message'] and data['errors'] == 2 and data['conflicts'] == 2
    assert stored() == 1 and db.session.scalar(select(LearningRecord.hours)) == Decimal(6)


def test_record_ids_belong_to_their_platform(client, platform, ctx):
    other, other_token = ops.create_platform(membership('shengji'), '另一个平台')
    db.session.commit()
    assert post(client, platform[1], {'records': [record(hours=6)]}).get_json()['created'] == 1
    assert post(client, other_token, {'records': [record(hours=8)]}).get_json()['created'] == 1
    assert stored() == 2


@pytest.mark.parametrize('header', [None, '', 'Bearer', 'Bearer wrong-token', 'Basic dXNlcjpwYXNz', 'token'])
def test_a_missing_or_unknown_token_gets_401(client, platform, header):
    headers = {'Authorization': header} if header is not None else {}
    response = client.post(URL, json={'records': [record()]}, headers=headers)
    assert response.status_code == 401 and response.is_json and response.get_json()['error']
    assert stored() == 0


def test_a_deactivated_platforms_token_gets_401(client, platform, ctx):
    from models import LearningPlatform
    ops.set_active(membership('shengji'), db.session.get(LearningPlatform, platform[0]), False)
    db.session.commit()
    response = post(client, platform[1], {'records': [record()]})
    assert response.status_code == 401 and '停用' in response.get_json()['error']
    assert stored() == 0


@pytest.mark.parametrize('body', ['not json', '{"records": ', '[1, 2]', '{"record": []}', '{"records": {"a": 1}}',
                                  '{"records": []}', '"records"', 'null', '[' * 100000 + ']' * 100000,
                                  b'\xff\xfe\x00'])
def test_a_body_without_a_records_list_gets_400(client, platform, body):
    response = post(client, platform[1], body, content_type='application/json')
    assert response.status_code == 400 and response.is_json and response.get_json()['error']
    assert stored() == 0


def test_more_than_1000_records_get_400(client, platform):
    response = post(client, platform[1], {'records': [record(record_id=f'R-{i}') for i in range(1001)]})
    assert response.status_code == 400 and '1000' in response.get_json()['error']
    assert stored() == 0


def test_hostile_values_get_per_record_errors_never_500(client, platform):
    nasty = [None, True, [], {}, 'NaN', '-Infinity', '1e999', '9' * 40, '0x10', "'; drop table claim;--",
             '0000-00-00', '<script>', 'x' * 5000, '١٢', '\x00', 1e308, -0.0]
    records = [record(record_id=f'N-{field}-{i}', **{field: value})
               for field in ('id_number', 'course', 'category', 'hours', 'completed_on')
               for i, value in enumerate(nasty)]
    records += [record(record_id=value) for value in nasty if value not in ('0x10', '<script>', '١٢', '9' * 40)]
    response = post(client, platform[1], {'records': records})
    assert response.status_code == 200
    statuses = {r['status'] for r in response.get_json()['results']}
    assert statuses <= {'error', 'created', 'duplicate', 'conflict'}
    # NaN and infinities as JSON literals (Python's json accepts them)
    body = '{"records": [{"id_number": "%s", "course": "c", "category": "general", "hours": NaN, ' \
           '"completed_on": "%s-01-01", "record_id": "nan"}]}' % (ZHANG_WEI, year())
    data = post(client, platform[1], body, content_type='application/json').get_json()
    assert data['results'][0]['status'] == 'error'


def test_the_openapi_document_is_served_and_describes_the_endpoint(client):
    response = client.get('/api/v1/openapi.json')
    assert response.status_code == 200 and response.is_json
    document = json.loads(response.get_data(as_text=True))
    assert document['openapi'].startswith('3.')
    operation = document['paths']['/learning-records']['post']
    assert {'200', '400', '401'} <= set(operation['responses'])
    assert document['components']['securitySchemes']['bearerAuth']['scheme'] == 'bearer'
    fields = document['components']['schemas']['Record']['required']
    assert set(fields) == {'id_number', 'course', 'category', 'hours', 'completed_on', 'record_id'}


def test_only_the_tokens_hash_is_stored(ctx, platform):
    import hashlib

    from models import LearningPlatform
    stored_platform = db.session.get(LearningPlatform, platform[0])
    assert stored_platform.token_sha256 == hashlib.sha256(platform[1].encode()).hexdigest()
    assert platform[1] not in stored_platform.token_sha256


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_the_api_needs_no_csrf_token_the_pages_still_do(app):
    with app.app_context():
        _platform, token = ops.create_platform(membership('shengji'), '测试学习平台')
        db.session.commit()
        client = app.test_client()
        response = client.post(URL, json={'records': [record()]}, headers={'Authorization': f'Bearer {token}'})
        assert response.status_code == 200 and response.get_json()['created'] == 1
        response = client.post('/province/platforms', data={'name': '伪造的平台'})
        assert response.status_code == 400 and '页面已过期' in response.get_data(as_text=True)


def test_a_record_stored_meanwhile_by_another_request_is_reported_not_a_500(ctx, platform, monkeypatch):
    """Two requests with the same record id at once: the unique constraint decides; the loser gets a result."""
    from models import LearningPlatform
    target = db.session.get(LearningPlatform, platform[0])
    ops.import_records(target, [record(record_id='R-1'), record(record_id='R-2', hours=2)])
    db.session.commit()
    monkeypatch.setattr(ops, '_existing', lambda *args: {})  # as if those were stored after this batch looked
    results = ops.import_records(target, [record(record_id='R-1'), record(record_id='R-2', hours=3),
                                          record(record_id='R-3')])
    db.session.commit()
    assert [r.status for r in results] == ['duplicate', 'conflict', 'created']
    assert stored() == 3
