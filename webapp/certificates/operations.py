"""Annual requirement, progress, certificates and hour-record prints. Each use case flushes and never commits."""
from dataclasses import dataclass
from decimal import Decimal

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from models import (Certificate, Claim, Enrolment, HourRecordPrint, LearningRecord, Membership, Organisation,
                    ProfileConfirmation, TitleChange, db, utcnow)
from models.certificates import VERIFICATION_ALPHABET, VERIFICATION_CODE_LENGTH
from models.learning import LEARNING_CATEGORIES
from models.people import LEARNER, UNIT_ADMIN

from ..i18n import _l
from ..refusals import Refused
from .. import audit
from ..catalogue import catalogue_for, known_pathways
from ..certificate_voiding import SUBJECT
from ..claims import operations as claims_ops
from ..dates import today
from ..formatting import format_hours
from ..guards import confirmation
from ..locks import lock_person
from ..permissions import staff_query
from ..workflow import catalog, trial
from ..workflow.failures import ProcessFailed
from ..workflow.rules import DecisionUnavailable, decide

DECISION = 'annual_requirement'
VERIFICATION_LETTERS = frozenset(VERIFICATION_ALPHABET)
PARTS = (('total', _l('总学时')), ('professional', _l('专业科目')), ('public', _l('公需科目')))


class CertificateError(Refused):
    """Refused; nothing changed."""


@dataclass(frozen=True)
class Requirement:
    total: Decimal
    professional: Decimal
    public: Decimal


@dataclass(frozen=True)
class Part:
    key: str
    label: str              # a lazy text: shown in the reader's language
    required: Decimal
    done: Decimal

    @property
    def met(self) -> bool:
        return self.done >= self.required

    @property
    def missing(self) -> Decimal:
        return max(Decimal(0), self.required - self.done)

    @property
    def percent(self) -> int:
        """Share of the requirement done, 0–100 (for the bars)."""
        if self.required <= 0:
            return 100
        return int(min(Decimal(100), self.done * 100 / self.required))


@dataclass(frozen=True)
class Progress:
    learner_id: int
    year: int
    jurisdiction: str
    parts: tuple[Part, ...]

    @property
    def met(self) -> bool:
        return all(p.met for p in self.parts)

    def part(self, key: str) -> Part:
        return next(p for p in self.parts if p.key == key)


def requirement(where: Organisation | None) -> Requirement:
    """The annual requirement of a province (keyed by its name) from the province's own published DMN table."""
    province = where.name if where is not None else ''
    try:
        if where is None:
            raise DecisionUnavailable(DECISION)
        out = decide(DECISION, {'province': province}, where.id)
    except DecisionUnavailable:
        raise CertificateError(_l('年度学时要求（决策表 annual_requirement）尚未发布，请联系省学时办')) from None
    except ProcessFailed as exc:  # reported to province staff; the pages show it like any other refusal here
        raise CertificateError(exc.message) from exc
    if not out:
        raise CertificateError(_l('年度学时要求决策表中没有适用于“%(province)s”的规则', province=province))
    return Requirement(*(Decimal(str(out[f'{key}_min'])) for key in ('total', 'professional', 'public')))


def learner_membership(learner_id: int) -> Membership | None:
    return db.session.scalar(select(Membership).where(Membership.user_id == learner_id, Membership.role == LEARNER)
                             .order_by(Membership.id).limit(1))


def jurisdiction(learner_id: int) -> Organisation | None:
    lm = learner_membership(learner_id)
    return lm.org.province if lm is not None else None


@dataclass(frozen=True)
class PathwayHours:
    """One line of how the professional part is met: a pathway, its registered hours, its annual cap."""
    label: str
    hours: Decimal
    cap: Decimal | None
    rule: str


def pathway_breakdown(learner_id: int, year: int) -> list[PathwayHours]:
    """专业科目 by pathway (年度进度): every pathway of the learner's province catalogue, with the hours registered in
    *year* and its annual cap; pathways of older versions only when they hold hours."""
    lm = learner_membership(learner_id)
    province = lm.org.province if lm is not None else None
    province_id = province.id if province is not None else None
    hours = dict(registered_by_pathway(learner_id, year))
    current = catalogue_for(province_id).pathways
    known = known_pathways(province_id)
    codes = [c for c in current if current[c].category == 'professional'] + [c for c in hours if c not in current]
    return [PathwayHours(known[c].label if c in known else c, hours.get(c, Decimal(0)),
                         known[c].cap if c in known else None, known[c].rule if c in known else '') for c in codes]


def progress(learner_id: int, year: int, totals: list[dict] | None = None) -> Progress:
    """Required vs done per part (总学时, 专业科目, 公需科目) for one learner and year (*totals*: her yearly_totals,
    when read already)."""
    province = jurisdiction(learner_id)
    where = province.name if province is not None else ''
    req = requirement(province)
    totals = next((t for t in (claims_ops.yearly_totals(learner_id) if totals is None else totals)
                   if t['year'] == year), {})
    parts = tuple(Part(key, label, getattr(req, key), Decimal(totals.get(key) or 0)) for key, label in PARTS)
    return Progress(learner_id, year, where, parts)


# ---- who may see whom -------------------------------------------------------------------------------------------

def can_see_learner(m: Membership | None, learner_id: int) -> bool:
    if m is None:
        return False
    if m.role == LEARNER:
        return m.user_id == learner_id
    if m.role == UNIT_ADMIN:
        return db.session.scalar(staff_query(m).where(Membership.user_id == learner_id).limit(1)) is not None
    return False


# ---- certificates -----------------------------------------------------------------------------------------------

def relied_claims(learner_id: int, year: int) -> list[Claim]:
    return list(db.session.scalars(select(Claim).where(
        Claim.learner_id == learner_id, Claim.year == year, Claim.outcome == catalog.APPROVED,
        Claim.deleted_at.is_(None),
    ).order_by(Claim.id)))


def valid_certificate(learner_id: int, year: int) -> Certificate | None:
    return db.session.scalar(select(Certificate).where(
        Certificate.learner_id == learner_id, Certificate.year == year, Certificate.voided_at.is_(None),
    ).order_by(Certificate.id.desc()).limit(1))


def _prefix(province: Organisation | None) -> str:
    """The province's certificate number prefix (its code: ZJ, GX), else the configured one."""
    if province is not None and province.code:
        return province.code
    return current_app.config.get('CERTIFICATE_PREFIX', 'ZJ')


def _next_number(model, prefix: str) -> str:
    """prefix + 6-digit sequence: the highest number issued under the prefix, plus one."""
    last = db.session.scalar(select(func.max(model.number)).where(model.number.like(f'{prefix}%'),
                                                                  func.length(model.number) == len(prefix) + 6))
    seq = int(last[len(prefix):]) + 1 if last else 1
    if seq > 999999:
        raise CertificateError(_l('编号已用完，请联系系统管理员'))
    return f'{prefix}{seq:06d}'


def _insert_numbered(row, model, prefix: str):
    """Add *row* with the next free number; a concurrent request taking the same number makes us retry."""
    for _ in range(5):
        row.number = _next_number(model, prefix)
        try:
            with db.session.begin_nested():
                db.session.add(row)
                db.session.flush()
            return row
        except IntegrityError:
            continue
    raise CertificateError(_l('编号生成冲突，请稍后重试'))


def issue_certificate(m: Membership, year: int) -> Certificate:
    """The learner produces her 《继续教育合格证书》 for a year whose requirement she met. An existing valid
    certificate of that year is returned as it is."""
    if m is None or m.role != LEARNER:
        raise CertificateError(_l('只有专技人员本人可以生成合格证书'))
    # One valid certificate per learner and year: two clicks at once queue on the learner's row (PostgreSQL; SQLite
    # writers are serialised anyway).
    lock_person(m.user_id)
    existing = valid_certificate(m.user_id, year)
    if existing is not None:
        return existing
    p = progress(m.user_id, year)
    if not p.met:
        missing = str(_l('；')).join(
            str(_l('%(part)s还差 %(hours)s 学时', part=part.label, hours=format_hours(part.missing)))
            for part in p.parts if not part.met)
        raise CertificateError(_l('%(year)s 年度尚未达到继续教育学时要求（%(missing)s），暂不能生成合格证书',
                                  year=year, missing=missing))
    claims = relied_claims(m.user_id, year)
    province = m.org.province
    cert = Certificate(learner_id=m.user_id, year=year, total_hours=p.part('total').done,
                       professional_hours=p.part('professional').done, public_hours=p.part('public').done,
                       learner_name=m.user.name, id_number=m.user.id_number, unit_name=m.org.name,
                       issuer_name=province.name if province else m.org.name, issued_by_id=m.user_id,
                       claims=claims)
    _insert_numbered(cert, Certificate, f'{_prefix(province)}{year}')
    audit.log(SUBJECT, cert.id, '生成合格证书', m, f'{cert.number}，{year} 年度 {format_hours(cert.total_hours)} 学时')
    return cert


def certificate_for(m: Membership, certificate_id: int) -> Certificate | None:
    """The certificate when the current role may download it (the learner herself or her unit admin)."""
    cert = db.session.get(Certificate, certificate_id)
    if cert is None or not can_see_learner(m, cert.learner_id):
        return None
    return cert


def find_by_code(code: str) -> Certificate | None:
    """The certificate whose verification code (the QR code's, never the sequential number) this is; anything not
    shaped like a code is not looked up."""
    code = (code or '').strip().upper()
    if len(code) != VERIFICATION_CODE_LENGTH or not set(code) <= VERIFICATION_LETTERS:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.verification_code == code))


# ---- 学时记录表 -------------------------------------------------------------------------------------------------

def enrolment_for(learner_id: int, year: int) -> Enrolment | None:
    """The year's enrolment, else the latest earlier one (报名 data carries over)."""
    return db.session.scalar(select(Enrolment).where(Enrolment.learner_id == learner_id, Enrolment.year <= year)
                             .order_by(Enrolment.year.desc(), Enrolment.id.desc()).limit(1))


# The 报名 fields the 学时记录表 prints (seed 003 §5): without them it cannot be confirmed or printed.
RECORD_ENROLMENT_FIELDS = (('identity', _l('所属对象')), ('title', _l('专业技术职务任职资格')), ('specialty', _l('现从事专业')))


def missing_enrolment(values) -> list:
    """The 报名 fields of the record that *values* (an enrolment or a confirmation; None: none) leaves empty."""
    return [label for name, label in RECORD_ENROLMENT_FIELDS if not (values and getattr(values, name))]


def _refuse_without_enrolment(missing: list, year: int, own: bool) -> None:
    if missing:
        names = str(_l('、')).join(map(str, missing))
        raise CertificateError(
            _l('学时记录表的报名信息（%(fields)s）为空：请先在“学员报名”中填写 %(year)s 年度报名资料，再核实个人资料',
               fields=names, year=year) if own else
            _l('该学员学时记录表的报名信息（%(fields)s）为空：学员完成报名并核实个人资料后才能打印', fields=names))


def confirm_profile(m: Membership, year: int) -> ProfileConfirmation:
    """信息核实: the learner confirms name, ID number and unit; the snapshot is locked for the year."""
    if m is None or m.role != LEARNER:
        raise CertificateError(_l('只有专技人员本人可以核实个人资料'))
    if not (2000 <= year <= today().year):
        raise CertificateError(_l('年度无效'), 'year')
    existing = confirmation(m.user_id, year)
    if existing is not None and not missing_enrolment(existing):
        raise CertificateError(_l('%(year)s 年度的个人资料已于核实后锁定，不能再次核实', year=year))
    if db.session.scalar(select(TitleChange.id).where(TitleChange.learner_id == m.user_id,
                                                      TitleChange.outcome == catalog.PENDING)) is not None:
        # Approving it later would change a locked 职称.
        raise CertificateError(_l('您有一项职称变更正在等待单位审核，审核完成后再核实个人资料'))
    enrolment = enrolment_for(m.user_id, year)
    _refuse_without_enrolment(missing_enrolment(enrolment), year, own=True)
    if existing is not None:  # confirmed before its 报名 fields were required: those are added, the rest stays
        existing.identity = existing.identity or enrolment.identity
        existing.title = existing.title or m.user.title or enrolment.title
        existing.specialty = existing.specialty or enrolment.specialty
        audit.log('profile', m.user_id, '核实个人资料', m, f'{year} 年度，补充报名信息')  # i18n: data - the log
        db.session.flush()
        return existing
    row = ProfileConfirmation(learner_id=m.user_id, year=year, name=m.user.name, id_number=m.user.id_number,
                              phone=m.user.phone, unit_name=m.org.name,
                              department_name=m.department.name if m.department else None,
                              identity=enrolment.identity if enrolment else None,
                              title=m.user.title or (enrolment.title if enrolment else None),
                              specialty=enrolment.specialty if enrolment else None)
    try:
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
    except IntegrityError:
        raise CertificateError(_l('%(year)s 年度的个人资料已核实', year=year)) from None
    audit.log('profile', m.user_id, '核实个人资料', m, f'{year} 年度：{row.name}，{row.unit_name}')
    return row


def print_hour_record(m: Membership, learner_id: int, year: int) -> HourRecordPrint:
    """One print of the year's 学时记录表: refused until the learner confirmed her profile for that year."""
    if not can_see_learner(m, learner_id):
        raise CertificateError(_l('无权打印该人员的学时记录表'))
    confirmed = confirmation(learner_id, year)
    if confirmed is not None:
        _refuse_without_enrolment(missing_enrolment(confirmed), year, own=m.user_id == learner_id)
    if confirmed is None:
        if m.user_id == learner_id:
            raise CertificateError(_l('您尚未核实 %(year)s 年度的个人资料（姓名、身份证号、单位），核实后才能打印学时记录表',
                                      year=year))
        raise CertificateError(_l('该学员尚未核实 %(year)s 年度的个人资料（姓名、身份证号、单位），核实后才能打印学时记录表',
                                  year=year))
    p = progress(learner_id, year)
    row = HourRecordPrint(learner_id=learner_id, year=year, total_hours=p.part('total').done, met=p.met,
                          printed_at=utcnow(), printed_by_id=m.user_id)
    _insert_numbered(row, HourRecordPrint, f'XS{today().year}')
    audit.log('profile', learner_id, '打印学时记录表', m, f'{year} 年度，打印编号 {row.number}')
    return row


def registered_by_pathway(learner_id: int, year: int) -> list[tuple[str, Decimal]]:
    """学时登记: registered professional hours per pathway (approved, undeleted claims) of a year."""
    rows = db.session.execute(select(Claim.pathway, func.sum(Claim.registered_hours)).where(
        Claim.learner_id == learner_id, Claim.year == year, Claim.outcome == catalog.APPROVED,
        Claim.deleted_at.is_(None), Claim.category == 'professional',
    ).group_by(Claim.pathway).order_by(Claim.pathway)).all()
    return [(pathway, Decimal(hours or 0)) for pathway, hours in rows]


def online_learning(learner_id: int, year: int) -> tuple[list[LearningRecord], list[tuple[str, Decimal]]]:
    """在线学习: the learning records of a year (platforms' and online courses', oldest first) and the hours per
    category (一般公需科目, 行业公需科目, 专业科目; all listed, 0 when none), as the 学时记录表 shows them."""
    records = list(db.session.scalars(select(LearningRecord).where(
        LearningRecord.learner_id == learner_id, LearningRecord.year == year,
    ).order_by(LearningRecord.completed_on, LearningRecord.id)))
    subtotals = [(label, sum((Decimal(r.hours) for r in records if r.category == key), Decimal(0)))
                 for key, label in LEARNING_CATEGORIES.items()]
    return records, subtotals


# What this code asks the annual requirement table: a province's name (its rows name them), or none.
trial.declare_decision(DECISION, lambda: [{'province': ''}])
