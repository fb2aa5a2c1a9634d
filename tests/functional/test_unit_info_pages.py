"""修改单位信息 through the pages: the principal admin asks with a licence scan, the superior approves in its inbox,
the unit's page shows the new values; every refusal leaves nothing behind; other units, other supervisors and the
other province find nothing (404) and cannot act; a department's admin and learners are kept out; two reviewers at
once: exactly one wins."""
import io

import pytest
from sqlalchemy import func, select

from models import FlowLog, Organisation, UnitInfoChange, db
from webapp.unit import info_change

from ..helpers import first_one_holding_on
from ..people import ZHANG_WEI, login, membership
from ..workflow.test_unit_info_change_process import code
from .test_claim_forms import png

JT, NEW_NAME = '浙江交通工程建设集团有限公司', '浙江交通工程集团有限公司'


def page(client, url, status=200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.get_data(as_text=True)


def ask(client, status=302, licence=True, **values):
    data = {'name': NEW_NAME, 'credit_code': code(11), 'reason': '集团更名', **values}
    if licence:
        data['licence'] = (io.BytesIO(licence if isinstance(licence, bytes) else png()), 'licence.png')
    response = client.post('/unit/info/change', data=data, content_type='multipart/form-data')
    assert response.status_code == status, response.get_data(as_text=True)[-1500:]
    return response.get_data(as_text=True)


def other(client, username):
    return login(client.application.test_client(), username)


def changes() -> int:
    return db.session.scalar(select(func.count(UnitInfoChange.id)))


def jt_id() -> int:
    return membership('jtjt_admin').org_id


def requested(client) -> UnitInfoChange:
    login(client, 'jtjt_admin')
    ask(client)
    return db.session.scalar(select(UnitInfoChange))


def test_asked_approved_in_the_inbox_and_shown_on_the_units_page(client, ctx):
    login(client, 'jtjt_admin')
    html = page(client, '/unit/info')
    assert 'id="request-info-change"' in html and '申请修改单位名称/统一社会信用代码' in html
    assert f'value="{JT}"' in page(client, '/unit/info/change')  # filled with the current values
    response = client.post('/unit/info/change', data={
        'name': NEW_NAME, 'credit_code': code(11), 'reason': '集团更名', 'licence': (io.BytesIO(png()), 'a.png')},
        content_type='multipart/form-data', follow_redirects=True)
    html = response.get_data(as_text=True)
    assert '已提交修改单位信息申请' in html and '待上级审核' in html and 'id="withdraw-form"' in html
    c = db.session.scalar(select(UnitInfoChange))
    html = page(client, '/unit/info')
    assert 'id="request-info-change"' not in html and '提交修改申请' in html and NEW_NAME in html
    assert client.get(f'/unit/info-changes/{c.id}/licence').mimetype == 'image/png'

    jiaotong = other(client, 'jiaotong')
    assert f'修改单位信息 · {JT}' in page(jiaotong, '/inbox/?kind=unit_info_change')
    assert NEW_NAME in page(jiaotong, '/unit/info-changes/')
    html = page(jiaotong, f'/unit/info-changes/{c.id}')
    assert 'id="decision-form"' in html and 'id="withdraw-form"' not in html
    item = info_change.open_item(c)
    html = jiaotong.post(f'/unit/info-changes/{c.id}/decide', data={'work_item_id': item.id, 'decision': 'approve'},
                         follow_redirects=True).get_data(as_text=True)
    assert '审核完成' in html and '已变更' in html and '变更完成' in html

    html = page(client, '/unit/info')
    assert f'<td>{NEW_NAME}</td>' in html and f'<code>{code(11)}</code>' in html and 'id="licence-link"' in html
    assert client.get(f'/unit/orgs/{jt_id()}/licence').mimetype == 'image/png'
    assert jiaotong.get(f'/unit/orgs/{jt_id()}/licence').status_code == 200  # the superior, on 下属机构管理 too
    assert 'id="licence-link"' in page(jiaotong, f'/oversight/units/{jt_id()}')
    for outsider in ('zhujian', 'hzcj_admin', 'gx_shengji'):
        assert other(client, outsider).get(f'/unit/orgs/{jt_id()}/licence').status_code == 404, outsider
    assert '修改单位信息的申请已获上级同意' in page(client, '/notifications/')


@pytest.mark.parametrize('values, message', [
    ({'name': ''}, '请填写单位名称'),
    ({'name': '名' * 201}, '单位名称不能超过 200 个字'),
    ({'name': '杭州市城建设计研究院'}, '已是其他单位的名称'),
    ({'credit_code': ''}, '请填写统一社会信用代码'),
    ({'credit_code': code(11)[:-1] + ('0' if code(11)[-1] != '0' else '1')}, '校验位错误'),
    ({'credit_code': 'ABC'}, '格式不正确'),
    ({'reason': ''}, '请填写修改原因'),
    ({'reason': '因' * 501}, '修改原因不能超过 500 个字'),
    ({'licence': False}, '须上传新的营业执照'),
    ({'licence': b'GIF89a not really'}, 'jpg、png 或 pdf'),
    ({'licence': False, 'name': JT, 'credit_code': 'KEEP'}, '没有需要审核的修改'),
], ids=['no-name', 'long-name', 'name-taken', 'no-code', 'checksum', 'format', 'no-reason', 'long-reason',
        'no-licence', 'bad-file', 'nothing-changed'])
def test_refusals_are_told_and_save_nothing(client, ctx, values, message):
    login(client, 'jtjt_admin')
    if values.get('credit_code') == 'KEEP':
        values['credit_code'] = db.session.get(Organisation, jt_id()).credit_code
    html = ask(client, 422, **values)
    assert message in html
    assert changes() == 0 and db.session.get(Organisation, jt_id()).name == JT


def test_a_code_used_by_another_organisation_is_refused(client, ctx):
    taken = db.session.scalar(select(Organisation.credit_code).where(Organisation.credit_code.is_not(None),
                                                                     Organisation.id != jt_id()).limit(1))
    login(client, 'jtjt_admin')
    assert '已被其他单位使用' in ask(client, 422, credit_code=taken) and changes() == 0


def test_one_pending_request_per_unit(client, ctx):
    requested(client)
    assert '已有一条修改单位信息的申请正在审核中' in page(client, '/unit/info/change')
    assert '已有一条修改单位信息的申请（待上级审核）' in ask(client, 422, name='又一个名称')
    assert changes() == 1


def test_refused_with_a_reason_the_unit_reads(client, ctx):
    c = requested(client)
    jiaotong = other(client, 'jiaotong')
    item = info_change.open_item(c)
    html = jiaotong.post(f'/unit/info-changes/{c.id}/decide', data={'work_item_id': item.id, 'decision': 'reject'},
                         follow_redirects=True).get_data(as_text=True)
    assert '不同意时必须填写原因' in html and info_change.open_item(c) is not None
    jiaotong.post(f'/unit/info-changes/{c.id}/decide',
                  data={'work_item_id': item.id, 'decision': 'reject', 'comment': '执照与名称不符'})
    html = page(client, '/unit/info')
    assert '上级不同意' in html and '执照与名称不符' in html and 'id="request-info-change"' in html
    assert db.session.get(Organisation, jt_id()).name == JT


def test_withdrawn_by_the_requester(client, ctx):
    c = requested(client)
    html = client.post(f'/unit/info-changes/{c.id}/withdraw', follow_redirects=True).get_data(as_text=True)
    assert 'name="confirmed"' in html and info_change.open_item(c) is not None  # asked first
    html = client.post(f'/unit/info-changes/{c.id}/withdraw', data={'confirmed': '1'},
                       follow_redirects=True).get_data(as_text=True)
    assert '已撤回' in html and info_change.open_item(c) is None
    actions = db.session.scalars(select(FlowLog.action).where(FlowLog.subject_id == c.id,
                                                              FlowLog.subject_type == 'unit_info_change')).all()
    assert '撤回' in actions
    assert 'id="decision-form"' not in page(other(client, 'jiaotong'), f'/unit/info-changes/{c.id}')


def test_others_find_nothing_and_cannot_act(client, ctx):
    c = requested(client)
    item = info_change.open_item(c)
    for outsider in ('hzcj_admin', 'zhujian', 'gx_shengji', 'gx_jiaoyu', 'shengji'):
        someone = other(client, outsider)
        page(someone, f'/unit/info-changes/{c.id}', 404)
        page(someone, f'/unit/info-changes/{c.id}/licence', 404)
        assert someone.post(f'/unit/info-changes/{c.id}/decide',
                            data={'work_item_id': item.id, 'decision': 'approve'}).status_code == 404
        assert someone.post(f'/unit/info-changes/{c.id}/withdraw', data={'confirmed': '1'}).status_code in (403, 404)
        assert NEW_NAME not in page(someone, '/unit/info-changes/') if outsider != 'gx_jiaoyu' else True
    department_admin = other(client, 'jtjt_gcb')
    for url in ('/unit/info/change', '/unit/info-changes/'):
        page(department_admin, url, 403)
    page(department_admin, f'/unit/info-changes/{c.id}', 404)
    assert 'id="request-info-change"' not in page(department_admin, '/unit/info')
    learner = other(client, ZHANG_WEI)
    for url in ('/unit/info/change', '/unit/info-changes/', f'/unit/info-changes/{c.id}'):
        page(learner, url, 403)
    # the superior cannot withdraw, the requester cannot decide
    jiaotong = other(client, 'jiaotong')
    assert jiaotong.post(f'/unit/info-changes/{c.id}/withdraw', data={'confirmed': '1'}).status_code == 403
    client.post(f'/unit/info-changes/{c.id}/decide', data={'work_item_id': item.id, 'decision': 'approve'})
    db.session.expire_all()
    assert c.status_label == '待上级审核' and db.session.get(Organisation, jt_id()).name == JT


def test_the_list_pages(client, ctx, app):
    app.config['PAGE_SIZE'] = 2
    login(client, 'jtjt_admin')
    for n in range(3):
        ask(client, name=f'集团名称{n}', credit_code=code(20 + n))
        c = db.session.scalar(select(UnitInfoChange).order_by(UnitInfoChange.id.desc()))
        client.post(f'/unit/info-changes/{c.id}/withdraw', data={'confirmed': '1'})
    first, second = page(client, '/unit/info-changes/'), page(client, '/unit/info-changes/?page=2')
    assert '集团名称2' in first and '集团名称1' in first and '集团名称0' not in first and '集团名称0' in second
    assert '集团名称2' in page(other(client, 'jiaotong'), '/unit/info-changes/')
    assert '集团名称2' not in page(other(client, 'zhujian'), '/unit/info-changes/')


@pytest.mark.committing
def test_two_reviewers_at_once_exactly_one_wins(app):
    with app.app_context():
        c = info_change.request_change(membership('jtjt_admin'), NEW_NAME, code(31), png(), '集团更名')
        db.session.commit()
        change_id, item_id = c.id, info_change.open_item(c).id

    def first_reviewer():
        info_change.decide(membership('jiaotong'), item_id, 'approve', None)

    with first_one_holding_on(app, first_reviewer):
        second = login(app.test_client(), 'jiaotong')
        response = second.post(f'/unit/info-changes/{change_id}/decide', follow_redirects=True,
                               data={'work_item_id': item_id, 'decision': 'reject', 'comment': '不同意'})
    html = response.get_data(as_text=True)
    assert '已被他人处理' in html or '正被他人同时处理' in html, html[-800:]
    with app.app_context():
        c = db.session.get(UnitInfoChange, change_id)
        assert (c.status_label, c.unit.name) == ('已变更', NEW_NAME)
        assert db.session.scalar(select(func.count(FlowLog.id)).where(
            FlowLog.subject_type == 'unit_info_change', FlowLog.action.in_(('上级同意', '上级不同意')))) == 1
