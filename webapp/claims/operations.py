"""Claim use cases. Each flushes and never commits; the request boundary commits or rolls back."""
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from flask import current_app
from sqlalchemy import bindparam, event, func, inspect, select, update
from sqlalchemy.orm import Session

from models import (Claim, Evidence, LearnerHours, Membership, Organisation, RegistrationWindow, User, WorkItem, db,
                    utcnow)
from models.org import SUPERVISOR
from models.people import LEARNER, UNIT_ADMIN

from ..i18n import _l
from ..refusals import Refused
from .. import audit, evidence as evidence_store, notices, timers
from ..certificate_voiding import relying_on, void_for_claim
from ..dates import today
from ..formatting import format_hours
from ..guards import learners_transferring, refuse_while_transferring
from ..locks import lock_person
from ..permissions import actionable_item, can_see_claim, hr_lane_org_id, open_task
from ..subjects import apply_step, open_work_item
from ..workflow import catalog, runtime, trial
from ..workflow.failures import ProcessFailed
from ..workflow.rules import DecisionUnavailable, decide
from ..catalogue import (MAX_CAP, MAX_QUANTITY, Catalogue, Pathway, catalogue_for, every_pathway,
                         catalogue_of)

SUBJECT = 'claim'
PROCESS = 'claim'
EDIT_FORM = 'claim_edit'


class ClaimError(Refused):
    """Refused; nothing changed. `field` names the form field the message belongs next to."""


@dataclass(frozen=True)
class ClaimInput:
    pathway: str
    sub_type: str
    level: str | None
    rank: int | None
    quantity: Decimal
    title: str
    start_date: date
    end_date: date
    applied_hours: Decimal
    year: int
    description: str | None
    certificate_no: str | None
    pledged: bool


def window_for(province_id: int) -> RegistrationWindow | None:
    return db.session.scalar(select(RegistrationWindow).where(RegistrationWindow.province_id == province_id))


def claim_limit(pathway: Pathway) -> Decimal:
    """The most one claim may apply for: the pathway's annual cap, else the largest cap a catalogue may set."""
    return pathway.cap if pathway.cap is not None else Decimal(MAX_CAP)


def check_dates(pathway: Pathway, start: date, end: date, year: int) -> None:
    """学时登记材料仅当年有效 (seed 003): the activity ends (获得日期) within the 计入年度. A pathway counted by days
    (天 / 半天: training) also starts within that year; a research project or a degree course may have started in an
    earlier year."""
    if end.year != year:
        raise ClaimError(_l('结束时间 %(end)s 不在计入年度 %(year)s 年内', end=end.isoformat(), year=year), 'end_date')
    if pathway.dated and start.year != year:
        raise ClaimError(_l('开始时间 %(start)s 不在计入年度 %(year)s 年内（培训进修按天计算学时，'
                            '跨年的培训请按年度分开登记）', start=start.isoformat(), year=year), 'start_date')


def window_year(window: RegistrationWindow | None) -> int:
    """The year new claims count for: the province's registration window's, else this year."""
    return window.year if window else today().year


def check_input(inp: ClaimInput, province_id: int, supplement=None, year: int | None = None,
                catalogue: Catalogue | None = None) -> ClaimInput:
    """*supplement*: an entry of a supplement request, fixed to the request's year and pathway; *year*: the
    registration year when the caller has it already (a batch of drafts); *catalogue*: the catalogue the claim is
    filed under (default: the province's current one)."""
    catalogue = catalogue or catalogue_for(province_id)
    pathway = catalogue.pathway(inp.pathway)
    if pathway is None:
        raise ClaimError(_l('认定类型无效'), 'pathway')
    if inp.sub_type not in pathway.sub_types:
        raise ClaimError(_l('二级类型须为“%(pathway)s”下的一项', pathway=_l(pathway.label)), 'sub_type')
    if (inp.level or None) not in (pathway.levels or (None,)):
        raise ClaimError(_l('级别无效'), 'level')
    if inp.end_date < inp.start_date:
        raise ClaimError(_l('结束时间不能早于开始时间'), 'end_date')
    if supplement is not None:
        if inp.pathway != supplement.pathway:
            raise ClaimError(_l('增补只能填写“%(pathway)s”类别的学时', pathway=_l(pathway_label(catalogue, supplement.pathway))),
                             'pathway')
        if inp.year != supplement.year:
            raise ClaimError(_l('增补学时的计入年度只能是 %(year)s 年', year=supplement.year), 'year')
    else:
        year = window_year(window_for(province_id)) if year is None else year
        if inp.year != year:
            raise ClaimError(_l('计入年度只能是当前登记年度 %(year)s 年', year=year), 'year')
    check_dates(pathway, inp.start_date, inp.end_date, inp.year)
    limit = claim_limit(pathway)
    if not (Decimal('0') < inp.applied_hours <= limit):
        raise ClaimError(_l('申请学时应大于 0 且不超过 %(cap)s', cap=format_hours(limit)), 'applied_hours')
    if not inp.pledged:
        raise ClaimError(_l('请勾选“本人承诺以上信息属实”'), 'pledge')
    if pathway.dated:  # counted by days or half-days: the dates decide the quantity
        inp = replace(inp, quantity=pathway.quantity_from_dates(inp.start_date, inp.end_date))
    return inp


def pathway_label(catalogue: Catalogue, code: str) -> str:
    p = catalogue.pathway(code)
    return p.label if p else code


def scope_resolver(claim: Claim):
    """The scope of each lane comes from the claim: its learner, unit/department, reviewer, province; every task
    is listed by the claim's learner, year, pathway and status (kept in step by _listed_as_claim_is)."""
    def resolve(lane: str, scope_key: str = '') -> runtime.Scope:
        listed = runtime.Listed(claim.learner_id, claim.year, claim.pathway, claim.status_label)
        if lane == 'hr':  # the unit's 同级人社部门, else the province's top 人社部门, else the province
            return runtime.Scope(org_id=hr_lane_org_id(claim.unit_id, claim.province_id), listed=listed)
        return {
            'learner': runtime.Scope(user_id=claim.learner_id, listed=listed),
            'unit_admin': runtime.Scope(org_id=claim.unit_id, department_id=claim.department_id, listed=listed),
            'supervisor': runtime.Scope(org_id=claim.reviewer_org_id, listed=listed),
        }.get(lane, runtime.Scope(org_id=claim.province_id, listed=listed))
    return resolve


LISTED = ('learner_id', 'year', 'pathway', 'status_label')  # what the inbox filters a claim's tasks by


_ITEMS = WorkItem.__table__
# The Core table, not the entity: a list of parameter sets is then one executemany (a batch import changes thousands
# of claims in a flush), where the ORM would take it for a bulk update by primary key.
_RELIST = update(_ITEMS).where(_ITEMS.c.subject_type == SUBJECT, _ITEMS.c.subject_id == bindparam('claim_id')) \
    .values(subject_person_id=bindparam('person'), subject_year=bindparam('in_year'),
            subject_pathway=bindparam('in_pathway'), subject_status=bindparam('status'))


@event.listens_for(Session, 'before_flush')
def _listed_as_claim_is(session, _context, _instances) -> None:
    """A claim's listed values changed (its status after every step, its year or pathway when edited, deleted …):
    its work items, open and done, are listed by the new ones. One statement per flush (executemany), in the same
    flush, whichever code changed it."""
    changed = [{'claim_id': claim.id, 'person': claim.learner_id, 'in_year': claim.year, 'in_pathway': claim.pathway,
                'status': claim.status_label} for claim in session.dirty
               if isinstance(claim, Claim) and any(inspect(claim).attrs[name].history.has_changes() for name in LISTED)]
    if changed:
        session.execute(_RELIST, changed)


def learner_membership(user: User) -> Membership | None:
    return next((m for m in user.memberships if m.role == LEARNER), None)


def open_item(claim: Claim, form_key: str | None = None) -> WorkItem | None:
    return open_work_item(SUBJECT, claim.id, form_key)


def _edit_item(claim: Claim) -> WorkItem | None:
    """The task that makes the claim editable. A supplementary entry (增补) has no process of its own: it is
    editable while its supplement request waits for the learner to fill it in."""
    if claim.deleted_at is not None:
        return None
    if claim.supplement_id is not None:
        return open_work_item('supplement', claim.supplement_id, 'supplement_fill')
    return open_item(claim, EDIT_FORM)


def _is_editor(m: Membership, claim: Claim) -> bool:
    """The learner edits her own claim; a unit admin edits the claims she filed for her staff."""
    if m.role == LEARNER:
        return claim.learner_id == m.user_id
    return m.role == UNIT_ADMIN and claim.created_by_id == m.user_id and can_see_claim(m, claim)


def can_edit(m: Membership, claim: Claim) -> bool:
    """Editable while the process waits in an edit task (待提交 or 退回修改)."""
    return _is_editor(m, claim) and _edit_item(claim) is not None


def review_item(m: Membership, item: WorkItem | None) -> WorkItem | None:
    """*item* (the claim's open task) if it is a review this role may do now, else None."""
    if item is None or item.form_key == EDIT_FORM or actionable_item(m, item.id) is None:
        return None
    return item


def may_withdraw(m: Membership, claim: Claim, item: WorkItem | None) -> bool:
    """Whether to offer 撤回: to whom the claim is or who filed it, while it waits in a review (*item*: its open
    task). Whether the review has already started is the diagram's to say (withdraw_claim)."""
    return ((claim.learner_id == m.user_id or claim.created_by_id == m.user_id) and item is not None
            and item.form_key != EDIT_FORM and claim.outcome == catalog.PENDING)


def may_delete_approved(m: Membership, claim: Claim) -> bool:
    """Whether to offer the deletion of an approved claim (a unit admin's; delete_approved checks her scope)."""
    return m.role == UNIT_ADMIN and claim.outcome == catalog.APPROVED and claim.deleted_at is None


def deletion_consequence(claim: Claim) -> str:
    """What 删除已认定学时 will do, named in its confirmation: the hours stop counting, and the certificates that
    counted them are voided."""
    hours = _l('将删除“%(title)s”已认定的 %(hours)s 学时，不再计入 %(year)s 年度学时。', title=claim.title,
               hours=format_hours(claim.registered_hours), year=claim.year)
    numbers = [cert.number for cert in relying_on(claim)]
    if not numbers:
        return str(hours)
    voids = _l('将作废证书 %(numbers)s。', numbers='、'.join(numbers))
    return f'{hours}\n{voids}'


def _require_edit(m: Membership, claim: Claim) -> WorkItem:
    if not _is_editor(m, claim):
        raise ClaimError(_l('无权操作该学时登记'))
    item = _edit_item(claim)
    if item is None:
        raise ClaimError(_l('该学时登记当前状态为“%(status)s”，不能修改', status=claim.status_label))
    return item


def _fill(claim: Claim, inp: ClaimInput) -> None:
    for name, value in inp.__dict__.items():
        setattr(claim, name, value)
    claim.level = inp.level or None


def _filer_refusal(m: Membership, lm: Membership | None) -> ClaimError | None:
    """Why *m* may not file a draft for the learner whose learner membership is *lm* (None: she may)."""
    if lm is None:
        return ClaimError(_l('该人员不是专技人员，不能登记学时'), 'learner_id')
    if m.role == UNIT_ADMIN and (lm.org_id != m.org_id or (m.department_id and lm.department_id != m.department_id)):
        return ClaimError(_l('只能为本单位（本部门）人员登记学时'), 'learner_id')
    if m.role not in (LEARNER, UNIT_ADMIN):
        return ClaimError(_l('当前角色不能登记学时'))
    return None


def _new_draft(m: Membership, learner: User, lm: Membership, inp: ClaimInput, catalogue: Catalogue) -> Claim:
    unit = lm.org
    province = unit.province
    claim = Claim(learner_id=learner.id, unit_id=unit.id, department_id=lm.department_id, province_id=province.id,
                  reviewer_org_id=unit.supervisor.id if unit.supervisor else province.id, created_by_id=m.user_id,
                  status_label='', outcome=catalog.DRAFT, catalogue_version_id=catalogue.id,
                  category=catalogue.pathway(inp.pathway).category)
    _fill(claim, inp)
    return claim


def _start_data(claim: Claim, window: RegistrationWindow | None) -> dict:
    closes_on = window.closes_on if window and window.year == claim.year else date(claim.year, 12, 31)
    return {'claim_id': claim.id, **timers.timer_data(closes_on)}


def _created_remark(claim: Claim) -> str:
    return f'{claim.title}，申请学时 {format_hours(claim.applied_hours)}'  # i18n: data - the flow log, as written


def create_claim(m: Membership, inp: ClaimInput, learner: User | None = None) -> Claim:
    """Save a new draft (待提交) for the learner, or for a member of staff when a unit admin files it."""
    learner = learner or m.user
    lm = learner_membership(learner)
    if (refusal := _filer_refusal(m, lm)) is not None:
        raise refusal
    refuse_while_transferring(learner.id, _l('新增学时登记'), ClaimError,
                              _l('您') if learner.id == m.user_id else learner.name)
    window = window_for(lm.org.province.id)  # read once: the year check and the closing timer both need it
    catalogue = catalogue_for(lm.org.province.id)
    inp = check_input(inp, lm.org.province.id, year=window_year(window), catalogue=catalogue)
    claim = _new_draft(m, learner, lm, inp, catalogue)
    db.session.add(claim)
    db.session.flush()
    instance, step = runtime.start(PROCESS, SUBJECT, claim.id, _start_data(claim, window),
                                   scope_resolver(claim), claim.province_id)
    claim.instance_id = instance.id
    apply_step(claim, step)
    audit.log(SUBJECT, claim.id, '新增登记', m, _created_remark(claim))
    return claim


def create_drafts(m: Membership, entries: list[tuple[User, ClaimInput]]) -> list[Claim | ClaimError]:
    """`create_claim` for many drafts at once (a batch of imported rows): the same checks in the same order and the
    same rows, with one lock on the batch's learners, one query for their open transfers, and one insert per table
    for the batch instead of a dozen round trips per draft. Each entry gives its draft or the refusal of its row; the
    engine or the database refusing any row raises (the caller's savepoint takes the batch back)."""
    members = [learner_membership(learner) for learner, _inp in entries]
    filers = {learner.id for (learner, _inp), lm in zip(entries, members) if _filer_refusal(m, lm) is None}
    transferring = learners_transferring(filers)
    windows: dict[int, RegistrationWindow | None] = {}  # by province
    outcomes: list[Claim | ClaimError] = []
    for (learner, inp), lm in zip(entries, members):
        try:
            if (refusal := _filer_refusal(m, lm)) is not None:
                raise refusal
            if learner.id in transferring:  # the refusal's own words (a query more, for this row only)
                refuse_while_transferring(learner.id, _l('新增学时登记'), ClaimError,
                                          _l('您') if learner.id == m.user_id else learner.name)
            province_id = lm.org.province.id
            if province_id not in windows:
                windows[province_id] = window_for(province_id)
            year = window_year(windows[province_id])
            catalogue = catalogue_for(province_id)
            outcomes.append(_new_draft(m, learner, lm, check_input(inp, province_id, year=year, catalogue=catalogue),
                                       catalogue))
        except ClaimError as exc:
            outcomes.append(exc)
    drafts = [c for c in outcomes if isinstance(c, Claim)]
    if not drafts:
        return outcomes
    db.session.add_all(drafts)
    db.session.flush()  # one INSERT … RETURNING: the ids the processes start with
    started = []
    for province_id in dict.fromkeys(c.province_id for c in drafts):  # each province's drafts on its own versions
        mine = [c for c in drafts if c.province_id == province_id]
        started += zip(mine, runtime.start_many(PROCESS, SUBJECT, [
            (c.id, _start_data(c, windows[c.province_id]), scope_resolver(c)) for c in mine], province_id))
    for claim, (instance, step) in started:
        claim.instance_id = instance.id
        apply_step(claim, step)
    audit.log_many(SUBJECT, [(c.id, '新增登记', _created_remark(c)) for c in drafts], m)  # i18n: data
    db.session.flush()
    return outcomes


def update_claim(m: Membership, claim: Claim, inp: ClaimInput) -> None:
    _require_edit(m, claim)
    catalogue = catalogue_of(claim)
    _fill(claim, check_input(inp, claim.province_id, claim.supplement, catalogue=catalogue))
    claim.category = catalogue.pathway(claim.pathway).category
    audit.log(SUBJECT, claim.id, '编辑材料', m, f'申请学时 {format_hours(claim.applied_hours)}')


def delete_draft(m: Membership, claim: Claim) -> None:
    item = _require_edit(m, claim)
    if claim.supplement_id is not None:  # an entry leaves its request; the request's process goes on
        claim.deleted_at, claim.status_label, claim.outcome = utcnow(), '已删除', catalog.DELETED  # i18n: data
        audit.log(SUBJECT, claim.id, '删除', m)
        audit.log('supplement', claim.supplement_id, '删除增补学时', m, claim.title)
        return
    step = runtime.complete(item.id, m.user_id, {'action': 'delete'}, scope_resolver(claim))
    apply_step(claim, step)
    claim.deleted_at = utcnow()
    audit.log(SUBJECT, claim.id, '删除', m)


def find_supervisor(name: str, province_id: int) -> Organisation:
    org = db.session.scalar(select(Organisation).where(
        Organisation.kind == SUPERVISOR, Organisation.name == (name or '').strip(),
        Organisation.parent_id == province_id))
    if org is None:
        raise ClaimError(_l('请从搜索结果中选择一个主管部门'), 'supervisor_name')
    return org


def submit_claim(m: Membership, claim: Claim, target: str, supervisor: Organisation | None = None) -> None:
    """Send a draft to the unit (待初审) or straight to a supervising department (待终审)."""
    item = _require_edit(m, claim)
    if claim.supplement_id is not None:
        raise ClaimError(_l('增补学时请在增补申请页面统一“个人上报”'))
    refuse_while_transferring(claim.learner_id, _l('提交学时登记'), ClaimError,
                              _l('您') if claim.learner_id == m.user_id else claim.learner.name)
    window = window_for(claim.province_id)
    now = today()
    if window is None:
        raise ClaimError(_l('当前不在登记开放日期内，不能提交'))
    if not (window.opens_on <= now <= window.closes_on):
        raise ClaimError(_l('当前不在登记开放日期内（%(opens)s 至 %(closes)s），不能提交',
                            opens=window.opens_on, closes=window.closes_on))
    if claim.year != window.year:
        raise ClaimError(_l('本次登记开放的是 %(year)s 年度，请修改计入年度后再提交', year=window.year))
    if not claim.pledged:
        raise ClaimError(_l('请先勾选“本人承诺以上信息属实”'))
    if target == 'supervisor':
        if supervisor is None:
            raise ClaimError(_l('请选择主管部门'), 'supervisor_name')
        claim.reviewer_org_id = supervisor.id
    elif target == 'unit':
        unit_supervisor = claim.unit.supervisor
        claim.reviewer_org_id = unit_supervisor.id if unit_supervisor else claim.province_id
    else:
        raise ClaimError(_l('提交对象无效'), 'target')
    claim.target = target
    data = {'action': 'submit', 'target': target, 'pathway': claim.pathway, 'level': claim.level or '',
            'rank': claim.rank or 0, 'quantity': float(claim.quantity)}
    step = runtime.complete(item.id, m.user_id, data, scope_resolver(claim))
    apply_step(claim, step)
    if step.data.get('table_hours') is not None:
        claim.table_hours = Decimal(str(step.data['table_hours']))
    claim.submitted_at = utcnow()
    audit.log(SUBJECT, claim.id, '提交审核', m,
              '提交至本单位' if target == 'unit' else f'提交至主管部门 {claim.reviewer_org.name}')


def withdraw_claim(m: Membership, claim: Claim) -> None:
    """撤回: only while the claim waits for its first review — the diagram's message event decides."""
    if claim.learner_id != m.user_id and claim.created_by_id != m.user_id:
        raise ClaimError(_l('只能撤回本人提交的学时登记'))
    if claim.instance_id is None:
        raise ClaimError(_l('增补学时随增补申请审核，不能单独撤回'))
    step = runtime.send_message(claim.instance_id, 'withdraw_claim', scope_resolver(claim),
                                refused=_l('该学时登记当前状态为“%(status)s”，已进入审核，不能撤回',
                                           status=claim.status_label))
    apply_step(claim, step)
    audit.log(SUBJECT, claim.id, '撤回', m)


def fire_timers(instance) -> None:
    """`flask worker`: the claim's due timers fired (window closed, reminder, escalation); keep the claim in step."""
    claim = db.session.scalar(select(Claim).where(Claim.instance_id == instance.id))
    before = claim.status_label
    apply_step(claim, runtime.fire_timers(instance.id, scope_resolver(claim)))
    if claim.status_label != before:
        audit.log(SUBJECT, claim.id, '状态变更', None, f'{before} → {claim.status_label}（定时事件）')


def window_changed(province_id: int) -> int:
    """The province moved its registration window: drafts of that year waiting for it to close follow the new date."""
    window = window_for(province_id)
    drafts = db.session.scalars(select(Claim).join(WorkItem, (WorkItem.subject_type == SUBJECT)
                                                   & (WorkItem.subject_id == Claim.id)).where(
        Claim.province_id == province_id, Claim.year == window.year, Claim.deleted_at.is_(None),
        WorkItem.completed_at.is_(None), WorkItem.task_name == 'edit_claim')).all()
    closes_at = timers.timer_data(window.closes_on)['window_closes_at']
    for claim in drafts:
        apply_step(claim, runtime.set_timer_data(claim.instance_id, {'window_closes_at': closes_at},
                                                 scope_resolver(claim)))
    return len(drafts)


timers.register(SUBJECT, fire_timers, Claim.province_id)


def _credit_inputs() -> list[dict]:
    """What a claim asks the credit table (submit_claim, estimate_hours): each pathway with each of its levels and
    ranks, and a small and a large quantity."""
    rows = []
    for p in every_pathway():
        for level in p.levels or ('',):
            rows.extend({'pathway': p.code, 'level': level, 'rank': rank, 'quantity': 1.0}
                        for rank in ((0, 1, p.max_rank) if p.max_rank else (0,)))
        rows.extend({'pathway': p.code, 'level': (p.levels or ('',))[0], 'rank': 0, 'quantity': quantity}
                    for quantity in (0.5, float(MAX_QUANTITY)))
    return rows


# The data this code gives the claim process and the credit table: each published version is tried on it (trial.py).
trial.declare_process(PROCESS, lambda: {
    'claim_id': (1,), **trial.one_each(timers.timer_data(today())), 'action': ('submit', 'delete'),
    'target': ('unit', 'supervisor'), **{name: tuple(dict.fromkeys(r[name] for r in _credit_inputs()))
                                         for name in ('pathway', 'level', 'rank', 'quantity')},
    **trial.reviewed(*DECISION_LABELS)})
trial.declare_decision('credit_hours', _credit_inputs)


def approved_hours(learner_id: int, pathway: str, year: int, exclude_claim_id: int | None = None) -> Decimal:
    query = select(func.coalesce(func.sum(Claim.registered_hours), 0)).where(
        Claim.learner_id == learner_id, Claim.pathway == pathway, Claim.year == year,
        Claim.outcome == catalog.APPROVED, Claim.deleted_at.is_(None))
    if exclude_claim_id:
        query = query.where(Claim.id != exclude_claim_id)
    return Decimal(db.session.scalar(query))


def hours_label(item: WorkItem):
    """The review form's hours: a review that registers the hours that count (grantsHours) sets 登记学时, the others
    审核学时 (the columns of the lists)."""
    return _l('登记学时') if item.grants_hours else _l('审核学时')


def remaining_allowance(claim: Claim) -> Decimal | None:
    """What the pathway's annual cap leaves for this claim; None when its pathway has no cap."""
    pathway = catalogue_of(claim).pathway(claim.pathway)
    if pathway is None or pathway.cap is None:
        return None
    return max(Decimal(0), pathway.cap - approved_hours(claim.learner_id, claim.pathway, claim.year, claim.id))


def used_hours(learner_id: int, year: int) -> dict[str, Decimal]:
    """Approved hours of the learner's *year* by pathway (what each pathway's cap has left: the claim form)."""
    rows = db.session.execute(select(Claim.pathway, func.sum(Claim.registered_hours)).where(
        Claim.learner_id == learner_id, Claim.year == year, Claim.outcome == catalog.APPROVED,
        Claim.deleted_at.is_(None)).group_by(Claim.pathway))
    return {code: Decimal(hours or 0) for code, hours in rows}


# The words of the flow log (audit texts are a record, kept in Chinese as written)
DECISION_LABELS = {'approve': '通过', 'reject': '不通过', 'return': '退回修改'}  # i18n: data
UNIT_REVIEW_FORM = 'claim_unit_review'
REVIEW_FORMS = (UNIT_REVIEW_FORM, 'claim_final_review')


def review(m: Membership, work_item_id: int, decision: str, hours: Decimal | None, comment: str | None,
           claim_id: int | None = None) -> Claim:
    """A review step (待初审, 待终审 or however the diagram names it): approve, reject with reason, or return with
    reason. Approving the step that grants 登记学时 (its task's `grantsHours`, e.g. the unit's review in a one-tier
    province) registers the hours that count, within the year's cap; approving an earlier step sets 审核学时. With
    *claim_id*, refused unless the task is that claim's."""
    item = open_task(m, work_item_id, SUBJECT, ClaimError)
    if claim_id is not None and item.subject_id != claim_id:
        raise ClaimError(_l('无权处理该事项，或该事项不存在'))
    if item.form_key not in REVIEW_FORMS:
        raise ClaimError(_l('该事项不是审核任务'))
    claim = db.session.get(Claim, item.subject_id)
    if decision not in DECISION_LABELS:
        raise ClaimError(_l('请选择审核结果'), 'decision')
    comment = (comment or '').strip()
    if decision in ('reject', 'return') and not comment:
        raise ClaimError(_l('不通过或退回修改时必须填写审核意见'), 'comment')
    grants = item.grants_hours
    if decision == 'approve':
        later = item.form_key != UNIT_REVIEW_FORM and claim.reviewed_hours is not None
        hours = hours if hours is not None else (claim.reviewed_hours if later else claim.applied_hours)
        if hours <= 0:
            raise ClaimError(_l('通过时学时应大于 0'), 'hours')
        if grants:
            remaining = remaining_allowance(claim)
            if remaining is not None and hours > remaining:
                raise ClaimError(_l('该人员 %(year)s 年“%(pathway)s”剩余可登记学时为 %(hours)s，登记学时不能超过该值',
                                    year=claim.year, pathway=_l(pathway_label(catalogue_of(claim), claim.pathway)),
                                    hours=format_hours(remaining)), 'hours')
    step = runtime.complete(item.id, m.user_id, {'decision': decision, 'comment': comment}, scope_resolver(claim))
    if decision == 'approve':  # after the step: the claim is written once, with its new status
        if grants:
            claim.registered_hours = hours
            if claim.reviewed_hours is None:  # the step that registers also reviewed (a one-tier province)
                claim.reviewed_hours = hours
        else:
            claim.reviewed_hours = hours
    apply_step(claim, step)
    hours_text = format_hours(hours) if decision == 'approve' else None
    stage = '单位审核' if item.form_key == UNIT_REVIEW_FORM else '终审'  # i18n: data (flow log)
    audit.log(SUBJECT, claim.id, stage, m, DECISION_LABELS[decision]
              + ((f'，登记学时 {hours_text}' if grants else f'，审核学时 {hours_text}') if hours_text else '')
              + (f'。意见：{comment}' if comment else ''))
    tell_learner(claim, decision, comment)
    return claim


def tell_learner(claim: Claim, decision: str, comment: str) -> None:
    """The learner hears of an outcome she must know (in the app, and by e-mail): approved (the process has ended
    approved), rejected or returned, with the reviewer's reason."""
    if decision == 'reject':
        subject, text = '学时登记未通过', f'您的学时登记“{claim.title}”未通过审核。原因：{comment}'  # i18n: data
    elif decision == 'return':
        subject = '学时登记被退回修改'  # i18n: data — stored (notices)
        text = f'您的学时登记“{claim.title}”被退回修改，请修改后重新提交。意见：{comment}'  # i18n: data
    elif claim.outcome == catalog.APPROVED:
        hours = format_hours(claim.registered_hours or claim.reviewed_hours or claim.applied_hours)
        subject, text = '学时登记已通过认定', f'您的学时登记“{claim.title}”已通过认定，登记学时 {hours}'  # i18n: data
    else:
        return
    notices.notify([claim.learner_id], text, url=notices.page('claims.detail', claim_id=claim.id), subject=subject)


def batch_review(m: Membership, work_item_ids: list[int], decision: str, comment: str | None):
    """Each item in its own savepoint: one refusal (e.g. someone else was faster) does not undo the others."""
    done, refused = [], []
    # Lock instances in one global order (by instance id): two overlapping batches then queue instead of deadlocking.
    instance_of = dict(db.session.execute(select(WorkItem.id, WorkItem.instance_id)
                                          .where(WorkItem.id.in_(work_item_ids))).all())
    for item_id in sorted(set(work_item_ids), key=lambda i: instance_of.get(i, 0)):
        try:
            with db.session.begin_nested():
                done.append(review(m, item_id, decision, None, comment))
        except Refused as exc:
            if exc.field == 'comment':
                raise
            refused.append((item_id, exc.message))
    return done, refused


def delete_approved(m: Membership, claim: Claim, reason: str) -> None:
    """A unit admin removes an approved claim; the hours stop counting (seed 001)."""
    if m.role != UNIT_ADMIN or not can_see_claim(m, claim):
        raise ClaimError(_l('只有本单位管理员可以删除已认定的学时'))
    if not (reason or '').strip():
        raise ClaimError(_l('请填写删除原因'), 'reason')
    # The learner's row is the lock issue_certificate takes: a certificate is issued either before the deletion
    # (and is voided by it) or after it (and no longer counts these hours); two deletions of one claim queue here.
    lock_person(claim.learner_id)
    db.session.refresh(claim)  # what the other request committed while we waited
    if claim.deleted_at is not None:
        raise ClaimError(_l('该登记已被他人删除'))
    if claim.outcome != catalog.APPROVED:
        raise ClaimError(_l('只能删除已通过认定的学时登记'))
    claim.deleted_at, claim.deleted_reason = utcnow(), reason.strip()
    claim.status_label = '已删除'  # i18n: data (a status label of the catalog)
    audit.log(SUBJECT, claim.id, '删除已认定学时', m, reason.strip())
    void_for_claim(claim, m, reason.strip())  # certificates that relied on these hours become void


def add_evidence(m: Membership, claim: Claim, filename: str, data: bytes, caption: str) -> Evidence:
    _require_edit(m, claim)
    caption = (caption or '').strip()
    if not caption or len(caption) > 33:
        raise ClaimError(_l('附件说明为必填，且不能超过 33 个字'), 'caption')
    try:
        stored, content_type = evidence_store.inspect_upload(data)
    except evidence_store.EvidenceRejected as exc:
        raise ClaimError(str(exc), 'file') from None
    cfg = current_app.config
    if len(claim.evidence) >= cfg['EVIDENCE_MAX_FILES']:
        raise ClaimError(_l('每条登记最多上传 %(n)s 个附件', n=cfg['EVIDENCE_MAX_FILES']), 'file')
    if content_type.startswith('image/') and sum(e.is_image for e in claim.evidence) >= cfg['EVIDENCE_MAX_IMAGES']:
        raise ClaimError(_l('每条登记最多上传 %(n)s 张图片，请压缩或合并为 PDF', n=cfg['EVIDENCE_MAX_IMAGES']), 'file')
    digest = evidence_store.store(stored)
    name = (filename or 'file').rsplit('/', 1)[-1][:150]
    item = Evidence(claim=claim, sha256=digest, filename=name, content_type=content_type, size=len(stored),
                    caption=caption, uploaded_by_id=m.user_id)
    db.session.add(item)
    db.session.flush()
    audit.log(SUBJECT, claim.id, '上传附件', m, f'{caption}（{name}）')
    return item


def remove_evidence(m: Membership, claim: Claim, evidence_id: int) -> None:
    _require_edit(m, claim)
    item = db.session.get(Evidence, evidence_id)
    if item is None or item.claim_id != claim.id:
        raise ClaimError(_l('附件不存在'))
    db.session.delete(item)
    audit.log(SUBJECT, claim.id, '删除附件', m, item.caption)


def estimate_hours(pathway: Pathway, level: str | None, quantity: Decimal, rank: int | None,
                   start: date | None = None, end: date | None = None, *, province_id: int) -> dict:
    """申请学时 suggested by the province's published credit table (天 / 半天: the quantity from the dates), at most the
    pathway's annual cap."""
    if pathway.dated and start and end and end >= start:
        quantity = pathway.quantity_from_dates(start, end)
    try:
        out = decide('credit_hours', {'pathway': pathway.code, 'level': level or '', 'rank': rank or 0,
                                      'quantity': float(quantity)}, province_id)
    except (DecisionUnavailable, ProcessFailed):  # a failing table is reported to province staff; hours by hand
        return {'hours': None, 'quantity': quantity}
    per_unit = Decimal(str(out.get('hours_per_unit') or 0))
    return {'hours': min(per_unit * quantity, claim_limit(pathway)), 'per_unit': per_unit, 'quantity': quantity}


def yearly_totals(learner_id: int) -> list[dict]:
    """Per year, newest first: 公需 / 专业 / 总 hours of approved, undeleted claims plus the learning records
    (公需 from the platforms, seed 002, and online courses of either category), by their year. Read from the
    hours counter (`webapp/hours.py`); a year without any such claim or record is left out."""
    rows = db.session.execute(select(LearnerHours.year, LearnerHours.professional, LearnerHours.public)
                              .where(LearnerHours.learner_id == learner_id, LearnerHours.entries > 0)
                              .order_by(LearnerHours.year.desc()))
    return [{'year': year, 'public': Decimal(public), 'professional': Decimal(professional),
             'total': Decimal(public) + Decimal(professional)} for year, professional, public in rows]
