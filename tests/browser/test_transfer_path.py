"""A real browser does a learner's transfer (单位调转): search and choose the new unit, the old unit approves the
transfer out, the new unit the transfer in; she then appears in the new unit's staff list."""
from ..people import ZHANG_WEI
from .helpers import confirm
from .test_claim_path import log_in, log_out, pytestmark, shot  # noqa: F401 (the marks apply here too)

HZ = '杭州市城建设计研究院'
CHANGE = ('superior_change', f'更换上级部门 · {HZ}')  # the inbox tab and the row's title


def approve_from_inbox(page, base, who, task, kind='transfer', title='单位调转'):
    log_in(page, base, who)
    page.goto(f'{base}/inbox/?kind={kind}')
    page.click(f'#inbox-table a:has-text("{title}")')
    page.wait_for_selector(f'text={task}')
    page.check('#decision-form input[value=approve]')
    page.click('#decision-form button')
    page.wait_for_selector('text=审核完成')


def test_learner_transfer_with_both_approvals_in_a_browser(live_server, page):
    base = live_server
    log_in(page, base, ZHANG_WEI)
    page.click('nav >> text=单位调转')
    page.fill('#q', '杭州')
    page.click('#unit-search button')
    page.check(f'#transfer-form label:has-text("{HZ}")')
    page.fill('#reason', '工作调动')
    page.click('#transfer-form button')
    confirm(page, '确定提交转出申请')
    page.wait_for_selector('#transfer-status .status-label:has-text("待原单位审核")')
    shot(page, 'transfer-1-requested')
    log_out(page)

    approve_from_inbox(page, base, 'jtjt_admin', '原单位审核转出')
    page.wait_for_selector('#transfer-status .status-label:has-text("待新单位审核")')
    log_out(page)

    approve_from_inbox(page, base, 'hzcj_admin', '新单位审核转入')
    page.wait_for_selector('#transfer-status .status-label:has-text("已调入")')
    assert page.is_visible('#flow-log >> text=调转完成')
    shot(page, 'transfer-2-transferred')
    page.click('nav >> text=人员管理')
    page.wait_for_selector('text=张伟')
    log_out(page)

    log_in(page, base, ZHANG_WEI)
    page.click('nav >> text=单位调转')
    assert page.inner_text('#current-unit') == HZ
    assert page.is_visible('#transfers-table >> text=已调入')


def test_the_unit_search_pages_past_the_first_ten(app_and_server, page):
    from models import Organisation, db
    app, base = app_and_server
    with app.app_context():
        parent = db.session.query(Organisation).filter_by(name='浙江省住房和城乡建设厅').one()
        db.session.add_all(Organisation(kind='unit', name=f'测试单位{seq:02d}', parent_id=parent.id)
                           for seq in range(12))
        db.session.commit()
    log_in(page, base, ZHANG_WEI)
    page.click('nav >> text=单位调转')
    page.fill('#q', '测试单位')
    page.click('#unit-search button')
    assert page.locator('#transfer-form .form-check').count() == 10
    page.click('#unit-pager >> text=下一页')
    page.check('#transfer-form label:has-text("测试单位11")')
    page.fill('#reason', '工作调动')
    shot(page, 'transfer-3-second-page')
    page.click('#transfer-form button')
    confirm(page, '确定提交转出申请')
    page.wait_for_selector('#transfer-status .status-label:has-text("待原单位审核")')
    assert page.is_visible('text=测试单位11')


def test_a_unit_changes_its_hr_office_with_both_approvals_in_a_browser(live_server, page):
    """更换上级部门, 机构类型 同级人社部门: 杭州市城建设计研究院 names 杭州市人社局 and asks for the 人社厅; the 人社局
    approves, then the 人社厅; 单位信息 shows the new 同级人社部门."""
    base, renshe = live_server, '浙江省人力资源和社会保障厅'
    log_in(page, base, 'hzcj_admin')
    page.click('nav >> text=人员调转')
    page.click('text=更换上级部门')
    page.select_option('#kind', 'hr')
    page.fill('#q', '人力资源')
    page.click('#unit-search button')
    page.check(f'#superior-form label:has-text("{renshe}")')
    page.fill('#reason', '归口省厅管理')
    shot(page, 'hr-change-1-chosen')
    page.click('#superior-form button')
    confirm(page, '确定提交更换上级部门申请')
    page.wait_for_selector('#change-status .status-label:has-text("待原人社部门审核")')
    log_out(page)

    approve_from_inbox(page, base, 'hz_renshe', '原同级人社部门审核', *CHANGE)
    page.wait_for_selector('#change-status .status-label:has-text("待新人社部门审核")')
    log_out(page)
    approve_from_inbox(page, base, 'renshe', '新同级人社部门审核', *CHANGE)
    page.wait_for_selector('#change-status .status-label:has-text("已更换")')
    assert page.is_visible('#flow-log >> text=同级人社部门：杭州市人力资源和社会保障局 → 浙江省人力资源和社会保障厅')
    shot(page, 'hr-change-2-approved')
    log_out(page)

    log_in(page, base, 'hzcj_admin')
    page.goto(f'{base}/unit/info')
    assert renshe in page.inner_text('#unit-hr')
    shot(page, 'hr-change-3-unit-info')
