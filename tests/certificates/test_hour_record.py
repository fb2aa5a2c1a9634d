"""学时记录表 (seed 003 §3.5, §5): the learner confirms her profile once a year (then locked), each print gets a
print-log row with a unique, increasing number, and the PDF shows her data, hours per category and items."""
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from models import HourRecordPrint, ProfileConfirmation, db
from webapp.certificates import operations as certs
from webapp.guards import profile_locked

from ..helpers import year
from ..people import LI_NA, ZHANG_WEI, login, membership
from .helpers import approved, enrolled, public_hours
from .pdfs import dark_share, pdf_text, render_first_page


def learner():
    return membership(ZHANG_WEI, 'learner')


def prints():
    return db.session.scalar(select(func.count(HourRecordPrint.id)))


def test_printing_is_refused_until_the_profile_is_confirmed(ctx):
    with pytest.raises(certs.CertificateError, match='尚未核实'):
        certs.print_hour_record(learner(), learner().user_id, year())
    assert prints() == 0
    with pytest.raises(certs.CertificateError, match='报名信息（所属对象、专业技术职务任职资格、现从事专业）为空'):
        certs.confirm_profile(learner(), year())  # nothing to print in the record's 报名 fields yet
    assert not profile_locked(learner().user_id, year())
    enrolled(ZHANG_WEI)
    certs.confirm_profile(learner(), year())
    assert profile_locked(learner().user_id, year()) and not profile_locked(learner().user_id, year() - 1)
    with pytest.raises(certs.CertificateError, match='已于核实后锁定'):
        certs.confirm_profile(learner(), year())
    row = certs.print_hour_record(learner(), learner().user_id, year())
    assert row.number and prints() == 1


def test_print_numbers_are_unique_and_increasing(ctx):
    enrolled(ZHANG_WEI)
    enrolled(LI_NA)
    certs.confirm_profile(learner(), year())
    li = membership(LI_NA, 'learner')
    certs.confirm_profile(li, year())
    numbers = [certs.print_hour_record(learner(), learner().user_id, year()).number,
               certs.print_hour_record(li, li.user_id, year()).number,
               certs.print_hour_record(learner(), learner().user_id, year()).number]
    assert len(set(numbers)) == 3 and numbers == sorted(numbers)
    assert numbers[0] == f'XS{year()}000001' and numbers[2] == f'XS{year()}000003'


def test_record_page_confirm_step_then_print_gives_the_pdf(client, ctx):
    approved(ZHANG_WEI, applied_hours=Decimal(18), title='全省公路桥梁养护技术培训班')
    public_hours(ZHANG_WEI, 8, course='数字经济与创新驱动发展')
    public_hours(ZHANG_WEI, 4, category='industry', course='交通运输安全生产法规解读', platform_name='交通学习平台')
    public_hours(ZHANG_WEI, 5, y=year() - 1, course='去年的公需课程')  # another year: not on this record
    db.session.commit()
    login(client, ZHANG_WEI)
    page = client.get(f'/certificates/record?year={year()}').get_data(as_text=True)
    assert 'id="missing-enrolment"' in page and 'id="confirm" disabled' in page  # no 报名 yet: nothing to confirm
    enrolled(ZHANG_WEI)
    db.session.commit()
    page = client.get(f'/certificates/record?year={year()}').get_data(as_text=True)
    assert 'id="unconfirmed"' in page and '张伟' in page and '*****001X' in page and '浙江交通工程建设集团有限公司' in page
    assert ZHANG_WEI not in page and '暂无相关日志信息' in page
    refused = client.post('/certificates/record/print', data={'year': year()}, follow_redirects=True)
    assert '尚未核实' in refused.get_data(as_text=True) and prints() == 0
    page = client.post('/certificates/record/confirm', data={'year': year()}, follow_redirects=True)
    assert '个人资料已核实' in page.get_data(as_text=True) and 'id="confirmed"' in page.get_data(as_text=True)
    assert db.session.scalar(select(ProfileConfirmation.name)) == '张伟'
    response = client.post('/certificates/record/print', data={'year': year()})
    assert response.status_code == 200 and response.mimetype == 'application/pdf'
    number = db.session.scalar(select(HourRecordPrint.number))
    text = pdf_text(response.data)
    assert '继续教育学时记录表' in text and f'{year()}' in text and '张伟' in text and number in text
    assert '全省公路桥梁养护技术培训班' in text and '参加培训进修' in text and '未达标' in text
    assert '18' in text and '12' in text and '30' in text
    # Online learning (platforms' records, online courses) per category with subtotals, and each record as an item.
    lines = text.splitlines()
    assert '在线学习（学习平台报送与本平台在线课程）' in lines and '学时清单（在线学习）' in lines
    at = lines.index('在线学习（学习平台报送与本平台在线课程）') + 1
    assert lines[at:at + 12] == ['一般公需科目', '行业公需科目', '专业科目', '在线学习小计', '学时登记', '学时合计',
                                 '8', '4', '0', '12', '18', '30'], text
    at = lines.index('学时清单（在线学习）') + 7
    assert lines[at:at + 5] == ['1', '数字经济与创新驱动发展', '一般公需科目', f'{year()}-02-01', '8'], text
    assert '数字经济与创新驱动发展' in text and '交通运输安全生产法规解读' in text and '去年的公需课程' not in text
    assert '浙江省公需科目学习平台' in text and '交通学习平台' in text and f'{year()}-02-01' in text
    image = render_first_page(response.data, 'hour-record.png')
    assert 0.005 < dark_share(image) < 0.5
    page = client.get(f'/certificates/record?year={year()}').get_data(as_text=True)
    assert number in page  # the print log


def test_unit_admin_prints_for_her_staff_only_after_confirmation(client, ctx):
    zhang = learner().user_id
    login(client, 'jtjt_admin')
    response = client.post('/certificates/record/print', data={'year': year(), 'learner_id': zhang},
                           follow_redirects=True)
    assert '该学员尚未核实' in response.get_data(as_text=True) and prints() == 0
    enrolled(ZHANG_WEI)
    certs.confirm_profile(learner(), year())
    db.session.commit()
    response = client.post('/certificates/record/print', data={'year': year(), 'learner_id': zhang})
    assert response.mimetype == 'application/pdf' and prints() == 1
    other = login(ctx.test_client(), 'hzcj_admin')
    assert other.post('/certificates/record/print', data={'year': year(), 'learner_id': zhang}).status_code == 404
    assert other.post('/certificates/record/print', data={'year': year(), 'learner_id': 999999999}).status_code == 404
    assert prints() == 1


def test_a_learner_prints_only_her_own_record(client, ctx):
    enrolled(ZHANG_WEI)
    certs.confirm_profile(learner(), year())
    db.session.commit()
    login(client, LI_NA)
    response = client.post('/certificates/record/print', data={'year': year(), 'learner_id': learner().user_id},
                           follow_redirects=True)  # the learner_id is ignored: her own record, not yet confirmed
    assert '尚未核实' in response.get_data(as_text=True) and prints() == 0


def test_after_confirming_the_year_printed_profile_data_cannot_change_and_the_record_shows_the_enrolment(client, ctx):
    from datetime import date

    from webapp.enrolment import operations as enrol
    from webapp.profile import operations as profile

    zhang = learner()
    profile.update_basic(zhang.user, '13812345678', '')
    e = enrol.enrol(zhang, enrol.EnrolmentInput('国有企业', '群众', '大学本科', '工程师', date(2018, 6, 1), '桥梁隧道工程'))
    review = enrol.open_review(e)
    enrol.review(membership('jtjt_admin'), review.id, 'reject', '职称取得时间与证书不符')
    certs.confirm_profile(zhang, year())
    snapshot = certs.confirmation(zhang.user_id, year())
    assert (snapshot.phone, snapshot.identity, snapshot.title, snapshot.specialty) == (
        '13812345678', '国有企业', '工程师', '桥梁隧道工程')
    # Printed fields are now refused for the rest of the year, with the reason; the e-mail (not printed) is not.
    with pytest.raises(profile.ProfileError, match=f'您已核实 {year()} 年度的个人资料.*不能再修改手机号'):
        profile.update_basic(zhang.user, '13900000000', '')
    profile.update_basic(zhang.user, '13812345678', 'zhangwei@example.com')
    with pytest.raises(profile.ProfileError, match='不能再修改专业技术职称'):
        profile.request_title_change(zhang, '高级工程师', date(2024, 1, 1))
    with pytest.raises(enrol.EnrolmentError, match='不能再修改报名资料'):
        enrol.resubmit(zhang, e, enrol.EnrolmentInput('国有企业', '群众', '大学本科', '高级工程师', date(2024, 1, 1),
                                                      '公路工程'))
    # A confirmed past year locks nothing: its prints show the snapshot; the profile is today's data.
    li = membership(LI_NA, 'learner')
    enrolled(LI_NA, year() - 1)
    certs.confirm_profile(li, year() - 1)
    profile.update_basic(li.user, '13700000000', '')
    assert li.user.phone == '13700000000'
    db.session.commit()

    login(client, ZHANG_WEI)
    page = client.post('/profile/', data={'what': 'basic', 'basic-phone': '13900000000', 'basic-email': ''})
    assert page.status_code == 422 and '不能再修改手机号' in page.get_data(as_text=True)
    db.session.rollback()
    assert learner().user.phone == '13812345678'
    page = client.get(f'/certificates/record?year={year()}').get_data(as_text=True)
    assert '国有企业' in page and '桥梁隧道工程' in page
    text = pdf_text(client.post('/certificates/record/print', data={'year': year()}).data).replace('\n', '')
    assert '所属对象' in text and '国有企业' in text and '专业技术职务任职资格' in text and '工程师' in text
    assert '现从事专业' in text and '桥梁隧道工程' in text and '13812345678' in text
    render_first_page(client.post('/certificates/record/print', data={'year': year()}).data,
                      'hour-record-enrolment.png')


def test_a_pending_title_change_must_be_decided_before_confirming(ctx):
    from datetime import date

    from webapp.profile import operations as profile

    profile.request_title_change(learner(), '高级工程师', date(2024, 1, 1))
    with pytest.raises(certs.CertificateError, match='职称变更正在等待单位审核'):
        certs.confirm_profile(learner(), year())
