"""Defects of issue 15, each as a reviewer or learner would meet it: the review form keeps her decision when it is
refused, names its hours 审核学时 / 登记学时, never offers more than the pathway's cap leaves and shows that to the unit
too; numbers read 36 not 36.0; 学时审核结果 exports; the inbox opens on the tab that has work; an ID number with an
unknown region code says so; the instance view speaks Chinese (lanes, outcomes)."""
import re
from decimal import Decimal
from html import unescape

import pytest
from sqlalchemy import select

from models import WorkflowInstance, db
from webapp.claims import operations as ops
from webapp.registration.operations import RegistrationError, normalise_id_number

from ..certificates.helpers import approved
from ..helpers import claim_input
from ..people import ZHANG_WEI, login, membership
from .test_registration_pages import register_learner


def page(client, url) -> str:
    return unescape(client.get(url).get_data(as_text=True))


def submitted(title='道路养护新技术培训班', hours=Decimal(12)):
    learner = membership(ZHANG_WEI, 'learner')
    claim = ops.create_claim(learner, claim_input(title=title, applied_hours=hours))
    ops.submit_claim(learner, claim, 'unit')
    db.session.commit()
    return claim


def hours_input(html: str) -> str:
    return re.search(r'<input[^>]*id="hours"[^>]*>', html).group(0)


def test_a_refused_rejection_keeps_the_chosen_decision_and_what_was_typed(client, ctx):
    claim = submitted()
    login(client, 'jtjt_admin')
    item = ops.open_item(claim)
    data = {'work_item_id': item.id, 'decision': 'reject', 'hours': '10', 'comment': ''}
    response = client.post(f'/claims/{claim.id}/review', data=data)
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 422 and '不通过或退回修改时必须填写审核意见' in html
    assert re.search(r'<input[^>]*checked[^>]*value="reject"|<input[^>]*value="reject"[^>]*checked', html)
    assert 'value="10"' in hours_input(html)
    db.session.refresh(claim)
    assert claim.status_label == '待初审'


def test_the_hours_field_is_named_for_its_step_and_never_offers_more_than_the_cap_leaves(client, ctx):
    approved(ZHANG_WEI, title='已认定的培训一', applied_hours=Decimal(18))
    approved(ZHANG_WEI, title='已认定的培训二', applied_hours=Decimal(18))  # 36 h: the training cap is used up
    claim = submitted()
    db.session.commit()
    login(client, 'jtjt_admin')
    html = page(client, f'/claims/{claim.id}')
    assert re.search(r'<label[^>]*for="hours"[^>]*>\s*审核学时', html)
    assert re.search(r'id="remaining">[^<]*<strong>0</strong>', html)  # the unit reviewer sees it too
    assert 'value="12' not in hours_input(html) and 'value="0' not in hours_input(html)
    ops.review(membership('jtjt_admin', 'unit_admin'), ops.open_item(claim).id, 'approve', Decimal(6), None)
    db.session.commit()
    client.post('/logout')
    login(client, 'jiaotong')
    html = page(client, f'/claims/{claim.id}')
    assert re.search(r'<label[^>]*for="hours"[^>]*>\s*登记学时', html)
    assert 'value="6' not in hours_input(html)


def test_the_reviewer_starts_from_the_hours_before_within_the_cap_written_as_people_write_them(client, ctx):
    approved(ZHANG_WEI, title='已认定的培训', applied_hours=Decimal(30))  # 6 h left
    claim = submitted(hours=Decimal(12))
    login(client, 'jtjt_admin')
    html = page(client, f'/claims/{claim.id}')
    assert 'value="6"' in hours_input(html)
    assert re.search(r'id="remaining">[^<]*<strong>6</strong>', html)
    new_claim = page(client, '/claims/new')
    assert re.search(r'id="quantity"[^>]*value="1"', new_claim) and '1.0' not in new_claim
    assert not re.search(r'value="\d+\.0"', html + new_claim)


def test_review_results_offer_the_excel_export(client, ctx):
    login(client, 'jtjt_admin')
    html = page(client, '/claims/manage?status=待初审')
    link = re.search(r'<a class="[^"]*export-link" href="([^"]+)"', html).group(1)
    assert 'export=xlsx' in link and 'status=' in link
    response = client.get(link)
    assert response.status_code == 200 and 'spreadsheetml' in response.content_type
    response.close()


def test_the_inbox_opens_on_the_tab_that_has_work(client, ctx):
    register_learner(client)  # waits for 交工集团's review; no claim does
    login(client, 'jtjt_admin')
    html = page(client, '/inbox/')
    active = re.search(r'<a class="nav-link active"[^>]*>([^<]+)', html).group(1)
    assert '注册' in active and '暂无事项' not in html
    assert '学时登记' in page(client, '/inbox/?kind=claim')  # the claims tab is still there, when asked for


@pytest.mark.parametrize('number, message', [
    ('990106198503120012', '地区码 990106 不是有效的行政区划代码'),
    ('330106198513120013', '身份证号中的出生日期无效'),
])
def test_an_unknown_region_code_is_told_apart_from_a_wrong_birth_date(number, message):
    with pytest.raises(RegistrationError) as info:
        normalise_id_number(number)
    assert message in str(info.value.message)


def test_the_instance_view_names_lanes_and_outcomes_in_chinese(client, ctx):
    claim = submitted()
    ops.review(membership('jtjt_admin', 'unit_admin'), ops.open_item(claim).id, 'approve', None, None)
    db.session.commit()
    instance = db.session.scalar(select(WorkflowInstance).where(WorkflowInstance.subject_type == 'claim',
                                                                WorkflowInstance.subject_id == claim.id))
    login(client, 'shengji')
    html = page(client, f'/rollout/instances/{instance.id}')
    table = html[html.index('id="work-items"'):html.index('id="flow-log"')]
    for english in ('learner', 'unit_admin', 'supervisor', 'submit', 'approve'):
        assert f'>{english}<' not in table
    assert '>专技人员<' in table and '>单位管理员<' in table and '>提交<' in table and '>通过<' in table
