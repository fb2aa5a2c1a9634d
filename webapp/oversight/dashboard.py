"""统计看板: the figures of a supervising department's or the province's dashboard, for the organisations below one
of them (the current role's own, or one below it), and of a unit admin's, for her unit's departments (or only her
own department: a secondary admin), read from the aggregates (models/stats.py: each organisation's rows are its
sub-tree's totals, so a figure reads the root's rows, or its children's; a unit's department rows are its own). Each
figure is a table: its rows are what the page shows, the chart draws and the export writes."""
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, func, or_, select

from models import (Department, Organisation, StatBacklog, StatClaimMonth, StatDecisionWeek, StatDeptBacklog,
                    StatDeptClaimMonth, StatDeptDecisionWeek, StatDeptSupplementMonth, StatDeptYear,
                    StatRegistrationMonth, StatSupplementMonth, StatUnitYear, db, utcnow)

from ..catalogue import Labels, known_pathways
from ..i18n import _l
from ..workflow.catalog import PROCESS_NAMES

TOP_ROWS = 200   # rows of the completion table on the page (all of them in the export)
AGES = ((7, _l('7 天内')), (30, _l('8–30 天')), (90, _l('31–90 天')), (None, _l('90 天以上')))
OUTCOMES = (('approve', _l('通过')), ('reject', _l('不通过')), ('return', _l('退回修改')))
TALLIES = (_l('提交数'), _l('通过数'), _l('不通过数'))
REGISTRATION_KINDS = (('learner', _l('个人注册')), ('org', _l('单位注册')))  # org: units and supervising departments


@dataclass(frozen=True)
class Scope:
    """Whose figures: an organisation's sub-tree (its rows in the sub-tree tables), or a unit's own by department
    (its rows in the department tables: all of them, or only *department_id*'s, a secondary admin's). A 人社部门's
    rows add up the units in its care too (stats._ancestors); for one below the top, *heads*
    (permissions.hr_care_heads: the units heading its care, not below it in the tree) are the rows listed below it."""
    org_id: int
    by_department: bool = False
    department_id: int | None = None
    heads: object = None

    def rows(self, whole, per_department) -> tuple:
        """The aggregate to read (*whole* or *per_department*) and the conditions that pick this scope's rows."""
        if not self.by_department:
            return whole, [whole.org_id == self.org_id]
        where = [per_department.org_id == self.org_id]
        if self.department_id is not None:
            where.append(per_department.department_id == self.department_id)
        return per_department, where


@dataclass
class Table:
    """A figure: column headers and rows (the first cell names the row; the others are numbers)."""
    key: str
    title: str
    columns: list
    rows: list
    note: str = ''


def _rate(met, staff) -> float:
    return round(100 * met / staff, 1) if staff else 0.0


def _completion_rows(scope: Scope, year: int):
    """(name, staff, met …) per organisation directly below the root, summed over its sub-tree; or per department
    of the unit (people without one: 未分配部门)."""
    if not scope.by_department:
        children = Organisation.parent_id == scope.org_id
        if scope.heads is not None:
            children = or_(children, Organisation.id.in_(scope.heads))
        return select(Organisation.name, StatUnitYear.staff, StatUnitYear.total_met, StatUnitYear.professional_met,
                      StatUnitYear.public_met, StatUnitYear.all_met) \
            .join(StatUnitYear, and_(StatUnitYear.org_id == Organisation.id, StatUnitYear.year == year)) \
            .where(children)
    model, where = scope.rows(StatUnitYear, StatDeptYear)
    name = func.coalesce(Department.name, str(_l('未分配部门')))
    return select(name, model.staff, model.total_met, model.professional_met, model.public_met, model.all_met) \
        .outerjoin(Department, Department.id == model.department_id).where(*where, model.year == year)


def completion(scope: Scope, year: int, limit: int | None = TOP_ROWS) -> Table:
    """达标率 per organisation directly below the root (or per department of the unit); lowest rate first."""
    rows = []
    for name, staff, total, professional, public, met in db.session.execute(_completion_rows(scope, year)):
        rows.append([name, int(staff or 0), int(total or 0), int(professional or 0), int(public or 0), int(met or 0),
                     _rate(met or 0, staff or 0)])
    rows.sort(key=lambda r: (r[-1], r[0]))
    shown = rows[:limit] if limit else rows
    note = _l('共 %(n)s 个，仅显示达标率最低的 %(shown)s 个；导出含全部', n=len(rows), shown=len(shown)) \
        if len(shown) < len(rows) else ''
    if scope.by_department:
        title, what = _l('%(year)s 年度各部门学时达标率', year=year), _l('部门')
    else:
        title, what = _l('%(year)s 年度各下属机构学时达标率', year=year), _l('机构')
    return Table('completion', title,
                 [what, _l('人数'), _l('总学时达标'), _l('专业科目达标'), _l('公需科目达标'), _l('全部达标'),
                  _l('达标率（%）')], shown, note)


def _claims(scope: Scope, year: int, pathway: str | None):
    model, where = scope.rows(StatClaimMonth, StatDeptClaimMonth)
    query = select(model.month, model.pathway, model.submitted, model.approved, model.hours) \
        .where(*where, model.year == year)
    if pathway:
        query = query.where(model.pathway == pathway)
    return db.session.execute(query).all()


def _pathways(root_id: int) -> Labels:
    """The pathways of the province the organisation is in (its catalogue's, older versions' after)."""
    return known_pathways(db.session.get(Organisation, root_id).province.id)


def _pathway_label(pathways: Labels, code: str) -> str:
    return str(_l(pathways[code].label)) if code in pathways else code


def hours(scope: Scope, year: int, pathway: str | None) -> tuple[Table, Table]:
    """Approved hours by month (a column per pathway) and the claims by pathway (submitted, approved, hours)."""
    found = _claims(scope, year, pathway)
    pathways = _pathways(scope.org_id)
    codes = [code for code in pathways if (not pathway or code == pathway)]
    codes += sorted({p for _m, p, *_ in found} - set(codes))
    by_month = defaultdict(float)
    by_pathway = defaultdict(lambda: [0, 0, 0.0])
    for month, code, submitted, approved, hours_ in found:
        by_month[(int(month), code)] += float(hours_ or 0)
        totals = by_pathway[code]
        totals[0] += int(submitted or 0)
        totals[1] += int(approved or 0)
        totals[2] += float(hours_ or 0)
    months = Table('months', _l('%(year)s 年度各月认定学时（按认定类型）', year=year),
                   [_l('月份')] + [_pathway_label(pathways, code) for code in codes] + [_l('合计')],
                   [[str(_l('%(month)s月', month=month))] + [round(by_month[(month, code)], 1) for code in codes]
                    + [round(sum(by_month[(month, code)] for code in codes), 1)] for month in range(1, 13)])
    pathways = Table('pathways', _l('%(year)s 年度各认定类型学时', year=year),
                     [_l('认定类型'), _l('提交'), _l('通过认定'), _l('认定学时')],
                     [[_pathway_label(pathways, code), *by_pathway[code][:2], round(by_pathway[code][2], 1)]
                      for code in codes if code in by_pathway])
    return months, pathways


def backlog(scope: Scope) -> Table:
    """What waited at the organisations of the sub-tree (the root included; or at the unit, in its departments) at
    the last rebuild, by process and step and by waiting time; the oldest first (its age counted to now)."""
    now = utcnow()
    rows = []
    model, where = scope.rows(StatBacklog, StatDeptBacklog)
    oldest = func.min(model.oldest)
    for subject, label, *ages, oldest in db.session.execute(
            select(model.subject_type, model.status_label, func.sum(model.week), func.sum(model.month),
                   func.sum(model.quarter), func.sum(model.older), oldest)
            .where(*where).group_by(model.subject_type, model.status_label).order_by(oldest, model.subject_type,
                                                                                     model.status_label)):
        name = str(PROCESS_NAMES.get(subject, subject)) + ' · ' + str(_l(label))
        rows.append([name, *[int(a) for a in ages], sum(int(a) for a in ages), (now - oldest).days])
    return Table('backlog', _l('待办积压（按环节和等待时长）'),
                 [_l('环节')] + [label for _days, label in AGES] + [_l('合计'), _l('最久等待（天）')], rows)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def decisions(scope: Scope, year: int, pathway: str | None) -> Table:
    """Review decisions per week of *year* at the organisations of the sub-tree (the root included; or at the unit,
    in its departments)."""
    first, last = _monday(date(year, 1, 1)), date(year, 12, 31)
    model, where = scope.rows(StatDecisionWeek, StatDeptDecisionWeek)
    query = select(model.week, model.outcome, func.sum(model.decisions)) \
        .where(*where, model.week >= first, model.week <= last) \
        .group_by(model.week, model.outcome)
    if pathway:
        query = query.where(model.pathway == pathway)
    weeks = defaultdict(lambda: defaultdict(int))
    for week, outcome, count in db.session.execute(query):
        week = week if isinstance(week, date) else date.fromisoformat(str(week)[:10])
        weeks[week][outcome] += int(count or 0)
    rows = [[week.isoformat()] + [weeks[week][key] for key, _label in OUTCOMES]
            + [sum(weeks[week].values())] for week in sorted(weeks)]
    return Table('decisions', _l('%(year)s 年度每周审核量', year=year),
                 [_l('周（周一）')] + [label for _key, label in OUTCOMES] + [_l('合计')], rows)


def _month_rows(found: dict, width: int) -> list[list]:
    """Twelve rows (1月 … 12月) of *width* counts: *found* maps (month, column) to a count."""
    return [[str(_l('%(month)s月', month=month))] + [found[(month, column)] for column in range(width)]
            for month in range(1, 13)]


def supplements(scope: Scope, year: int, pathway: str | None) -> Table:
    """增补: the requests sent to the units in each month of *year*, and how many of them were approved and
    rejected so far."""
    model, where = scope.rows(StatSupplementMonth, StatDeptSupplementMonth)
    query = select(model.month, func.sum(model.requested), func.sum(model.approved), func.sum(model.rejected)) \
        .where(*where, model.year == year).group_by(model.month)
    if pathway:
        query = query.where(model.pathway == pathway)
    found = defaultdict(int)
    for month, *counts in db.session.execute(query):
        for column, count in enumerate(counts):
            found[(int(month), column)] += int(count or 0)
    return Table('supplements', _l('%(year)s 年各月增补申请（按申请时间）', year=year), [_l('月份'), *TALLIES],
                 _month_rows(found, len(TALLIES)))


def registrations(scope: Scope, year: int) -> Table:
    """注册: the registrations submitted to the organisations of the sub-tree in each month of *year* (a person's
    at her unit, a unit's or supervising department's at its superior), and how many were approved and rejected."""
    model, where = scope.rows(StatRegistrationMonth, None)
    query = select(model.month, model.kind, model.submitted, model.approved, model.rejected) \
        .where(*where, model.year == year)
    found = defaultdict(int)
    for month, registered, *counts in db.session.execute(query):
        first = 0 if registered == 'learner' else len(TALLIES)
        for column, count in enumerate(counts):
            found[(int(month), first + column)] += int(count or 0)
    columns = [f'{name}·{tally}' for _key, name in REGISTRATION_KINDS for tally in TALLIES]
    return Table('registrations', _l('%(year)s 年各月注册申请（按提交时间）', year=year), [_l('月份'), *columns],
                 _month_rows(found, len(columns)))


FIGURES = ('completion', 'months', 'pathways', 'backlog', 'decisions', 'supplements', 'registrations')
UNIT_FIGURES = ('completion', 'months', 'pathways', 'backlog', 'decisions', 'supplements')


def tables(scope: Scope, year: int, pathway: str | None, export: str | None = None) -> dict[str, Table]:
    """Every figure of the dashboard (or only *export*'s, all its rows)."""
    wanted = {export} if export else set(UNIT_FIGURES if scope.by_department else FIGURES)
    found = {}
    if 'completion' in wanted:
        found['completion'] = completion(scope, year, None if export else TOP_ROWS)
    if wanted & {'months', 'pathways'}:
        found['months'], found['pathways'] = hours(scope, year, pathway)
    if 'backlog' in wanted:
        found['backlog'] = backlog(scope)
    if 'decisions' in wanted:
        found['decisions'] = decisions(scope, year, pathway)
    if 'supplements' in wanted:
        found['supplements'] = supplements(scope, year, pathway)
    if 'registrations' in wanted:
        found['registrations'] = registrations(scope, year)
    return found
