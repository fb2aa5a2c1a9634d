"""An English reader of the learning pages and API: upload refusals and per-row results, the API's errors (in the
session's language, Chinese by default) and the operator command's messages."""

from flask import g

from models import db
from webapp.learning import operations as ops

from ..helpers import year
from ..people import ZHANG_WEI, ZHEJIANG, login, membership
from .test_learning_api import URL, post, record
from .test_learning_pages import csv_bytes, upload


def english(client):
    client.get('/lang/en')
    g.pop('_flask_babel', None)  # the test's app context is every request's: forget the locale it cached
    return client


def test_upload_refusals_and_row_results_in_english(client, ctx):
    created, _token = ops.create_platform(membership('shengji'), '浙江学习平台')
    db.session.commit()
    english(login(client, 'shengji'))
    page = upload(client, created.id, b'x', 'records.txt').get_data(as_text=True)
    assert 'Upload a CSV or Excel (.xlsx) file' in page and '请上传' not in page
    page = upload(client, created.id, b'\xef\xbb\xbf\xe5\xa7\x93\xe5\x90\x8d\n1', 'records.csv').get_data(as_text=True)
    assert 'The header row lacks columns: 身份证号、课程名称、科目类别、学时、完成日期、记录编号' in page
    rows = [[ZHANG_WEI, '职业道德', '一般公需', '6', f'{year()}-01-01', 'E-1'],
            [ZHANG_WEI, '', '一般公需', '0', f'{year()}-01-01', 'E-2']]
    page = upload(client, created.id, csv_bytes(rows), 'records.csv').get_data(as_text=True)
    assert 'Imported' in page and 'Course is required; Hours must be more than 0' in page
    assert 'Import finished: 1 added, 0 duplicates, 1 failed' in page


def test_the_api_answers_in_chinese_unless_the_session_chose_english(client, ctx):
    created, token = ops.create_platform(membership('shengji'), '测试学习平台')
    db.session.commit()
    assert client.post(URL, json={'records': []}).get_json() == {'error': '缺少令牌、令牌无效或平台已停用'}
    answer = post(client, token, {'records': [record(hours=0)]}).get_json()
    assert answer['results'][0]['message'] == '学时必须大于 0'

    english(client)
    assert client.post(URL, json={'records': []}).get_json() == {
        'error': 'Token missing or invalid, or the platform is disabled'}
    assert post(client, token, {'records': []}).get_json() == {'error': 'The records array is empty'}
    answer = post(client, token, {'records': [record(hours=0, record_id='R-2', course='')]}).get_json()
    assert answer['results'][0]['message'] == 'Course is required; Hours must be more than 0'


def test_the_operator_command_speaks_the_default_language(app, ctx):
    result = app.test_cli_runner().invoke(args=['platform-add', '新平台', '--province', '不存在的省'])
    assert result.exit_code != 0 and '没有找到省级组织（先运行 seed-demo）' in result.output
    result = app.test_cli_runner().invoke(args=['platform-add', '', '--province', ZHEJIANG])
    assert result.exit_code != 0 and '平台名称不能为空' in result.output
