"""Rule impact preview: replay a year's approved claims through a draft credit table and through the table each claim
was actually computed with, and report what would change.

Fast by construction: each table is parsed once, and the table is evaluated once per distinct input tuple
(pathway, level, rank, quantity) — thousands of claims share a handful of tuples — never once per claim."""
import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable, Optional

from sqlalchemy import func, select

from models import Claim, Organisation, ProcessVersion, User, WorkflowInstance, db
from models.workflow import DMN

from ..claims import catalog as claim_catalog
from ..claims.operations import cap
from ..i18n import _l
from ..refusals import Refused
from ..workflow.catalog import APPROVED
from ..workflow.rules import DecisionError, DecisionTable
from ..workflow.versions import published

DECISION = 'credit_hours'
INPUTS = ('pathway', 'level', 'rank', 'quantity')  # the task data the credit table reads


class ImpactError(Refused):
    """The preview cannot be computed (the table does not parse or fails on an input); nothing changed."""


class Matcher:
    """One credit table; hours per unit for a claim's inputs (the table evaluates each distinct input tuple once)."""

    def __init__(self, dmn_xml: str):
        try:
            self.table = DecisionTable(dmn_xml, INPUTS)
        except DecisionError as exc:
            raise ImpactError(_l('决策表无法解析：%(reason)s', reason=exc.reason)) from exc

    def per_unit(self, pathway: str, level: str, rank: int, quantity: Decimal) -> Optional[Decimal]:
        try:
            return self.table.outputs(pathway, level, rank, float(quantity)).get('hours_per_unit')
        except DecisionError as exc:
            inputs = f'{pathway}/{level or "-"}/{rank}/{quantity}'
            raise ImpactError(_l('决策表对输入 %(inputs)s 计算出错：%(reason)s', inputs=inputs, reason=exc.reason)) from exc

    def hours(self, pathway: str, level: str, rank: int, quantity: Decimal, limit: Decimal) -> Decimal:
        """hours_per_unit × quantity, capped at the pathway's annual cap; no matching rule gives 0."""
        per_unit = self.per_unit(pathway, level, rank, quantity)
        return Decimal(0) if per_unit is None else min(per_unit * quantity, limit)


@dataclass
class Changed:
    claim_id: int
    learner: str
    unit: str
    pathway: str
    title: str
    registered_hours: Decimal
    old_hours: Decimal
    new_hours: Decimal

    @property
    def difference(self) -> Decimal:
        return self.new_hours - self.old_hours


@dataclass
class Group:
    name: str
    claims: int = 0
    changed: int = 0
    old_hours: Decimal = Decimal(0)
    new_hours: Decimal = Decimal(0)

    @property
    def difference(self) -> Decimal:
        return self.new_hours - self.old_hours


@dataclass
class Impact:
    year: int
    claims: int = 0
    by_pathway: list[Group] = field(default_factory=list)
    by_unit: list[Group] = field(default_factory=list)
    changed: list[Changed] = field(default_factory=list)
    distinct_inputs: int = 0
    seconds: float = 0.0

    @property
    def difference(self) -> Decimal:
        return sum((g.difference for g in self.by_pathway), Decimal(0))

    def to_json(self) -> dict:
        """Plain JSON for a job's result row; decimals as strings so nothing is rounded on the way."""
        def groups(rows):
            return [[g.name, g.claims, g.changed, str(g.old_hours), str(g.new_hours)] for g in rows]
        return {'year': self.year, 'claims': self.claims, 'distinct_inputs': self.distinct_inputs,
                'seconds': self.seconds, 'by_pathway': groups(self.by_pathway), 'by_unit': groups(self.by_unit),
                'changed': [[c.claim_id, c.learner, c.unit, c.pathway, c.title, str(c.registered_hours),
                             str(c.old_hours), str(c.new_hours)] for c in self.changed]}

    @classmethod
    def from_json(cls, data: dict) -> 'Impact':
        def groups(rows):
            return [Group(name, claims, changed, Decimal(old), Decimal(new))
                    for name, claims, changed, old, new in rows]
        return cls(year=data['year'], claims=data['claims'], distinct_inputs=data['distinct_inputs'],
                   seconds=data['seconds'], by_pathway=groups(data['by_pathway']), by_unit=groups(data['by_unit']),
                   changed=[Changed(cid, learner, unit, pathway, title, Decimal(registered), Decimal(old), Decimal(new))
                            for cid, learner, unit, pathway, title, registered, old, new in data['changed']])


def _content(draft) -> str:
    if isinstance(draft, ProcessVersion):
        if draft.kind != DMN or draft.key != DECISION:
            raise ImpactError(_l('只能预览学时折算表（credit_hours）的版本'))
        return draft.content
    return draft


PROGRESS_EVERY = 5000  # claims between two progress reports


def _replayed(year: int, province_id: int) -> tuple:
    """The claims a preview replays: the year's approved claims with registered hours."""
    return (Claim.province_id == province_id, Claim.year == year, Claim.outcome == APPROVED,
            Claim.deleted_at.is_(None), Claim.registered_hours.is_not(None))


def count(year: int, province_id: int) -> int:
    """How many claims a preview of *year* replays: decides whether it runs in the request or in the worker."""
    return db.session.scalar(select(func.count(Claim.id)).where(*_replayed(year, province_id)))


def preview(draft, year: int, province_id: int, progress: Optional[Callable[[int, int], None]] = None) -> Impact:
    """*draft*: a ProcessVersion of credit_hours (any status) or plain DMN XML. *progress(done, total)* is called
    every PROGRESS_EVERY claims."""
    started = time.perf_counter()
    new = Matcher(_content(draft))
    current = published(DMN, DECISION)
    table_ids = dict(db.session.execute(select(ProcessVersion.id, ProcessVersion.content).where(
        ProcessVersion.kind == DMN, ProcessVersion.key == DECISION)).all())
    old_by_version: dict[int, Matcher] = {}

    def old_matcher(rule_version_ids) -> Matcher:
        version_id = next((v for v in rule_version_ids or () if v in table_ids), None)
        if version_id is None:
            if current is None:
                raise ImpactError(_l('学时折算表尚未发布，无法比较'))
            version_id = current.id
        if version_id not in old_by_version:
            old_by_version[version_id] = Matcher(table_ids[version_id])
        return old_by_version[version_id]

    limit = cap()
    rows = db.session.execute(
        select(Claim.id, Claim.unit_id, Claim.pathway, Claim.level, Claim.rank, Claim.quantity, Claim.title,
               Claim.registered_hours, User.name, WorkflowInstance.rule_version_ids)
        .join(User, User.id == Claim.learner_id)
        .outerjoin(WorkflowInstance, WorkflowInstance.id == Claim.instance_id)
        .where(*_replayed(year, province_id))
        .order_by(Claim.unit_id, Claim.id)).all()
    pathways: dict[str, Group] = {}
    units: dict[int, Group] = {}
    changed_rows = []
    by_rules: dict[tuple, Matcher] = {}
    for done, (claim_id, unit_id, pathway, level, rank, quantity, title, registered, learner, rule_ids) \
            in enumerate(rows):
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done, len(rows))
        rules_key = tuple(rule_ids or ())
        old = by_rules.get(rules_key)
        if old is None:
            old = by_rules[rules_key] = old_matcher(rule_ids)
        inputs = (pathway, level or '', rank or 0, Decimal(quantity))
        old_hours, new_hours = old.hours(*inputs, limit), new.hours(*inputs, limit)
        p = pathways.get(pathway) or pathways.setdefault(pathway, Group(_pathway_label(pathway)))
        u = units.get(unit_id) or units.setdefault(unit_id, Group(''))
        for group in (p, u):
            group.claims += 1
            group.old_hours += old_hours
            group.new_hours += new_hours
        if old_hours != new_hours:
            p.changed += 1
            u.changed += 1
            changed_rows.append((claim_id, unit_id, pathway, title, registered, learner, old_hours, new_hours))
    names = dict(db.session.execute(select(Organisation.id, Organisation.name)
                                    .where(Organisation.id.in_(list(units)))).all()) if units else {}
    for unit_id, group in units.items():
        group.name = names.get(unit_id, str(unit_id))
    impact = Impact(year=year, claims=len(rows),
                    by_pathway=[pathways[k] for k in claim_catalog.PATHWAYS if k in pathways]
                    + [g for k, g in pathways.items() if k not in claim_catalog.PATHWAYS],
                    by_unit=sorted(units.values(), key=lambda g: (-abs(g.difference), g.name)),
                    changed=[Changed(cid, learner, names.get(uid, str(uid)), _pathway_label(pw), title,
                                     Decimal(registered), old_h, new_h)
                             for cid, uid, pw, title, registered, learner, old_h, new_h in changed_rows],
                    distinct_inputs=len(new.table))
    impact.seconds = time.perf_counter() - started
    return impact


def _pathway_label(code: str) -> str:
    """As plain text in the reader's language: a job keeps its result as JSON."""
    pathway = claim_catalog.PATHWAYS.get(code)
    return str(pathway.label) if pathway else code


EXPORT_HEADERS = [_l('登记号'), _l('姓名'), _l('单位'), _l('认定类型'), _l('项目名称'), _l('已登记学时'), _l('原折算学时'),
                  _l('新折算学时'), _l('差额')]


def export_name(year: int, version: Optional[ProcessVersion]) -> str:
    """The file name (without .xlsx) of a preview's list of changed claims."""
    return _l('规则影响预览-%(year)s-v%(version)s', year=year, version=version.version if version else '')


EXPORT_SHEET = _l('学时变化')


def export_rows(impact: Impact):
    for c in impact.changed:
        yield [c.claim_id, c.learner, c.unit, c.pathway, c.title, float(c.registered_hours), float(c.old_hours),
               float(c.new_hours), float(c.difference)]


def years(province_id: int) -> list[int]:
    return list(db.session.scalars(select(Claim.year).where(
        Claim.province_id == province_id, Claim.outcome == APPROVED, Claim.deleted_at.is_(None))
        .distinct().order_by(Claim.year.desc())))


def table_versions() -> list[ProcessVersion]:
    return list(db.session.scalars(select(ProcessVersion).where(
        ProcessVersion.kind == DMN, ProcessVersion.key == DECISION).order_by(ProcessVersion.version.desc())))
