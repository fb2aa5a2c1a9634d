"""The service layer over the engine: one operation = lock the instance, load, act, run engine steps, save,
update the inbox rows. It flushes and never commits; the request boundary (or job runner) commits."""
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable, Optional
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnEvent
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins import EndEventMixin as EndEvent
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.dmn.specs.business_rule_task_mixin import BusinessRuleTaskMixin as BusinessRuleTask
from SpiffWorkflow.util.task import TaskState
from flask_babel import gettext as _
from sqlalchemy import insert, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError

from models import ProcessVersion, WorkflowInstance, WorkItem, db, utcnow
from models.workflow import BPMN, DMN

from ..i18n import _l
from ..refusals import Refused
from .catalog import GRANTS_HOURS, LEGACY_GRANTING_FORMS, PENDING, STATUSES, grants_hours, role_of_lane
from .engine import (SERIALIZER, SERVICE_REQUESTS, STATE_FORMAT, cached_spec, dump_workflow, load_workflow,
                     new_workflow)
from .expressions import budget
from .failures import failed
from .trial import failing_cell
from .validation import cell_name, describe
from .versions import called_decisions, parse_versions, published, published_process
from .wording import names, problems as listed


class WorkflowError(Refused):
    """The engine refuses (no published version, not waiting for that message …); nothing was changed."""


class TaskAlreadyHandled(WorkflowError):
    """Someone else was faster: the task is done already."""

    def __init__(self, message=None):
        super().__init__(_l('该事项已被他人处理，请刷新后查看最新状态') if message is None else message)


@dataclass(frozen=True)
class Listed:
    """What the inbox lists filter a subject's tasks by, kept on each work item (its subject_* columns)."""
    person_id: Optional[int] = None
    year: Optional[int] = None
    pathway: Optional[str] = None
    status: Optional[str] = None


@dataclass(frozen=True)
class Scope:
    """Who may see a task of a given lane: an organisation (and department), or one person; and what the inbox
    lists it by."""
    org_id: Optional[int] = None
    department_id: Optional[int] = None
    user_id: Optional[int] = None
    listed: Listed = Listed()


# (lane, the user task's optional `scope` property) -> Scope. The property tells tasks of one lane apart when they
# belong to different organisations of the same subject (a transfer's old unit and new unit).
ScopeResolver = Callable[[str, str], Scope]


# Service task name -> the Python that carries it out: fn(instance, open work items, parameters). Registered by the
# feature owning it (webapp/reminders.py); diagrams may only name the services in catalog.SERVICE_TASKS.
ServiceHandler = Callable[[WorkflowInstance, list, dict], None]
SERVICE_HANDLERS: dict[str, ServiceHandler] = {}


def register_service(name: str, handler: ServiceHandler) -> None:
    SERVICE_HANDLERS[name] = handler


def learner_and_unit(learner_id: int, unit_id: int, department_id: Optional[int]) -> ScopeResolver:
    """The scope of a learner's request reviewed by her unit: lane learner → her; any other lane → her unit (and
    department, so that a secondary admin sees it)."""
    def resolve(lane: str, scope_key: str = '') -> Scope:
        if lane == 'learner':
            return Scope(user_id=learner_id)
        return Scope(org_id=unit_id, department_id=department_id)
    return resolve


@dataclass
class StepResult:
    status_label: str
    outcome: str
    completed: bool
    data: dict = field(default_factory=dict)


def _props(task_spec) -> dict:
    return getattr(task_spec, 'extensions', {}).get('properties', {})


def _grants(task_spec, props: dict) -> bool:
    """Whether this user task grants 登记学时 (its `grantsHours` property; catalog.grants_hours)."""
    legacy = GRANTS_HOURS not in props and props.get('formKey') in LEGACY_GRANTING_FORMS
    siblings = task_spec._wf_spec.task_specs.values()
    return grants_hours(props, legacy and any(GRANTS_HOURS in _props(t) for t in siblings))


def _parsed(instance: WorkflowInstance):
    cached = cached_spec(instance.spec_hash)
    if cached is not None:
        return cached
    rules = [db.session.get(ProcessVersion, rid) for rid in instance.rule_version_ids]
    parsed = parse_versions(instance.process_version, rules)
    if parsed.spec_hash != instance.spec_hash:
        raise WorkflowError(_l('流程实例所用的流程版本内容已被改动，无法继续，请联系省级管理员'))
    return parsed


def _ready_user_tasks(workflow):
    return workflow.get_tasks(state=TaskState.READY, manual=True)


def _compact_loops(workflow) -> None:
    """Rewind a loop instead of growing the tree: when a user task becomes ready again (return for
    modification, withdraw), reset to its first occurrence. The raw engine breaks after ~141-166 loops."""
    for task in _ready_user_tasks(workflow):
        first = next((a for a in workflow.get_tasks()
                      if a.task_spec is task.task_spec and a is not task and task.is_descendant_of(a)), None)
        if first is not None:
            for dropped in workflow.reset_from_task_id(first.id, data=dict(task.data)):
                workflow.event_manager.remove_task(dropped)
            workflow.do_engine_steps()


def _status(workflow, previous: str) -> tuple[str, bool]:
    if workflow.is_completed():
        for task in workflow.get_tasks(state=TaskState.COMPLETED):
            if isinstance(task.task_spec, EndEvent) and _props(task.task_spec).get('statusLabel'):
                return _props(task.task_spec)['statusLabel'], True
        return previous, True
    ready = _ready_user_tasks(workflow)
    return (_props(ready[0].task_spec).get('statusLabel', previous) if ready else previous), False


def _timer_due(value) -> Optional[datetime]:
    if isinstance(value, dict):  # a cycle timer keeps its next firing in the dict
        value = value.get('next')
    if not value:
        return None
    return TimerEventDefinition.get_datetime(value).astimezone(timezone.utc).replace(tzinfo=None)


def next_timer_at(workflow) -> Optional[datetime]:
    """The earliest due time of the timers the instance waits for (naive UTC, like every stored time)."""
    timers = [e for e in workflow.waiting_events() if 'Timer' in e.event_type or 'TimeDate' in e.event_type]
    dues = [d for d in (_timer_due(e.value) for e in timers) if d is not None]
    return min(dues) if dues else None


def _failed_element(exc: BaseException):
    """The element (or the decision table's cell) the engine was running when *exc* was raised."""
    task = getattr(exc, 'task', None)
    spec = getattr(task, 'task_spec', None) or getattr(exc, 'task_spec', None)
    if spec is None:
        return _l('流程')
    if isinstance(spec, BusinessRuleTask):
        cell = failing_cell(spec.dmnEngine.decision_table, task)
        if cell is not None:
            return cell_name(spec.bpmn_id, cell[0], cell[1])
    return describe(spec)


@contextmanager
def _running(instance: Optional[WorkflowInstance] = None, *, version_id: Optional[int] = None,
             subject_type: str = '', subject_id: int = 0):
    """The engine at work for one operation on *instance* (or, starting one, on the version *version_id* for a
    subject): the diagram failing there (an expression that raises, a timer value it cannot read, a run over the
    budget) is ProcessFailed: the person is told, province staff get an entry (failures.py), and the request saves
    nothing. The version is looked up only then: a step that succeeds costs no query for it."""
    try:
        yield
    except (Refused, SQLAlchemyError):
        raise
    except Exception as exc:
        version = None
        if instance is not None:  # a new one (not stored yet) has only the version's id
            version_id, subject_type, subject_id = (instance.process_version_id, instance.subject_type,
                                                    instance.subject_id)
            version = instance.process_version if instance.id is not None else None
        raise failed(version or db.session.get(ProcessVersion, version_id), _failed_element(exc), exc, subject_type,
                     subject_id, instance.id if instance is not None else None) from exc


def _open_items(instance_id: int) -> list[WorkItem]:
    """The instance's open inbox rows as the database has them now: read after the lock, they say whether a task is
    still waiting (rows already in the session are refreshed, not taken from memory)."""
    return db.session.scalars(select(WorkItem).where(WorkItem.instance_id == instance_id,
                                                     WorkItem.completed_at.is_(None))
                              .execution_options(populate_existing=True)).all()


def _save(instance: WorkflowInstance, workflow, scope_for: ScopeResolver, open_items: Optional[list] = None,
          acted: Optional[WorkItem] = None, user_id: Optional[int] = None, outcome: Optional[str] = None) -> StepResult:
    """Store the instance and bring its inbox rows in line with its ready tasks. *open_items*: its open rows, when
    the caller read them after the lock already (a new instance has none); a new instance is inserted here, with
    its state, instead of inserted empty and updated."""
    with _running(instance):
        workflow.refresh_timers()  # a timer already past (a window that closed before a withdraw) fires now
        workflow.do_engine_steps()
        _compact_loops(workflow)
        label, completed = _status(workflow, instance.status_label)
    instance.state = dump_workflow(workflow)
    instance.status_label = label
    instance.is_completed = completed
    instance.updated_at = utcnow()
    instance.next_timer_at = None if completed else next_timer_at(workflow)
    if instance.id is None:
        db.session.add(instance)
    if open_items is None:
        open_items = _open_items(instance.id)
    ready = {str(t.id): t for t in _ready_user_tasks(workflow)}
    now = utcnow()
    still_open = set()
    for item in open_items:
        if item is acted:
            item.completed_at, item.completed_by_id, item.outcome = now, user_id, outcome
        elif item.task_id not in ready:
            item.completed_at, item.outcome = now, 'cancelled'
        else:
            still_open.add(item.task_id)
    try:
        db.session.flush()  # the instance (its version column: a concurrent save fails here) and the rows done
    except StaleDataError:
        raise TaskAlreadyHandled() from None
    new_items = []
    for task_id, task in ready.items():
        if task_id in still_open:
            continue
        props, lane = _props(task.task_spec), role_of_lane(task.task_spec.lane)
        scope = scope_for(lane, props.get('scope', ''))
        new_items.append(dict(
            instance_id=instance.id, task_id=task_id, task_name=task.task_spec.name,
            task_title=task.task_spec.bpmn_name or task.task_spec.name, form_key=props['formKey'],
            grants_hours=_grants(task.task_spec, props), status_label=props['statusLabel'], lane=lane,
            scope_org_id=scope.org_id,
            scope_department_id=scope.department_id, scope_user_id=scope.user_id,
            subject_type=instance.subject_type, subject_id=instance.subject_id, created_at=now,
            subject_person_id=scope.listed.person_id, subject_year=scope.listed.year,
            subject_pathway=scope.listed.pathway, subject_status=scope.listed.status))
    if new_items:  # rows nobody reads back in this request: no ORM objects for them
        db.session.execute(insert(WorkItem), new_items)
    _run_requested_services(instance)
    data = dict(next(iter(ready.values())).data) if ready else dict(workflow.data)
    return StepResult(label, STATUSES.get(label, PENDING), completed, data)


def _run_requested_services(instance: WorkflowInstance) -> None:
    requests = SERVICE_REQUESTS.get()
    if not requests:
        return
    open_items = db.session.scalars(select(WorkItem).where(
        WorkItem.instance_id == instance.id, WorkItem.completed_at.is_(None)).order_by(WorkItem.id)).all()
    for name, params in requests:
        SERVICE_HANDLERS[name](instance, open_items, params)
    requests.clear()
    db.session.flush()


def _collecting_services(operation):
    """Run *operation* with a fresh list for the service tasks its engine steps request, and one budget for the
    expressions they evaluate (expressions.budget)."""
    def wrapped(*args, **kwargs):
        token = SERVICE_REQUESTS.set([])
        try:
            with budget():
                return operation(*args, **kwargs)
        finally:
            SERVICE_REQUESTS.reset(token)
    wrapped.__name__, wrapped.__doc__ = operation.__name__, operation.__doc__
    return wrapped


@_collecting_services
def start(process_key: str, subject_type: str, subject_id: int, data: dict,
          scope_for: ScopeResolver, province_id: int) -> tuple[WorkflowInstance, StepResult]:
    """Start a new instance on the latest published version of the process of the subject's province."""
    latest = published_process(process_key, province_id)
    if latest is None:
        raise WorkflowError(_l('流程 %(process)s 尚未发布', process=process_key))
    version_id, rule_ids, parsed = latest
    with _running(version_id=version_id, subject_type=subject_type, subject_id=subject_id):
        workflow = new_workflow(parsed)
        workflow.get_next_task(state=TaskState.READY).data.update(data)
        workflow.do_engine_steps()
    instance = WorkflowInstance(process_key=process_key, process_version_id=version_id, rule_version_ids=rule_ids,
                                spec_hash=parsed.spec_hash, state_format=STATE_FORMAT, state='', status_label='',
                                subject_type=subject_type, subject_id=subject_id)
    return instance, _save(instance, workflow, scope_for, open_items=[])


def start_many(process_key: str, subject_type: str, starts: list[tuple[int, dict, ScopeResolver]],
               province_id: int) -> list[tuple[WorkflowInstance, StepResult]]:
    """`start` for many subjects at once (a batch of imported rows), given (subject id, start data, scope resolver)
    each: the published versions are looked up and parsed once, the engine starts each instance on its own (with its
    own budget and service requests), and the instances and their inbox rows are written with one insert each for
    the batch instead of two flushes per instance. Raises as `start` does, at the first subject that fails."""
    process = published(BPMN, process_key, province_id)
    if process is None:
        raise WorkflowError(_l('流程 %(process)s 尚未发布', process=process_key))
    rules = [published(DMN, decision, province_id) for decision in called_decisions(process.content)]
    parsed = parse_versions(process, rules)
    runs = []
    for subject_id, data, scope_for in starts:
        token = SERVICE_REQUESTS.set([])
        try:
            with budget(), _running(version_id=process.id, subject_type=subject_type, subject_id=subject_id):
                workflow = new_workflow(parsed)
                workflow.get_next_task(state=TaskState.READY).data.update(data)
                workflow.do_engine_steps()
                workflow.refresh_timers()  # then as _save does
                workflow.do_engine_steps()
                _compact_loops(workflow)
                label, completed = _status(workflow, '')
            requests = SERVICE_REQUESTS.get()
        finally:
            SERVICE_REQUESTS.reset(token)
        instance = WorkflowInstance(process_key=process_key, process_version=process,
                                    rule_version_ids=[r.id for r in rules], spec_hash=parsed.spec_hash,
                                    state_format=STATE_FORMAT, state=dump_workflow(workflow), status_label=label,
                                    is_completed=completed, subject_type=subject_type, subject_id=subject_id,
                                    next_timer_at=None if completed else next_timer_at(workflow))
        ready = _ready_user_tasks(workflow)
        step = StepResult(label, STATUSES.get(label, PENDING), completed,
                          dict(ready[0].data) if ready else dict(workflow.data))
        runs.append((instance, ready, scope_for, requests, step))
    db.session.add_all([instance for instance, *_rest in runs])
    db.session.flush()  # one INSERT … RETURNING for the batch's instances
    items = []
    for instance, ready, scope_for, _requests, _step in runs:
        for task in ready:
            props, lane = _props(task.task_spec), role_of_lane(task.task_spec.lane)
            scope = scope_for(lane, props.get('scope', ''))
            items.append(dict(
                instance_id=instance.id, task_id=str(task.id), task_name=task.task_spec.name,
                task_title=task.task_spec.bpmn_name or task.task_spec.name, form_key=props['formKey'],
                grants_hours=_grants(task.task_spec, props), status_label=props['statusLabel'], lane=lane,
                scope_org_id=scope.org_id,
                scope_department_id=scope.department_id, scope_user_id=scope.user_id,
                subject_type=subject_type, subject_id=instance.subject_id,
                subject_person_id=scope.listed.person_id, subject_year=scope.listed.year,
                subject_pathway=scope.listed.pathway, subject_status=scope.listed.status))
    if items:
        db.session.execute(insert(WorkItem), items)
    for instance, _ready, _scope_for, requests, _step in runs:
        if requests:
            token = SERVICE_REQUESTS.set(requests)
            try:
                _run_requested_services(instance)
            finally:
                SERVICE_REQUESTS.reset(token)
    return [(instance, step) for instance, _ready, _scope_for, _requests, step in runs]


def lock(instance_id: int) -> WorkflowInstance:
    """Row lock on PostgreSQL (a second reviewer waits, then sees the task done); on SQLite the version column
    makes the second save fail instead."""
    instance = db.session.scalar(select(WorkflowInstance).where(WorkflowInstance.id == instance_id)
                                 .with_for_update().execution_options(populate_existing=True))
    if instance is None:
        raise WorkflowError(_l('流程实例不存在'))
    if instance.state_format != STATE_FORMAT:
        raise WorkflowError(_l('流程实例的存储格式 %(format)s 无法识别', format=instance.state_format))
    return instance


def _load(instance: WorkflowInstance):
    return load_workflow(instance.state, _parsed(instance))


@_collecting_services
def complete(work_item_id: int, user_id: int, data: dict, scope_for: ScopeResolver) -> StepResult:
    """Complete the human task behind an inbox row with the given decision data."""
    item = db.session.get(WorkItem, work_item_id)
    if item is None:
        raise WorkflowError(_l('待办事项不存在'))
    instance = lock(item.instance_id)
    open_items = _open_items(instance.id)  # after the lock: someone faster has completed the task by now
    if item not in open_items:
        raise TaskAlreadyHandled()
    workflow = _load(instance)
    task = workflow.get_task_from_id(UUID(item.task_id))
    if task is None or task.state != TaskState.READY:
        raise TaskAlreadyHandled()
    with _running(instance):
        task.set_data(**data)
        task.run()
        workflow.do_engine_steps()
    return _save(instance, workflow, scope_for, open_items, acted=item, user_id=user_id,
                 outcome=data.get('decision') or data.get('action'))


@_collecting_services
def send_message(instance_id: int, message: str, scope_for: ScopeResolver, payload: Optional[dict] = None,
                 refused: str = _l('当前状态不能执行此操作')) -> StepResult:
    """Deliver a BPMN message (e.g. withdraw_claim); refused unless the process is waiting for it."""
    instance = lock(instance_id)
    workflow = _load(instance)
    try:
        workflow.send_event(BpmnEvent(MessageEventDefinition(message), payload=payload or {}))
    except WorkflowException:
        raise WorkflowError(refused) from None
    with _running(instance):
        workflow.do_engine_steps()
    return _save(instance, workflow, scope_for)


@_collecting_services
def fire_timers(instance_id: int, scope_for: ScopeResolver) -> StepResult:
    """Fire the instance's due timers (called by `flask worker`, inside the caller's transaction)."""
    instance = lock(instance_id)
    workflow = _load(instance)
    return _save(instance, workflow, scope_for)


@_collecting_services
def set_timer_data(instance_id: int, values: dict, scope_for: ScopeResolver) -> StepResult:
    """A window moved: waiting timers whose expression is one of *values* (e.g. window_closes_at) take the new value
    and are re-evaluated; one already past fires now."""
    instance = lock(instance_id)
    workflow = _load(instance)
    for task in list(workflow.event_manager.tasks.values()):
        event = task.task_spec.event_definition
        if isinstance(event, TimerEventDefinition) and event.expression.strip() in values:
            task.parent.data.update(values)  # a waiting event re-inherits its parent's data when refreshed
            task.data.update(values)
            task.internal_data.pop('event_value', None)
            task.internal_data.pop('event_fired', None)
    for task in _ready_user_tasks(workflow):
        task.data.update(values)
    return _save(instance, workflow, scope_for)


# Spec attributes that decide whether a task an instance has reached may move to another version: its kind, its lane
# (role) and its extension properties (formKey, statusLabel, scope…). Flows and positions may change freely.
_MIGRATION_KEYS = ('typename', 'lane', 'extensions')
_MIGRATION_KEY_NAMES = {'typename': _l('类型'), 'lane': _l('泳道（角色）'), 'extensions': _l('属性')}
_REACHED = TaskState.COMPLETED | TaskState.READY | TaskState.WAITING | TaskState.STARTED | TaskState.ERROR


def _target_parsed(instance: WorkflowInstance, target: ProcessVersion):
    """The target diagram with the instance's own rule versions where it still calls them (a claim keeps the credit
    table it was computed with), the published one for a decision it did not call before."""
    own = {r.key: r for r in (db.session.get(ProcessVersion, rid) for rid in instance.rule_version_ids) if r}
    rules = []
    for decision in called_decisions(target.content):
        rule = own.get(decision) or published(DMN, decision, target.province_id)
        if rule is None:
            raise WorkflowError(_l('目标版本引用的决策表 %(decision)s 尚未发布', decision=decision))
        rules.append(rule)
    return parse_versions(target, rules), rules


def migration_problems(instance: WorkflowInstance, target: ProcessVersion) -> list[str]:
    """Why the instance cannot move to *target* (empty: it can): a task it completed or waits in is missing from the
    target or changed there (type, lane, properties)."""
    if instance.is_completed:
        return [_('流程实例已结束')]
    if target.kind != BPMN or target.key != instance.process_key:
        return [_('目标版本不是同一流程')]
    if target.id == instance.process_version_id:
        return [_('已是该版本')]
    try:
        new, _rules = _target_parsed(instance, target)
        workflow = _load(instance)
    except WorkflowError as exc:
        return [str(exc)]
    if workflow.subprocesses:
        return [_('含子流程的实例暂不支持迁移')]
    from SpiffWorkflow.bpmn.util.diff import SpecDiff
    diff = SpecDiff(SERIALIZER.registry, workflow.spec, new.spec)
    problems, seen = [], set()
    for task in workflow.get_tasks(state=_REACHED):
        spec = task.task_spec
        if spec.name in seen:
            continue
        seen.add(spec.name)
        label = spec.bpmn_name or spec.name
        waiting = task.state != TaskState.COMPLETED
        candidate = new.spec.task_specs.get(spec.name)
        if candidate is None:
            problems.append(_('所在的环节“%(step)s”在目标版本中不存在', step=label) if waiting
                            else _('已完成的环节“%(step)s”在目标版本中不存在', step=label))
            continue
        changed = [k for k in diff.comparisons.get(spec, []) if k in _MIGRATION_KEYS]
        if changed:
            what = names(_MIGRATION_KEY_NAMES[k] for k in changed)
            problems.append(_('所在的环节“%(step)s”在目标版本中%(what)s已改变', step=label, what=what) if waiting
                            else _('已完成的环节“%(step)s”在目标版本中%(what)s已改变', step=label, what=what))
    return problems


@_collecting_services
def migrate(instance_id: int, target: ProcessVersion) -> StepResult:
    """Move a running instance onto another version of its process: the stored (spec-less) state is loaded with its
    old spec, its tasks re-pointed at the target's task specs of the same name (SpiffWorkflow's migrate_workflow),
    and the tasks it waits in re-predicted along the target's flows. Refused unless migration_problems is empty."""
    from SpiffWorkflow.bpmn.util.diff import diff_workflow, migrate_workflow
    instance = lock(instance_id)
    problems = migration_problems(instance, target)
    if problems:
        raise WorkflowError(listed(problems))
    new, rules = _target_parsed(instance, target)
    workflow = _load(instance)
    top_diff, _sub = diff_workflow(SERIALIZER.registry, workflow, new.spec, new.subprocess_specs)
    kept = {t.id: dict(t.data) for t in workflow.get_tasks(state=TaskState.READY | TaskState.WAITING)}
    for dropped in migrate_workflow(top_diff, workflow, new.spec):
        workflow.event_manager.remove_task(dropped)
    for task_id, data in kept.items():  # reset_branch re-inherits the parent's data: keep what the task had
        if task_id in workflow.tasks:
            workflow.tasks[task_id].data = data
    workflow.subprocess_specs = new.subprocess_specs
    instance.process_version = target
    instance.rule_version_ids = [r.id for r in rules]
    instance.spec_hash = new.spec_hash
    open_scopes = {item.lane: Scope(item.scope_org_id, item.scope_department_id, item.scope_user_id,
                                    Listed(item.subject_person_id, item.subject_year, item.subject_pathway,
                                           item.subject_status))
                   for item in db.session.scalars(select(WorkItem).where(
                       WorkItem.instance_id == instance.id, WorkItem.completed_at.is_(None)))}

    def same_scope(lane: str, _scope_key: str) -> Scope:
        if lane not in open_scopes:
            raise WorkflowError(_l('迁移后出现了新的待办环节（%(lane)s），无法确定处理人', lane=lane))
        return open_scopes[lane]
    return _save(instance, workflow, same_scope)
