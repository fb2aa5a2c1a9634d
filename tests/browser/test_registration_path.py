"""Browser: a professional registers under 浙江交通工程建设集团有限公司 (found with the unit search), the login says the
account is under review, jtjt_admin approves it in 待我处理 · 注册审核, and the professional logs in."""
from .test_claim_path import log_in, log_out, pytestmark, shot, wait_for_captcha  # noqa: F401 (the marks)
from ..workflow.test_registration_process import PASSWORD, new_id

JT = '浙江交通工程建设集团有限公司'


def fill_login(page, base, username, password):
    page.goto(f'{base}/login')
    page.fill('#username', username)
    page.fill('#password', password)
    page.fill('#captcha', 'TEST')
    wait_for_captcha(page)
    page.click('button[type=submit]')


def test_learner_registers_unit_admin_approves_learner_logs_in(live_server, page):
    base = live_server
    id_number = new_id(7)
    page.goto(f'{base}/login')
    page.click('#register-links a:text-is("注册")')
    page.click('#register-kinds a:text-is("专业技术人员注册")')
    page.fill('#unit_id-q', '交通工程')
    page.click('.unit-search')
    page.click(f'.unit-option:has-text("{JT}")')
    page.wait_for_selector(f'#unit_id-chosen:has-text("{JT}")')
    page.fill('#name', '赵六')
    page.fill('#id_number', id_number)
    page.fill('#phone', '13812345678')
    page.fill('#email', 'zhaoliu@example.com')
    page.fill('#password', PASSWORD)
    page.fill('#confirm', PASSWORD)
    page.fill('#captcha', 'TEST')
    wait_for_captcha(page)
    shot(page, 'reg-1-learner-form')
    page.click('button:has-text("提交注册")')
    page.wait_for_selector(f'text=注册信息已提交，等待“{JT}”审核')

    fill_login(page, base, id_number, PASSWORD)
    page.wait_for_selector('#pending-notice:has-text("您的账号正在审核中")')
    shot(page, 'reg-2-pending-login')

    log_in(page, base, 'jtjt_admin')
    page.goto(f'{base}/inbox/?kind=registration')
    page.click('text=注册 · 专业技术人员')
    assert '*****' + id_number[-4:] in page.inner_text('#id-number')
    page.check('#decision-form input[value=approve]')
    shot(page, 'reg-3-unit-admin-review')
    page.click('#decision-form button[type=submit]')
    page.wait_for_selector('text=已通过注册')
    page.wait_for_selector('#registration-status:has-text("已注册")')
    log_out(page)

    fill_login(page, base, id_number, PASSWORD)
    page.wait_for_url(lambda url: '/login' not in url)
    assert '赵六' in page.content()
    shot(page, 'reg-4-learner-logged-in')


def test_learner_proposes_her_missing_unit_and_the_supervisor_sees_who_proposed_it(live_server, page, tmp_path):
    from ..workflow.test_registration_process import new_code, png
    base, proposer, contact = live_server, new_id(311), new_id(312)
    licence = tmp_path / 'licence.png'
    licence.write_bytes(png())
    page.goto(f'{base}/register/learner')
    page.fill('#unit_id-q', '新港物流')
    page.click('.unit-search')
    page.wait_for_selector('.unit-results:has-text("没有找到匹配的单位")')
    page.click('#propose-link:text-is("找不到单位？推荐单位注册")')
    page.fill('#proposer_name', '钱九')
    page.fill('#proposer_id_number', proposer)
    page.fill('#proposer_phone', '13912345678')
    page.fill('#parent_org_id-q', '运输厅')
    page.click('.unit-search')
    page.click('.unit-option:has-text("浙江省交通运输厅")')
    page.fill('#org_name', '浙江新港物流有限公司')
    page.fill('#credit_code', new_code(311))
    page.select_option('#nature', '民营企业')
    page.select_option('#level', '市级')
    page.select_option('#industry', '交通运输')
    page.select_option('#hr_org_id', label='杭州市人力资源和社会保障局（浙江省专业技术人员继续教育学时办）')
    page.fill('#org_phone', '0574-88888888')
    page.set_input_files('#licence', str(licence))
    page.fill('#name', '孙七')
    page.fill('#id_number', contact)
    page.fill('#phone', '13812340000')
    page.fill('#captcha', 'TEST')
    wait_for_captcha(page)
    shot(page, 'propose-1-form')
    page.click('button:has-text("提交推荐")')
    page.wait_for_selector('text=推荐已提交，推荐编号')
    shot(page, 'propose-2-submitted')

    log_in(page, base, 'jiaotong')
    page.goto(f'{base}/inbox/?kind=registration')
    page.click('text=学员钱九推荐')
    assert '由学员 钱九' in page.inner_text('#proposed-by') and proposer not in page.content()
    assert page.inner_text('#registration-hr') == '杭州市人力资源和社会保障局'   # the 同级人社部门 chosen
    shot(page, 'propose-3-supervisor-detail')
