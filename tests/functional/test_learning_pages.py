"""Province staff manage their learning platforms (token shown once), upload a platform's CSV/xlsx export with a
result per row; learners see the records in their yearly 公需 hours. Other roles and other provinces are kept out."""
import hashlib
import io
import re
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from models import LearningPlatform, LearningRecord, Membership, Organisation, User, db
from models.org import PROVINCE
from webapp.claims import operations as claims
from webapp.cli import DEMO_PASSWORD
from webapp.learning import operations as ops

from ..helpers import claim_input, year
from ..people import LI_NA, ZHANG_WEI, ZHEJIANG, login, membership

HEADER = ['身份证号', '课程名称', '科目类别', '学时', '完成日期', '记录编号']


@pytest.fixture
def platform_id(ctx):
    created, _token = ops.create_platform(membership('shengji'), '浙江学习平台')
    db.session.commit()
    return created.id


def count_records() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count(LearningRecord.id)))


def test_province_staff_create_a_platform_and_see_its_token_once(client, ctx):
    login(client, 'shengji')
    page = client.get('/province/platforms').get_data(as_text=True)
    assert '尚未添加学习平台' in page and '/province/platforms/api' in page
    response = client.post('/province/platforms', data={'name': '浙江省公需科目学习平台'})
    assert response.status_code == 200
    token = re.search(r'<code id="token"[^>]*>([^<]+)</code>', response.get_data(as_text=True)).group(1)
    platform = db.session.scalar(select(LearningPlatform))
    assert platform.name == '浙江省公需科目学习平台' and platform.active
    assert platform.token_sha256 == hashlib.sha256(token.encode()).hexdigest()
    listing = client.get('/province/platforms').get_data(as_text=True)
    assert '浙江省公需科目学习平台' in listing and token not in listing
    # the token works
    response = client.post('/api/v1/learning-records', headers={'Authorization': f'Bearer {token}'},
                           json={'records': [dict(id_number=ZHANG_WEI, course='职业道德', category='general', hours=3,
                                                  completed_on=f'{year()}-01-01', record_id='1')]})
    assert response.get_json()['created'] == 1
    # the same name again, or none, is refused next to the field
    for name in ('浙江省公需科目学习平台', ''):
        response = client.post('/province/platforms', data={'name': name})
        assert response.status_code == 422
    assert '已有同名的学习平台' in client.post('/province/platforms', data={'name': '浙江省公需科目学习平台'}) \
        .get_data(as_text=True)
    assert db.session.scalar(select(func.count(LearningPlatform.id))) == 1


def test_deactivating_a_platform_shuts_its_token_out(client, ctx):
    created, token = ops.create_platform(membership('shengji'), '将停用的平台')
    db.session.commit()
    login(client, 'shengji')
    response = client.post(f'/province/platforms/{created.id}/deactivate')
    assert response.status_code == 302
    assert '已停用' in client.get('/province/platforms').get_data(as_text=True)
    response = client.post('/api/v1/learning-records', headers={'Authorization': f'Bearer {token}'},
                           json={'records': []})
    assert response.status_code == 401
    client.post(f'/province/platforms/{created.id}/activate')
    db.session.rollback()
    assert db.session.get(LearningPlatform, created.id).active


def csv_bytes(rows, encoding='utf-8-sig') -> bytes:
    text = '\n'.join(','.join(str(v) for v in row) for row in [HEADER, *rows])
    return text.encode(encoding)


def upload(client, platform_id, data: bytes, filename: str):
    return client.post(f'/province/platforms/{platform_id}/upload',
                       data={'file': (io.BytesIO(data), filename)}, content_type='multipart/form-data')


def result_rows(page: str) -> list[tuple[str, str]]:
    return re.findall(r'<tr data-row="(\d+)" data-status="(\w+)">', page)


def test_csv_upload_stores_the_good_rows_and_reports_each_row(client, platform_id):
    y = year()
    rows = [[ZHANG_WEI, '专业技术人员职业道德', '一般公需', '6', f'{y}-01-01', 'C-1'],
            [LI_NA, '交通行业安全法规', '行业公需', '4.5', f'{y}-01-01', 'C-2'],
            [],  # a blank line is skipped; row numbers stay those of the sheet
            ['330106198503120010', '课程', '一般公需', '6', f'{y}-01-01', 'C-3'],  # bad check digit
            [ZHANG_WEI, '课程', '选修科目', '6', f'{y}-01-01', 'C-4'],
            [ZHANG_WEI, '课程', '一般公需', '', f'{y}-01-01', 'C-5'],
            [ZHANG_WEI, '课程', '一般公需', '6', f'01/01/{y}', 'C-6']]
    login(client, 'shengji')
    response = upload(client, platform_id, csv_bytes(rows), 'records.csv')
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert result_rows(page) == [('2', 'created'), ('3', 'created'), ('5', 'error'), ('6', 'error'), ('7', 'error'),
                                 ('8', 'error')]
    for message in ('身份证号无效', '科目类别无效', '学时不能为空', '完成日期格式应为 yyyy-mm-dd'):
        assert message in page
    assert '新增 2 条，重复 0 条，失败 4 条' in page
    assert count_records() == 2
    # the same file again: duplicates, nothing doubled
    page = upload(client, platform_id, csv_bytes(rows), 'records.csv').get_data(as_text=True)
    assert result_rows(page)[:2] == [('2', 'duplicate'), ('3', 'duplicate')] and count_records() == 2


def test_dates_with_slashes_or_one_digit_months_are_read(client, platform_id):
    """Excel shows and saves dates as 2026/3/15 and people type 2026-3-1: both are the same day as 2026-03-15."""
    y = year()
    rows = [[ZHANG_WEI, '课程一', '一般公需', '1', f'{y}/1/2', 'D-1'], [ZHANG_WEI, '课程二', '一般公需', '1', f'{y}-1-1', 'D-2'],
            [ZHANG_WEI, '课程三', '一般公需', '1', f'{y}/01/02', 'D-3'], [ZHANG_WEI, '课程四', '一般公需', '1', f'{y}/1-2', 'D-4'],
            [ZHANG_WEI, '课程五', '一般公需', '1', f'{y}/2/30', 'D-5']]
    login(client, 'shengji')
    page = upload(client, platform_id, csv_bytes(rows), 'records.csv').get_data(as_text=True)
    assert result_rows(page) == [('2', 'created'), ('3', 'created'), ('4', 'created'), ('5', 'error'), ('6', 'error')]
    workbook = Workbook()
    workbook.active.append(HEADER)
    workbook.active.append([LI_NA, '课程六', '行业公需', 2, f'{y}/1/1', 'D-6'])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert result_rows(upload(client, platform_id, buffer.getvalue(), 'records.xlsx').get_data(as_text=True)) == [
        ('2', 'created')]
    db.session.rollback()
    stored = {r.record_id: r.completed_on for r in db.session.scalars(select(LearningRecord))}
    assert stored == {'D-1': date(y, 1, 2), 'D-2': date(y, 1, 1), 'D-3': date(y, 1, 2), 'D-6': date(y, 1, 1)}


def test_gbk_csv_from_excel_is_read(client, platform_id):
    login(client, 'shengji')
    data = csv_bytes([[ZHANG_WEI, '数字经济', '一般公需', '3', f'{year()}-01-01', 'G-1']], encoding='gb18030')
    assert result_rows(upload(client, platform_id, data, 'gbk.csv').get_data(as_text=True)) == [('2', 'created')]


def test_xlsx_upload_reads_dates_and_numbers_from_cells(client, platform_id):
    y = year()
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(['记录编号', *HEADER[:-1]])  # columns in any order
    sheet.append(['X-1', ZHANG_WEI, '专业技术人员职业道德', '一般公需', 6, datetime(y, 1, 1)])
    sheet.append(['X-2', LI_NA, '交通行业安全法规', 'industry', 2.5, f'{y}-01-01'])
    sheet.append(['X-3', LI_NA, '', 'industry', 2, datetime(y, 1, 1)])
    sheet.append(['X-4', LI_NA, '太长', 'industry', 120, datetime(y, 1, 1)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    login(client, 'shengji')
    page = upload(client, platform_id, buffer.getvalue(), 'records.xlsx').get_data(as_text=True)
    assert result_rows(page) == [('2', 'created'), ('3', 'created'), ('4', 'error'), ('5', 'error')]
    assert '课程名称不能为空' in page and '学时不能超过 100' in page
    db.session.rollback()
    stored = {r.record_id: (r.hours, r.completed_on, r.category) for r in db.session.scalars(select(LearningRecord))}
    assert stored == {'X-1': (Decimal(6), date(y, 1, 1), 'general'), 'X-2': (Decimal('2.5'), date(y, 1, 1), 'industry')}


@pytest.mark.parametrize('data, filename, message', [
    (b'PK\x03\x04 not really a workbook', 'records.xlsx', '无法读取该 Excel 文件'),
    (b'hello', 'records.txt', '请上传 CSV 或 Excel'),
    ('姓名,学时\n张伟,6\n'.encode(), 'records.csv', '表头缺少列：身份证号、课程名称、科目类别、完成日期、记录编号'),
    (b'', 'empty.csv', '文件是空的'),
    (','.join(HEADER).encode(), 'header-only.csv', '文件中没有记录'),
    (b'\x81\xff\xfe\xfa\x00', 'binary.csv', '无法识别文件编码'),
])
def test_unreadable_files_are_refused_with_a_message(client, platform_id, data, filename, message):
    login(client, 'shengji')
    response = upload(client, platform_id, data, filename)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert count_records() == 0


@pytest.mark.parametrize('who', [ZHANG_WEI, 'jtjt_admin', 'jiaotong'])
def test_other_roles_cannot_reach_the_province_pages(client, platform_id, who):
    login(client, who)
    for url in ('/province/platforms', f'/province/platforms/{platform_id}/upload', '/province/platforms/api'):
        assert client.get(url).status_code == 403
    assert client.post('/province/platforms', data={'name': '偷偷加的平台'}).status_code == 403
    assert client.post(f'/province/platforms/{platform_id}/deactivate').status_code == 403
    data = csv_bytes([[ZHANG_WEI, '课程', '一般公需', '6', f'{year()}-01-01', 'C-1']])
    assert upload(client, platform_id, data, 'r.csv').status_code == 403
    db.session.rollback()
    assert db.session.scalar(select(func.count(LearningPlatform.id))) == 1 and count_records() == 0
    assert db.session.get(LearningPlatform, platform_id).active


def test_province_staff_see_only_their_provinces_platforms(client, platform_id):
    other = Organisation(kind=PROVINCE, name='江苏省继续教育学时办')
    staff = User(name='江苏审核员', account_name='jiangsu')
    staff.set_password(DEMO_PASSWORD)
    db.session.add_all([other, staff, Membership(user=staff, role='province', org=other)])
    db.session.flush()
    theirs, their_token = ops.create_platform(membership('jiangsu'), '江苏学习平台')
    db.session.commit()
    login(client, 'shengji')
    assert '江苏学习平台' not in client.get('/province/platforms').get_data(as_text=True)
    assert client.get(f'/province/platforms/{theirs.id}/upload').status_code == 404
    assert client.post(f'/province/platforms/{theirs.id}/deactivate').status_code == 404
    data = csv_bytes([[ZHANG_WEI, '课程', '一般公需', '6', f'{year()}-01-01', 'C-1']])
    assert upload(client, theirs.id, data, 'r.csv').status_code == 404
    db.session.rollback()
    assert db.session.get(LearningPlatform, theirs.id).active and count_records() == 0
    # and the other province's platform cannot report hours of this province's learners
    response = client.post('/api/v1/learning-records', headers={'Authorization': f'Bearer {their_token}'},
                           json={'records': [dict(id_number=ZHANG_WEI, course='课程', category='general', hours=6,
                                                  completed_on=f'{year()}-01-01', record_id='J-1')]})
    assert '本省没有该身份证号的专技人员' in response.get_json()['results'][0]['message'] and count_records() == 0
    client.post('/logout')
    login(client, 'jiangsu')
    page = client.get('/province/platforms').get_data(as_text=True)
    assert '江苏学习平台' in page and '浙江学习平台' not in page
    assert client.get(f'/province/platforms/{platform_id}/upload').status_code == 404


def test_api_docs_page_links_the_openapi_document(client):
    login(client, 'shengji')
    page = client.get('/province/platforms/api').get_data(as_text=True)
    assert '/api/v1/openapi.json' in page and 'Authorization: Bearer' in page
    assert '/province/platforms' in client.get('/province/window').get_data(as_text=True)  # nav link


def test_records_count_as_public_hours_in_the_learners_totals(client, platform_id):
    y = year()
    learner = membership(ZHANG_WEI, 'learner')
    claim = claims.create_claim(learner, claim_input())
    claims.submit_claim(learner, claim, 'unit')
    claims.review(membership('jtjt_admin', 'unit_admin'), claims.open_item(claim).id, 'approve', None, None)
    claims.review(membership('jiaotong', 'supervisor'), claims.open_item(claim).id, 'approve', Decimal(18), None)
    platform = db.session.get(LearningPlatform, platform_id)
    results = ops.import_records(platform, [
        dict(id_number=ZHANG_WEI, course='专业技术人员职业道德', category='general', hours='6',
             completed_on=f'{y}-01-01', record_id='T-1'),
        dict(id_number=ZHANG_WEI, course='交通行业安全法规', category='industry', hours='4.5',
             completed_on=f'{y}-01-01', record_id='T-2'),
        dict(id_number=ZHANG_WEI, course='往年的公需课', category='general', hours='12',
             completed_on=f'{y - 3}-06-01', record_id='T-3'),
        dict(id_number=LI_NA, course='别人的课', category='general', hours='8', completed_on=f'{y}-01-01',
             record_id='T-4')])
    assert [r.status for r in results] == ['created'] * 4
    db.session.commit()
    totals = {e['year']: e for e in claims.yearly_totals(learner.user_id)}
    assert (totals[y]['public'], totals[y]['professional'], totals[y]['total']) == \
        (Decimal('10.5'), Decimal(18), Decimal('28.5'))
    assert (totals[y - 3]['public'], totals[y - 3]['professional'], totals[y - 3]['total']) == \
        (Decimal(12), Decimal(0), Decimal(12))  # a year with only records appears
    login(client, ZHANG_WEI)
    page = client.get('/claims/totals').get_data(as_text=True)
    row = re.search(rf'<tr data-year="{y}">(.*?)</tr>', page, re.S).group(1)
    assert '10.5' in row and '28.5' in row
    assert '专业技术人员职业道德' in page and '交通行业安全法规' in page and '往年的公需课' not in page
    assert '别人的课' not in page
    assert '往年的公需课' in client.get(f'/claims/totals?year={y - 3}').get_data(as_text=True)
    mine = client.get('/learning/mine').get_data(as_text=True)
    assert '往年的公需课' in mine and '行业公需科目' in mine and '浙江学习平台' in mine and '别人的课' not in mine
    assert client.get('/province/platforms').status_code == 403


def test_platform_add_command_prints_the_token_once(app, ctx):
    result = app.test_cli_runner().invoke(args=['platform-add', '命令行平台'])
    assert result.exit_code != 0 and '有多个省级组织，请用 --province 指定' in result.output  # 浙江 and 广西
    result = app.test_cli_runner().invoke(args=['platform-add', '命令行平台', '--province', ZHEJIANG])
    assert result.exit_code == 0, result.output
    token = re.search(r'token \(shown once, store it now\): (\S+)', result.output).group(1)
    platform = db.session.scalar(select(LearningPlatform).where(LearningPlatform.name == '命令行平台'))
    assert platform.token_sha256 == hashlib.sha256(token.encode()).hexdigest()
    assert platform.province.kind == PROVINCE and platform.province.name == ZHEJIANG
    again = app.test_cli_runner().invoke(args=['platform-add', '命令行平台', '--province', ZHEJIANG])
    assert again.exit_code != 0 and '已有同名的学习平台' in again.output
