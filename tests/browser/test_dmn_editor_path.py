"""A real browser edits the credit table in dmn-js: types a new hours_per_unit into one rule's output cell and a FEEL
list into another rule's input cell, saves the draft, tries the draft on the test bench, keeps that as a test case
and publishes; a new claim is then computed with the new hours. The bench refuses to run on unsaved edits (it would
evaluate the saved table and drop them), and a saved draft opens with its cells in FEEL again. A cell the
translation cannot read is refused on save, naming its row and column, and the typed edits stay on the page."""
from decimal import Decimal

from models import Claim, DecisionTestCase, db
from models.workflow import DMN
from webapp.workbench.operations import draft_of
from webapp.workflow import versions

from ..helpers import submitted_claim
from ..people import LI_NA, zj
from .helpers import confirm
from .test_claim_path import log_in, pytestmark, shot  # noqa: F401 (the marks apply here too)


def _cell(row, col):
    return f'td[data-row-id={row}][data-col-id={col}] [contenteditable]'


def type_into_cell(page, row, col, text):
    """What a user does: click the cell, select what is there, type over it."""
    page.click(f'td[data-row-id={row}][data-col-id={col}]')
    td = page.evaluate('(({rowId, colId}) => ({rowId, colId}))(document.activeElement.closest("td").dataset)')
    assert td == {'rowId': row, 'colId': col}
    page.keyboard.press('Control+A')
    page.keyboard.type(text)


def open_credit_table(page, base):
    log_in(page, base, 'shengji')
    page.click('text=流程与规则')
    page.click('#process-list tr[data-key=credit_hours] >> text=编辑')
    page.wait_for_selector('#dmn-editor[data-loaded="1"]')


def bench(page, **inputs):
    """The bench as staff fill it: pathway and level picked from the catalogue (by code here), the numbers typed."""
    for name in ('pathway', 'level'):
        page.select_option(f'#bench-form [name={name}]', str(inputs.get(name, '')))
    for name in ('rank', 'quantity'):
        page.fill(f'#bench-form [name={name}]', str(inputs.get(name, '')))
    page.click('#bench-form button')
    return page.inner_text('#bench-result')


def test_edit_cells_bench_case_publish_new_claim_uses_new_hours(app_and_server, page):
    app, base = app_and_server
    open_credit_table(page, base)
    assert '命中策略' in page.inner_text('#canvas')  # dmn-js speaks Chinese
    type_into_cell(page, 'rule_5', 'out_hours', '8')  # 培训进修 6 -> 8 hours a day
    type_into_cell(page, 'rule_4', 'in_level', '"municipal","county"')  # 高研班（市级）also for county seminars
    shot(page, 'dmn_editor_edited')
    # the bench uses the saved table: before saving, it says so instead of loading a page that drops the edits
    page.select_option('#bench-form [name=pathway]', 'training')
    page.click('#bench-form button')
    page.wait_for_selector('#unsaved-warning:has-text("决策表有未保存的修改")')
    assert page.inner_text(_cell('rule_5', 'out_hours')).strip() == '8'
    page.click('#save-draft')
    page.wait_for_selector('text=草稿已保存（第 2 版草稿），校验通过')
    assert page.inner_text('#valid') == '草稿已通过校验。'
    page.wait_for_selector('#dmn-editor[data-loaded="1"]')
    # the saved draft opens with the cell as typed in FEEL (the engine form `? in (...)` is the server's business)
    assert page.inner_text(_cell('rule_4', 'in_level')).strip() == '"municipal", "county"'
    assert page.is_hidden('#unsaved-warning')

    result = bench(page, pathway='training', quantity=3)
    assert '匹配规则：第 5 行（培训进修，每天）' in result and '每单位学时 = 8' in result
    # the bench result fills the test-case form: name it and keep it
    assert page.input_value('#case-expect-hours_per_unit') == '8'
    page.fill('#case-name', '培训每天 8 学时')
    page.click('#case-form button')
    page.wait_for_selector('text=测试用例已保存')
    assert '通过' in page.inner_text('#cases tbody tr:has-text("培训每天 8 学时")')
    result = bench(page, pathway='seminar', level='county', quantity=1)
    assert '匹配规则：第 4 行' in result and '每单位学时 = 24' in result
    shot(page, 'dmn_editor_bench')

    # one more edit, then 发布 straight away: publishing takes the saved draft, so the page asks to save first
    type_into_cell(page, 'rule_1', 'out_hours', '10')  # 资格证书考试 8 -> 10 hours a subject
    page.fill('#publish-form input[name=comment]', '培训进修每天改为 8 学时；县级高研班按市级计')
    page.click('#publish')
    page.wait_for_selector('#unsaved-warning:has-text("发布都按已保存的草稿进行")')
    assert '第 2 版草稿' in page.inner_text('#editing-version')
    shot(page, 'dmn_editor_unsaved')
    page.click('#save-draft')
    page.wait_for_selector('text=草稿已保存（第 2 版草稿），校验通过')
    page.fill('#publish-form input[name=comment]', '培训进修每天改为 8 学时；县级高研班按市级计')
    page.click('#publish')
    confirm(page, '将发布决策表“学时折算表”的第 2 版')
    page.wait_for_selector('text=已发布第 2 版')
    shot(page, 'dmn_history')
    with app.app_context():
        published = versions.published(DMN, 'credit_hours', zj())
        assert (published.version, published.comment) == (2, '培训进修每天改为 8 学时；县级高研班按市级计')
        assert db.session.query(DecisionTestCase).filter_by(key='credit_hours').one().expected == {
            'hours_per_unit': 8}
        claim_id, _item = submitted_claim(LI_NA, quantity=Decimal(3))  # a 3-day training course
        assert db.session.get(Claim, claim_id).table_hours == Decimal(24)

    # the editor now opens the published version 2, and the bench evaluates it
    page.goto(f'{base}/workbench/dmn/credit_hours/edit')
    page.wait_for_selector('#dmn-editor[data-loaded="1"]')
    assert '第 2 版（已发布）' in page.inner_text('#editing-version')
    assert '每单位学时 = 8' in bench(page, pathway='training', quantity=1)
    assert '每单位学时 = 10' in bench(page, pathway='exam', quantity=1)


def test_untranslatable_cell_is_refused_naming_row_and_column(app_and_server, page):
    app, base = app_and_server
    open_credit_table(page, base)
    type_into_cell(page, 'rule_1', 'in_rank', 'date("2020-01-01")')
    page.click('#save-draft')
    page.wait_for_selector('text=决策表有无法识别的单元格，草稿未保存')
    assert '第 1 行“排名”列：无法识别的条件“date("2020-01-01")”' in page.inner_text('main')
    page.wait_for_selector('#dmn-editor[data-loaded="1"]')
    # the refused edit is still in the table, to be corrected rather than typed again; until saved, it is unsaved
    assert page.inner_text(_cell('rule_1', 'in_rank')).strip() == 'date("2020-01-01")'
    page.select_option('#bench-form [name=pathway]', 'exam')
    page.click('#bench-form button')
    page.wait_for_selector('#unsaved-warning:visible')
    shot(page, 'dmn_editor_refused')
    with app.app_context():
        assert draft_of(zj(), DMN, 'credit_hours') is None
