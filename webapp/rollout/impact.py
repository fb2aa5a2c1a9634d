"""Rule impact preview: replay a year's approved claims through a draft credit table and through the table each claim
was actually computed with, and report what would change.

Fast by construction: each table is parsed once, and the table is evaluated once per distinct input tuple
(pathway, level, rank, quantity) — thousands of claims share a handful of tuples — never once per claim. Bounded in
memory: the claims are read in chunks by id, and a preview keeps its summary and the ids of the changed claims only;
the changed claims are read back and replayed a page at a time."""
import base64
import json
import sys
import time
import zlib
from array import array
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import accumulate, chain
from math import ceil
from typing import Callable, Optional

from sqlalchemy import String, cast, func, select

from models import Claim, Organisation, ProcessVersion, User, WorkflowInstance, db
from models.workflow import DMN

from ..catalogue import MAX_CAP, known_pathways, pathway_name
from ..i18n import _l
from ..pagination import RowPage
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


def _packed(ids: array) -> str:
    """Ascending claim ids as text for a job's JSON result: the gaps between them (small numbers, mostly alike),
    little-endian, compressed — 1M ids take a few hundred KB instead of 8 MB."""
    gaps = array('q', (b - a for a, b in zip(chain((0,), ids), ids)))
    if sys.byteorder != 'little':
        gaps.byteswap()
    return base64.b64encode(zlib.compress(gaps.tobytes())).decode('ascii')


def _unpacked(text: str) -> array:
    gaps = array('q')
    gaps.frombytes(zlib.decompress(base64.b64decode(text)))
    if sys.byteorder != 'little':
        gaps.byteswap()
    return array('q', accumulate(gaps))


@dataclass
class Impact:
    """A preview's summary, and the ids of the claims whose hours change (ascending): the changed claims themselves
    are read a page at a time (`changed_claims`), never held all at once."""
    year: int
    table: str  # the credit table previewed (a draft may be saved again or discarded since)
    claims: int = 0
    by_pathway: list[Group] = field(default_factory=list)
    by_unit: list[Group] = field(default_factory=list)
    changed_ids: array = field(default_factory=lambda: array('q'))
    distinct_inputs: int = 0
    seconds: float = 0.0
    province_id: int = 0  # whose tables the changed claims are replayed through (a job's: its member's province)

    @property
    def changed(self) -> int:
        return len(self.changed_ids)

    @property
    def difference(self) -> Decimal:
        return sum((g.difference for g in self.by_pathway), Decimal(0))

    def to_json(self) -> dict:
        """Plain JSON for a job's result row; decimals as strings so nothing is rounded on the way."""
        def groups(rows):
            return [[g.name, g.claims, g.changed, str(g.old_hours), str(g.new_hours)] for g in rows]
        return {'year': self.year, 'table': self.table, 'claims': self.claims,
                'distinct_inputs': self.distinct_inputs, 'seconds': self.seconds,
                'by_pathway': groups(self.by_pathway), 'by_unit': groups(self.by_unit),
                'changed_ids': _packed(self.changed_ids)}

    @classmethod
    def from_json(cls, data: dict) -> 'Impact':
        def groups(rows):
            return [Group(name, claims, changed, Decimal(old), Decimal(new))
                    for name, claims, changed, old, new in rows]
        if 'changed_ids' in data:
            ids = _unpacked(data['changed_ids'])
        else:  # a result stored before: every changed claim in full, the id first
            ids = array('q', sorted(row[0] for row in data.get('changed', [])))
        return cls(year=data['year'], table=data.get('table', ''), claims=data['claims'],
                   distinct_inputs=data['distinct_inputs'], seconds=data['seconds'],
                   by_pathway=groups(data['by_pathway']), by_unit=groups(data['by_unit']), changed_ids=ids)


def _content(draft, province_id: int) -> str:
    if isinstance(draft, ProcessVersion):
        if draft.kind != DMN or draft.key != DECISION or draft.province_id != province_id:
            raise ImpactError(_l('只能预览学时折算表（credit_hours）的版本'))
        return draft.content
    return draft


PROGRESS_EVERY = 5000  # claims between two progress reports
CHUNK = 10_000  # claims read per query (a range of ids): memory stays bounded however large the year


def _replayed(year: int, province_id: int) -> tuple:
    """The claims a preview replays: the year's approved claims with registered hours."""
    return (Claim.province_id == province_id, Claim.year == year, Claim.outcome == APPROVED,
            Claim.deleted_at.is_(None), Claim.registered_hours.is_not(None))


def count(year: int, province_id: int) -> int:
    """How many claims a preview of *year* replays: decides whether it runs in the request or in the worker."""
    return db.session.scalar(select(func.count(Claim.id)).where(*_replayed(year, province_id)))


class Replay:
    """Both sides of a preview: the draft table, and for each claim the table it was actually computed with (the
    instance's rule versions; the published table for claims without one). Each table is parsed once."""

    def __init__(self, table: str, province_id: int):
        self.new = Matcher(table)
        self.current = published(DMN, DECISION, province_id)
        self.tables = dict(db.session.execute(select(ProcessVersion.id, ProcessVersion.content).where(
            ProcessVersion.province_id == province_id, ProcessVersion.kind == DMN, ProcessVersion.key == DECISION
        )).all())
        self._by_version: dict[int, Matcher] = {}
        self._by_rules: dict[tuple, Matcher] = {}
        self._hours: dict[tuple, tuple[Decimal, Decimal]] = {}
        self._limits: dict[int, dict[str, Decimal]] = {}

    def limits(self, province_id: int) -> dict[str, Decimal]:
        """The annual cap of each pathway of the province's catalogue (read once: a preview commits its progress
        between chunks, and reads nothing else while it replays)."""
        if province_id not in self._limits:
            self._limits[province_id] = {code: p.cap for code, p in known_pathways(province_id).items()
                                         if p.cap is not None}
        return self._limits[province_id]

    def _old(self, rules: Optional[str]) -> Matcher:
        old = self._by_rules.get(rules)
        if old is None:
            version_id = next((v for v in json.loads(rules or '[]') if v in self.tables), None)
            if version_id is None:
                if self.current is None:
                    raise ImpactError(_l('学时折算表尚未发布，无法比较'))
                version_id = self.current.id
            if version_id not in self._by_version:
                self._by_version[version_id] = Matcher(self.tables[version_id])
            old = self._by_rules[rules] = self._by_version[version_id]
        return old

    def hours(self, rules: Optional[str], pathway: str, level, rank, quantity,
              province_id: int) -> tuple[Decimal, Decimal]:
        """(old hours, new hours) of a claim of *province_id* whose instance's rule versions are *rules* (RULES: JSON
        text), each at most the pathway's annual cap in the province's catalogue; worked out once per rule versions,
        province and inputs."""
        key = (rules, pathway, level, rank, quantity, province_id)
        both = self._hours.get(key)
        if both is None:
            limit = self.limits(province_id).get(pathway, Decimal(MAX_CAP))
            inputs = (pathway, level or '', rank or 0, Decimal(quantity))
            both = self._hours[key] = (self._old(rules).hours(*inputs, limit), self.new.hours(*inputs, limit))
        return both


# An instance's rule versions as the JSON text they are stored as: a million claims share a handful of them, decoded
# once each (Replay.hours) instead of once per claim.
RULES = cast(WorkflowInstance.rule_version_ids, String)


def preview(draft, year: int, province_id: int, progress: Optional[Callable[[int, int], None]] = None) -> Impact:
    """*draft*: a ProcessVersion of credit_hours (any status) or plain DMN XML. *progress(done, total)* is called
    every PROGRESS_EVERY claims (it may commit: the claims are read in chunks, each chunk a query of its own)."""
    started = time.perf_counter()
    table = _content(draft, province_id)
    replay = Replay(table, province_id)
    replay.limits(province_id)
    names = {code: str(p.label) for code, p in known_pathways(province_id).items()}
    ids = array('q')  # 8 bytes a claim: read in one pass, before any progress is committed
    ids.extend(db.session.connection().execute(select(Claim.id).where(*_replayed(year, province_id))
                                               .order_by(Claim.id).execution_options(yield_per=CHUNK)).scalars())
    pathways: dict[str, Group] = {}
    units: dict[int, Group] = {}
    changed_ids = array('q')
    done = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        wanted = set(chunk)
        # by a range of the primary key only, whatever the statistics say about years and outcomes; the claims of
        # other years or provinces within the range are passed over
        rows = db.session.connection().execute(  # plain rows (no ORM): the loop below is the preview's cost
            select(Claim.id, Claim.unit_id, Claim.pathway, Claim.level, Claim.rank, Claim.quantity, RULES)
            .outerjoin(WorkflowInstance, WorkflowInstance.id == Claim.instance_id)
            .where(Claim.id.between(chunk[0], chunk[-1])).order_by(Claim.id)).all()
        for claim_id, unit_id, pathway, level, rank, quantity, rules in rows:
            if claim_id not in wanted:
                continue
            if progress is not None and done % PROGRESS_EVERY == 0:
                progress(done, len(ids))
            done += 1
            old_hours, new_hours = replay.hours(rules, pathway, level, rank, quantity, province_id)
            p = pathways.get(pathway) or pathways.setdefault(pathway, Group(names.get(pathway, pathway)))
            u = units.get(unit_id) or units.setdefault(unit_id, Group(''))
            for group in (p, u):
                group.claims += 1
                group.old_hours += old_hours
                group.new_hours += new_hours
            if old_hours != new_hours:
                p.changed += 1
                u.changed += 1
                changed_ids.append(claim_id)
    for unit_id, name in _unit_names(list(units)):
        units[unit_id].name = name
    for unit_id, group in units.items():
        group.name = group.name or str(unit_id)
    impact = Impact(year=year, table=table, claims=done,
                    by_pathway=[pathways[k] for k in names if k in pathways]
                    + [g for k, g in pathways.items() if k not in names],
                    by_unit=sorted(units.values(), key=lambda g: (-abs(g.difference), g.name)),
                    changed_ids=changed_ids, distinct_inputs=len(replay.new.table), province_id=province_id)
    impact.seconds = time.perf_counter() - started
    return impact


def _unit_names(unit_ids: list[int]):
    for start in range(0, len(unit_ids), CHUNK):
        yield from db.session.execute(select(Organisation.id, Organisation.name)
                                      .where(Organisation.id.in_(unit_ids[start:start + CHUNK])))


CHANGED_PER_PAGE = 200  # changed claims listed per page


def changed_claims(impact: Impact, ids) -> list[Changed]:
    """The changed claims of *ids* (some of impact.changed_ids, in that order), read from the database and replayed
    again through the tables of the preview (a page costs one query; the tables are parsed once per process)."""
    if not len(ids):
        return []
    replay = Replay(impact.table, impact.province_id)
    rows = db.session.execute(
        select(Claim.id, Claim.pathway, Claim.level, Claim.rank, Claim.quantity, Claim.title,
               Claim.registered_hours, RULES, User.name, Organisation.name, Claim.province_id)
        .join(User, User.id == Claim.learner_id).join(Organisation, Organisation.id == Claim.unit_id)
        .outerjoin(WorkflowInstance, WorkflowInstance.id == Claim.instance_id)
        .where(Claim.id.in_(list(ids))))
    found = {}
    for claim_id, pathway, level, rank, quantity, title, registered, rules, learner, unit, province_id in rows:
        old_hours, new_hours = replay.hours(rules, pathway, level, rank, quantity, province_id)
        found[claim_id] = Changed(claim_id, learner, unit, str(pathway_name(province_id, pathway)), title,
                                  Decimal(registered),
                                  old_hours, new_hours)
    return [found[i] for i in ids if i in found]  # a claim deleted since the preview is left out


def changed_page(impact: Impact, page: int) -> RowPage:
    """One page of the changed claims, for the preview's page (the `pager` macro)."""
    page = min(max(page, 1), max(1, ceil(impact.changed / CHANGED_PER_PAGE)))
    start = (page - 1) * CHANGED_PER_PAGE
    return RowPage(changed_claims(impact, impact.changed_ids[start:start + CHANGED_PER_PAGE]), page,
                   CHANGED_PER_PAGE, impact.changed)


EXPORT_HEADERS = [_l('登记号'), _l('姓名'), _l('单位'), _l('认定类型'), _l('项目名称'), _l('已登记学时'), _l('原折算学时'),
                  _l('新折算学时'), _l('差额')]


def export_name(year: int, version: Optional[ProcessVersion]) -> str:
    """The file name (without .xlsx) of a preview's list of changed claims."""
    return _l('规则影响预览-%(year)s-v%(version)s', year=year, version=version.version if version else '')


EXPORT_SHEET = _l('学时变化')


def export_rows(impact: Impact):
    """Every changed claim, read a chunk at a time."""
    for start in range(0, impact.changed, CHUNK):
        for c in changed_claims(impact, impact.changed_ids[start:start + CHUNK]):
            yield [c.claim_id, c.learner, c.unit, c.pathway, c.title, float(c.registered_hours), float(c.old_hours),
                   float(c.new_hours), float(c.difference)]


def years(province_id: int) -> list[int]:
    return list(db.session.scalars(select(Claim.year).where(
        Claim.province_id == province_id, Claim.outcome == APPROVED, Claim.deleted_at.is_(None))
        .distinct().order_by(Claim.year.desc())))


def table_versions(province_id: int) -> list[ProcessVersion]:
    return list(db.session.scalars(select(ProcessVersion).where(
        ProcessVersion.province_id == province_id, ProcessVersion.kind == DMN, ProcessVersion.key == DECISION)
        .order_by(ProcessVersion.version.desc())))
