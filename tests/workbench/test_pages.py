"""流程与规则 pages through the test client: province only; editor save, conflict, publish, history, diff, bench."""
import re
from pathlib import Path

import pytest

from models import db  # noqa: F401
from models.workflow import BPMN, DMN
from webapp.workflow import versions

from ..people import ZHANG_WEI, login, zj

ROOT = Path(__file__).resolve().parents[2]
CLAIM = (ROOT / 'bpmn' / 'claim.bpmn').read_text(encoding='utf-8')
CHANGED = CLAIM.replace('value="待初审"', 'value="等待单位审核"', 1)


@pytest.mark.parametrize('account', ['jtjt_admin', 'jiaotong', ZHANG_WEI])
def test_only_province_staff_may_open_the_workbench(ctx, client, account):
    login(client, account)
    for url in ('/workbench/', '/workbench/bpmn/claim/', '/workbench/bpmn/claim/edit',
                '/workbench/dmn/credit_hours/edit'):
        assert client.get(url).status_code == 403
    assert client.post('/workbench/bpmn/claim/publish', data={'comment': 'x', 'confirmed': '1'}).status_code == 403
    assert client.post('/workbench/bpmn/claim/edit', data={'xml': CHANGED}).status_code == 403


def test_list_editor_save_publish_history_and_diff(ctx, client):
    login(client, 'shengji')
    page = client.get('/workbench/').get_data(as_text=True)
    assert 'claim' in page and 'credit_hours' in page and '第 1 版' in page
    v1 = versions.published(BPMN, 'claim', zj())
    editor = client.get('/workbench/bpmn/claim/edit').get_data(as_text=True)
    assert 'bpmn-modeler.production.min.js' in editor and '保存草稿' in editor
    response = client.post('/workbench/bpmn/claim/edit', follow_redirects=True, data={
        'xml': CHANGED, 'base_version_id': v1.id, 'base_sha': v1.sha256})
    assert '草稿已保存（第 2 版草稿），校验通过' in response.get_data(as_text=True)
    # a second editor opened on version 1 is refused, and its XML stays in the page
    response = client.post('/workbench/bpmn/claim/edit', data={
        'xml': CLAIM, 'base_version_id': v1.id, 'base_sha': v1.sha256})
    assert response.status_code == 422 and '草稿已被 省学时办审核员' in response.get_data(as_text=True)
    response = client.post('/workbench/bpmn/claim/publish', data={'comment': '初审状态改名', 'confirmed': '1'},
                           follow_redirects=True)
    text = response.get_data(as_text=True)
    assert '已发布第 2 版' in text and '初审状态改名' in text and '省学时办审核员' in text
    v2 = versions.published(BPMN, 'claim', zj())
    assert v2.version == 2
    diff = client.get(f'/workbench/bpmn/claim/diff?a={v1.id}&b={v2.id}').get_data(as_text=True)
    assert '修改的元素' in diff and '用户任务“单位初审”' in diff and '属性 statusLabel' in diff
    assert re.search(r'<td class="table-danger">待初审</td><td class="table-success">等待单位审核</td>', diff)
    assert client.get('/workbench/bpmn/claim/diff?a=999999&b=1', follow_redirects=True).status_code == 200


def test_broken_draft_shows_problems_and_cannot_be_published(ctx, client):
    login(client, 'shengji')
    v1 = versions.published(BPMN, 'claim', zj())
    client.post('/workbench/bpmn/claim/edit', data={
        'xml': CLAIM.replace('value="claim_unit_review"', 'value="nope"', 1), 'base_version_id': v1.id,
        'base_sha': v1.sha256})
    editor = client.get('/workbench/bpmn/claim/edit').get_data(as_text=True)
    assert '表单 &#34;nope&#34;' in editor or '表单 "nope"' in editor
    response = client.post('/workbench/bpmn/claim/publish', data={'comment': 'x', 'confirmed': '1'},
                           follow_redirects=True)
    assert '草稿未通过校验，不能发布' in response.get_data(as_text=True)
    assert versions.published(BPMN, 'claim', zj()) == v1


def test_dmn_bench_and_test_cases(ctx, client):
    login(client, 'shengji')
    page = client.post('/workbench/dmn/credit_hours/bench', data={'pathway': 'exam', 'quantity': '1'})
    text = page.get_data(as_text=True)
    assert '第 1 行（参加资格证书考试，每通过一科），第 16 行（其他情形不计学时）' in text
    assert '每单位学时 = <strong>8</strong>' in text and '按命中策略 FIRST 取第 1 行（另有第 16 行也匹配）' in text
    client.post('/workbench/dmn/credit_hours/cases', data={
        'case-name': '考试', 'case-pathway': 'exam', 'case-quantity': '1', 'case-expect-hours_per_unit': '9'})
    editor = client.get('/workbench/dmn/credit_hours/edit').get_data(as_text=True)
    assert '未通过' in editor
    v1 = versions.published(DMN, 'credit_hours', zj())
    client.post('/workbench/dmn/credit_hours/edit', data={
        'xml': v1.content, 'base_version_id': v1.id, 'base_sha': v1.sha256})
    response = client.post('/workbench/dmn/credit_hours/publish', data={'comment': 'x', 'confirmed': '1'},
                           follow_redirects=True)
    assert '测试用例未通过' in response.get_data(as_text=True)
    assert versions.published(DMN, 'credit_hours', zj()) == v1
