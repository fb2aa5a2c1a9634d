"""Moving running instances of a process onto another version: a check per instance, then one batch where each
instance migrates in its own savepoint (one refusal never undoes the others)."""
from dataclasses import dataclass
from typing import Callable, Optional

from flask_babel import gettext as _
from sqlalchemy import select

from models import ProcessVersion, WorkflowInstance, db
from models.workflow import BPMN, PUBLISHED
from models.people import Membership

from .. import audit
from ..formatting import format_version_status
from ..i18n import _l
from ..refusals import Refused
from ..workflow import runtime


class MigrationError(Refused):
    """Refused; nothing was migrated."""


@dataclass
class Check:
    instance: WorkflowInstance
    problems: list[str]

    @property
    def movable(self) -> bool:
        return not self.problems


@dataclass
class Outcome:
    instance_id: int
    migrated: bool
    message: str  # plain text: a job keeps its outcomes as JSON


def process_versions(province_id: int, key: str) -> list[ProcessVersion]:
    return list(db.session.scalars(select(ProcessVersion).where(
        ProcessVersion.province_id == province_id, ProcessVersion.kind == BPMN, ProcessVersion.key == key)
        .order_by(ProcessVersion.version.desc())))


def province_of(instance: WorkflowInstance) -> Optional[int]:
    """The province whose staff manage the instance: the one whose version it runs on (each province's subjects
    start on its own versions)."""
    return instance.process_version.province_id


def running(version: Optional[ProcessVersion], province_id: int) -> list[WorkflowInstance]:
    mine = select(ProcessVersion.id).where(ProcessVersion.province_id == province_id)
    query = select(WorkflowInstance).where(WorkflowInstance.is_completed.is_(False),
                                           WorkflowInstance.process_version_id.in_(mine))
    if version is not None:
        query = query.where(WorkflowInstance.process_version_id == version.id)
    return list(db.session.scalars(query.order_by(WorkflowInstance.id)))


def instance_for(m: Membership, instance_id: int) -> Optional[WorkflowInstance]:
    """The instance if the province member may see it, else None."""
    instance = db.session.get(WorkflowInstance, instance_id)
    return instance if instance is not None and province_of(instance) == m.org_id else None


def versions_to_migrate(m: Membership, source_id: int, target_id: int) -> tuple[ProcessVersion, ProcessVersion]:
    source, target = db.session.get(ProcessVersion, source_id), db.session.get(ProcessVersion, target_id)
    if source is None or target is None or source.kind != BPMN or target.kind != BPMN \
            or source.province_id != m.org_id or target.province_id != m.org_id:
        raise MigrationError(_l('流程版本不存在'))
    if source.key != target.key:
        raise MigrationError(_l('只能在同一流程的版本之间迁移'))
    if source.id == target.id:
        raise MigrationError(_l('原版本与目标版本相同'))
    # Only onto what was validated and published for new instances: a draft may be broken or change under them.
    if target.status != PUBLISHED or target.version < source.version:
        raise MigrationError(_l('只能迁移到当前发布的更新版本（第 %(version)s 版是%(status)s版本）',
                                version=target.version, status=format_version_status(target.status)))
    return source, target


def check(m: Membership, source_id: int, target_id: int) -> list[Check]:
    """Per running instance of the source version: can it move to the target, and if not, why."""
    source, target = versions_to_migrate(m, source_id, target_id)
    return [Check(i, runtime.migration_problems(i, target)) for i in running(source, m.org_id)]


def migrate(m: Membership, source_id: int, target_id: int, instance_ids: list[int],
            progress: Optional[Callable[[list[Outcome]], None]] = None) -> list[Outcome]:
    """Migrate the chosen instances, each in a savepoint; returns a result per instance. *progress(outcomes)* is
    called after each instance with the outcomes so far."""
    source, target = versions_to_migrate(m, source_id, target_id)
    if not instance_ids:
        raise MigrationError(_l('请选择要迁移的流程实例'))
    allowed = {i.id for i in running(source, m.org_id)}
    outcomes = []
    for instance_id in instance_ids:
        if instance_id not in allowed:
            outcomes.append(Outcome(instance_id, False, _('不是原版本上运行中的流程实例')))
            continue
        savepoint = db.session.begin_nested()
        try:
            runtime.migrate(instance_id, target)
            audit.log('workflow_instance', instance_id, '迁移流程版本', m, f'v{source.version} → v{target.version}')
            db.session.flush()
        except runtime.WorkflowError as exc:
            savepoint.rollback()
            outcomes.append(Outcome(instance_id, False, str(exc)))
        else:
            savepoint.commit()
            outcomes.append(Outcome(instance_id, True, _('已迁移至 v%(version)s', version=target.version)))
        if progress is not None:
            progress(outcomes)
    return outcomes
