"""Hostile input anywhere in the claim and review forms gets a refusal, never a 500."""
from sqlalchemy import func, select

from models import Claim, db
from webapp.claims import operations as ops

from ..helpers import claim_form, claim_input
from ..people import ZHANG_WEI, login, membership

NASTY = ['NaN', 'sNaN', '-Infinity', '1e999', '9' * 40, '  ', '0x10', "'; drop table claim;--", '0000-00-00',
         '<script>alert(1)</script>', 'x' * 5000, '١٢']
FIELDS = ['pathway', 'sub_type', 'level', 'rank', 'quantity', 'title', 'start_date', 'end_date', 'applied_hours',
          'year', 'description', 'certificate_no', 'pledge']


def test_claim_form_never_fails_with_500(client, ctx):
    login(client, ZHANG_WEI)
    for field in FIELDS:
        for value in NASTY:
            response = client.post('/claims/new', data=claim_form(**{field: value}))
            assert response.status_code in (302, 400, 422), (field, value, response.status_code)
    scripted = db.session.scalar(select(Claim.id).where(Claim.title.contains('<script>')))
    page = client.get(f'/claims/{scripted}').get_data(as_text=True)
    assert '<script>alert(1)</script>' not in page and '&lt;script&gt;alert(1)&lt;/script&gt;' in page  # escaped


def test_review_forms_never_fail_with_500(client, ctx):
    learner = membership(ZHANG_WEI, 'learner')
    claim = ops.create_claim(learner, claim_input())
    ops.submit_claim(learner, claim, 'unit')
    db.session.commit()
    item_id = ops.open_item(claim).id
    login(client, 'jtjt_admin')
    for hours in NASTY:
        for decision in ('approve', 'reject', 'return', 'bogus'):
            data = {'work_item_id': str(item_id), 'decision': decision, 'hours': hours, 'comment': hours}
            response = client.post(f'/claims/{claim.id}/review', data=data)
            assert response.status_code in (302, 400, 404, 422), (hours, decision, response.status_code)
            if response.status_code == 302 and '/inbox' in response.location:  # accepted: start again
                return
        for ids in ([hours], [str(item_id), hours]):
            data = {'decision': 'approve', 'item_ids': ids, 'comment': hours, 'confirmed': '1'}
            response = client.post('/claims/review/batch', data=data)
            assert response.status_code in (302, 400), (ids, response.status_code)
    assert db.session.scalar(select(func.count(Claim.id))) == 1


def test_ids_beyond_the_integer_range(client):
    login(client, ZHANG_WEI)
    huge = '9' * 30
    assert client.get(f'/claims/{huge}').status_code in (400, 404)
    response = client.post('/claims/batch', data={'action': 'delete', 'target': 'unit', 'claim_ids': [huge],
                                                  'confirmed': '1'})
    assert response.status_code in (302, 400, 404)
