"""Large impact previews and migration batches run in `flask worker`: the page queues a job, shows its progress, and
shows the same result the request would have given once the worker is done."""
import io
import re
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, text

from models import FlowLog, RolloutJob, WorkflowInstance, db, utcnow
from webapp.claims import operations as ops
from webapp.rollout import impact, jobs, migration

from ..helpers import claim_input, year
from ..people import LI_NA, ZHANG_WEI, login, membership
from .test_impact import small_year, with_training
from .test_migration import versions


def _job_id(response) -> int:
    assert response.status_code == 302 and '/rollout/jobs/' in response.location, response.status_code
    return int(response.location.rsplit('/', 1)[1])


def test_a_large_preview_is_queued_and_its_page_shows_progress_then_the_result(ctx, client):
    (a, *_), draft = small_year()
    y, draft_id = year(), draft.id
    db.session.commit()
    ctx.config['ROLLOUT_SYNC_CLAIMS'] = 4  # the year has 5 approved claims: too many to answer in the request
    login(client, 'shengji')
    job_id = _job_id(client.get(f'/rollout/impact?version={draft_id}&year={y}'))
    page = client.get(f'/rollout/jobs/{job_id}').get_data(as_text=True)
    assert '排队中' in page and 'id="progress-bar"' in page and '0 / 5' in page
    assert client.get(f'/rollout/jobs/{job_id}/progress').json == {'status': 'pending', 'total': 5, 'done': 0,
                                                                   'error': None}
    assert jobs.run_pending() == 1 and jobs.run_pending() == 0
    assert client.get(f'/rollout/jobs/{job_id}/progress').json['status'] == 'done'
    page = client.get(f'/rollout/jobs/{job_id}').get_data(as_text=True)
    assert '5 / 5' in page and '5 条已通过的登记，其中 3 条的折算学时将改变，合计差额 +14 学时' in page
    rows = list(load_workbook(io.BytesIO(client.get(f'/rollout/jobs/{job_id}/export').data)).active
                .iter_rows(values_only=True))
    assert sorted((r[4], r[6], r[7], r[8]) for r in rows[1:]) == [('A', 18, 24, 6), ('B', 30, 36, 6), ('E', 14, 16, 2)]


@pytest.mark.committing  # another connection reads the progress
def test_progress_is_committed_while_the_preview_runs(ctx, monkeypatch):
    """Another process (the web worker answering the page's poll) sees the count grow during the run."""
    (a, *_), draft = small_year()
    job_id = jobs.queue_impact(membership('shengji'), draft, year()).id
    db.session.commit()
    seen = []
    real_hours = impact.Matcher.hours

    def hours_and_look(self, *args):
        with db.engine.connect() as other:
            seen.append(other.execute(text('select done from rollout_job where id = :id'), {'id': job_id}).scalar())
        return real_hours(self, *args)

    monkeypatch.setattr(impact, 'PROGRESS_EVERY', 2)
    monkeypatch.setattr(impact.Matcher, 'hours', hours_and_look)
    jobs.run_pending()
    assert sorted(set(seen)) == [0, 2, 4]
    assert db.session.get(RolloutJob, job_id).done == 5


def test_a_job_the_worker_must_refuse_fails_with_its_reason(ctx, client):
    (a, *_), draft = small_year()
    job = jobs.queue_impact(membership('shengji'), draft, year())
    job.params = {'version_id': 0, 'year': year()}  # the version is gone by the time the worker gets to it
    db.session.commit()
    jobs.run_pending()
    login(client, 'shengji')
    page = client.get(f'/rollout/jobs/{job.id}').get_data(as_text=True)
    assert '任务失败' in page and '折算表版本不存在' in page


def test_a_large_migration_batch_runs_in_the_worker_and_every_move_is_logged(ctx, client):
    first = ops.create_claim(membership(ZHANG_WEI, 'learner'), claim_input())
    second = ops.create_claim(membership(LI_NA, 'learner'), claim_input())
    v1, v2 = versions()
    ids = [first.instance_id, second.instance_id]
    source, target = v1.id, v2.id
    db.session.commit()
    ctx.config['ROLLOUT_SYNC_INSTANCES'] = 1
    login(client, 'shengji')
    form = {'source': source, 'target': target, 'instance_id': [str(i) for i in ids]}
    job_id = _job_id(client.post('/rollout/migrate', data=form))
    assert db.session.get(WorkflowInstance, ids[0]).process_version_id == source  # nothing moved yet
    assert jobs.run_pending() == 1
    db.session.expire_all()
    assert [db.session.get(WorkflowInstance, i).process_version_id for i in ids] == [target, target]
    page = client.get(f'/rollout/jobs/{job_id}').get_data(as_text=True)
    assert '已迁移 2 个流程实例，0 个未迁移' in page and page.count('已迁移至 v2') == 2
    actions = db.session.scalars(select(FlowLog.action).where(FlowLog.subject_type.in_(
        ['workflow_instance', 'rollout_job']))).all()
    assert actions.count('迁移流程版本') == 2 and '提交迁移任务' in actions


def test_jobs_are_for_the_province_only(ctx, app):
    (a, *_), draft = small_year()
    job_id = jobs.queue_impact(membership('shengji'), draft, year()).id
    db.session.commit()
    unit_admin = login(app.test_client(), 'jtjt_admin')
    assert unit_admin.get(f'/rollout/jobs/{job_id}').status_code == 403
    assert unit_admin.get(f'/rollout/jobs/{job_id}/progress').status_code == 403
    province = login(app.test_client(), 'shengji')
    assert province.get(f'/rollout/jobs/{job_id}').status_code == 200
    assert province.get(f'/rollout/jobs/{job_id + 1}').status_code == 404


def test_a_crashing_job_fails_alone_and_the_next_one_still_runs(ctx, monkeypatch):
    (a, *_), draft = small_year()
    province = membership('shengji')
    first, second = jobs.queue_impact(province, draft, year()).id, jobs.queue_impact(province, draft, year()).id
    db.session.commit()
    real_preview = impact.preview
    monkeypatch.setattr(impact, 'preview', lambda *args, **kw: 1 / 0)
    assert jobs.run_pending() == 1
    monkeypatch.setattr(impact, 'preview', real_preview)
    assert jobs.run_pending() == 1
    crashed, fine = db.session.get(RolloutJob, first), db.session.get(RolloutJob, second)
    assert (crashed.status, crashed.error) == ('failed', '后台任务出错（已记入日志），请稍后重试或联系技术支持')
    assert fine.status == 'done' and fine.result['claims'] == 5


def test_a_migration_whose_worker_died_carries_on_after_the_instances_it_moved(ctx):
    first = ops.create_claim(membership(ZHANG_WEI, 'learner'), claim_input())
    second = ops.create_claim(membership(LI_NA, 'learner'), claim_input())
    v1, v2 = versions()
    province = membership('shengji')
    ids = [first.instance_id, second.instance_id]
    job = jobs.queue_migration(province, v1.id, v2.id, ids)
    # the first worker moved the first instance, committed its outcome and died
    done = migration.migrate(province, v1.id, v2.id, ids[:1])
    job.status, job.done, job.result = 'running', 1, {'outcomes': [vars(o) for o in done]}
    job.heartbeat_at = utcnow() - timedelta(minutes=11)
    db.session.commit()
    assert jobs.run_pending() == 1
    db.session.refresh(job)
    assert (job.status, job.done) == ('done', 2)
    assert [(o.instance_id, o.migrated) for o in jobs.outcomes(job)] == [(ids[0], True), (ids[1], True)]
    moves = db.session.scalars(select(FlowLog.subject_id).where(FlowLog.action == '迁移流程版本')).all()
    assert sorted(moves) == sorted(ids)  # each instance moved (and logged) once


def test_a_job_keeps_the_summary_and_pages_the_changed_claims_from_the_database(ctx, client, monkeypatch):
    """The worker stores the summary and the changed claims' ids only (not every changed claim in full, which made a
    year of 430k claims a 98 MB result); the page lists them a page at a time, read back from the claims, and the
    export still has all of them. A draft saved again after the preview changes neither the list nor the export."""
    (a, *_), draft = small_year()
    y, draft_id = year(), draft.id
    db.session.commit()
    ctx.config['ROLLOUT_SYNC_CLAIMS'] = 4
    monkeypatch.setattr(impact, 'CHANGED_PER_PAGE', 2)
    monkeypatch.setattr(impact, 'CHUNK', 2)  # the claims are read two at a time: the summary is the same
    login(client, 'shengji')
    job_id = _job_id(client.get(f'/rollout/impact?version={draft_id}&year={y}'))
    assert jobs.run_pending() == 1
    job = db.session.get(RolloutJob, job_id)
    assert 'changed' not in job.result and impact.Impact.from_json(job.result).changed == 3  # ids, not claims
    draft.content = with_training(9)  # saved again since: the job's result keeps the table it previewed
    db.session.commit()
    first = client.get(f'/rollout/jobs/{job_id}').get_data(as_text=True)
    assert '5 条已通过的登记，其中 3 条的折算学时将改变，合计差额 +14 学时' in first
    assert '1 / 2（共 3 条）' in first and f'/rollout/jobs/{job_id}?page=2' in first
    second = client.get(f'/rollout/jobs/{job_id}?page=2').get_data(as_text=True)
    listed = [re.findall(r'<td>([ABCDE])</td>', html) for html in (first, second)]
    assert sorted(listed[0] + listed[1]) == ['A', 'B', 'E'] and len(listed[0]) == 2
    assert '2 / 2（共 3 条）' in second
    rows = list(load_workbook(io.BytesIO(client.get(f'/rollout/jobs/{job_id}/export').data)).active
                .iter_rows(values_only=True))
    assert sorted((r[4], r[6], r[7], r[8]) for r in rows[1:]) == [('A', 18, 24, 6), ('B', 30, 36, 6), ('E', 14, 16, 2)]


def test_the_page_answering_in_the_request_pages_the_changed_claims_too(ctx, client, monkeypatch):
    (a, *_), draft = small_year()
    y, draft_id = year(), draft.id
    db.session.commit()
    monkeypatch.setattr(impact, 'CHANGED_PER_PAGE', 2)
    login(client, 'shengji')
    pages = [client.get(f'/rollout/impact?version={draft_id}&year={y}&page={n}').get_data(as_text=True)
             for n in (1, 2)]
    assert all('其中 3 条的折算学时将改变' in page for page in pages)
    listed = [re.findall(r'<td>([ABCDE])</td>', page) for page in pages]
    assert sorted(listed[0] + listed[1]) == ['A', 'B', 'E'] and len(listed[0]) == 2
