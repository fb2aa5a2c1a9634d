"""Claims, the Excel import and the inboxes read in English (/lang/en), and still in Chinese by default; what the
pages offer (撤回, 删除已认定学时) comes from the claim operations.

The pages are requested outside the test's app context: Flask-Babel keeps the locale of a context in its `g`, so
within one context the first language a page was read in would stay."""
import io

from openpyxl import load_workbook
from sqlalchemy import select

from models import Organisation, db
from webapp.claims import operations as ops
from webapp.claims.sheets import COLUMNS
from webapp.transfers import operations as transfers

from ..helpers import claim_form, claim_input, submitted_claim, year
from ..people import LI_NA, ZHANG_WEI, login, membership


def page_of(response) -> str:
    return response.get_data(as_text=True)


def test_the_claim_form_offers_its_choices_and_refuses_in_english(client):
    login(client, ZHANG_WEI)
    client.get('/lang/en')
    page = page_of(client.get('/claims/new'))
    assert 'Training and further study' in page and 'Training course' in page and 'Provincial' in page
    assert '参加培训进修' not in page and '省级' not in page

    page = page_of(client.post('/claims/new', data=claim_form(year=str(year() - 1))))  # refused by the operation
    assert f'The year must be the current registration year, {year()}' in page
    page = page_of(client.post('/claims/new', data=claim_form(sub_type='论文')))  # refused by the form
    assert ('The sub-type must be one of “Training and further study”: '
            'Training course, Further study, Academic conference, Distance learning') in page
    assert client.get('/claims/estimate?quantity=abc').get_json()['error'] == 'Invalid parameters'

    client.get('/lang/zh_CN')
    page = page_of(client.post('/claims/new', data=claim_form(sub_type='论文')))
    assert '二级类型须为“参加培训进修”下的一项：培训班、进修、学术研讨、远程教育' in page
    assert client.get('/claims/estimate?quantity=abc').get_json()['error'] == '参数无效'


def test_an_operation_refusal_is_flashed_in_english(app, client):
    with app.app_context():
        claim_id, _item_id = submitted_claim(ZHANG_WEI)
    login(client, ZHANG_WEI)
    client.get('/lang/en')
    page = page_of(client.post(f'/claims/{claim_id}/delete', follow_redirects=True))
    assert 'This claim is “待初审” and cannot be changed' in page
    client.get('/lang/zh_CN')
    page = page_of(client.post(f'/claims/{claim_id}/delete', follow_redirects=True))
    assert '该学时登记当前状态为“待初审”，不能修改' in page


def test_what_the_claim_page_offers_is_decided_by_the_operations(ctx):
    zhang, li, admin = membership(ZHANG_WEI, 'learner'), membership(LI_NA, 'learner'), membership('jtjt_admin')
    claim = ops.create_claim(zhang, claim_input())
    assert not ops.may_withdraw(zhang, claim, ops.open_item(claim))  # a draft is deleted, not withdrawn
    ops.submit_claim(zhang, claim, 'unit')
    item = ops.open_item(claim)
    assert ops.may_withdraw(zhang, claim, item) and not ops.may_withdraw(li, claim, item)
    assert ops.review_item(admin, item) == item and ops.review_item(zhang, item) is None
    assert not ops.may_delete_approved(admin, claim)
    ops.review(admin, item.id, 'approve', None, None)
    final = ops.open_item(claim)
    ops.review(membership('jiaotong'), final.id, 'approve', None, None)
    assert ops.may_delete_approved(admin, claim) and not ops.may_delete_approved(zhang, claim)
    assert not ops.may_withdraw(zhang, claim, ops.open_item(claim))


def test_the_import_refuses_in_english_and_its_template_stays_the_file_format(client):
    login(client, 'jtjt_admin')
    client.get('/lang/en')
    page = page_of(client.post('/imports/', data={'file': (io.BytesIO(b'x'), 'staff.xlsx')},
                               content_type='multipart/form-data'))
    assert 'Please confirm that the imported information is true' in page
    page = page_of(client.post('/imports/', data={'file': (io.BytesIO(b'not a workbook'), 'staff.xlsx'),
                                                  'pledge': 'y'}, content_type='multipart/form-data'))
    assert 'Cannot read the file: upload an .xlsx file filled in from the import template' in page

    response = client.get('/imports/template.xlsx')
    assert 'Training records import template.xlsx' in response.headers['Content-Disposition']
    wb = load_workbook(io.BytesIO(response.data))
    assert [c.value for c in wb['学员培训信息'][1]] == COLUMNS  # the headers the import matches
    values = [c.value for c in wb['填写说明']['A']]
    assert values[0] == 'Pathway' and '参加培训进修' in values  # the values to type stay as the import reads them

    client.get('/lang/zh_CN')
    page = page_of(client.post('/imports/', data={'file': (io.BytesIO(b'x'), 'staff.xlsx')},
                               content_type='multipart/form-data'))
    assert '请勾选“本单位承诺导入信息属实”' in page


def test_inbox_exports_in_english_keep_the_claim_sheet_as_the_import_reads_it(app, client):
    with app.app_context():
        nb = db.session.scalar(select(Organisation.id).where(Organisation.name == '宁波港航工程有限公司'))
        transfers.request_transfer(membership(ZHANG_WEI, 'learner'), nb, '工作调动')
        submitted_claim(LI_NA)  # commits
    login(client, 'jtjt_admin')
    client.get('/lang/en')
    response = client.get('/inbox/?kind=transfer&export=xlsx')
    header = next(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert header == ('Step', 'Item', 'Name', 'ID number', 'Description', 'Status', 'Overdue', 'Arrived at')
    response = client.get('/inbox/?export=xlsx')
    assert 'My tasks.xlsx' in response.headers['Content-Disposition']
    header = next(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert header[:len(COLUMNS)] == tuple(COLUMNS)
    client.get('/lang/zh_CN')
    response = client.get('/inbox/done?kind=transfer&export=xlsx')
    header = next(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert header[-2:] == ('处理结果', '处理时间')
