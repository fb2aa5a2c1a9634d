"""The run command's demo data shows every role some work on first start."""
from sqlalchemy import select

from models import Claim, db
from webapp.cli import seed_demo_data

from ..people import WANG_QIANG, ZHANG_WEI, login


def test_demo_has_claims_in_every_state_and_is_idempotent(ctx, client):
    assert seed_demo_data() is False  # already seeded by the fixture: nothing twice
    from webapp.cli import _demo_claims
    from webapp.dates import today
    _demo_claims(today().year)
    db.session.commit()
    assert {c.status_label for c in db.session.scalars(select(Claim))} == {'通过认定', '待提交', '待初审', '退回修改'}
    login(client, 'jtjt_admin')
    assert '智慧交通设计高级研修班' in client.get('/inbox/').get_data(as_text=True)
    client.post('/logout')
    login(client, WANG_QIANG)
    assert '港口工程施工安全培训' in client.get('/inbox/').get_data(as_text=True)  # returned to him
    client.post('/logout')
    login(client, ZHANG_WEI)
    assert '<td class="total">18</td>' in client.get('/claims/totals').get_data(as_text=True)
    page = client.get('/supplements/').get_data(as_text=True)
    assert '增补申请</button>' in page and '参加培训进修' in page  # last year's approved training may be supplemented
