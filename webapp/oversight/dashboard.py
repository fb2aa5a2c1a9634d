"""统计看板: the figures of a supervising department's or the province's dashboard, for the organisations below one
of them (the current role's own, or one below it), read from the aggregates (models/stats.py: each organisation's
rows are its sub-tree's totals, so a figure reads the root's rows, or its children's). Each figure is a table: its
rows are what the page shows, the chart draws and the export writes."""
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, func, select

from models import Organisation, StatBacklog, StatClaimMonth, StatDecisionWeek, StatUnitYear, db, utcnow

from ..catalogue import Labels, known_pathways
from ..i18n import _l
from ..workflow.catalog import PROCESS_NAMES

TOP_ROWS = 200   # rows of the completion table on the page (all of them in the export)
AGES = ((7, _l('7 天内')), (30, _l('8–30 天')), (90, _l('31–90 天')), (None, _l('90 天以上')))
OUTCOMES = (('approve', _l('通过')), ('reject', _l('不通过')), ('return', _l('退回修改')))


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


def completion(root_id: int, year: int, limit: int | None = TOP_ROWS) -> Table:
    """达标率 per organisation directly below the root, summed over its sub-tree; lowest rate first."""
    query = select(Organisation.name, StatUnitYear.staff, StatUnitYear.total_met, StatUnitYear.professional_met,
                   StatUnitYear.public_met, StatUnitYear.all_met) \
        .join(StatUnitYear, and_(StatUnitYear.org_id == Organisation.id, StatUnitYear.year == year)) \
        .where(Organisation.parent_id == root_id)
    rows = []
    for name, staff, total, professional, public, met in db.session.execute(query):
        rows.append([name, int(staff or 0), int(total or 0), int(professional or 0), int(public or 0), int(met or 0),
                     _rate(met or 0, staff or 0)])
    rows.sort(key=lambda r: (r[-1], r[0]))
    shown = rows[:limit] if limit else rows
    note = _l('共 %(n)s 个，仅显示达标率最低的 %(shown)s 个；导出含全部', n=len(rows), shown=len(shown)) \
        if len(shown) < len(rows) else ''
    return Table('completion', _l('%(year)s 年度各下属机构学时达标率', year=year),
                 [_l('机构'), _l('人数'), _l('总学时达标'), _l('专业科目达标'), _l('公需科目达标'), _l('全部达标'),
                  _l('达标率（%）')], shown, note)


def _claims(root_id: int, year: int, pathway: str | None):
    query = select(StatClaimMonth.month, StatClaimMonth.pathway, StatClaimMonth.submitted, StatClaimMonth.approved,
                   StatClaimMonth.hours).where(StatClaimMonth.org_id == root_id, StatClaimMonth.year == year)
    if pathway:
        query = query.where(StatClaimMonth.pathway == pathway)
    return db.session.execute(query).all()


def _pathways(root_id: int) -> Labels:
    """The pathways of the province the organisation is in (its catalogue's, older versions' after)."""
    return known_pathways(db.session.get(Organisation, root_id).province.id)


def _pathway_label(pathways: Labels, code: str) -> str:
    return str(_l(pathways[code].label)) if code in pathways else code


def hours(root_id: int, year: int, pathway: str | None) -> tuple[Table, Table]:
    """Approved hours by month (a column per pathway) and the claims by pathway (submitted, approved, hours)."""
    found = _claims(root_id, year, pathway)
    pathways = _pathways(root_id)
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


def backlog(root_id: int) -> Table:
    """What waited at the organisations of the sub-tree (the root included) at the last rebuild, by process and
    step and by waiting time; the oldest first (its age counted to now)."""
    now = utcnow()
    rows = []
    for subject, label, *ages, oldest in db.session.execute(
            select(StatBacklog.subject_type, StatBacklog.status_label, StatBacklog.week, StatBacklog.month,
                   StatBacklog.quarter, StatBacklog.older, StatBacklog.oldest)
            .where(StatBacklog.org_id == root_id).order_by(StatBacklog.oldest)):
        name = str(PROCESS_NAMES.get(subject, subject)) + ' · ' + str(_l(label))
        rows.append([name, *[int(a) for a in ages], sum(int(a) for a in ages), (now - oldest).days])
    return Table('backlog', _l('待办积压（按环节和等待时长）'),
                 [_l('环节')] + [label for _days, label in AGES] + [_l('合计'), _l('最久等待（天）')], rows)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def decisions(root_id: int, year: int, pathway: str | None) -> Table:
    """Review decisions per week of *year* at the organisations of the sub-tree (the root included)."""
    first, last = _monday(date(year, 1, 1)), date(year, 12, 31)
    query = select(StatDecisionWeek.week, StatDecisionWeek.outcome, func.sum(StatDecisionWeek.decisions)) \
        .where(StatDecisionWeek.org_id == root_id, StatDecisionWeek.week >= first,
               StatDecisionWeek.week <= last) \
        .group_by(StatDecisionWeek.week, StatDecisionWeek.outcome)
    if pathway:
        query = query.where(StatDecisionWeek.pathway == pathway)
    weeks = defaultdict(lambda: defaultdict(int))
    for week, outcome, count in db.session.execute(query):
        week = week if isinstance(week, date) else date.fromisoformat(str(week)[:10])
        weeks[week][outcome] += int(count or 0)
    rows = [[week.isoformat()] + [weeks[week][key] for key, _label in OUTCOMES]
            + [sum(weeks[week].values())] for week in sorted(weeks)]
    return Table('decisions', _l('%(year)s 年度每周审核量', year=year),
                 [_l('周（周一）')] + [label for _key, label in OUTCOMES] + [_l('合计')], rows)


FIGURES = ('completion', 'months', 'pathways', 'backlog', 'decisions')


def tables(root_id: int, year: int, pathway: str | None, export: str | None = None) -> dict[str, Table]:
    """Every figure of the dashboard (or only *export*'s, all its rows)."""
    wanted = {export} if export else set(FIGURES)
    found = {}
    if 'completion' in wanted:
        found['completion'] = completion(root_id, year, None if export else TOP_ROWS)
    if wanted & {'months', 'pathways'}:
        found['months'], found['pathways'] = hours(root_id, year, pathway)
    if 'backlog' in wanted:
        found['backlog'] = backlog(root_id)
    if 'decisions' in wanted:
        found['decisions'] = decisions(root_id, year, pathway)
    return found
