"""【导入学员培训信息】: a unit admin's Excel file of staff claims becomes draft claims, row by row.

A row that fails validation is listed with its reason and stores nothing; a valid row becomes a draft (待提交)
through the same `create_claim` as the form, ready for batch submission. Files are worked off by `flask worker`
in chunks, so a 10,000-row file shows its progress instead of holding a request open.

The file is Chinese whatever language the pages are read in: the columns, the sheet name and the values the import
accepts (pathway, sub-type and level labels) are data. A row's reason names its column as the file does, and is
stored with the job in the worker's language (Chinese by default).
"""
import hashlib
import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Optional

from flask import current_app
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import func, insert, select
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import selectinload
from stdnum.cn import ric

from models import Claim, ImportJob, ImportRow, Membership, User, db, utcnow
from models.imports import DONE, PENDING
from models.people import LEARNER, UNIT_ADMIN

from .. import audit, timers
from ..dates import date_out_of_range, parse_day, today
from ..claims import operations as claims
from ..catalogue import MAX_QUANTITY, Catalogue, catalogue_for
from ..claims.sheets import COLUMNS, SHEET
from ..i18n import _l
from ..numbers import NumberRefused, TooLarge, TooPrecise, parse_decimal
from ..refusals import Refused
from ..spreadsheets import read_table
from ..workflow.versions import same_versions


(ID_NUMBER, NAME, PATHWAY, SUB_TYPE, LEVEL, RANK, QUANTITY, TITLE, START, END, HOURS, YEAR, DESCRIPTION,
 CERTIFICATE_NO) = COLUMNS  # the template's column headers, as the rows are read by them
REQUIRED = [ID_NUMBER, PATHWAY, SUB_TYPE, TITLE, START, END, HOURS, YEAR]
CHOICES_SHEET = '填写说明'  # i18n: data - the template's sheet of allowed values, named in its dropdown's formula
CHUNK = 200


class ImportRefused(Refused):
    """The whole file is refused (not an .xlsx, wrong header, too many rows); nothing is stored."""


class RowError(Refused):
    """One row is refused; the others are imported."""


def template(catalogue: Catalogue) -> bytes:
    """The import template: the header row, one example row, the allowed values of the province's *catalogue*, and a
    dropdown for 认定类型."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(COLUMNS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    year = today().year
    ws.append(['33010619850312001X', '张伟', '参加培训进修', '培训班', '', '', 1, '省级公路养护技术培训班（省级）',  # i18n: data
               date(year, 3, 1), date(year, 3, 3), 18, year, '', ''])
    for column, width in zip('ABCDEFGHIJKLMN', (22, 10, 18, 16, 8, 6, 6, 36, 12, 12, 10, 10, 24, 16)):
        ws.column_dimensions[column].width = width
    choices = wb.create_sheet(CHOICES_SHEET)
    choices.append([_('认定类型'), _('二级类型'), _('级别'), _('数量的含义')])
    for p in catalogue.pathways.values():  # the values to type, as the import matches them
        levels = '、'.join(catalogue.level_label(lv) for lv in p.levels)  # i18n: data
        choices.append([p.label, '、'.join(p.sub_types), levels, p.unit])  # i18n: data
    choices.append([])
    choices.append([_('说明：带 * 的列必填：%(columns)s；日期写作 2026-03-01；第 2 行为示例，导入前请删除。',
                      columns='、'.join(REQUIRED))])
    pathway_list = DataValidation(type='list', formula1=f"'{CHOICES_SHEET}'!$A$2:$A${len(catalogue.pathways) + 1}",
                                  allow_blank=False)
    ws.add_data_validation(pathway_list)
    pathway_list.add(f"C2:C{current_app.config['IMPORT_MAX_ROWS'] + 1}")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _text(value) -> str:
    if value is None:
        return ''
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _shown(value) -> str:
    """A cell as a row's reason quotes it: its first 20 characters (a 30,000-character cell stays in the file)."""
    text = _text(value)
    return text if len(text) <= 20 else text[:20] + '…'


def _decimal(value, name: str, too_large) -> Decimal:
    """A positive amount as its column keeps it (webapp/numbers.py: checked as text before it is converted);
    *too_large*: the message for one beyond the column."""
    try:
        number = parse_decimal(value if isinstance(value, (int, float)) else _text(value))
    except TooPrecise as exc:
        raise RowError(_l('%(column)s最多保留 %(places)s 位小数', column=name, places=exc.scale)) from None
    except TooLarge:
        raise RowError(too_large) from None
    except NumberRefused:
        raise RowError(_l('%(column)s“%(value)s”不是数字', column=name, value=_shown(value))) from None
    if number <= 0:
        raise RowError(_l('%(column)s应大于 0', column=name))
    return number


def _date(value, name: str) -> date:
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    else:
        text = _text(value)
        day = parse_day(text)
        if day is None:
            raise RowError(_l('%(column)s“%(value)s”不是有效日期（例如 2026-03-01 或 2026/3/1）', column=name,
                              value=_shown(text)))
    problem = date_out_of_range(day)
    if problem is not None:
        raise RowError(_l('%(column)s %(day)s：%(problem)s', column=name, day=day.isoformat(), problem=problem))
    return day


def _id_number(value) -> str:
    return _text(value).upper()


def staff_by_id_number(rows: list[tuple[int, dict]]) -> dict[str, User]:
    """The people a batch of rows names, with their memberships, by ID number: two queries for the batch."""
    numbers = {_id_number(row.get(ID_NUMBER)) for _number, row in rows} - {''}
    if not numbers:
        return {}
    people = db.session.scalars(select(User).where(User.id_number.in_(numbers)).options(selectinload(User.memberships)))
    return {u.id_number: u for u in people}


@lru_cache(maxsize=4096)
def _valid_id_number(number: str) -> bool:
    """ric.is_valid (its check of the birth place costs half a millisecond), once per number a file repeats."""
    return ric.is_valid(number)


def _learner(m: Membership, value, name_value, staff: dict[str, User] | None) -> User:
    number = _id_number(value)
    if not _valid_id_number(number):
        raise RowError(_l('身份证号“%(number)s”无效（位数、出生日期或校验位不对）', number=number))
    user = staff.get(number) if staff is not None else db.session.scalar(select(User).where(User.id_number == number))
    member = next((x for x in user.memberships if x.role == LEARNER), None) if user is not None else None
    if member is None or member.org_id != m.org_id or (m.department_id and member.department_id != m.department_id):
        # the same words whether the number is someone's of another unit or nobody's: neither her name nor her unit
        # nor whether she exists at all is the importing admin's to learn
        if m.department_id:
            raise RowError(_l('身份证号 %(number)s 不是本单位本部门的专技人员（或尚未注册）', number=number))
        raise RowError(_l('身份证号 %(number)s 不是本单位的专技人员（或尚未注册）', number=number))
    name = _text(name_value)
    if name and name != user.name:
        raise RowError(_l('姓名“%(name)s”与身份证号 %(number)s 不符', name=name, number=number))
    return user


def parse_row(m: Membership, row: dict, staff: dict[str, User] | None = None) -> tuple[User, claims.ClaimInput]:
    """One row -> (learner, claim input), or RowError naming what is wrong. *staff*: the people of the row's batch
    (staff_by_id_number), else the row's learner is looked up on her own."""
    for column in REQUIRED:
        if not _text(row.get(column)):
            raise RowError(_l('“%(column)s”为必填项', column=column))
    learner = _learner(m, row[ID_NUMBER], row.get(NAME), staff)
    catalogue = catalogue_for(m.org.province.id)  # the province's current catalogue (read once per request or job)
    label = _text(row[PATHWAY])
    pathway = catalogue.pathway(label) or next((p for p in catalogue.pathways.values() if p.label == label), None)
    if pathway is None:
        raise RowError(_l('认定类型“%(pathway)s”不存在', pathway=label))
    code = pathway.code
    sub_type = _text(row[SUB_TYPE])
    if sub_type not in pathway.sub_types:  # the values as the file holds them
        raise RowError(_l('二级类型“%(sub_type)s”不属于“%(pathway)s”（可选：%(choices)s）', sub_type=sub_type,
                          pathway=pathway.label, choices='、'.join(pathway.sub_types)))
    level = None
    if pathway.levels:
        level_label = _text(row.get(LEVEL))
        level = next((code for code, name in catalogue.level_labels.items() if name == level_label),
                     level_label if level_label in catalogue.level_labels else None)
        if level not in pathway.levels:
            raise RowError(_l('“%(pathway)s”须填写级别（%(levels)s）', pathway=pathway.label,
                              levels='、'.join(catalogue.level_label(x) for x in pathway.levels)))
    rank = None
    if pathway.max_rank:
        try:
            rank = int(_text(row.get(RANK)) or '0')
        except ValueError:
            raise RowError(_l('排名应为整数')) from None
        if not 1 <= rank <= pathway.max_rank:
            raise RowError(_l('排名应在 1 到 %(max)s 之间', max=pathway.max_rank))
    quantity_range = _l('数量应在 0.1 到 %(max)s 之间', max=MAX_QUANTITY)
    quantity = _decimal(row.get(QUANTITY) or 1, QUANTITY, quantity_range)
    if quantity > MAX_QUANTITY:
        raise RowError(quantity_range)
    start, end = _date(row[START], START), _date(row[END], END)
    if end < start:
        raise RowError(_l('结束时间不能早于开始时间'))
    hours = _decimal(row[HOURS], HOURS, _l('申请学时应大于 0 且不超过 %(cap)s',
                                           cap=claims.format_hours(claims.claim_limit(pathway))))
    estimate = claims.estimate_hours(pathway, level, quantity, rank, start, end,
                                     province_id=m.org.province.id)
    if estimate['hours'] is not None and hours > estimate['hours']:
        claimed, table = (format(h.normalize(), 'f') for h in (hours, estimate['hours']))
        raise RowError(_l('申请学时 %(hours)s 超过折算表的 %(table)s', hours=claimed, table=table))
    try:
        year = int(_text(row[YEAR]))
    except ValueError:
        raise RowError(_l('计入年度应为年份，例如 2026')) from None
    title = _text(row[TITLE])
    if len(title) > 200:
        raise RowError(_l('认定内容不能超过 200 个字'))
    return learner, claims.ClaimInput(
        pathway=code, sub_type=sub_type, level=level, rank=rank, quantity=quantity, title=title,
        start_date=start, end_date=end, applied_hours=hours, year=year,
        description=_text(row.get(DESCRIPTION))[:2000] or None,
        certificate_no=_text(row.get(CERTIFICATE_NO))[:100] or None, pledged=True)


def _read_rows(content: bytes) -> list[tuple[int, dict]]:
    """(sheet row number, values by column) of each non-blank row: the number is the one Excel shows, so that a
    result still points at the right row when blank rows were skipped. The work is bounded (webapp/spreadsheets.py):
    in the request that checks the upload as in `flask worker`."""
    limit = current_app.config['IMPORT_MAX_ROWS']
    try:
        header, rows = read_table(content, csv_file=False, sheet=SHEET, max_rows=limit,
                                  unreadable=_l('无法读取文件：请上传由导入模板填写的 .xlsx 文件'),
                                  too_many=_l('一次最多导入 %(max)s 行，请拆分文件', max=limit))
    except Refused as exc:
        raise ImportRefused(exc.message) from None
    header = [_text(c).lstrip('*') for c in header]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ImportRefused(_l('表头不正确，缺少列：%(columns)s（请使用导入模板）', columns='、'.join(missing)))
    return [(number, dict(zip(header, values))) for number, values in rows]


def start_import(m: Membership, filename: str, content: bytes, pledged: bool) -> ImportJob:
    """Check the file as a whole and queue it; the rows are checked one by one by the worker."""
    if m.role != UNIT_ADMIN:
        raise ImportRefused(_l('只有单位管理员可以导入学员培训信息'))
    if not pledged:
        raise ImportRefused(_l('请勾选“本单位承诺导入信息属实”'))
    if not content:
        raise ImportRefused(_l('请选择要上传的文件'))
    rows = _read_rows(content)
    if not rows:
        raise ImportRefused(_l('文件中没有数据行'))
    job = ImportJob(kind='claims', membership_id=m.id, filename=(filename or 'import.xlsx')[-200:], content=content,
                    content_sha256=hashlib.sha256(content).hexdigest(), total_rows=len(rows), status=PENDING,
                    results=[])
    db.session.add(job)
    db.session.flush()
    audit.log('import_job', job.id, '上传导入文件', m, f'{job.filename}，{len(rows)} 行')
    return job


def imported_before(job: ImportJob) -> int:
    """How many rows of this very file (by its sha256) the unit has already imported: they will be skipped."""
    return db.session.scalar(select(func.count(ImportRow.id)).join(Claim, Claim.id == ImportRow.claim_id).where(
        ImportRow.org_id == job.membership.org_id, ImportRow.file_sha256 == job.content_sha256,
        Claim.deleted_at.is_(None)))


def _imported(org_id: int, sha256: str, number: int) -> ImportRow | None:
    return db.session.scalar(select(ImportRow).where(ImportRow.org_id == org_id, ImportRow.file_sha256 == sha256,
                                                     ImportRow.row == number))


def _skipped(number: int, claim_id: int, name: str) -> dict:
    return {'row': number, 'ok': True, 'skipped': True, 'claim_id': claim_id,
            'message': _('此前已导入为待提交：%(name)s（本次未重复创建）', name=name)}


def _skipped_row(number: int, done: ImportRow) -> dict:
    return _skipped(number, done.claim_id, db.session.get(Claim, done.claim_id).learner.name)


def _imported_result(number: int, claim_id: int, name: str) -> dict:
    return {'row': number, 'ok': True, 'message': _('已导入为待提交：%(name)s', name=name), 'claim_id': claim_id}


def _failed(number: int, message) -> dict:
    return {'row': number, 'ok': False, 'message': str(message)}


def _refused_by_database(number: int) -> dict:
    return _failed(number, _('第 %(row)s 行：数据超出范围或不符合数据库约束，本行未导入', row=number))


def _import_row(m: Membership, job: ImportJob, number: int, row: dict) -> dict:
    """One row on its own, in a savepoint of its own: the way back when the database or the engine refused a row of
    a batch (`_import_batch`). The row's result as the job stores it (JSON): its message is text in the worker's
    language. A row of the same file that the unit imported before (an earlier upload, or this job before a worker
    was lost) is skipped while its draft lives; the draft and its ImportRow are created together, so a row is created
    once only."""
    done = _imported(m.org_id, job.content_sha256, number)
    if done is not None and db.session.get(Claim, done.claim_id).deleted_at is None:
        return _skipped_row(number, done)
    try:
        with db.session.begin_nested():
            learner, inp = parse_row(m, row)
            claim = claims.create_claim(m, inp, learner)
            if done is None:
                db.session.add(ImportRow(org_id=m.org_id, file_sha256=job.content_sha256, row=number,
                                         claim_id=claim.id, job_id=job.id))
            else:  # its earlier draft was deleted: imported again, on purpose
                done.claim_id, done.job_id = claim.id, job.id
            db.session.flush()
        return _imported_result(number, claim.id, learner.name)
    except Refused as exc:
        return _failed(number, exc.message)
    except (DataError, IntegrityError):
        # another worker created this row at the same moment (its ImportRow came first) …
        if (done := _imported(m.org_id, job.content_sha256, number)) is not None:
            return _skipped_row(number, done)
        # … or the database refused what the checks let through (a value too large for its column …): the savepoint
        # is rolled back, so only this row fails and the rest of the file goes on
        return _refused_by_database(number)


@dataclass
class _Draft:
    """A row that passed the import's checks, to be created with its batch."""
    number: int
    row: dict
    learner: User
    inp: claims.ClaimInput
    earlier: Optional[ImportRow]  # its ImportRow when an earlier draft of it was deleted


def _earlier_rows(m: Membership, job: ImportJob, numbers: list[int]) -> dict[int, tuple[ImportRow, bool, str]]:
    """The batch's rows imported before: sheet row -> (its ImportRow, whether its draft lives, the learner's name)."""
    found = db.session.execute(
        select(ImportRow, Claim.deleted_at.is_(None), User.name).join(Claim, Claim.id == ImportRow.claim_id)
        .join(User, User.id == Claim.learner_id)
        .where(ImportRow.org_id == m.org_id, ImportRow.file_sha256 == job.content_sha256, ImportRow.row.in_(numbers)))
    return {done.row: (done, live, name) for done, live, name in found}


def _import_batch(m: Membership, job: ImportJob, rows: list[tuple[int, dict]], lease: timers.Lease) -> list[dict]:
    """The results of the leading rows of *rows*: all of them, or those checked before the lease was due (a slow
    batch commits what it did rather than outlive the lease). Checked one by one, created together: the batch's
    learners, earlier imports and open transfers are looked up once, and its drafts, processes, inbox rows, flow log
    and ImportRows are written with one insert per table (claims.create_drafts). Should the database or the engine
    refuse any of them, the batch is taken back and its rows are created again one by one, each in its own
    savepoint (`_import_row`), so that only the refused row fails."""
    earlier = _earlier_rows(m, job, [number for number, _row in rows])
    staff = staff_by_id_number(rows)
    results: dict[int, dict] = {}
    drafts: list[_Draft] = []
    for number, row in rows:
        done, live, name = earlier.get(number, (None, False, ''))
        if live:
            results[number] = _skipped(number, done.claim_id, name)
        else:
            try:
                drafts.append(_Draft(number, row, *parse_row(m, row, staff), done))
            except Refused as exc:
                results[number] = _failed(number, exc.message)
        if lease.due():
            break
    worked = rows[:len(results) + len(drafts)]
    if drafts:
        try:
            with db.session.begin_nested():
                results.update(_create(m, job, drafts))
        except (Refused, DataError, IntegrityError):
            results.update((d.number, _import_row(m, job, d.number, d.row)) for d in drafts)
    return [results[number] for number, _row in worked]


def _create(m: Membership, job: ImportJob, drafts: list[_Draft]) -> dict[int, dict]:
    outcomes = claims.create_drafts(m, [(d.learner, d.inp) for d in drafts])
    results, new_rows = {}, []
    for draft, outcome in zip(drafts, outcomes):
        if isinstance(outcome, Refused):
            results[draft.number] = _failed(draft.number, outcome.message)
            continue
        results[draft.number] = _imported_result(draft.number, outcome.id, draft.learner.name)
        if draft.earlier is None:
            new_rows.append({'org_id': m.org_id, 'file_sha256': job.content_sha256, 'row': draft.number,
                             'claim_id': outcome.id, 'job_id': job.id})
        else:  # its earlier draft was deleted: imported again, on purpose
            draft.earlier.claim_id, draft.earlier.job_id = outcome.id, job.id
    if new_rows:
        db.session.execute(insert(ImportRow), new_rows)
    db.session.flush()
    return results


def run_job(job: ImportJob, lease: timers.Lease) -> None:
    """Work off the remaining rows, committing the progress (with the lease's heartbeat) after every chunk, and
    sooner when a chunk is slow, so that progress shows, nothing is lost and the job never looks abandoned."""
    rows = _read_rows(job.content)
    m = job.membership
    job.total_rows = len(rows)
    if job.content_sha256 is None:  # uploaded before the file's hash was kept
        job.content_sha256 = hashlib.sha256(job.content).hexdigest()
    with same_versions():  # every row of one file starts on the same process and rule versions
        _work_off(job, m, rows, lease)
    job.status, job.finished_at = DONE, utcnow()
    skipped = sum(1 for r in job.results if r.get('skipped'))
    audit.log('import_job', job.id, '导入完成', m, f'成功 {job.ok_rows} 行，失败 {job.failed_rows} 行'
              + (f'（其中 {skipped} 行此前已导入，未重复创建）' if skipped else ''))
    db.session.commit()


def _work_off(job: ImportJob, m: Membership, rows: list[tuple[int, dict]], lease: timers.Lease) -> None:
    while job.done_rows < len(rows):
        results = _import_batch(m, job, rows[job.done_rows:job.done_rows + CHUNK], lease)
        lease.renew(job)
        job.results = list(job.results or []) + results
        job.done_rows += len(results)
        job.ok_rows += sum(r['ok'] for r in results)
        job.failed_rows += sum(not r['ok'] for r in results)
        db.session.commit()


def run_pending() -> int:
    """`flask worker`: take the oldest waiting import (one worker per file) and work it off."""
    return timers.work_one(ImportJob, run_job, (ImportRefused,))


timers.register_background(run_pending)
