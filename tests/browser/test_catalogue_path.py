"""A real browser: province staff add a pathway in 流程与规则 › 认定类型目录 only through the pages and publish it; a
learner on a 390 px wide phone picks it on the claim form, reads its rule, cap and evidence, and saves a claim."""
import os

import pytest

from ..people import ZHANG_WEI
from .test_claim_path import CHROMIUM, log_in, log_out, shot

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not os.path.exists(CHROMIUM) and not os.environ.get('CI'),
                                 reason='Debian chromium not installed (bin/test installs it)')]


def test_staff_add_and_publish_a_pathway_then_a_learner_claims_it_on_a_phone(live_server, page):
    from webapp.dates import today
    year = today().year
    base = live_server
    log_in(page, base, 'shengji')
    page.click('text=流程与规则')
    page.click('#catalogue-link')
    page.click('#add-pathway')
    page.fill('#code', 'mentoring')
    page.fill('#label', '指导青年专业技术人员')
    page.select_option('#unit', '半天')
    page.fill('#sub_types', '带教\n师徒结对')
    page.check('#level-provincial')
    page.fill('#cap', '24')
    page.fill('#rule', '指导青年专业技术人员，每半天可认定登记4个学时。')
    page.fill('#evidence', '带教协议、考核记录')
    shot(page, 'catalogue-1-pathway-form')
    page.click('#save-pathway')
    page.wait_for_selector('text=已保存到草稿')
    assert page.locator('#pathway-list tr[data-code=mentoring]').count() == 1
    page.fill('#comment', '新增指导青年专业技术人员')
    page.check('#confirm')
    shot(page, 'catalogue-2-draft')
    page.click('#publish-catalogue')
    page.wait_for_selector('text=已发布认定类型目录第 2 版')
    log_out(page)

    page.set_viewport_size({'width': 390, 'height': 844})
    log_in(page, base, ZHANG_WEI)
    page.goto(f'{base}/claims/new')
    rule = page.locator('.pathway-rule[data-pathway=mentoring]')
    assert not rule.is_visible()
    page.select_option('#pathway', 'mentoring')
    rule.wait_for(state='visible')
    text = rule.inner_text()
    assert '每半天可认定登记4个学时' in text and '带教协议、考核记录' in text and '还可登记 24 学时' in text
    assert page.locator('.pathway-rule[data-pathway=training]').is_hidden()
    page.select_option('#sub_type', '带教')
    page.select_option('#level', 'provincial')
    page.fill('#title', '青年工程师带教（省级）')
    page.fill('#start_date', f'{year}-04-01')
    page.fill('#end_date', f'{year}-04-02')
    page.fill('#applied_hours', '16')
    page.check('#pledge')
    assert page.evaluate('document.documentElement.scrollWidth') <= 390  # no sideways scrolling on a phone
    shot(page, 'catalogue-3-claim-form-390')
    page.click('button:has-text("保存")')
    page.wait_for_selector('text=已保存为待提交')
    assert '指导青年专业技术人员' in page.content()
    page.goto(f'{base}/certificates/progress')
    assert '指导青年专业技术人员' in page.locator('#by-pathway').inner_text()
    assert page.evaluate('document.documentElement.scrollWidth') <= 390
    shot(page, 'catalogue-4-progress-390')
