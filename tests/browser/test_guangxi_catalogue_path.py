"""广西 end to end in a real browser, only through the pages: its province staff (gx_shengji) add a pathway counted
in 半天 with two sub-types to 流程与规则 › 认定类型目录 and publish it, give it rows in the credit table with the label
pickers (自治区级 4 学时, 设区市级 3 学时 per half-day), keep a test case and publish; 黄秋梦 files a claim on it, reads
its rule and finds the hours pre-filled (half-days × hours per half-day), submits; her college's admin approves and,
广西 being one tier (seed 001: 点击通过，专业技术人员获得相应学时), the hours count at once in her 培训总体查询."""
from decimal import Decimal

from webapp.dates import today

from .helpers import confirm
from .test_claim_path import log_in, log_out, pytestmark, shot  # noqa: F401 (the marks apply here too)
from .test_dmn_editor_path import type_into_cell
from .test_dmn_pickers import cell, pick

HUANG_QIUMENG = '450102199003150024'  # 广西大学 · 土木建筑工程学院; her college's admin is gxu_tmxy (webapp/cli.py)
LABEL = '岗位实践锻炼'
RULE = '参加自治区级岗位实践锻炼每半天认定4学时，设区市级每半天认定3学时。'
PER_HALF_DAY = {'自治区级': 4, '设区市级': 3}


def add_pathway(page, base):
    page.click('text=流程与规则')
    page.click('#catalogue-link')
    page.click('#add-pathway')
    page.fill('#code', 'gx_practice')
    page.fill('#label', LABEL)
    page.select_option('#unit', '半天')
    page.fill('#sub_types', '挂职锻炼\n驻村帮扶')
    page.check('#level-provincial')
    page.check('#level-municipal')
    page.fill('#rule', RULE)
    page.fill('#evidence', '派出文件、考核鉴定表')
    shot(page, 'gx-catalogue-1-pathway-form')
    page.click('#save-pathway')
    page.wait_for_selector('text=已保存到草稿')
    assert page.locator('#pathway-list tr[data-code=gx_practice]').count() == 1
    page.fill('#comment', '新增岗位实践锻炼（按半天认定）')
    page.check('#confirm')
    page.click('#publish-catalogue')
    page.wait_for_selector('text=已发布认定类型目录第 2 版')  # 广西's catalogue: its shipped version was the first
    shot(page, 'gx-catalogue-2-published')


def add_credit_rows(page):
    """Two rows above the catch-all last row (rule_15), the pathway and level picked by their 广西 labels."""
    page.click('text=流程与规则')
    page.click('#process-list tr[data-key=credit_hours] >> text=编辑')
    page.wait_for_selector('#dmn-editor[data-loaded="1"]')
    rows = []
    for level, hours in PER_HALF_DAY.items():
        page.click(cell('rule_15', 'in_pathway'), button='right')
        page.click('text=在上方添加规则')
        row = page.eval_on_selector('#canvas tbody tr:nth-last-child(2) td[data-row-id]', 'td => td.dataset.rowId')
        assert row not in rows + ['rule_15', 'rule_16']
        pick(page, row, 'in_pathway', LABEL)
        assert page.inner_text(cell(row, 'in_pathway')).strip() == '"gx_practice"'
        pick(page, row, 'in_level', level)
        type_into_cell(page, row, 'in_quantity', '> 0')
        type_into_cell(page, row, 'out_hours', str(hours))
        rows.append(row)
    shot(page, 'gx-catalogue-3-credit-rows')
    page.keyboard.press('Escape')
    page.click('#save-draft')
    page.wait_for_selector('text=草稿已保存（第 2 版草稿），校验通过')
    page.wait_for_selector('#dmn-editor[data-loaded="1"]')
    # the bench and a test case: 自治区级, one half-day
    page.select_option('#bench-form [name=pathway]', label=LABEL)
    page.select_option('#bench-form [name=level]', label='自治区级')
    page.fill('#bench-form [name=quantity]', '1')
    page.click('#bench-form button')
    assert f'每单位学时 = {PER_HALF_DAY["自治区级"]}' in page.inner_text('#bench-result')
    page.fill('#case-name', '自治区级岗位实践锻炼每半天')
    page.click('#case-form button')
    page.wait_for_selector('text=测试用例已保存')
    saved = page.inner_text('#cases tbody tr:has-text("自治区级岗位实践锻炼每半天")')
    assert f'认定类型：{LABEL}' in saved and '级别：自治区级' in saved and '通过' in saved
    page.fill('#publish-form input[name=comment]', '岗位实践锻炼按半天折算')
    page.click('#publish')
    confirm(page, '学时折算表')
    page.wait_for_selector('text=已发布第 2 版')


def professional_total(page, year) -> Decimal:
    page.click('text=培训总体查询')
    row = page.locator(f'#totals tr[data-year="{year}"]')
    return Decimal(row.locator('.professional').inner_text()) if row.count() else Decimal(0)


def test_guangxi_staff_add_a_half_day_pathway_and_its_hours_count_at_the_units_approval(live_server, page):
    year, base = today().year, live_server
    log_in(page, base, 'gx_shengji')
    add_pathway(page, base)
    add_credit_rows(page)
    log_out(page)

    log_in(page, base, HUANG_QIUMENG)
    before = professional_total(page, year)
    page.click('text=新登记培训')
    page.select_option('#pathway', 'gx_practice')
    rule = page.locator('.pathway-rule[data-pathway=gx_practice]')
    rule.wait_for(state='visible')
    assert RULE in rule.inner_text() and '派出文件、考核鉴定表' in rule.inner_text()
    assert [o.strip() for o in page.locator('#sub_type option').all_inner_texts() if o.strip()][-2:] == [
        '挂职锻炼', '驻村帮扶']
    page.select_option('#sub_type', '驻村帮扶')
    page.select_option('#level', label='自治区级')
    page.fill('#title', '自治区驻村帮扶实践锻炼')
    days = 2
    page.fill('#start_date', f'{year}-05-11')
    page.fill('#end_date', f'{year}-05-{10 + days}')
    page.dispatch_event('#end_date', 'change')
    expected = 2 * days * PER_HALF_DAY['自治区级']  # half-days × hours per half-day, from the published row
    page.wait_for_function(f"() => document.querySelector('#applied_hours').value === '{expected}'")
    assert page.input_value('#quantity') == str(2 * days)
    page.check('#pledge')
    shot(page, 'gx-catalogue-4-claim-form')
    page.click('button:has-text("保存")')
    page.wait_for_selector('text=已保存为待提交')
    page.click('#submit-form button[type=submit]')
    page.wait_for_selector('.status-label:has-text("待初审")')
    log_out(page)

    log_in(page, base, 'gxu_tmxy')
    page.click('text=自治区驻村帮扶实践锻炼')
    page.check('#review-form input[value=approve]')
    assert page.input_value('#review-form #hours') in ('', str(expected))
    page.fill('#review-form #hours', str(expected))
    shot(page, 'gx-catalogue-5-unit-review')
    page.click('#review-form button[type=submit]')
    page.wait_for_selector('text=已处理，当前状态：通过认定')  # no 主管部门 step in 广西
    log_out(page)

    log_in(page, base, HUANG_QIUMENG)
    assert professional_total(page, year) == before + expected
    shot(page, 'gx-catalogue-6-learner-total')
