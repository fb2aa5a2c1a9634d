"""报名, 个人信息, 职称变更 and 人员信息更正 through the real forms, with scope checks."""
from sqlalchemy import select

from models import Enrolment, TitleChange, WorkItem, db

from ..people import CHEN_JING, LI_NA, ZHANG_WEI, login, membership

FORM = {'identity': '国有企业', 'political_status': '中共党员', 'education': '硕士研究生', 'title': '工程师',
        'title_date': '2019-07-01', 'specialty': '桥梁隧道工程'}


def test_enrolment_refused_then_corrected_then_approved(client, ctx):
    login(client, ZHANG_WEI)
    page = client.get('/enrolment/').get_data(as_text=True)
    assert '确认报名' in page and '浙江交通工程建设集团有限公司' in page and '*****001X' in page
    response = client.post('/enrolment/', data={**FORM, 'education': ''})
    assert response.status_code == 422 and '此项为必填项' in response.get_data(as_text=True)
    html = client.post('/enrolment/', data=FORM, follow_redirects=True).get_data(as_text=True)
    assert '报名资料已提交，请联系所在单位审核' in html and '待单位审核' in html
    e = db.session.scalar(select(Enrolment))

    admin = client.application.test_client()
    login(admin, 'jtjt_admin')
    assert '报名 · ' in admin.get('/inbox/?kind=enrolment').get_data(as_text=True)
    item = db.session.scalar(select(WorkItem).where(WorkItem.subject_type == 'enrolment'))
    html = admin.post(f'/enrolment/{e.id}', data={'work_item_id': item.id, 'decision': 'reject', 'comment': ''},
                      follow_redirects=True).get_data(as_text=True)
    assert '审核不通过时必须填写原因' in html
    admin.post(f'/enrolment/{e.id}', data={'work_item_id': item.id, 'decision': 'reject', 'comment': '学历证书不清晰'})

    page = client.get('/enrolment/').get_data(as_text=True)
    assert '审核不通过，原因：学历证书不清晰' in page and '确认报名' in page
    client.post('/enrolment/', data={**FORM, 'education': '大学本科'})
    item = db.session.scalar(select(WorkItem).where(WorkItem.subject_type == 'enrolment',
                                                    WorkItem.completed_at.is_(None)))
    admin.post(f'/enrolment/{e.id}', data={'work_item_id': item.id, 'decision': 'approve'})
    db.session.refresh(e)
    assert (e.status_label, e.education) == ('已报名', '大学本科')
    assert 'id="enrolment-fields"' in client.get('/enrolment/').get_data(as_text=True)  # read-only now

    stranger = client.application.test_client()
    login(stranger, 'hzcj_admin')
    assert stranger.get(f'/enrolment/{e.id}').status_code == 404
    other_learner = client.application.test_client()
    login(other_learner, LI_NA)
    assert other_learner.get(f'/enrolment/{e.id}').status_code == 404


def test_profile_basic_fields_and_a_title_change_through_the_unit(client, ctx):
    login(client, ZHANG_WEI)
    response = client.post('/profile/', data={'what': 'basic', 'basic-phone': '123', 'basic-email': ''})
    assert response.status_code == 422 and '手机号格式不正确' in response.get_data(as_text=True)
    client.post('/profile/', data={'what': 'basic', 'basic-phone': '13900001111', 'basic-email': 'zw@example.com'})
    assert membership(ZHANG_WEI).user.phone == '13900001111'
    html = client.post('/profile/', data={'what': 'title', 'title-title': '高级工程师', 'title-title_date': '2025-01-01'},
                       follow_redirects=True).get_data(as_text=True)
    assert '职称变更已提交' in html and 'id="pending-title"' in html and 'id="current-title">无<' in html
    change = db.session.scalar(select(TitleChange))
    admin = client.application.test_client()
    login(admin, 'jtjt_gcb')
    assert '职称变更' in admin.get('/inbox/?kind=title_change').get_data(as_text=True)
    item = db.session.scalar(select(WorkItem).where(WorkItem.subject_type == 'title_change'))
    admin.post(f'/profile/title-change/{change.id}', data={'work_item_id': item.id, 'decision': 'approve'})
    assert 'id="current-title">高级工程师<' in client.get('/profile/').get_data(as_text=True)
    other = client.application.test_client()
    login(other, CHEN_JING)
    assert other.get(f'/profile/title-change/{change.id}').status_code == 404


def test_province_corrects_a_name_with_a_reason(client, ctx):
    login(client, 'shengji')
    page = client.get(f'/profile/people?q={LI_NA}').get_data(as_text=True)
    assert 'value="李娜"' in page
    response = client.post('/profile/people', data={'q': LI_NA, 'name': '李娜', 'id_number': '123', 'reason': '更正'})
    assert response.status_code == 422 and '身份证号无效' in response.get_data(as_text=True)
    client.post('/profile/people', data={'q': LI_NA, 'name': '李那', 'id_number': LI_NA, 'reason': '户口本为“那”'})
    assert membership(LI_NA).user.name == '李那'
    unit_admin = client.application.test_client()
    login(unit_admin, 'jtjt_admin')
    assert unit_admin.get(f'/profile/people?q={LI_NA}').status_code == 403


def test_she_withdraws_a_title_change_still_in_review(client, ctx):
    login(client, ZHANG_WEI)
    client.post('/profile/', data={'what': 'title', 'title-title': '高级工程师', 'title-title_date': '2024-01-01'})
    change = db.session.scalar(select(TitleChange))
    html = client.get('/profile/').get_data(as_text=True)
    assert 'id="withdraw-title"' in html
    other = client.application.test_client()
    login(other, LI_NA)
    assert other.post(f'/profile/title-change/{change.id}/withdraw').status_code == 404
    html = client.post(f'/profile/title-change/{change.id}/withdraw', data={'confirmed': '1'},
                       follow_redirects=True).get_data(as_text=True)
    assert '已撤回职称变更申请' in html and '已撤回' in html and 'withdraw-form' not in html
    html = client.get('/profile/').get_data(as_text=True)
    assert 'id="title-form"' in html and 'id="withdraw-title"' not in html  # she may ask again
    assert db.session.scalar(select(WorkItem).where(WorkItem.subject_type == 'title_change',
                                                    WorkItem.completed_at.is_(None))) is None
