"""Evidence on 增补 entries (issue 15): uploaded on the supplement page with a claim's checks (type by content, size,
number of images), shown there to the unit and the 学时办 reviewers, served only to who may see the entry."""
import io

from sqlalchemy import func, select

from models import Evidence, Supplement, db
from webapp.supplements import operations as ops

from ..people import CHEN_JING, LI_NA, ZHANG_WEI, login, membership
from ..workflow.test_supplement_process import Y
from .test_claim_forms import png
from .test_supplement_pages import january, page  # noqa: F401 - the fixture: inside the supplement window

ENTRY = dict(pathway='training', sub_type='培训班', quantity='1', title='补登：隧道安全培训', start_date=f'{Y - 1}-09-01',
             end_date=f'{Y - 1}-09-02', applied_hours='12', year=str(Y - 1), pledge='y')


def _agreed_with_an_entry(client):
    learner = membership(ZHANG_WEI, 'learner')
    s = ops.request_supplement(learner, 'training')
    ops.send_request(learner, s)
    ops.decide_request(membership('jtjt_admin'), ops.open_item(s).id, 'agree', None)
    db.session.commit()
    login(client, ZHANG_WEI)
    assert client.post(f'/supplements/{s.id}/entries/new', data=ENTRY).status_code == 302
    entry = db.session.scalars(select(Supplement).where(Supplement.id == s.id)).one().entries[0]
    return s, entry


def _upload(client, s, entry, data, name='cert.png', caption='结业证书'):
    return client.post(f'/supplements/{s.id}/entries/{entry.id}/evidence',
                       data={'file': (io.BytesIO(data), name), 'caption': caption}, follow_redirects=True)


def test_entries_carry_evidence_that_the_reviewers_see(client, january):  # noqa: F811
    s, entry = _agreed_with_an_entry(client)
    html = page(client, f'/supplements/{s.id}')
    assert 'class="badge bg-warning text-dark no-evidence"' in html and 'evidence-form' in html
    html = _upload(client, s, entry, png()).get_data(as_text=True)
    assert '附件已上传' in html and '结业证书' in html
    refused = _upload(client, s, entry, b'MZ\x90\x00 not an image', 'virus.png').get_data(as_text=True)
    assert '附件已上传' not in refused
    for n in range(4):
        _upload(client, s, entry, png(size=(30 + n, 30)), caption=f'照片 {n}')
    too_many = _upload(client, s, entry, png(size=(50, 50)), caption='第六张').get_data(as_text=True)
    assert '最多上传 5 张图片' in too_many
    assert db.session.scalar(select(func.count(Evidence.id)).where(Evidence.claim_id == entry.id)) == 5
    assert client.post(f'/supplements/{s.id}/submit').status_code == 302
    item = db.session.scalar(select(Evidence).where(Evidence.claim_id == entry.id).order_by(Evidence.id))
    after = _upload(client, s, entry, png(size=(60, 60)), caption='上报之后').get_data(as_text=True)
    assert '上报之后' not in after  # no more changes once reported

    for reviewer in ('jtjt_admin', 'shengji'):
        who = login(client.application.test_client(), reviewer)
        html = page(who, f'/supplements/{s.id}')
        assert '结业证书' in html and f'/claims/{entry.id}/evidence/{item.id}' in html
        assert who.get(f'/claims/{entry.id}/evidence/{item.id}').status_code == 200
        if reviewer == 'jtjt_admin':  # the unit decides first; then the 学时办 sees it
            ops.review(membership('jtjt_admin'), ops.open_item(s).id, 'approve', None)
            db.session.commit()


def test_strangers_cannot_see_or_add_an_entrys_files(client, january):  # noqa: F811
    s, entry = _agreed_with_an_entry(client)
    _upload(client, s, entry, png())
    item = db.session.scalar(select(Evidence).where(Evidence.claim_id == entry.id))
    for who in (LI_NA, CHEN_JING, 'hzcj_admin', 'zhujian', 'shengji'):  # 学时办: not before it is reported
        other = login(client.application.test_client(), who)
        assert other.get(f'/claims/{entry.id}/evidence/{item.id}').status_code == 404, who
    colleague = login(client.application.test_client(), LI_NA)
    response = colleague.post(f'/supplements/{s.id}/entries/{entry.id}/evidence',
                              data={'file': (io.BytesIO(png()), 'x.png'), 'caption': '冒名上传'})
    assert response.status_code == 404
    admin = login(client.application.test_client(), 'jtjt_admin')
    assert admin.post(f'/supplements/{s.id}/entries/{entry.id}/evidence',
                      data={'file': (io.BytesIO(png()), 'x.png'), 'caption': '单位代传'}).status_code == 403
    assert db.session.scalar(select(func.count(Evidence.id)).where(Evidence.claim_id == entry.id)) == 1
