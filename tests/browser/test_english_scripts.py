"""The pages' scripts speak the reader's language: their texts come from the page (a JSON block, #i18n-texts, which
the Content-Security-Policy lets through: it is data, not run), built there with _(). In English the BPMN editor's
properties panel, the DMN editor (dmn-js's own English, with the hit policies the engine does not implement saying
so) and the registration form's unit search are English; in Chinese, as before, Chinese."""
import re

from models import Organisation, db

from .test_claim_path import log_in, pytestmark, shot  # noqa: F401 (the marks apply here too)

CJK = re.compile(r'[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]')


def select(page, element_id):
    """Select a diagram element as a click on it would (a sequence flow or a lane is hard to hit by coordinates)."""
    page.evaluate("""id => { const m = window.bpmnModeler;
                             m.get('selection').select(m.get('elementRegistry').get(id)); }""", element_id)


def test_bpmn_and_dmn_editors_in_english(app_and_server, page):
    _app, base = app_and_server
    log_in(page, base, 'shengji')
    page.goto(f'{base}/lang/en')
    page.goto(f'{base}/workbench/bpmn/claim/edit')
    page.wait_for_selector('#bpmn-editor[data-loaded="1"]')
    assert page.inner_text('#properties') == \
        'Select an element in the diagram to edit its lane, form, status or condition.'
    page.click('.djs-element[data-element-id=unit_review]')
    assert page.inner_text('label[for=field-formKey]') == 'Form (formKey)'
    assert page.inner_text('label[for=field-statusLabel]') == 'Status (statusLabel)'
    assert not CJK.search(page.inner_text('#field-formKey'))  # the form titles too
    shot(page, 'workbench_editor_en')
    select(page, 'end_deleted')
    assert page.inner_text('label[for=field-statusLabel]') == 'End status (statusLabel)'
    assert page.inner_text('#field-statusLabel option[value=""]') == '(none)'
    select(page, 'compute_hours')
    assert page.inner_text('label[for=field-calledDecisionId]') == 'Decision table (calledDecisionId)'
    select(page, 'f_to_supervisor')
    assert page.inner_text('label[for=field-condition]') == \
        'Condition (e.g. decision == "approve"; leave empty for the default path)'
    select(page, 'start')
    assert 'This element has no process properties to set.' in page.inner_text('#properties')
    labels = ' '.join(page.locator('#properties label').all_inner_texts())
    assert not CJK.search(labels)

    page.goto(f'{base}/workbench/dmn/credit_hours/edit')
    page.wait_for_selector('#dmn-editor[data-loaded="1"]')
    canvas = page.inner_text('#canvas')
    assert all(word in canvas for word in ('Hit policy:', 'First', 'When', 'And', 'Then', 'Annotations'))
    assert '命中策略' not in canvas and '（不支持）' not in page.content()
    page.click('.hit-policy .dms-input-select')
    policies = page.locator('.dms-select-options .option').all_inner_texts()
    assert policies == ['Unique', 'First', 'Priority (not supported)', 'Any (not supported)', 'Collect',
                        'Collect (Sum, not supported)', 'Collect (Min, not supported)', 'Collect (Max, not supported)',
                        'Collect (Count, not supported)', 'Rule order (not supported)', 'Output order (not supported)']
    shot(page, 'dmn_editor_en')
    page.click('.dms-select-options .option:text-is("Unique")')  # the engine takes the first match
    assert page.get_attribute('.hit-policy', 'title') == ('No overlap is possible and all rules are disjoint. Only a '
                                                          'single rule can be matched (this system takes the first '
                                                          'matching rule)')

    page.goto(f'{base}/lang/zh_CN')  # and in Chinese, dmn-js is Chinese throughout
    page.goto(f'{base}/workbench/dmn/credit_hours/edit')
    page.wait_for_selector('#dmn-editor[data-loaded="1"]')
    assert '命中策略' in page.inner_text('#canvas')
    page.click('.hit-policy .dms-input-select')
    assert page.locator('.dms-select-options .option').all_inner_texts()[:3] == [
        '唯一 Unique', '第一条 First', '优先级（不支持）']


def test_unit_search_in_english(app_and_server, page):
    app, base = app_and_server
    with app.app_context():
        parent = db.session.query(Organisation).filter_by(name='浙江省住房和城乡建设厅').one()
        db.session.add_all(Organisation(kind='unit', name=f'测试单位{seq:02d}', parent_id=parent.id, locality='杭州市')
                           for seq in range(12))
        db.session.commit()
    page.goto(f'{base}/lang/en')
    page.goto(f'{base}/register/learner')
    page.fill('#unit_id-q', '新港物流')
    page.click('.unit-search')
    page.wait_for_selector('.unit-results:has-text("No matching unit found")')
    page.fill('#unit_id-q', '测试单位')
    page.press('#unit_id-q', 'Enter')
    page.wait_for_selector('.unit-option')
    assert page.locator('.unit-option').all_inner_texts()[0] == '测试单位00 (杭州市) · Employer'
    assert page.inner_text('.unit-pages') == 'Page 1 of 2 (12 in all) Next'
    page.click('.unit-page:text-is("Next")')
    page.wait_for_selector('.unit-option:has-text("测试单位10")')
    assert page.inner_text('.unit-pages') == 'Page 2 of 2 (12 in all) Previous'
    page.click('.unit-option:has-text("测试单位11")')
    assert page.inner_text('#unit_id-chosen') == 'Selected: 测试单位11'
    shot(page, 'reg-unit-search-en')

    page.goto(f'{base}/lang/zh_CN')  # the Chinese default, as before
    page.goto(f'{base}/register/learner')
    page.fill('#unit_id-q', '测试单位')
    page.click('.unit-search')
    page.wait_for_selector('.unit-option')
    assert page.locator('.unit-option').all_inner_texts()[0] == '测试单位00（杭州市） · 用人单位'
    assert page.inner_text('.unit-pages') == '第 1 / 2 页（共 12 条） 下一页'
    page.click('.unit-option:has-text("测试单位03")')
    assert page.inner_text('#unit_id-chosen') == '已选择：测试单位03'
