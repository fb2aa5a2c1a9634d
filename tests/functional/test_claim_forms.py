"""Through the real forms: bad input gets a clear Chinese message next to the field and stores nothing."""
import io
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from models import Claim, Evidence, FlowLog, db
from webapp import hours
from webapp.claims import operations as ops

from ..helpers import claim_form, year
from ..people import WANG_QIANG, ZHANG_WEI, login, membership


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def png(color='red', size=(40, 30)):
    out = io.BytesIO()
    Image.new('RGB', size, color).save(out, 'PNG')
    return out.getvalue()


def make_claim(client, **overrides):
    response = client.post('/claims/new', data=claim_form(**overrides))
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.location.rsplit('/', 1)[1])


@pytest.fixture
def learner(client):
    return login(client, ZHANG_WEI)


@pytest.mark.parametrize('overrides,message', [
    ({'title': ''}, '此项为必填项'),
    ({'pathway': ''}, '此项为必填项'),
    ({'pathway': 'bogus'}, '不是有效的选择'),
    ({'sub_type': '论文'}, '二级类型须为'),
    ({'start_date': 'not-a-date'}, '请填写有效日期'),
    ({'end_date': f'{year()}-02-27'}, '结束时间不能早于开始时间'),
    ({'applied_hours': '0'}, '申请学时应大于 0 且不超过 36'),
    ({'applied_hours': '99'}, '申请学时应大于 0 且不超过 36'),
    ({'applied_hours': 'abc'}, '请输入有效的数字'),
    ({'year': str(year() - 3)}, f'计入年度只能是当前登记年度 {year()} 年'),
    ({'pledge': None}, '请勾选“本人承诺以上信息属实”'),
    ({'pathway': 'research', 'sub_type': '课题研究', 'level': 'provincial'}, '请填写本人排名'),
    ({'pathway': 'research', 'sub_type': '课题研究', 'level': '', 'rank': '1'}, '请选择级别'),
    ({'quantity': '-1'}, '数量应在 0.1 到 1000 之间'),
    ({'quantity': 'sNaN'}, '请输入有效的数字'),
    ({'applied_hours': 'NaN'}, '请输入有效的数字'),
    ({'applied_hours': 'Infinity'}, '请输入有效的数字'),
    ({'year': '99999999999999999999'}, '计入年度只能是当前登记年度'),
    ({'title': '长' * 201}, '不能超过 200 个字'),
])
def test_bad_claim_input_is_refused_with_a_message_and_nothing_is_stored(ctx, learner, overrides, message):
    before = count(Claim), count(FlowLog)
    response = learner.post('/claims/new', data=claim_form(**overrides))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page and 'invalid-feedback' in page  # shown next to the field
    assert (count(Claim), count(FlowLog)) == before


def test_nul_bytes_are_refused_on_every_database(ctx, learner):
    response = learner.post('/claims/new', data=claim_form(title='培训\x00班'))
    assert response.status_code == 400 and '输入包含无效字符' in response.get_data(as_text=True)
    assert count(Claim) == 0


def test_valid_claim_is_saved_as_a_draft_and_listed(ctx, learner):
    claim_id = make_claim(learner)
    page = learner.get('/claims/').get_data(as_text=True)
    assert '省级公路养护技术培训班' in page and '待提交' in page
    claim = db.session.get(Claim, claim_id)
    assert claim.quantity == 3  # training: the dates decide the number of days


def test_hours_are_prefilled_from_the_credit_table(ctx, learner):
    response = learner.get(f'/claims/estimate?pathway=training&quantity=1&start={year()}-03-01&end={year()}-03-04')
    assert response.json == {'hours': '24', 'quantity': '4'}
    response = learner.get('/claims/estimate?pathway=publication&level=core&quantity=2&rank=1')
    assert response.json['hours'] == '36'  # 2 x 24, capped at 36
    assert learner.get('/claims/estimate?pathway=nope').status_code == 400
    for quantity in ('x', 'NaN', 'sNaN', '1e999', '0'):
        assert learner.get(f'/claims/estimate?pathway=exam&quantity={quantity}').status_code == 400


def test_edit_then_submit_then_edit_is_refused(ctx, learner):
    claim_id = make_claim(learner)
    response = learner.post(f'/claims/{claim_id}/edit', data=claim_form(title='改过的标题', applied_hours='12'))
    assert response.status_code == 302
    assert learner.post(f'/claims/{claim_id}/submit', data={'target': 'unit'}).status_code == 302
    claim = db.session.get(Claim, claim_id)
    db.session.refresh(claim)
    assert (claim.title, claim.applied_hours, claim.status_label) == ('改过的标题', 12, '待初审')
    response = learner.post(f'/claims/{claim_id}/edit', data=claim_form(title='审核中偷偷改'), follow_redirects=True)
    assert '不能修改' in response.get_data(as_text=True)
    db.session.refresh(claim)
    assert claim.title == '改过的标题'


def test_submit_to_a_supervisor_found_by_fuzzy_search(ctx, learner):
    hits = learner.get('/claims/supervisors?q=厅').json
    assert 1 <= len(hits) <= 10 and all('厅' in h['name'] for h in hits)
    claim_id = make_claim(learner)
    response = learner.post(f'/claims/{claim_id}/submit', data={'target': 'supervisor', 'supervisor_name': '不存在的部门'},
                            follow_redirects=True)
    assert '请从搜索结果中选择一个主管部门' in response.get_data(as_text=True)
    learner.post(f'/claims/{claim_id}/submit', data={'target': 'supervisor', 'supervisor_name': '浙江省住房和城乡建设厅'})
    claim = db.session.get(Claim, claim_id)
    assert claim.status_label == '待终审' and claim.reviewer_org.name == '浙江省住房和城乡建设厅'


def test_batch_submit_and_batch_delete(ctx, learner):
    ids = [make_claim(learner, title=f'培训 {i}') for i in range(3)]
    response = learner.post('/claims/batch', data={'action': 'submit', 'target': 'unit', 'claim_ids': ids[:2]})
    assert '将所选 2 条学时登记提交审核' in response.get_data(as_text=True)  # asked first
    assert [db.session.get(Claim, i).status_label for i in ids] == ['待提交'] * 3
    response = learner.post('/claims/batch', data={'action': 'submit', 'target': 'unit', 'claim_ids': ids[:2],
                                                   'confirmed': '1'})
    assert response.status_code == 302
    response = learner.post('/claims/batch', data={'action': 'delete', 'target': 'unit', 'claim_ids': [ids[2]],
                                                   'confirmed': '1'})
    statuses = [db.session.get(Claim, i).status_label for i in ids]
    assert statuses == ['待初审', '待初审', '已删除']
    assert '培训 2' not in learner.get('/claims/').get_data(as_text=True)


def test_batch_with_one_bad_claim_changes_none(ctx, learner):
    ids = [make_claim(learner, title=f'培训 {i}') for i in range(2)]
    learner.post(f'/claims/{ids[1]}/submit', data={'target': 'unit'})
    response = learner.post('/claims/batch', data={'action': 'delete', 'target': 'unit', 'claim_ids': ids,
                                                   'confirmed': '1'}, follow_redirects=True)
    assert '所选登记均未改变' in response.get_data(as_text=True)
    assert [db.session.get(Claim, i).status_label for i in ids] == ['待提交', '待初审']


def test_withdraw_from_the_detail_page(ctx, learner):
    claim_id = make_claim(learner)
    learner.post(f'/claims/{claim_id}/submit', data={'target': 'unit'})
    assert '撤回' in learner.get(f'/claims/{claim_id}').get_data(as_text=True)
    asked = learner.post(f'/claims/{claim_id}/withdraw').get_data(as_text=True)
    assert '将撤回“' in asked and db.session.get(Claim, claim_id).status_label == '待初审'
    learner.post(f'/claims/{claim_id}/withdraw', data={'confirmed': '1'})
    assert db.session.get(Claim, claim_id).status_label == '待提交'


class TestEvidence:
    def upload(self, client, claim_id, data, name='证书.png', caption='结业证书'):
        return client.post(f'/claims/{claim_id}/evidence', data={'file': (io.BytesIO(data), name), 'caption': caption},
                           content_type='multipart/form-data', follow_redirects=True)

    def test_image_is_stored_content_addressed_on_disk(self, ctx, learner):
        claim_id = make_claim(learner)
        assert '附件已上传' in self.upload(learner, claim_id, png()).get_data(as_text=True)
        [item] = db.session.scalars(select(Evidence)).all()
        path = Path(ctx.config['EVIDENCE_DIR']) / item.sha256[:2] / item.sha256[2:]
        assert path.exists() and item.content_type == 'image/png'
        response = learner.get(f'/claims/{claim_id}/evidence/{item.id}')
        assert response.status_code == 200 and response.data == path.read_bytes()

    def test_pdf_is_accepted(self, ctx, learner):
        claim_id = make_claim(learner)
        pdf = b'%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'
        self.upload(learner, claim_id, pdf, name='通知.pdf')
        assert db.session.scalar(select(Evidence.content_type)) == 'application/pdf'

    @pytest.mark.parametrize('data,name,caption,message', [
        (b'#!/bin/sh\necho hi\n', 'photo.jpg', '照片', '只能上传 jpg、png 或 pdf'),
        (b'GIF89a' + b'\0' * 50, 'x.png', '照片', '只能上传 jpg、png 或 pdf'),
        (b'%PDF-1.4 truncated', 'x.pdf', '文件', 'PDF 文件不完整'),
        (None, 'ok.png', '说' * 34, '附件说明不能超过 33 个字'),
        (b'', 'empty.png', '空文件', '文件为空'),
    ])
    def test_bad_files_are_refused_with_a_message(self, ctx, learner, data, name, caption, message):
        claim_id = make_claim(learner)
        response = self.upload(learner, claim_id, png() if data is None else data, name=name, caption=caption)
        assert message in response.get_data(as_text=True)
        assert count(Evidence) == 0
        assert not any(Path(ctx.config['EVIDENCE_DIR']).rglob('*')) or count(Evidence) == 0

    def test_size_limit(self, ctx, learner):
        ctx.config['EVIDENCE_MAX_BYTES'] = 1000
        claim_id = make_claim(learner)
        response = self.upload(learner, claim_id, png(size=(400, 400)) + b'\0' * 2000)
        assert '大小限制' in response.get_data(as_text=True) and count(Evidence) == 0

    def test_at_most_five_images(self, ctx, learner):
        claim_id = make_claim(learner)
        for i in range(5):
            self.upload(learner, claim_id, png(color=(i, 0, 0)), caption=f'图 {i}')
        response = self.upload(learner, claim_id, png(color='blue'), caption='第六张')
        assert '最多上传 5 张图片' in response.get_data(as_text=True)
        assert count(Evidence) == 5

    def test_no_upload_once_submitted(self, ctx, learner):
        claim_id = make_claim(learner)
        learner.post(f'/claims/{claim_id}/submit', data={'target': 'unit'})
        response = self.upload(learner, claim_id, png())
        assert '不能修改' in response.get_data(as_text=True) and count(Evidence) == 0


def test_review_through_the_form_and_flow_log_shows_it(ctx, client):
    login(client, ZHANG_WEI)
    claim_id = make_claim(client)
    client.post(f'/claims/{claim_id}/submit', data={'target': 'unit'})
    client.post('/logout')
    login(client, 'jtjt_admin')
    item = ops.open_item(db.session.get(Claim, claim_id))
    response = client.post(f'/claims/{claim_id}/review', data={'work_item_id': item.id, 'decision': 'reject'},
                           follow_redirects=True)
    assert '不通过或退回修改时必须填写审核意见' in response.get_data(as_text=True)
    client.post(f'/claims/{claim_id}/review', data={'work_item_id': item.id, 'decision': 'approve', 'hours': '15'})
    client.post('/logout')
    login(client, 'jiaotong')
    page = client.get(f'/claims/{claim_id}').get_data(as_text=True)
    assert '剩余可登记学时' in page and '36' in page
    item = ops.open_item(db.session.get(Claim, claim_id))
    response = client.post(f'/claims/{claim_id}/review', follow_redirects=True,
                           data={'work_item_id': item.id, 'decision': 'approve', 'hours': '40'})
    assert '登记学时不能超过该值' in response.get_data(as_text=True)
    client.post(f'/claims/{claim_id}/review', data={'work_item_id': item.id, 'decision': 'approve', 'hours': '15'})
    page = client.get(f'/claims/{claim_id}').get_data(as_text=True)
    assert '通过认定' in page
    for action in ('新增登记', '提交审核', '单位审核', '终审'):
        assert action in page


def test_unit_admin_files_for_staff_and_deletes_an_approved_claim(ctx, client):
    login(client, 'jtjt_admin')
    page = client.get('/claims/new').get_data(as_text=True)
    assert '张伟' in page and '陈静' not in page  # only her own unit's staff
    learner_id = membership(ZHANG_WEI, 'learner').user_id
    claim_id = make_claim(client, learner_id=str(learner_id))
    client.post(f'/claims/{claim_id}/submit', data={'target': 'unit'})
    claim = db.session.get(Claim, claim_id)
    assert claim.learner_id == learner_id and claim.status_label == '待初审'
    item = ops.open_item(claim)
    client.post(f'/claims/{claim_id}/review', data={'work_item_id': item.id, 'decision': 'approve'})
    client.post('/logout')
    login(client, 'jiaotong')
    item = ops.open_item(claim)
    client.post(f'/claims/{claim_id}/review', data={'work_item_id': item.id, 'decision': 'approve', 'hours': '18'})
    client.post('/logout')
    login(client, 'jtjt_admin')
    response = client.post(f'/claims/{claim_id}/delete-approved', data={'reason': ''}, follow_redirects=True)
    assert '请填写删除原因' in response.get_data(as_text=True)
    asked = client.post(f'/claims/{claim_id}/delete-approved', data={'reason': '重复登记'}).get_data(as_text=True)
    assert '不再计入' in asked and ops.yearly_totals(learner_id) != []  # asked first
    client.post(f'/claims/{claim_id}/delete-approved', data={'reason': '重复登记', 'confirmed': '1'})
    db.session.refresh(claim)
    assert claim.deleted_reason == '重复登记' and ops.yearly_totals(learner_id) == []
    assert not hours.disagreements(db.session)
    assert db.session.scalar(select(FlowLog.remark).where(FlowLog.action == '删除已认定学时')) == '重复登记'


def test_unit_admin_cannot_file_for_another_units_staff(ctx, client):
    login(client, 'jtjt_admin')
    other = membership(WANG_QIANG, 'learner').user
    response = client.post('/claims/new', data=claim_form(learner_id=str(other.id)))
    assert response.status_code == 422 and '只能为本单位' in response.get_data(as_text=True)
    assert count(Claim) == 0


def test_province_sets_the_registration_window(ctx, client):
    login(client, 'shengji')
    response = client.post('/province/window', data={'year': str(year()), 'opens_on': f'{year()}-06-01',
                                                     'closes_on': f'{year()}-05-01'})
    assert response.status_code == 422 and '截止日期不能早于开放日期' in response.get_data(as_text=True)
    client.post('/province/window', data={'year': str(year()), 'opens_on': f'{year()}-01-01',
                                          'closes_on': f'{year()}-01-01'})
    province_id = membership('shengji').org_id
    window = ops.window_for(province_id)
    assert window.closes_on.month == 1
    assert db.session.scalar(select(FlowLog.action).where(FlowLog.subject_type == 'registration_window')) == '设置登记开放日期'
