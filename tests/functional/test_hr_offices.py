"""同级人社部门 (seed 004, issue 16): a unit names a 人社部门 of its province at registration (optional; anything else
is refused in Chinese and nothing is kept); the reviewers see it, approval copies it to the unit, its admin sees it
on 单位信息. A 人社部门 below the province's top one (杭州市人社局, `hz_renshe`) sees only the units naming it and their
sub-units: 下属机构管理, its exports, 学时审核结果 and the claims' pages; the top one (`renshe`) the whole province."""
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from models import Organisation, Registration, User, db
from models.org import HR, UNIT
from webapp import permissions

from ..helpers import submitted_claim
from ..people import CHEN_JING, GUANGXI, ZHANG_WEI, login, membership, province_id
from ..workflow.test_registration_process import PASSWORD
from .test_registration_pages import post, unit_data
from .test_registration_pages import ops_item

HZ_HR = '杭州市人力资源和社会保障局'
HZ = '杭州市城建设计研究院'
JT = '浙江交通工程建设集团有限公司'


def org(name) -> Organisation:
    return db.session.scalar(select(Organisation).where(Organisation.name == name))


def register_unit(client, hr_org_id: str | None):
    response = post(client, '/register/unit', unit_data(hr_org_id=hr_org_id))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return db.session.scalar(select(Registration).order_by(Registration.id.desc()))


def approve_as_jiaotong(app, reg) -> str:
    """The supervising department opens the registration and approves it; the detail page's 同级人社部门 row."""
    db.session.commit()
    jiaotong = app.test_client()
    login(jiaotong, 'jiaotong')
    html = jiaotong.get(f'/registrations/{reg.id}').get_data(as_text=True)
    shown = html.split('id="registration-hr">')[1].split('</dd>')[0]
    jiaotong.post(f'/registrations/{reg.id}/decide', data={'work_item_id': ops_item(reg), 'decision': 'approve'})
    db.session.refresh(reg)
    assert reg.org is not None
    return shown


def test_the_form_offers_the_hr_offices_and_approval_copies_the_chosen_one(client, app, ctx):
    form = client.get('/register/unit').get_data(as_text=True)
    hz_hr = org(HZ_HR)
    assert f'<option value="{hz_hr.id}">{HZ_HR}' in form and '不选择（由省级人社部门审验）' in form
    reg = register_unit(client, str(hz_hr.id))
    assert reg.hr_org_id == hz_hr.id
    assert approve_as_jiaotong(app, reg) == HZ_HR
    assert reg.org.hr_org_id == hz_hr.id
    admin = app.test_client()
    login(admin, reg.id_number, PASSWORD)
    info = admin.get('/unit/info').get_data(as_text=True)
    assert HZ_HR in info.split('id="unit-hr">')[1].split('</tr>')[0]


def test_without_an_hr_office_the_unit_names_none(client, app, ctx):
    reg = register_unit(client, '')
    assert reg.hr_org_id is None
    assert approve_as_jiaotong(app, reg) == '未选择（由省级人社部门审验）'
    assert reg.org.hr_org_id is None


@pytest.mark.parametrize('forged, message', [
    ('unit', '所选同级人社部门不存在'),             # a unit's id, not a 人社部门
    ('missing', '所选同级人社部门不存在'),
    ('text', '所选同级人社部门不存在'),
    ('guangxi', '同级人社部门须是“浙江省专业技术人员继续教育学时办”的人社部门'),
])
def test_a_forged_hr_office_is_refused_and_nothing_is_kept(client, ctx, forged, message):
    guangxi_hr = Organisation(kind=HR, name='广西壮族自治区人力资源和社会保障厅', parent_id=province_id(GUANGXI))
    db.session.add(guangxi_hr)
    db.session.flush()
    value = {'unit': str(org(JT).id), 'missing': '99999999', 'text': 'abc', 'guangxi': str(guangxi_hr.id)}[forged]
    response = post(client, '/register/unit', unit_data(hr_org_id=value))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(Registration)) is None
    assert db.session.scalar(select(User).where(User.name == '孙七')) is None


def rows(response) -> list[list]:
    assert response.status_code == 200, response.status_code
    return [list(r) for r in load_workbook(BytesIO(response.data)).active.iter_rows(values_only=True)]


@pytest.fixture(params=['ids', 'cte'])
def care_read(request, monkeypatch):
    """A city's care read into its ids (a few thousand units), or, past CARE_IDS_MAX, kept as the recursive CTE."""
    if request.param == 'cte':
        monkeypatch.setattr(permissions, 'CARE_IDS_MAX', 0)
    return request.param


def test_the_care_read_into_ids_is_the_recursive_care(ctx):
    hz = org(HZ)
    sub = Organisation(kind=UNIT, name='城建院第一分院', parent=hz)
    db.session.add(sub)
    db.session.flush()
    db.session.add_all([Organisation(kind=UNIT, name='一分院设计所', parent=sub),
                        Organisation(kind=UNIT, name='城建院第二分院', parent=hz,
                                     hr_org_id=org('浙江省人力资源和社会保障厅').id)])
    db.session.flush()
    m = membership('hz_renshe')
    care = set(db.session.scalars(select(permissions.hr_care(m).c.id)))
    assert len(care) == 3
    assert set(db.session.scalars(select(Organisation.id).where(Organisation.id.in_(
        permissions.hr_care_set(m))))) == care
    assert set(db.session.scalars(select(Organisation.id).where(Organisation.id.in_(
        permissions.hr_care_heads(m))))) == {hz.id}


def test_a_city_hr_office_sees_only_the_units_naming_it(client, ctx, care_read):
    hz, jt = org(HZ), org(JT)
    sub = Organisation(kind=UNIT, name='城建院第一分院', parent=hz)          # inherits 杭州市人社局
    other = Organisation(kind=UNIT, name='城建院第二分院', parent=hz, hr_org_id=org('浙江省人力资源和社会保障厅').id)
    db.session.add_all([sub, other])
    db.session.commit()
    login(client, 'hz_renshe')
    page = client.get('/oversight/units').get_data(as_text=True)
    assert HZ in page and JT not in page and '浙江省交通运输厅' not in page and '其他单位' not in page
    below = client.get(f'/oversight/units?parent={hz.id}').get_data(as_text=True)
    assert '城建院第一分院' in below and '城建院第二分院' not in below
    found = client.get('/oversight/units?q=院').get_data(as_text=True)
    assert '城建院第一分院' in found and '城建院第二分院' not in found
    unit = client.get(f'/oversight/units/{hz.id}').get_data(as_text=True)
    assert '陈静' in unit and '浙江省住房和城乡建设厅' not in unit      # breadcrumbs stop at the unit naming it
    assert client.get(f'/oversight/units/{sub.id}').status_code == 200
    for hidden in (jt.id, other.id, org('浙江省住房和城乡建设厅').id, province_id()):
        assert client.get(f'/oversight/units/{hidden}').status_code == 404, hidden
        assert client.get(f'/oversight/units?parent={hidden}').status_code == 404, hidden
        assert client.get(f'/oversight/dashboard?org={hidden}').status_code == 404, hidden
    exported = [r[0] for r in rows(client.get('/oversight/units?export=xlsx&q=公司'))[1:]]
    assert JT not in exported and '宁波港航工程有限公司' not in exported
    assert [r[0] for r in rows(client.get('/oversight/units?export=xlsx'))[1:]] == [HZ]
    assert client.get('/oversight/dashboard').status_code == 200


def test_a_city_hr_office_sees_only_its_units_claims(client, app, ctx, care_read):
    jt_claim, _item = submitted_claim(ZHANG_WEI)
    hz_claim, _item = submitted_claim(CHEN_JING)
    login(client, 'hz_renshe')
    results = client.get('/claims/manage').get_data(as_text=True)
    assert f'/claims/{hz_claim}' in results and f'/claims/{jt_claim}' not in results
    assert client.get(f'/claims/{hz_claim}').status_code == 200
    assert client.get(f'/claims/{jt_claim}').status_code == 404
    exported = rows(client.get('/claims/manage?export=xlsx'))
    assert any('陈静' in str(r) for r in exported) and not any('张伟' in str(r) for r in exported)
    top = app.test_client()
    login(top, 'renshe')                                     # the top 人社部门: the whole province
    results = top.get('/claims/manage').get_data(as_text=True)
    assert f'/claims/{hz_claim}' in results and f'/claims/{jt_claim}' in results
