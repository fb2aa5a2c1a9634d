"""更换上级部门 with 机构类型 同级人社部门 through the real pages: the search offers the province's 人社部门 but the
current one, the form's refusals, both 人社部门 deciding from their inbox, another 人社部门 kept out."""
from sqlalchemy import select

from models import Membership, Organisation, SuperiorChange, User, db
from models.org import HR
from models.people import HR_ADMIN
from webapp.transfers import superior

from ..people import GUANGXI, login, province_id
from .test_transfer_pages import org_id, other, page, post

RENSHE, HZ_RENSHE = '浙江省人力资源和社会保障厅', '杭州市人力资源和社会保障局'
FORM = '/transfers/superior?kind=hr&q=人力资源'


def refused(client, new_id, message):
    response = client.post(FORM, data={'new_parent_id': new_id, 'reason': '归口管理'})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and message in html, html[-1500:]


def test_the_form_offers_and_refuses_in_chinese(client, ctx):
    login(client, 'hzcj_admin')
    html = page(client, FORM)
    assert f'id="current-hr">{HZ_RENSHE}' in html and f'{RENSHE}（人社部门）' in html
    assert f'{HZ_RENSHE}（人社部门）' not in html  # not the current one
    assert '新的同级人社部门' in html and '新的上级' not in html.replace('新的上级单位', '')
    assert '浙江省交通运输厅' not in page(client, '/transfers/superior?kind=hr&q=厅')  # only 人社部门
    gx_hr = Organisation(kind=HR, name='广西壮族自治区人力资源和社会保障厅', parent_id=province_id(GUANGXI))
    db.session.add(gx_hr)
    db.session.commit()
    assert gx_hr.name not in page(client, FORM)
    refused(client, org_id('浙江省住房和城乡建设厅'), '请从搜索结果中选择新的同级人社部门')
    refused(client, '', '请从搜索结果中选择新的同级人社部门')                  # none chosen
    refused(client, gx_hr.id, '同级人社部门须是“浙江省专业技术人员继续教育学时办”的人社部门，请重新选择')
    refused(client, org_id(HZ_RENSHE), f'“{HZ_RENSHE}”已是本单位的同级人社部门')
    assert db.session.scalar(select(SuperiorChange)) is None


def test_both_offices_approve_from_their_inbox_and_no_other_office_sees_it(client, ctx):
    login(client, 'hzcj_admin')
    html = post(client, FORM, {'new_parent_id': org_id(RENSHE), 'reason': '归口省厅管理'})
    assert '已提交更换同级人社部门申请，等待原人社部门审核' in html and '待原人社部门审核' in html
    c = db.session.scalar(select(SuperiorChange))

    nb_hr = Organisation(kind=HR, name='宁波市人力资源和社会保障局', parent_id=org_id(RENSHE))
    nb_staff = User(name='宁波人社局审验员', account_name='nb_renshe')
    nb_staff.set_password('Demo@2026')
    db.session.add_all([nb_hr, nb_staff, Membership(user=nb_staff, role=HR_ADMIN, org=nb_hr, principal=True)])
    db.session.commit()
    outsider = other(client, 'nb_renshe')
    page(outsider, f'/transfers/superior/{c.id}', 404)
    assert outsider.post(f'/transfers/superior/{c.id}/decide', data={
        'work_item_id': superior.open_item(c).id, 'decision': 'approve'}).status_code == 404
    assert '杭州市城建设计研究院' not in page(outsider, '/transfers/superior')
    assert '杭州市城建设计研究院' not in page(outsider, '/inbox/?kind=superior_change')

    renshe = other(client, 'renshe')
    assert 'id="decision-form"' not in page(renshe, f'/transfers/superior/{c.id}')  # not its turn yet
    old = other(client, 'hz_renshe')
    assert '更换上级部门 · 杭州市城建设计研究院' in page(old, '/inbox/?kind=superior_change')
    listed = page(old, '/transfers/superior')
    assert 'href="/transfers/superior"' in listed and '同级人社部门' in listed and RENSHE in listed
    html = post(old, f'/transfers/superior/{c.id}/decide', {'work_item_id': superior.open_item(c).id,
                                                            'decision': 'approve'})
    assert '待新人社部门审核' in html and '原人社部门同意' in html
    assert '更换上级部门 · 杭州市城建设计研究院' in page(renshe, '/inbox/?kind=superior_change')
    html = post(renshe, f'/transfers/superior/{c.id}/decide', {'work_item_id': superior.open_item(c).id,
                                                               'decision': 'approve'})
    assert '已更换' in html and f'同级人社部门：{HZ_RENSHE} → {RENSHE}' in html
    info = page(client, '/unit/info')
    assert RENSHE in info.split('id="unit-hr"')[1].split('</tr>')[0]
