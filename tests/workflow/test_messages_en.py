"""The engine's messages in the reader's language: diagram problems, FEEL cells, process names and refusals come out
in English after /lang/en, in Chinese by default. The page tests prepare data in an app context of their own: inside
one shared context (the ctx fixture) Flask-Babel would keep the first request's locale for the later ones."""
from pathlib import Path

import pytest
from flask_babel import force_locale

from models import db
from models.workflow import BPMN, DMN
from webapp.claims import operations as claims
from webapp.workflow import runtime, versions
from webapp.workflow.validation import DiagramError

from ..helpers import claim_input
from ..people import ZHANG_WEI, login, membership, zj

ROOT = Path(__file__).resolve().parents[2]
CLAIM = (ROOT / 'bpmn' / 'claim.bpmn').read_text(encoding='utf-8')
RULES = (ROOT / 'rules' / 'credit_hours.dmn').read_text(encoding='utf-8')
UNIT_REVIEW = '<spiffworkflow:property name="statusLabel" value="待初审"/>'


def _save(app, client, kind, key, xml):
    with app.app_context():
        version = versions.published(kind, key, zj())
    return client.post(f'/workbench/{kind}/{key}/edit', follow_redirects=True, data={
        'xml': xml, 'base_version_id': version.id, 'base_sha': version.sha256})


def test_diagram_problems_and_process_names_on_the_workbench_in_english(app, client):
    login(client, 'shengji')
    assert '学时登记 <code' in client.get('/workbench/').get_data(as_text=True)
    client.get('/lang/en')
    page = client.get('/workbench/').get_data(as_text=True)
    assert 'Credit claim <code' in page and 'Credit table <code' in page and '学时登记 <code' not in page
    _save(app, client, BPMN, 'claim', CLAIM.replace('value="claim_unit_review"', 'value="nope"', 1))
    editor = client.get('/workbench/bpmn/claim/edit').get_data(as_text=True)
    assert 'does not exist (available: claim_edit, claim_unit_review, ' in editor
    assert 'Element ' in editor and '不存在（可用' not in editor
    client.get('/lang/zh_CN')
    editor = client.get('/workbench/bpmn/claim/edit').get_data(as_text=True)
    assert '不存在（可用：claim_edit、claim_unit_review、' in editor and '元素 ' in editor


def test_an_untranslatable_feel_cell_is_refused_in_english(app, client):
    login(client, 'shengji')
    client.get('/lang/en')
    page = _save(app, client, DMN, 'credit_hours',
                 RULES.replace('<text>"exam"</text>', '<text>date("2020")</text>', 1))
    text = page.get_data(as_text=True)
    assert page.status_code == 422 and 'Row 1, column “认定类型”: Unrecognised condition' in text
    assert '无法识别的条件' not in text


def test_migration_problems_in_english(app, client):
    with app.app_context():
        learner = membership(ZHANG_WEI, 'learner')
        claims.submit_claim(learner, claims.create_claim(learner, claim_input()), 'unit')
        v1 = versions.published(BPMN, 'claim', zj())
        v2 = versions.add_version(BPMN, v1.content.replace(UNIT_REVIEW, UNIT_REVIEW.replace('待初审', '等待单位审核')),
                                  province_id=zj())
        url = f'/rollout/migrate?source={v1.id}&target={v2.id}'
        db.session.commit()
    login(client, 'shengji')
    assert '所在的环节“单位初审”在目标版本中属性已改变' in client.get(url).get_data(as_text=True)
    client.get('/lang/en')
    page = client.get(url).get_data(as_text=True)
    assert 'The current step “单位初审” has changed in the target version: properties' in page


def test_engine_refusals_follow_the_locale(ctx):
    with pytest.raises(runtime.WorkflowError) as info:
        runtime.lock(987654)
    assert str(info.value) == '流程实例不存在'
    with force_locale('en'):
        assert str(info.value) == 'The process instance does not exist'
        assert str(runtime.TaskAlreadyHandled()).startswith('Someone else has already handled this item')
        with pytest.raises(DiagramError) as info:
            versions.validate_content(BPMN, CLAIM.replace('name="专技人员"', 'name="nobody"', 1), zj())
        assert info.value.problems and all('泳道' not in p for p in info.value.problems)
        assert any(': lane "nobody" is not a known role (available: 专技人员, 单位管理员, ' in p
                   for p in info.value.problems)
        with pytest.raises(DiagramError) as info:
            versions.validate_content(BPMN, '<nope/>', zj())
        assert info.value.problems == ['Not a valid BPMN diagram']
    assert str(runtime.TaskAlreadyHandled()) == '该事项已被他人处理，请刷新后查看最新状态'
