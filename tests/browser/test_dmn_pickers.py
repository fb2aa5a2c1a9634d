"""DMN editing in the province's words, in a real browser: province staff add a row to the credit table above its
catch-all row, pick its 认定类型 and 级别 by their Chinese labels (the cells store the codes), widen an existing row's
级别 the same way, save, try the row on the test bench (a form with the same pickers, not JSON), keep that as a test
case (expected output typed into a field), publish; the published table decides with the new row, and the version
diff shows the changed rows and cells side by side."""
from models import DecisionTestCase, db
from models.workflow import DMN
from webapp.workflow import rules, versions

from ..people import zj
from .test_claim_path import pytestmark, shot  # noqa: F401 (the marks apply here too)
from .helpers import confirm
from .test_dmn_editor_path import open_credit_table, type_into_cell


def cell(row, col):
    return f'td[data-row-id="{row}"][data-col-id="{col}"]'


def pick(page, row, col, *labels):
    """Click the cell, tick the labels in the picker that opens, close it."""
    page.click(cell(row, col))
    page.wait_for_selector('#cell-picker:not([hidden])')
    for label in labels:
        page.check(f'#cell-picker-options label:has-text("{label}")')
    page.click('#cell-picker-close')
    page.wait_for_selector('#cell-picker', state='hidden')


def test_a_row_picked_by_labels_a_test_case_as_a_form_publish(app_and_server, page):
    app, base = app_and_server
    open_credit_table(page, base)
    # a new row above the catch-all last row (其他情形不计学时): 县级高研班, 12 学时
    page.click(cell('rule_15', 'in_pathway'), button='right')
    page.click('text=在上方添加规则')
    new_row = page.eval_on_selector('#canvas tbody tr:nth-last-child(2) td[data-row-id]', 'td => td.dataset.rowId')
    assert new_row not in ('rule_14', 'rule_15')
    pick(page, new_row, 'in_pathway', '参加高研班')
    assert page.inner_text(cell(new_row, 'in_pathway')).strip() == '"seminar"'
    assert page.get_attribute(cell(new_row, 'in_pathway'), 'data-labels') == '参加高研班'
    pick(page, new_row, 'in_level', '县级')
    type_into_cell(page, new_row, 'in_quantity', '> 0')
    type_into_cell(page, new_row, 'out_hours', '12')
    # an existing row: 市级 research projects also for 县级 (one more tick in the picker, the code appended)
    pick(page, 'rule_8', 'in_level', '县级')
    assert page.inner_text(cell('rule_8', 'in_level')).strip() == '"municipal", "county"'
    assert page.get_attribute(cell('rule_8', 'in_level'), 'data-labels') == '市级、县级'
    page.click(cell('rule_8', 'in_level'))
    page.wait_for_selector('#cell-picker:not([hidden])')
    assert page.is_checked('#cell-picker-options input[value=municipal]')
    assert page.is_checked('#cell-picker-options input[value=county]')
    shot(page, 'dmn_pickers')
    page.keyboard.press('Escape')
    page.click('#save-draft')
    page.wait_for_selector('text=草稿已保存（第 2 版草稿），校验通过')
    page.wait_for_selector('#dmn-editor[data-loaded="1"]')

    # the bench: pathway and level picked by label
    page.select_option('#bench-form [name=pathway]', label='参加高研班')
    page.select_option('#bench-form [name=level]', label='县级')
    page.fill('#bench-form [name=quantity]', '1')
    page.click('#bench-form button')
    result = page.inner_text('#bench-result')
    assert '匹配规则：第 16 行' in result and '每单位学时 = 12' in result
    assert page.input_value('#case-pathway') == 'seminar' and page.input_value('#case-expect-hours_per_unit') == '12'
    page.fill('#case-name', '县级高研班 12 学时')
    page.click('#case-form button')
    page.wait_for_selector('text=测试用例已保存')
    saved = page.inner_text('#cases tbody tr:has-text("县级高研班 12 学时")')
    assert '认定类型：参加高研班' in saved and '级别：县级' in saved and '每单位学时 = 12' in saved and '通过' in saved
    shot(page, 'dmn_pickers_case')

    page.fill('#publish-form input[name=comment]', '县级高研班 12 学时；县级课题按市级计')
    page.click('#publish')
    confirm(page, '将发布决策表“学时折算表”的第 2 版')
    page.wait_for_selector('text=已发布第 2 版')
    with app.app_context():
        assert versions.published(DMN, 'credit_hours', zj()).version == 2
        case = db.session.query(DecisionTestCase).filter_by(key='credit_hours').one()
        assert (case.inputs['pathway'], case.inputs['level']) == ('seminar', 'county')
        assert case.expected == {'hours_per_unit': 12}
        decided = rules.decide('credit_hours', {'pathway': 'seminar', 'level': 'county', 'rank': 0, 'quantity': 1.0},
                               zj())
        assert decided == {'hours_per_unit': 12}
        research = {'pathway': 'research', 'level': 'county', 'rank': 1, 'quantity': 1.0}
        assert rules.decide('credit_hours', research, zj()) == {'hours_per_unit': 12}  # row 8 now takes 县级 too
    # the history page (where publishing lands) compares the two newest versions: rows and cells side by side
    page.click('text=对比所选两个版本')
    page.wait_for_selector('#rule-diff')
    diff = page.inner_text('#rule-diff')
    assert '新增第 16 行' in diff and '参加高研班' in diff and '县级' in diff
    assert '市级、县级' in page.inner_text('#rule-diff tbody:has-text("第 8 行")')
    shot(page, 'dmn_pickers_diff')
