"""流程与规则 in English: the workbench's refusals, flashes and form labels follow the reader's language; the flow log
stays as written."""
from sqlalchemy import select

from models import FlowLog, db
from models.workflow import BPMN
from webapp.workflow import versions

from ..people import login, zj
from .test_pages import CHANGED, CLAIM


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_workbench_messages_in_english_and_chinese_by_default(ctx, client):
    login(client, 'shengji')
    assert '没有草稿' in _text(client.post('/workbench/bpmn/claim/discard', follow_redirects=True))
    client.get('/lang/en')
    page = _text(client.post('/workbench/bpmn/claim/discard', follow_redirects=True))
    assert 'There is no draft' in page and '没有草稿' not in page

    v1 = versions.published(BPMN, 'claim', zj())
    page = _text(client.post('/workbench/bpmn/claim/edit', follow_redirects=True, data={
        'xml': CHANGED, 'base_version_id': v1.id, 'base_sha': v1.sha256}))
    assert 'Draft saved (draft of version 2); validation passed' in page
    # someone who opened version 1 is told, in English, who saved since
    response = client.post('/workbench/bpmn/claim/edit', data={
        'xml': CLAIM, 'base_version_id': v1.id, 'base_sha': v1.sha256})
    assert response.status_code == 422 and 'The draft was saved by 省学时办审核员 at ' in _text(response)
    page = _text(client.post('/workbench/bpmn/claim/publish', data={'comment': '', 'confirmed': '1'},
                             follow_redirects=True))
    assert 'Enter release notes' in page and '请填写发布说明' not in page
    page = _text(client.get('/workbench/dmn/credit_hours/edit'))
    assert 'Expected: 每单位学时' in page and 'Test case name' in page and '>Advanced seminars</option>' in page
    # the flow log is the record: written in Chinese whatever the language of the page
    remark = db.session.scalar(select(FlowLog.remark).where(FlowLog.action == '保存草稿').order_by(FlowLog.id.desc()))
    assert remark == '流程 claim 第 2 版草稿'

    client.get('/lang/zh_CN')
    page = _text(client.post('/workbench/bpmn/claim/publish', data={'comment': '', 'confirmed': '1'},
                             follow_redirects=True))
    assert '请填写发布说明' in page
