"""Province jobs too big for one request — an impact preview over a large year, a large migration batch: queued here,
worked off by `flask worker` (SKIP LOCKED: one worker per job), their progress kept in the row for the page to poll."""
from typing import Optional


from models import ProcessVersion, RolloutJob, db, utcnow
from models.imports import DONE, PENDING
from models.people import Membership
from models.workbench import IMPACT, MIGRATION

from .. import audit, timers
from ..i18n import _l
from ..refusals import Refused
from . import impact, migration


def queue_impact(m: Membership, version: ProcessVersion, year: int) -> RolloutJob:
    job = RolloutJob(kind=IMPACT, membership_id=m.id, params={'version_id': version.id, 'year': year},
                     status=PENDING, total=impact.count(year, m.org_id), done=0)
    db.session.add(job)
    db.session.flush()
    return job


def queue_migration(m: Membership, source_id: int, target_id: int, instance_ids: list[int]) -> RolloutJob:
    migration.versions_to_migrate(m, source_id, target_id)  # refuse now what the worker would refuse later
    job = RolloutJob(kind=MIGRATION, membership_id=m.id, status=PENDING, total=len(instance_ids), done=0,
                     params={'source_id': source_id, 'target_id': target_id, 'instance_ids': instance_ids})
    db.session.add(job)
    db.session.flush()
    audit.log('rollout_job', job.id, '提交迁移任务', m, f'{len(instance_ids)} 个流程实例')
    return job


def job_for(m: Membership, job_id: int) -> Optional[RolloutJob]:
    """The job if it belongs to the member's province, else None."""
    job = db.session.get(RolloutJob, job_id)
    return job if job is not None and job.membership.org_id == m.org_id else None


def outcomes(job: RolloutJob) -> list[migration.Outcome]:
    return [migration.Outcome(**o) for o in (job.result or {}).get('outcomes', [])]


def _run(job: RolloutJob, lease: timers.Lease) -> None:
    m = job.membership

    def report(done: int, total: int) -> None:  # commit, so the page (another process) sees it
        lease.renew(job)  # still ours (else LeaseLost: the worker that took it over goes on), a fresh heartbeat
        job.done, job.total = done, total
        db.session.commit()

    if job.kind == IMPACT:  # a preview taken over from a dead worker starts again: it changes nothing
        version = db.session.get(ProcessVersion, job.params['version_id'])
        if version is None:
            raise impact.ImpactError(_l('折算表版本不存在'))
        job.result = impact.preview(version, job.params['year'], m.org_id, progress=report).to_json()
    else:  # a migration carries on after the instances already done: their outcomes are committed one by one
        previous = outcomes(job)
        ids = job.params['instance_ids'][len(previous):]

        def report_outcomes(done: list[migration.Outcome]) -> None:
            job.result = {'outcomes': [vars(o) for o in previous + done]}
            report(len(previous) + len(done), len(job.params['instance_ids']))

        if ids:
            migration.migrate(m, job.params['source_id'], job.params['target_id'], ids, progress=report_outcomes)
    job.done, job.status, job.finished_at = job.total, DONE, utcnow()
    db.session.commit()


def run_pending() -> int:
    """`flask worker`: take the oldest waiting job and work it off; a refusal or a crash fails that job only."""
    return timers.work_one(RolloutJob, _run, (Refused,))


timers.register_background(run_pending)
