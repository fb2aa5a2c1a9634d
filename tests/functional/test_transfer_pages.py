"""Transfer and superior-change pages through the real forms: search and choose, refusals listing what is pending,
both approvals, the staff lists afterwards, 人员调出, 更换上级部门, and other units' admins kept out."""
from sqlalchemy import select

from models import Organisation, SuperiorChange, Transfer, db
from webapp.claims import operations as claims
from webapp.transfers import operations as ops, superior

from ..helpers import claim_input
from ..people import CHEN_JING, WANG_QIANG, ZHANG_WEI, login, membership

NB = '宁波港航工程有限公司'


def org_id(name) -> int:
    return db.session.scalar(select(Organisation.id).where(Organisation.name == name))


def page(client, url, status=200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.get_data(as_text=True)


def post(client, url, data) -> str:
    return client.post(url, data=data, follow_redirects=True).get_data(as_text=True)


def as_nb_admin(client):
    login(client, WANG_QIANG)
    client.post('/switch-role', data={'membership_id': membership(WANG_QIANG, 'unit_admin').id})
    return client


def other(client, username):
    c = client.application.test_client()
    return as_nb_admin(c) if username == 'nb_admin' else login(c, username)


def test_learner_searches_chooses_and_both_units_approve(client, ctx):
    login(client, ZHANG_WEI)
    html = page(client, '/transfers/?q=宁波')
    assert 'id="current-unit">浙江交通工程建设集团有限公司' in html and NB in html
    found = client.get('/transfers/units.json?q=宁波').get_json()
    assert found == {'page': 1, 'per_page': 10, 'total': 1, 'pages': 1,
                     'items': [{'id': org_id(NB), 'name': NB, 'credit_code': None, 'locality': '宁波市'}]}
    html = post(client, '/transfers/?q=宁波', {'to_unit_id': '', 'reason': '工作调动'})
    assert '请从搜索结果中选择新单位' in html
    html = post(client, '/transfers/?q=宁波', {'to_unit_id': org_id(NB), 'reason': '工作调动'})
    assert '已提交转出申请' in html and '待原单位审核' in html
    t = db.session.scalar(select(Transfer))

    hz = other(client, 'hzcj_admin')  # a third unit sees nothing and cannot act
    page(hz, f'/transfers/{t.id}', 404)
    assert hz.post(f'/transfers/{t.id}/decide', data={'work_item_id': ops.open_item(t).id,
                                                      'decision': 'approve'}).status_code == 404
    assert '张伟' not in page(hz, '/transfers/unit')

    old = other(client, 'jtjt_admin')
    assert '单位调转 · 浙江交通工程建设集团有限公司 → 宁波港航工程有限公司' in page(old, '/inbox/?kind=transfer')
    html = page(old, f'/transfers/{t.id}')
    assert 'id="decision-form"' in html and '原单位审核转出' in html
    html = post(old, f'/transfers/{t.id}/decide', {'work_item_id': ops.open_item(t).id, 'decision': 'approve'})
    assert '审核完成' in html and '待新单位审核' in html

    new = other(client, 'nb_admin')
    assert 'id="decision-form"' in page(new, f'/transfers/{t.id}')
    html = post(new, f'/transfers/{t.id}/decide', {'work_item_id': ops.open_item(t).id, 'decision': 'approve'})
    assert '已调入' in html and '调转完成' in html
    assert '张伟' in page(new, '/unit/staff')
    assert '张伟' not in page(old, '/unit/staff')
    html = page(client, '/transfers/')
    assert f'id="current-unit">{NB}' in html and '已调入' in html


def test_refused_with_the_pending_claims_listed(client, ctx):
    claim = claims.create_claim(membership(ZHANG_WEI, 'learner'), claim_input(title='桥梁检测培训班'))
    claims.submit_claim(membership(ZHANG_WEI, 'learner'), claim, 'unit')
    db.session.commit()
    login(client, ZHANG_WEI)
    assert 'id="pending-items"' in page(client, '/transfers/')
    response = client.post('/transfers/?q=宁波', data={'to_unit_id': org_id(NB), 'reason': '工作调动'})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert '有待审核的信息，不能办理单位调转' in html and '学时登记“桥梁检测培训班”（待初审）' in html
    assert db.session.scalar(select(Transfer)) is None


def test_refusal_reason_shown_and_withdraw_from_the_list(client, ctx):
    login(client, ZHANG_WEI)
    post(client, '/transfers/', {'to_unit_id': org_id(NB), 'reason': '工作调动'})
    t = db.session.scalar(select(Transfer))
    old = other(client, 'jtjt_admin')
    html = post(old, f'/transfers/{t.id}/decide', {'work_item_id': ops.open_item(t).id, 'decision': 'reject'})
    assert '不同意时必须填写原因' in html
    post(old, f'/transfers/{t.id}/decide', {'work_item_id': ops.open_item(t).id, 'decision': 'reject',
                                            'comment': '项目未结束'})
    assert 'id="refusal-reason">项目未结束' in page(client, f'/transfers/{t.id}')

    post(client, '/transfers/', {'to_unit_id': org_id(NB), 'reason': '再次申请'})
    again = db.session.scalar(select(Transfer).order_by(Transfer.id.desc()))
    assert '撤回</button>' in page(client, '/transfers/')
    html = post(client, f'/transfers/{again.id}/withdraw', {})
    assert '将撤回该调转申请' in html and ops.open_item(again) is not None  # asked first: nothing happened yet
    html = post(client, f'/transfers/{again.id}/withdraw', {'confirmed': '1'})
    assert '已撤回' in html and 'id="withdraw-form"' not in html
    db.session.expire_all()
    assert ops.open_item(again) is None
    assert 'id="decision-form"' not in page(old, f'/transfers/{again.id}')


def test_unit_sends_a_member_out_and_the_new_unit_accepts(client, ctx):
    login(client, 'hzcj_admin')
    html = page(client, '/transfers/send-out?q=宁波')
    assert '陈静' in html and NB in html
    member = membership(CHEN_JING, 'learner')
    data = {'member_id': member.id, 'to_unit_id': org_id(NB), 'reason': '项目部划转'}
    html = post(client, '/transfers/send-out?q=宁波', data)
    assert '已提交人员调出' in html and '待新单位接收' in html
    t = db.session.scalar(select(Transfer))
    assert '陈静' in page(client, '/transfers/unit')
    learner = other(client, CHEN_JING)
    assert 'id="withdraw-form"' not in page(learner, f'/transfers/{t.id}')
    new = other(client, 'nb_admin')
    html = post(new, f'/transfers/{t.id}/decide', {'work_item_id': ops.open_item(t).id, 'decision': 'approve'})
    assert '已调入' in html and '陈静' in page(new, '/unit/staff')


def test_a_unit_cannot_send_out_anothers_staff(client, ctx):
    login(client, 'hzcj_admin')
    response = client.post('/transfers/send-out', data={'member_id': membership(ZHANG_WEI, 'learner').id,
                                                        'to_unit_id': org_id(NB), 'reason': '划转'})
    assert response.status_code == 422 and '请选择本单位' in response.get_data(as_text=True)
    assert db.session.scalar(select(Transfer)) is None


def test_superior_change_through_the_pages(client, ctx):
    as_nb_admin(client)
    html = page(client, '/transfers/superior?q=住房')
    assert 'id="current-superior">浙江省交通运输厅' in html and '浙江省住房和城乡建设厅（主管部门）' in html
    housing = org_id('浙江省住房和城乡建设厅')
    html = post(client, '/transfers/superior?q=住房', {'new_parent_id': housing, 'reason': '业务划转'})
    assert '已提交更换上级部门申请' in html and '待原上级审核' in html
    c = db.session.scalar(select(SuperiorChange))

    for outsider in ('hzcj_admin', 'jtjt_admin'):  # not a party: 404
        page(other(client, outsider), f'/transfers/superior/{c.id}', 404)
    zhujian = other(client, 'zhujian')
    assert 'id="decision-form"' not in page(zhujian, f'/transfers/superior/{c.id}')  # not its turn yet
    assert zhujian.post(f'/transfers/superior/{c.id}/decide', data={
        'work_item_id': superior.open_item(c).id, 'decision': 'approve'}, follow_redirects=True).status_code == 200
    db.session.expire_all()
    assert c.status_label == '待原上级审核'

    jiaotong = other(client, 'jiaotong')
    assert '更换上级部门 · 宁波港航工程有限公司' in page(jiaotong, '/inbox/?kind=superior_change')
    approve = {'work_item_id': superior.open_item(c).id, 'decision': 'approve'}
    html = post(jiaotong, f'/transfers/superior/{c.id}/decide', approve)
    assert '待新上级审核' in html
    approve = {'work_item_id': superior.open_item(c).id, 'decision': 'approve'}
    html = post(zhujian, f'/transfers/superior/{c.id}/decide', approve)
    assert '已更换' in html
    assert 'id="current-superior">浙江省住房和城乡建设厅' in page(client, '/transfers/superior')


def test_pages_are_role_scoped(client, ctx):
    login(client, 'jtjt_gcb')
    page(client, '/transfers/superior', 403)  # a secondary admin does not change the unit's superior
    page(client, '/transfers/', 403)
    learner = other(client, ZHANG_WEI)
    page(learner, '/transfers/unit', 403)
    page(learner, '/transfers/send-out', 403)
    page(learner, '/transfers/999', 404)


def test_bad_ids_change_nothing_and_never_fail(client, ctx):
    login(client, ZHANG_WEI)
    huge = '9' * 30
    for value in (huge, '-1', 'abc', '0'):
        response = client.post('/transfers/', data={'to_unit_id': value, 'reason': '原因'})
        assert response.status_code == 422, value
    hz = other(client, 'hzcj_admin')
    for value in (huge, '-1'):
        data = {'member_id': value, 'to_unit_id': org_id(NB), 'reason': '原因'}
        assert hz.post('/transfers/send-out', data=data).status_code == 422
        assert hz.post('/transfers/superior', data={'new_parent_id': value, 'reason': '原因'}).status_code == 422
    assert client.get(f'/transfers/{huge}').status_code in (400, 404)
    assert db.session.scalar(select(Transfer)) is None and db.session.scalar(select(SuperiorChange)) is None


def test_unit_search_pages_reach_past_the_first_ten(client, ctx):
    parent = db.session.scalar(select(Organisation).where(Organisation.name == '浙江省住房和城乡建设厅'))
    for seq in range(12):
        db.session.add(Organisation(kind='unit', name=f'测试单位{seq:02d}', parent_id=parent.id))
    db.session.commit()
    login(client, ZHANG_WEI)
    html = page(client, '/transfers/?q=测试单位')
    assert '测试单位09' in html and '测试单位10' not in html and '1 / 2（共 12 条）' in html
    assert '/transfers/?q=%E6%B5%8B%E8%AF%95%E5%8D%95%E4%BD%8D&amp;page=2' in html  # 下一页 keeps the search
    html = page(client, '/transfers/?q=测试单位&page=2')
    assert '测试单位10' in html and '测试单位11' in html and '测试单位09' not in html
    assert client.get('/transfers/units.json?q=测试单位&page=2').get_json()['items'][0]['name'] == '测试单位10'
    html = post(client, '/transfers/?q=测试单位&page=2', {'to_unit_id': org_id('测试单位11'), 'reason': '工作调动'})
    assert '已提交转出申请' in html and '测试单位11' in html

    admin = other(client, 'hzcj_admin')
    html = page(admin, f'/transfers/send-out?member_id={membership(CHEN_JING, "learner").id}&q=测试单位&page=2')
    assert '测试单位11' in html and 'member_id=' in html.split('id="unit-pager"')[1].split('</nav>')[0]
    nb = as_nb_admin(client.application.test_client())
    html = page(nb, '/transfers/superior?q=测试单位&page=2')
    assert '测试单位10' in html and '2 / 2（共 12 条）' in html


def test_her_unit_pages_tell_her_a_transfer_is_under_way(client, ctx):
    from ..helpers import claim_form
    login(client, ZHANG_WEI)
    post(client, '/transfers/?q=宁波', {'to_unit_id': org_id(NB), 'reason': '工作调动'})
    response = client.post('/claims/new', data=claim_form())
    html = response.get_data(as_text=True)
    assert response.status_code == 422, html[-500:]
    assert '您有单位调转申请正在办理中（调往“宁波港航工程有限公司”，待原单位审核），办结或撤回后才能新增学时登记' in html
