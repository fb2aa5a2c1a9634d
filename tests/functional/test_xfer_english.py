"""Transfers, superior changes, supplements and enrolment read in English after /lang/en: the refusals, the inbox
rows (and their .xlsx export) and the decision choices; Chinese stays the default.

No test here holds an app context across requests: a request inside one would share its `g`, where Flask-Babel
keeps the locale it chose first."""
import io
from datetime import datetime

import pytest
import time_machine
from openpyxl import load_workbook
from sqlalchemy import select

from models import Enrolment, Organisation, Supplement, db
from webapp.claims import operations as claims
from webapp.transfers import operations as transfers

from ..helpers import claim_input
from ..people import WANG_QIANG, ZHANG_WEI, login, membership
from ..workflow.test_supplement_process import Y, approved_claim_last_year
from .test_profile_pages import FORM
from .test_supplement_pages import SHANGHAI

JTJT = '浙江交通工程建设集团有限公司'
NB = '宁波港航工程有限公司'
TING = '浙江省交通运输厅'


def in_app(app, work):
    with app.app_context():
        result = work()
        db.session.commit()
        return result


def org_id(app, name) -> int:
    return in_app(app, lambda: db.session.scalar(select(Organisation.id).where(Organisation.name == name)))


def text(response) -> str:
    return response.get_data(as_text=True)


def test_transfer_refusal_inbox_row_and_export_in_english(app, client):
    jtjt, nb = org_id(app, JTJT), org_id(app, NB)
    login(client, ZHANG_WEI)
    client.get('/lang/en')
    response = client.post('/transfers/', data={'to_unit_id': jtjt, 'reason': '工作调动'})
    assert response.status_code == 422 and 'The new unit cannot be the current unit' in text(response)
    assert '新单位不能是当前所在单位' not in text(response)
    client.get('/lang/zh_CN')
    assert '新单位不能是当前所在单位' in text(client.post('/transfers/', data={'to_unit_id': jtjt, 'reason': '工作调动'}))

    transfer_id = in_app(app, lambda: transfers.request_transfer(membership(ZHANG_WEI, 'learner'), nb, '工作调动').id)
    admin = login(app.test_client(), 'jtjt_admin')
    assert f'单位调转 · {JTJT} → {NB}' in text(admin.get('/inbox/?kind=transfer'))
    admin.get('/lang/en')
    html = text(admin.get('/inbox/?kind=transfer'))
    assert f'Unit transfer · {JTJT} → {NB}' in html and '单位调转 ·' not in html
    sheet = load_workbook(io.BytesIO(admin.get('/inbox/?kind=transfer&export=xlsx').data)).active
    assert list(sheet.iter_rows(values_only=True))[1][1] == f'Unit transfer · {JTJT} → {NB}'
    html = text(admin.get(f'/transfers/{transfer_id}'))
    assert 'Agreed' in html and 'Refused' in html  # the decision choices

    client.get('/lang/en')  # asked again, she is refused with the open transfer listed
    html = text(client.post('/transfers/', data={'to_unit_id': nb, 'reason': '工作调动'}, follow_redirects=True))
    assert 'no unit transfer is possible until they are settled (or withdrawn): ' \
           f'Unit transfer to “{NB}” (待原单位审核)' in html


def test_superior_change_refusal_and_kinds_in_english(app, client):
    ting = org_id(app, TING)
    login(client, WANG_QIANG)  # as 宁波港航's principal admin
    client.post('/switch-role', data={'membership_id': in_app(app, lambda: membership(WANG_QIANG, 'unit_admin').id)})
    client.get('/lang/en')
    response = client.post('/transfers/superior', data={'new_parent_id': ting, 'reason': '划转'})
    assert response.status_code == 422 and f'“{TING}” is already this unit&#39;s superior' in text(response)
    assert f'{JTJT} (Superior unit)' in text(client.get('/transfers/superior?q=交通工程建设'))
    client.get('/lang/zh_CN')
    response = client.post('/transfers/superior', data={'new_parent_id': ting, 'reason': '划转'})
    assert f'“{TING}”已是本单位的上级' in text(response)
    assert f'{JTJT}（上级单位）' in text(client.get('/transfers/superior?q=交通工程建设'))


@pytest.fixture
def january(app):
    with time_machine.travel(datetime(Y, 1, 6, 10, tzinfo=SHANGHAI), tick=False) as clock:
        in_app(app, approved_claim_last_year)
        yield clock


def test_supplement_refusals_inbox_row_and_choices_in_english(app, client, january):
    login(client, ZHANG_WEI)
    client.get('/lang/en')
    html = text(client.post('/supplements/request', data={'pathway': 'exam'}, follow_redirects=True))
    assert f'pathway of {Y - 1} can be supplemented: only pathways with final approval can be' in html
    client.post('/supplements/request', data={'pathway': 'training'})
    supplement_id = in_app(app, lambda: db.session.scalar(select(Supplement.id)))
    client.post(f'/supplements/{supplement_id}/send')
    admin = login(app.test_client(), 'jtjt_admin')
    admin.get('/lang/en')
    assert f'Supplement · {Y - 1} ' in text(admin.get('/inbox/?kind=supplement'))
    html = text(admin.get(f'/supplements/{supplement_id}'))
    assert 'Agree to the supplement' in html and 'Refuse the supplement' in html

    january.move_to(datetime(Y, 1, 21, 0, 0, tzinfo=SHANGHAI))
    html = text(client.post('/supplements/request', data={'pathway': 'training'}, follow_redirects=True))
    assert f'The supplement window is not open ({Y}-01-01 to {Y}-01-20, supplementing {Y - 1})' in html
    client.get('/lang/zh_CN')
    html = text(client.post('/supplements/request', data={'pathway': 'training'}, follow_redirects=True))
    assert f'当前不在增补开放日期内（{Y}-01-01 至 {Y}-01-20，增补 {Y - 1} 年度）' in html


def test_enrolment_refusal_inbox_row_and_choices_in_english(app, client):
    login(client, ZHANG_WEI)
    client.get('/lang/en')
    response = client.post('/enrolment/', data={**FORM, 'title_date': ''})
    assert response.status_code == 422
    assert 'Enter the date the professional title qualification was obtained' in text(response)
    client.get('/lang/zh_CN')
    assert '请填写取得专业技术职务任职资格的时间' in text(client.post('/enrolment/', data={**FORM, 'title_date': ''}))

    client.post('/enrolment/', data=FORM)
    enrolment_id, year = in_app(app, lambda: db.session.execute(select(Enrolment.id, Enrolment.year)).one())
    admin = login(app.test_client(), 'jtjt_admin')
    admin.get('/lang/en')
    assert f'Enrolment · {year}' in text(admin.get('/inbox/?kind=enrolment'))
    html = text(admin.get(f'/enrolment/{enrolment_id}'))
    assert 'Approve' in html and 'Reject' in html


def test_names_in_refusals_and_the_pending_list_are_escaped(app, client):
    script = '<script>alert(1)</script>'

    def prepare():
        db.session.scalar(select(Organisation).where(Organisation.name == TING)).name = f'{script}厅'
        claim = claims.create_claim(membership(ZHANG_WEI, 'learner'), claim_input(title=f'{script}培训'))
        claims.submit_claim(membership(ZHANG_WEI, 'learner'), claim, 'unit')
        return db.session.scalar(select(Organisation.id).where(Organisation.name == f'{script}厅'))
    ting = in_app(app, prepare)
    login(client, ZHANG_WEI)
    html = text(client.get('/transfers/'))
    assert script not in html and '学时登记“&lt;script&gt;alert(1)&lt;/script&gt;培训”' in html
    html = text(client.post('/transfers/', data={'to_unit_id': org_id(app, NB), 'reason': '工作调动'},
                            follow_redirects=True))
    assert script not in html and '请先处理完毕（或撤回）：学时登记“&lt;script&gt;' in html

    admin = login(app.test_client(), WANG_QIANG)
    admin.post('/switch-role', data={'membership_id': in_app(app, lambda: membership(WANG_QIANG, 'unit_admin').id)})
    html = text(admin.post('/transfers/superior', data={'new_parent_id': ting, 'reason': '划转'}))
    assert script not in html and '“&lt;script&gt;alert(1)&lt;/script&gt;厅”已是本单位的上级' in html
