"""A large rule impact preview in a real browser: the page queues it, shows a progress bar, and shows the result by
itself once the worker has replayed the claims."""
from models import db
from webapp.rollout import jobs

from ..helpers import year
from ..rollout.test_impact import small_year
from .test_claim_path import log_in, pytestmark, shot  # noqa: F401 (the marks apply here too)


def test_the_job_page_shows_progress_and_then_the_result(app_and_server, page):
    app, base = app_and_server
    app.config['ROLLOUT_SYNC_CLAIMS'] = 4  # the year has 5 approved claims: the worker does it
    with app.app_context():
        _claims, draft = small_year()
        db.session.commit()
        draft_version = draft.version
    log_in(page, base, 'shengji')
    page.goto(f'{base}/rollout/impact')
    page.select_option('#version', label=f'第 {draft_version} 版（草稿） 8 h/day')
    page.select_option('#year', str(year()))
    page.click('#impact-form button[type=submit]')
    page.wait_for_url('**/rollout/jobs/*')
    assert '排队中' in page.inner_text('#job-summary')
    assert page.inner_text('#progress-bar').strip() == '0 / 5'
    shot(page, 'impact_job_queued')
    with app.app_context():
        assert jobs.run_pending() == 1  # what `flask worker` does
    page.wait_for_selector('#impact-summary')  # the page polled, saw the job done, and reloaded itself
    assert page.inner_text('#progress-bar').strip() == '5 / 5'
    assert '其中 3 条的折算学时将改变，合计差额 +14 学时' in page.inner_text('#impact-summary')
    assert page.locator('#changed-claims tbody tr').count() == 3
    shot(page, 'impact_job_done')
