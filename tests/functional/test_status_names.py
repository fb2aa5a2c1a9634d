"""Status tabs and filters come from the published claim diagram: renamed to seed 000's names (个人保存 / 个人上报 /
企业审核通过 / 终审通过 …), or with the unit's approval final (seed 001), every tab, filter, total and certificate
stays right."""
import re
from decimal import Decimal

from models import Claim, db
from webapp.certificates import operations as certs
from webapp.claims import operations as ops

from ..certificates.helpers import public_hours
from ..diagrams import SEED_000_NAMES, one_tier, publish_claim_diagram, relabelled
from ..helpers import claim_input, year
from ..people import ZHANG_WEI, login, membership


def tabs(page: str) -> list[str]:
    return re.findall(r'class="nav-link[^"]*" href="[^"]*status=[^"]*">([^<]+)</a>', page)


def options(page: str) -> list[str]:
    select = page[page.index('name="status"'):]
    return re.findall(r'<option[^>]*>([^<]+)</option>', select[:select.index('</select>')])


def listed(client, url: str, title: str, **args) -> bool:
    return title in client.get(url, query_string=args).get_data(as_text=True)


def review_through_the_page(client, username: str, claim_id: int, hours: str):
    client.post('/logout')
    login(client, username)
    item = ops.open_item(db.session.get(Claim, claim_id))
    client.post(f'/claims/{claim_id}/review', data={'work_item_id': item.id, 'decision': 'approve', 'hours': hours})


def test_seed_000_names_keep_every_tab_filter_total_and_certificate(ctx, client):
    publish_claim_diagram(lambda content: relabelled(content, SEED_000_NAMES), '浙江建设的状态名称')
    learner = membership(ZHANG_WEI, 'learner')
    claims = [ops.create_claim(learner, claim_input(title=f'公路养护培训 {i}', applied_hours=Decimal(36)))
              for i in range(2)]
    claims.append(ops.create_claim(learner, claim_input(
        pathway='seminar', sub_type='高级研修班', level='provincial', title='智慧交通高级研修班',
        applied_hours=Decimal(36))))
    assert {c.status_label for c in claims} == {'个人保存'}

    login(client, ZHANG_WEI)
    page = client.get('/claims/').get_data(as_text=True)
    shown = tabs(page)
    assert {'个人保存', '个人上报', '企业审核通过', '终审通过', '企业审核不通过', '省级审核不通过'} <= set(shown)
    assert shown.index('个人保存') < shown.index('个人上报') < shown.index('终审通过') < shown.index('省级审核不通过')
    assert listed(client, '/claims/', '公路养护培训 0', status='个人保存')
    assert not listed(client, '/claims/', '公路养护培训 0', status='个人上报')
    assert '个人上报' in options(client.get('/inbox/mine').get_data(as_text=True))
    assert listed(client, '/inbox/mine', '公路养护培训 0', status='个人保存')

    for claim in claims[1:]:
        client.post(f'/claims/{claim.id}/submit', data={'target': 'unit'})
    assert [c.status_label for c in claims] == ['个人保存', '个人上报', '个人上报']
    client.post('/logout')
    login(client, 'jtjt_admin')
    todo = client.get('/inbox/').get_data(as_text=True)
    assert '个人上报' in options(todo) and '公路养护培训 1' in todo
    assert listed(client, '/inbox/', '公路养护培训 1', status='个人上报')
    assert not listed(client, '/inbox/', '公路养护培训 1', status='企业审核通过')
    manage = client.get('/claims/manage').get_data(as_text=True)
    assert '个人保存' in tabs(manage) and '终审通过' in tabs(manage)

    for claim in claims[1:]:
        review_through_the_page(client, 'jtjt_admin', claim.id, '36')
    assert {claims[1].status_label, claims[2].status_label} == {'企业审核通过'}
    client.post('/logout')
    login(client, 'jiaotong')
    assert listed(client, '/inbox/', '智慧交通高级研修班', status='企业审核通过')
    assert '个人保存' not in tabs(client.get('/claims/manage').get_data(as_text=True))  # drafts: the unit's only
    for claim in claims[1:]:
        review_through_the_page(client, 'jiaotong', claim.id, '36')
    assert [(c.status_label, c.outcome, c.registered_hours) for c in claims[1:]] == [('终审通过', 'approved', 36)] * 2
    assert listed(client, '/claims/manage', '智慧交通高级研修班', status='终审通过')
    assert not listed(client, '/claims/manage', '智慧交通高级研修班', status='企业审核通过')

    client.post('/logout')
    login(client, ZHANG_WEI)
    assert listed(client, '/claims/', '智慧交通高级研修班', status='终审通过')
    assert ops.yearly_totals(learner.user_id)[0]['professional'] == Decimal(72)
    public_hours(ZHANG_WEI, 18)
    cert = certs.issue_certificate(learner, year())
    assert cert.total_hours == Decimal(90)


def test_one_tier_unit_approval_counts_at_once_and_gives_the_certificate(ctx, client):
    publish_claim_diagram(one_tier, '单位审核即终审')
    learner = membership(ZHANG_WEI, 'learner')
    claims = [ops.create_claim(learner, claim_input(title='公路养护培训', applied_hours=Decimal(36))),
              ops.create_claim(learner, claim_input(pathway='seminar', sub_type='高级研修班', level='provincial',
                                                    title='智慧交通高级研修班', applied_hours=Decimal(36)))]
    for claim in claims:
        ops.submit_claim(learner, claim, 'unit')
    login(client, 'jtjt_admin')
    page = client.get(f'/claims/{claims[0].id}').get_data(as_text=True)
    assert 'id="remaining"' in page  # the unit's review registers: it is shown what is left of the cap
    for claim in claims:
        review_through_the_page(client, 'jtjt_admin', claim.id, '36')
    assert [(c.status_label, c.outcome, c.registered_hours) for c in claims] == [('通过认定', 'approved', 36)] * 2
    assert listed(client, '/claims/manage', '智慧交通高级研修班', status='通过认定')
    client.post('/logout')
    login(client, ZHANG_WEI)
    assert listed(client, '/claims/', '智慧交通高级研修班', status='通过认定')
    assert ops.yearly_totals(learner.user_id)[0]['professional'] == Decimal(72)
    public_hours(ZHANG_WEI, 18)
    assert certs.issue_certificate(learner, year()).total_hours == Decimal(90)
