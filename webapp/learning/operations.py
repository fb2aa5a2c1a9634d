"""Learning-platform use cases: platforms and their tokens, and the one import of learning records that both the
HTTP API and the province's file upload go through. Flushes, never commits (the request boundary commits)."""
import hashlib
import re
import secrets
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from stdnum.cn import ric

from models import LearningPlatform, LearningRecord, Membership, User, db
from models.learning import GENERAL, INDUSTRY, PROFESSIONAL
from models.people import LEARNER

from ..i18n import _l
from ..refusals import Refused
from .. import audit
from ..dates import date_out_of_range, today
from ..numbers import NumberRefused, TooLarge, TooPrecise, parse_decimal

SUBJECT = 'learning_platform'
MAX_RECORDS = 1000          # per API request
MAX_HOURS = Decimal(100)
CATEGORY_ALIASES = {GENERAL: GENERAL, INDUSTRY: INDUSTRY, '一般公需': GENERAL, '一般公需科目': GENERAL,  # i18n: data
                    '行业公需': INDUSTRY, '行业公需科目': INDUSTRY, PROFESSIONAL: PROFESSIONAL, '专业': PROFESSIONAL,
                    '专业科目': PROFESSIONAL}
FIELDS = ('id_number', 'course', 'category', 'hours', 'completed_on', 'record_id')
TEXT_LIMITS = {'record_id': 100, 'id_number': 50, 'course': 200}
TEXT_PROBLEMS = {  # per text field, each a whole sentence: not text, empty, an invalid character, too long
    'record_id': (_l('记录编号必须是文本'), _l('记录编号不能为空'), _l('记录编号包含无效字符'),
                  _l('记录编号不能超过 %(limit)s 个字符', limit=TEXT_LIMITS['record_id'])),
    'id_number': (_l('身份证号必须是文本'), _l('身份证号不能为空'), _l('身份证号包含无效字符'),
                  _l('身份证号不能超过 %(limit)s 个字符', limit=TEXT_LIMITS['id_number'])),
    'course': (_l('课程名称必须是文本'), _l('课程名称不能为空'), _l('课程名称包含无效字符'),
               _l('课程名称不能超过 %(limit)s 个字符', limit=TEXT_LIMITS['course'])),
}
ISO_DATE = re.compile(r'\d{4}-\d{2}-\d{2}')
CREATED, DUPLICATE, CONFLICT, ERROR = 'created', 'duplicate', 'conflict', 'error'


class LearningError(Refused):
    """Refused; nothing changed."""


@dataclass(frozen=True)
class RecordResult:
    index: int              # position in the batch (0-based)
    record_id: str | None
    status: str             # created | duplicate | conflict | error
    message: str            # in the language of the request that imported (text, not a lazy string: it may be kept)

    def as_dict(self) -> dict:
        return asdict(self)


# Platforms and tokens ------------------------------------------------------------------------------------------------

def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode('utf-8', 'surrogatepass')).hexdigest()


def platform_for_token(token: str | None) -> LearningPlatform | None:
    """The active platform whose token this is. Looked up by the token's sha256 (the token itself is not stored),
    so no comparison of secrets happens in Python and no timing difference tells how much of a token was right."""
    if not token:
        return None
    platform = db.session.scalar(select(LearningPlatform).where(LearningPlatform.token_sha256 == token_hash(token)))
    return platform if platform is not None and platform.active else None


def platform_of(m: Membership, platform_id: int) -> LearningPlatform | None:
    """The platform if it belongs to this province staff member's province."""
    return db.session.scalar(select(LearningPlatform).where(LearningPlatform.id == platform_id,
                                                            LearningPlatform.province_id == m.org_id))


def create_platform(m: Membership | None, name: str, province_id: int | None = None) -> tuple[LearningPlatform, str]:
    """A new platform of the province and its token, which is returned once and never stored (only its hash)."""
    name = (name or '').strip()
    if not name:
        raise LearningError(_l('平台名称不能为空'), 'name')
    if len(name) > 100:
        raise LearningError(_l('平台名称不能超过 100 个字符'), 'name')
    if db.session.scalar(select(LearningPlatform.id).where(LearningPlatform.name == name)) is not None:
        raise LearningError(_l('已有同名的学习平台'), 'name')
    token = secrets.token_urlsafe(32)
    platform = LearningPlatform(name=name, province_id=province_id if province_id is not None else m.org_id,
                                token_sha256=token_hash(token), active=True,
                                created_by_id=m.user_id if m is not None else None)
    db.session.add(platform)
    db.session.flush()
    audit.log(SUBJECT, platform.id, '新增学习平台', m, name)
    return platform, token


def set_active(m: Membership, platform: LearningPlatform, active: bool) -> None:
    if platform.active == active:
        raise LearningError(_l('该平台已启用') if active else _l('该平台已停用'))
    platform.active = active
    db.session.flush()
    audit.log(SUBJECT, platform.id, '启用学习平台' if active else '停用学习平台', m, platform.name)


# Importing records ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Valid:
    record_id: str
    learner_id: int
    course: str
    category: str
    hours: Decimal
    completed_on: date

    def same_as(self, record: LearningRecord) -> bool:
        return (record.learner_id, record.course, record.category, Decimal(record.hours), record.completed_on) == \
            (self.learner_id, self.course, self.category, self.hours, self.completed_on)


def _text(row: dict, key: str) -> str:
    value = row.get(key)
    if value is None:
        return ''
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueError
    return str(value).strip()


def _check_text(row, key, problems) -> str | None:
    not_text, empty, bad_character, too_long = TEXT_PROBLEMS[key]
    try:
        value = _text(row, key)
    except ValueError:
        problems.append(not_text)
        return None
    if not value:
        problems.append(empty)
    elif '\x00' in value:
        problems.append(bad_character)
    elif len(value) > TEXT_LIMITS[key]:
        problems.append(too_long)
    else:
        return value
    return None


def _check_hours(value, problems) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        problems.append(_l('学时不能为空'))
        return None
    try:
        hours = parse_decimal(value)
    except TooPrecise:
        problems.append(_l('学时最多保留一位小数'))
    except TooLarge:
        problems.append(_l('学时不能超过 %(max)s', max=MAX_HOURS))
    except NumberRefused:
        problems.append(_l('学时必须是数字'))
    else:
        if hours <= 0:
            problems.append(_l('学时必须大于 0'))
        elif hours > MAX_HOURS:
            problems.append(_l('学时不能超过 %(max)s', max=MAX_HOURS))
        else:
            return hours
    return None


def _check_date(value, problems) -> date | None:
    if value is None or value == '':
        problems.append(_l('完成日期不能为空'))
        return None
    completed = None
    if isinstance(value, str) and ISO_DATE.fullmatch(value.strip()):
        try:
            completed = date.fromisoformat(value.strip())
        except ValueError:
            pass
    if completed is None:
        problems.append(_l('完成日期格式应为 yyyy-mm-dd（如 2026-03-15）'))
    elif completed > today():
        problems.append(_l('完成日期不能晚于今天'))
    elif (problem := date_out_of_range(completed)) is not None:
        problems.append(_l('完成日期：%(problem)s', problem=problem))
    else:
        return completed
    return None


class _Learners:
    """ID number -> user id of a learner of the province (cached over one batch)."""

    def __init__(self, province_id: int):
        self.province_id, self.cache = province_id, {}

    def find(self, id_number: str) -> int | None:
        if id_number not in self.cache:
            user = db.session.scalar(select(User).where(User.id_number == id_number))
            ok = user is not None and any(
                m.role == LEARNER and m.org.province is not None and m.org.province.id == self.province_id
                for m in user.memberships)
            self.cache[id_number] = user.id if ok else None
        return self.cache[id_number]


def _validate(row, learners: _Learners) -> tuple[str | None, _Valid | None, list]:
    """(record id as given, the valid record or None, the problems: lazy texts)."""
    if not isinstance(row, dict):
        return None, None, [_l('记录格式无效（应为包含各字段的对象）')]
    problems: list = []
    record_id = _check_text(row, 'record_id', problems)
    learner_id = None
    id_number = _check_text(row, 'id_number', problems)
    if id_number is not None:
        id_number = id_number.upper()
        if len(id_number) != 18 or not ric.is_valid(id_number):
            problems.append(_l('身份证号无效'))
        else:
            learner_id = learners.find(id_number)
            if learner_id is None:
                problems.append(_l('本省没有该身份证号的专技人员'))
    course = _check_text(row, 'course', problems)
    category = None
    try:
        category = CATEGORY_ALIASES.get(_text(row, 'category'))
    except ValueError:
        pass
    if category is None:
        problems.append(_l('科目类别无效：应为 general（一般公需科目）、industry（行业公需科目）或 professional（专业科目）'))
    hours = _check_hours(row.get('hours'), problems)
    completed_on = _check_date(row.get('completed_on'), problems)
    if problems:
        return record_id, None, problems
    return record_id, _Valid(record_id, learner_id, course, category, hours, completed_on), []


def _compare(index: int, valid: _Valid, existing: LearningRecord) -> RecordResult:
    if valid.same_as(existing):
        return RecordResult(index, valid.record_id, DUPLICATE, str(_l('该记录已导入过，未重复计入')))
    return RecordResult(index, valid.record_id, CONFLICT, str(_l('已有相同记录编号但内容不同的记录，本条被拒绝')))


def _record(platform: LearningPlatform, valid: _Valid) -> LearningRecord:
    return LearningRecord(platform_id=platform.id, record_id=valid.record_id, learner_id=valid.learner_id,
                          course=valid.course, category=valid.category, hours=valid.hours,
                          completed_on=valid.completed_on, year=valid.completed_on.year)


def _existing(platform: LearningPlatform, record_ids: list[str]) -> dict[str, LearningRecord]:
    found = {}
    for start in range(0, len(record_ids), 500):
        chunk = record_ids[start:start + 500]
        found.update((r.record_id, r) for r in db.session.scalars(select(LearningRecord).where(
            LearningRecord.platform_id == platform.id, LearningRecord.record_id.in_(chunk))))
    return found


def import_records(platform: LearningPlatform, rows: list, m: Membership | None = None) -> list[RecordResult]:
    """Validate and store each record on its own: a bad record is not stored, the good ones are. A record id the
    platform sent before is a duplicate when its content is the same (an idempotent replay) and a conflict
    (refused) when it differs. *m*: the province staff member who uploaded a file; None for the API."""
    learners = _Learners(platform.province_id)
    checked = [_validate(row, learners) for row in rows]
    existing = _existing(platform, sorted({v.record_id for _, v, _ in checked if v is not None}))
    results: list[RecordResult | None] = []
    new: dict[int, LearningRecord] = {}
    for index, (record_id, valid, problems) in enumerate(checked):
        if valid is None:
            results.append(RecordResult(index, record_id, ERROR, str(_l('；')).join(map(str, problems))))
        elif valid.record_id in existing:
            results.append(_compare(index, valid, existing[valid.record_id]))
        else:
            existing[valid.record_id] = new[index] = _record(platform, valid)
            results.append(RecordResult(index, valid.record_id, CREATED, str(_l('已导入'))))
    _store(platform, new, checked, results)
    created = sum(r.status == CREATED for r in results)
    duplicates = sum(r.status == DUPLICATE for r in results)
    failed = len(results) - created - duplicates
    audit.log(SUBJECT, platform.id, '导入学习记录', m,
              f'{created + duplicates} 条成功，{failed} 条失败' + (f'（其中 {duplicates} 条为重复提交）' if duplicates else ''))
    db.session.flush()
    return results


def _store(platform, new: dict[int, LearningRecord], checked, results) -> None:
    """Insert the new records together; if another request stored one of the same ids meanwhile (unique
    constraint), insert them one by one and report the ones that lost as duplicates or conflicts."""
    if not new:
        return
    try:
        with db.session.begin_nested():
            db.session.add_all(new.values())
        return
    except IntegrityError:
        pass
    for index in new:
        valid = checked[index][1]
        try:
            with db.session.begin_nested():
                db.session.add(_record(platform, valid))
        except IntegrityError:
            other = db.session.scalar(select(LearningRecord).where(LearningRecord.platform_id == platform.id,
                                                                   LearningRecord.record_id == valid.record_id))
            results[index] = _compare(index, valid, other) if other is not None else \
                RecordResult(index, valid.record_id, ERROR, str(_l('保存失败，请重试')))


def summary(results: list[RecordResult]) -> dict:
    return {'created': sum(r.status == CREATED for r in results),
            'duplicates': sum(r.status == DUPLICATE for r in results),
            'conflicts': sum(r.status == CONFLICT for r in results),
            'errors': sum(r.status in (CONFLICT, ERROR) for r in results)}
