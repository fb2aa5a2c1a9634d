"""bpmn/enrolment.bpmn and bpmn/title_change.bpmn through their operations: every branch, scope, the flow log."""
from datetime import date

import pytest
from sqlalchemy import select

from models import Enrolment, FlowLog, Organisation, WorkItem, db
from webapp.enrolment import operations as enrol
from webapp.profile import operations as profile

from ..people import CHEN_JING, LI_NA, ZHANG_WEI, membership

DETAILS = enrol.EnrolmentInput('国有企业', '群众', '大学本科', '工程师', date(2018, 6, 1), '公路工程')


def learner(key=ZHANG_WEI):
    return membership(key, 'learner')


def item(subject, e):
    return db.session.scalar(select(WorkItem).where(WorkItem.subject_type == subject, WorkItem.subject_id == e.id,
                                                    WorkItem.completed_at.is_(None)))


def test_a_first_enrolment_is_reviewed_by_the_unit_and_a_refusal_comes_back_with_its_reason(ctx):
    e = enrol.enrol(learner(), DETAILS)
    assert (e.status_label, e.outcome) == ('待单位审核', 'pending')
    review = item('enrolment', e)
    assert (review.lane, review.scope_org.name, review.scope_department_id) == (
        'unit_admin', '浙江交通工程建设集团有限公司', learner().department_id)
    with pytest.raises(enrol.EnrolmentError, match='必须填写原因'):
        enrol.review(membership('jtjt_admin'), review.id, 'reject', ' ')
    with pytest.raises(enrol.EnrolmentError, match='无权处理'):
        enrol.review(membership('hzcj_admin'), review.id, 'approve', None)
    enrol.review(membership('jtjt_gcb'), review.id, 'reject', '职称取得时间与证书不符')
    assert (e.status_label, e.reason) == ('审核不通过', '职称取得时间与证书不符')
    enrol.resubmit(learner(), e, enrol.EnrolmentInput('国有企业', '群众', '大学本科', '工程师', date(2019, 6, 1), '公路工程'))
    assert e.status_label == '待单位审核' and e.title_date == date(2019, 6, 1)
    enrol.review(membership('jtjt_admin'), item('enrolment', e).id, 'approve', None)
    assert (e.status_label, e.outcome, e.reason) == ('已报名', 'approved', None)
    actions = list(db.session.scalars(select(FlowLog.action).where(FlowLog.subject_type == 'enrolment')))
    assert actions == ['确认报名', '审核不通过', '修改后重新报名', '审核通过']
    with pytest.raises(enrol.EnrolmentError, match='已提交'):
        enrol.enrol(learner(), DETAILS)


def test_the_same_unit_as_last_year_passes_at_once_another_unit_is_reviewed(ctx):
    m = learner()
    year = enrol.enrolment_year(m)
    db.session.add(Enrolment(learner_id=m.user_id, year=year - 1, unit_id=m.org_id, identity='国有企业',
                             political_status='群众', education='大学本科', title='工程师', specialty='公路工程',
                             status_label='已报名', outcome='approved'))
    e = enrol.enrol(m, DETAILS)
    assert (e.status_label, e.outcome) == ('已报名', 'approved') and item('enrolment', e) is None
    assert '免审核' in db.session.scalar(select(FlowLog.remark).where(FlowLog.action == '确认报名'))

    chen = learner(CHEN_JING)
    other = db.session.scalar(select(Organisation).where(Organisation.name == '宁波港航工程有限公司'))
    db.session.add(Enrolment(learner_id=chen.user_id, year=year - 1, unit_id=other.id, identity='国有企业',
                             political_status='群众', education='大学本科', title='工程师', specialty='规划设计',
                             status_label='已报名', outcome='approved'))
    moved = enrol.enrol(chen, DETAILS)
    assert moved.status_label == '待单位审核' and item('enrolment', moved).scope_org.name == '杭州市城建设计研究院'


def test_enrolment_choices_are_checked(ctx):
    with pytest.raises(enrol.EnrolmentError, match='请选择人员身份'):
        enrol.enrol(learner(), enrol.EnrolmentInput('外星人', '群众', '大学本科', '工程师', date(2018, 6, 1), '公路工程'))
    with pytest.raises(enrol.EnrolmentError, match='取得专业技术职务任职资格的时间'):
        enrol.enrol(learner(), enrol.EnrolmentInput('国有企业', '群众', '大学本科', '工程师', None, '公路工程'))
    with pytest.raises(enrol.EnrolmentError, match='只有专技人员'):
        enrol.enrol(membership('jtjt_admin'), DETAILS)


def test_a_title_applies_only_when_the_unit_agrees(ctx):
    m = learner()
    change = profile.request_title_change(m, '高级工程师', date(2025, 12, 1))
    assert change.status_label == '待单位审核' and m.user.title is None
    with pytest.raises(profile.ProfileError, match='已有一项职称变更'):
        profile.request_title_change(m, '工程师', None)
    with pytest.raises(profile.ProfileError, match='不同意时必须填写原因'):
        profile.review_title_change(membership('jtjt_admin'), item('title_change', change).id, 'reject', '')
    profile.review_title_change(membership('jtjt_admin'), item('title_change', change).id, 'approve', None)
    assert (change.status_label, m.user.title) == ('已生效', '高级工程师')
    second = profile.request_title_change(m, '正高级工程师', None)
    with pytest.raises(profile.ProfileError, match='无权处理'):
        profile.review_title_change(membership('hzcj_admin'), item('title_change', second).id, 'approve', None)
    profile.review_title_change(membership('jtjt_gcb'), item('title_change', second).id, 'reject', '尚未取得证书')
    assert (second.status_label, second.reason, m.user.title) == ('不同意', '尚未取得证书', '高级工程师')
    with pytest.raises(profile.ProfileError, match='与当前职称相同'):
        profile.request_title_change(m, '高级工程师', None)


def test_basic_fields_change_at_once_name_and_id_only_by_the_province(ctx):
    user = learner().user
    with pytest.raises(profile.ProfileError, match='手机号格式不正确'):
        profile.update_basic(user, '12345', '')
    with pytest.raises(profile.ProfileError, match='电子邮箱格式不正确'):
        profile.update_basic(user, '', 'zhang@')
    profile.update_basic(user, '13812345678', 'zhangwei@example.com')
    assert (user.phone, user.email) == ('13812345678', 'zhangwei@example.com')
    with pytest.raises(profile.ProfileError, match='只有本省的省级管理员'):
        profile.change_identity(membership('jtjt_admin'), user, '张伟', ZHANG_WEI, '更正')
    with pytest.raises(profile.ProfileError, match='已被其他账号使用'):
        profile.change_identity(membership('shengji'), user, '张伟', LI_NA, '更正')
    with pytest.raises(profile.ProfileError, match='请填写修改原因'):
        profile.change_identity(membership('shengji'), user, '张玮', ZHANG_WEI, ' ')
    profile.change_identity(membership('shengji'), user, '张玮', ZHANG_WEI, '户籍姓名为“玮”，原登记有误')
    assert user.name == '张玮'
    remark = db.session.scalar(select(FlowLog.remark).where(FlowLog.action == '修改姓名/身份证号'))
    assert remark == '姓名 张伟 → 张玮；身份证号 *****001X → *****001X。原因：户籍姓名为“玮”，原登记有误'
