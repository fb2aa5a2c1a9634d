"""A real browser edits the claim diagram in bpmn-js: changes a user task's status label through the form field,
saves the draft, publishes; a new claim then starts on version 2 while a claim under review finishes on version 1."""
from decimal import Decimal

from sqlalchemy import select

from models import Claim, ProcessVersion, WorkflowInstance, db
from models.workflow import DRAFT

from ..helpers import submitted_claim
from ..people import LI_NA, ZHANG_WEI
from ..workflow.test_claim_process import act, supervisor, unit_admin
from .helpers import confirm
from .test_claim_path import log_in, pytestmark, shot  # noqa: F401 (the marks apply here too)


def _version_of(claim_id):
    claim = db.session.get(Claim, claim_id)
    return db.session.get(WorkflowInstance, claim.instance_id).process_version.version


def test_edit_status_label_save_publish_new_claim_on_new_version(app_and_server, page):
    app, base = app_and_server
    with app.app_context():
        old_claim, _item = submitted_claim(ZHANG_WEI)
    log_in(page, base, 'shengji')
    page.click('text=流程与规则')
    page.click('#process-list tr[data-key=claim] >> text=编辑')
    page.wait_for_selector('#bpmn-editor[data-loaded="1"]')
    page.click('.djs-element[data-element-id=unit_review]')
    page.select_option('#field-statusLabel', '等待单位审核')
    shot(page, 'workbench_editor')
    page.click('#save-draft')
    page.wait_for_selector('text=草稿已保存（第 2 版草稿），校验通过')
    page.fill('#publish-form input[name=comment]', '初审状态改为“等待单位审核”')
    page.click('#publish')
    confirm(page, '将发布流程“学时登记”的第 2 版')
    page.wait_for_selector('text=已发布第 2 版')
    shot(page, 'workbench_history')
    with app.app_context():
        new_claim, _item = submitted_claim(LI_NA)
        assert _version_of(new_claim) == 2 and db.session.get(Claim, new_claim).status_label == '等待单位审核'
        assert _version_of(old_claim) == 1 and db.session.get(Claim, old_claim).status_label == '待初审'
        # the old claim finishes on version 1
        claim = db.session.get(Claim, old_claim)
        act(unit_admin(), claim, 'approve', hours=Decimal(18))
        act(supervisor(), claim, 'approve', hours=Decimal(18))
        assert (claim.status_label, claim.outcome, _version_of(old_claim)) == ('通过认定', 'approved', 1)
        db.session.commit()
    page.goto(f'{base}/workbench/')
    assert '第 2 版：1 件' in page.inner_text('#process-list tr[data-key=claim]')


def test_which_review_grants_hours_is_a_checkbox_validated_on_save(app_and_server, page):
    """The review that grants 登记学时 is ticked on the user task (grantsHours); a diagram where an approved claim
    would pass no ticked review is saved as a draft with the problem named, and cannot be published."""
    app, base = app_and_server
    log_in(page, base, 'shengji')
    page.goto(f'{base}/workbench/bpmn/claim/edit')
    page.wait_for_selector('#bpmn-editor[data-loaded="1"]')
    page.click('.djs-element[data-element-id=unit_review]')
    assert not page.is_checked('#field-grantsHours')
    page.click('.djs-element[data-element-id=direct_review]')
    assert page.is_checked('#field-grantsHours')
    page.uncheck('#field-grantsHours')
    shot(page, 'workbench_grants_hours')
    page.click('#save-draft')
    page.wait_for_selector('text=尚有以下问题需修正后才能发布')
    page.wait_for_selector('#problems')
    assert '到达“通过认定”之前没有登记学时的审核步骤' in page.inner_text('#problems')
    page.wait_for_selector('#bpmn-editor[data-loaded="1"]')
    page.click('.djs-element[data-element-id=direct_review]')
    page.check('#field-grantsHours')
    page.click('#save-draft')
    page.wait_for_selector('text=草稿已保存（第 2 版草稿），校验通过')
    with app.app_context():
        draft = db.session.scalar(select(ProcessVersion).where(ProcessVersion.key == 'claim',
                                                               ProcessVersion.status == DRAFT))
        assert draft.content.count('name="grantsHours" value="true"') == 2
