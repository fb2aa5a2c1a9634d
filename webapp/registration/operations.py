"""Registration (注册, seed 004) use cases. Each flushes and never commits; the request boundary commits.

Order: a supervising department registers under the province, a unit under a supervising department, a parent unit
or directly under the province, a professional under a unit. The superior chosen approves (bpmn/registration.bpmn).
The organisation and the role membership are created only on approval, so a pending applicant never appears in
staff lists, statistics or organisation pickers; until then the registration row holds the data. The account (User)
exists from the start, with the password chosen at registration: the applicant uses it to query progress, to
withdraw, and — once approved — to log in. One person has one account: a second role is applied for with the
existing password and added to the same account on approval.

推荐单位注册: a learner whose unit is missing proposes it. It is an ordinary unit registration whose applicant is the
unit's contact (its first admin): a new account gets the initial password (last six of the ID number, to be changed
at the first login); an existing account is joined without a password, since the role only comes on approval.
"""
import re
import secrets
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, or_, select
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, ValidationError

from models import FlowLog, Membership, Organisation, Registration, User, WorkItem, db, utcnow
from models.org import HR, PROVINCE, SUPERVISOR, UNIT
from models.people import LEARNER, PROVINCE_ADMIN, SUPERVISOR_ADMIN, UNIT_ADMIN

from ..refusals import Refused
from .. import audit, evidence, notices
from ..i18n import _l, N_
from ..security import default_password, password_problem
from ..permissions import actionable_item, hr_lane_org_id, open_task, province_org_ids
from ..subjects import apply_step, open_work_item
from ..workflow import catalog, runtime, trial

SUBJECT = PROCESS = 'registration'
REVIEW_FORM = 'registration_review'
WITHDRAW_MESSAGE = 'withdraw_registration'
# One per province (demo seed): learners without an employer; the province approves them. A name looked up.
OTHER_UNIT = '其他单位'  # i18n: data
PAGE_SIZE = 10

ROLE_OF_KIND = {'supervisor': SUPERVISOR_ADMIN, 'unit': UNIT_ADMIN, 'learner': LEARNER}
# Which superiors each kind may register under.
PARENT_KINDS = {'supervisor': (PROVINCE,), 'unit': (PROVINCE, SUPERVISOR, UNIT), 'learner': (UNIT,)}
LANE_OF_ORG = {PROVINCE: PROVINCE_ADMIN, SUPERVISOR: SUPERVISOR_ADMIN, UNIT: UNIT_ADMIN}

# Stored as they are (organisation.nature / level / industry); the forms show them translated.
NATURES = [N_('机关'), N_('事业单位'), N_('国有企业'), N_('民营企业'), N_('外资企业'), N_('社会团体'), N_('其他')]
LEVELS = [N_('省级'), N_('市级'), N_('县（区）级'), N_('乡镇（街道）级'), N_('其他')]
INDUSTRIES = [N_('交通运输'), N_('建筑业'), N_('水利'), N_('教育'), N_('卫生健康'), N_('农林牧渔'), N_('制造业'), N_('信息技术'),
              N_('金融'), N_('其他')]

MOBILE = re.compile(r'^1[3-9]\d{9}$')
LANDLINE = re.compile(r'^0\d{2,3}-?\d{7,8}(-\d{1,6})?$')


class RegistrationError(Refused):
    """Refused; nothing changed. `field` names the form field the message belongs next to."""


@dataclass
class RegistrationInput:
    kind: str
    name: str
    id_number: str
    phone: str
    password: str
    parent_org_id: int | None
    email: str = ''
    confirm: str = ''
    existing: bool = False          # 如果已是本系统用户: `password` is the existing account's password
    org_name: str = ''
    credit_code: str = ''
    no_credit_code: bool = False    # the platform issues a temporary code on approval (seed 004)
    locality: str = ''
    nature: str = ''
    level: str = ''
    industry: str = ''
    org_phone: str = ''
    address: str = ''
    licence: bytes | None = None
    hr_org_id: int | None = None    # 同级人社部门 (units, optional); 0: a value that cannot be an id


@dataclass
class Proposer:
    """推荐单位注册: the learner who proposes a missing unit (the RegistrationInput's person is the unit's contact)."""
    name: str
    id_number: str
    phone: str


# --- field checks --------------------------------------------------------------------------------------------

def normalise_id_number(raw: str) -> str:
    """A valid 18-character 居民身份证号 (birth date and check digit checked); an old 15-digit one is upgraded."""
    number = ric.compact(raw or '')
    if len(number) == 15 and number.isascii() and number.isdigit():
        body = number[:6] + '19' + number[6:]
        number = body + ric.calc_check_digit(body + '0')  # the function reads the first 17 characters
    try:
        return ric.validate(number)
    except InvalidChecksum:
        raise RegistrationError(_l('身份证号校验位错误，请核对'), 'id_number') from None
    except InvalidComponent:  # the birth date, or the region (the first 6 digits): say which
        raise RegistrationError(_id_component_message(number), 'id_number') from None
    except ValidationError:
        raise RegistrationError(_l('身份证号格式不正确（应为 18 位，或 15 位旧号码）'), 'id_number') from None


def _id_component_message(number: str):
    try:
        ric.get_birth_date(number)
    except ValidationError:
        return _l('身份证号中的出生日期无效，请核对')
    return _l('身份证号前 6 位的地区码 %(code)s 不是有效的行政区划代码，请核对', code=number[:6])


def normalise_credit_code(raw: str) -> str:
    try:
        return uscc.validate(raw or '')
    except InvalidChecksum:
        raise RegistrationError(_l('统一社会信用代码校验位错误，请核对'), 'credit_code') from None
    except ValidationError:
        raise RegistrationError(_l('统一社会信用代码格式不正确（应为 18 位）'), 'credit_code') from None


def normalise_phone(raw: str, field: str = 'phone') -> str:
    phone = re.sub(r'[\s()（）]', '', raw or '')  # i18n: data — a pattern
    if not (MOBILE.match(phone) or LANDLINE.match(phone)):
        raise RegistrationError(_l('电话号码格式不正确：请填写 11 位手机号，或带区号的固定电话（如 0571-87654321）'), field)
    return phone


def normalise_email(raw: str) -> str:
    try:
        return validate_email((raw or '').strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        raise RegistrationError(_l('电子邮箱格式不正确'), 'email') from None


def _choice(value: str, allowed: list[str], missing, field: str) -> str:
    if value not in allowed:
        raise RegistrationError(missing, field)
    return value


# --- the superior and who approves ---------------------------------------------------------------------------

def is_other_unit(org: Organisation) -> bool:
    return org.kind == UNIT and org.name == OTHER_UNIT and org.parent is not None and org.parent.kind == PROVINCE


def approver_for(kind: str, parent: Organisation) -> tuple[str, Organisation]:
    """(lane, organisation) of the admins who approve a registration under *parent*."""
    if kind == 'learner' and is_other_unit(parent):
        return PROVINCE_ADMIN, parent.parent
    return LANE_OF_ORG[parent.kind], parent


def other_unit(province_id: int) -> Organisation | None:
    return db.session.scalar(select(Organisation).where(Organisation.parent_id == province_id,
                                                        Organisation.kind == UNIT, Organisation.name == OTHER_UNIT))


def default_other_unit_id() -> int | None:
    """The 其他单位 a learner without an employer registers under: the first province's."""
    first = db.session.scalar(select(Organisation.id).where(Organisation.kind == PROVINCE).order_by(Organisation.id))
    other = other_unit(first) if first is not None else None
    return other.id if other else None


def hr_offices() -> list[Organisation]:
    """Every 人社部门 a unit may name as its 同级人社部门, province by province (the register form's choices; the
    superior chosen decides which province's are accepted)."""
    return db.session.scalars(select(Organisation).where(Organisation.kind == HR)
                              .order_by(Organisation.parent_id, Organisation.id)).all()


def provinces() -> list[Organisation]:
    return db.session.scalars(select(Organisation).where(Organisation.kind == PROVINCE).order_by(Organisation.id)).all()


def search_orgs(q: str, page: int = 1, purpose: str = 'unit', kinds=None,
                exclude=(), within: int | None = None) -> tuple[list[Organisation], int]:
    """单位搜索: fuzzy by name, credit code or locality; 10 per page. `purpose` 'unit': units a professional may
    register under; 'parent': superiors a unit may register under (province, supervising departments, units).
    Transfers pass their own *kinds*, the organisations to leave out (*exclude*) and their province (*within*)."""
    kinds = kinds or (PARENT_KINDS['unit'] if purpose == 'parent' else PARENT_KINDS['learner'])
    query = select(Organisation).where(Organisation.kind.in_(kinds))
    if exclude:
        query = query.where(Organisation.id.not_in(list(exclude)))
    if within is not None:
        query = query.where(Organisation.id.in_(province_org_ids(within)))
    words = (q or '').strip()[:50]
    if words:
        pattern = '%' + words.replace('\\', '\\\\').replace('%', '\\%').replace('_', '\\_') + '%'
        query = query.where(or_(Organisation.name.ilike(pattern, escape='\\'),
                                Organisation.credit_code.ilike(pattern, escape='\\'),
                                Organisation.locality.ilike(pattern, escape='\\')))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    page = max(1, page)
    rows = db.session.scalars(query.order_by(Organisation.name, Organisation.id)
                              .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    return rows, total


# --- registering --------------------------------------------------------------------------------------------

def _log_applicant(reg: Registration, action: str, remark: str) -> None:
    """The applicant acts without a role yet: the log names her as 申请人. The flow log is a record, kept in Chinese as
    written, like audit.log's texts."""
    db.session.add(FlowLog(subject_type=SUBJECT, subject_id=reg.id, action=action, actor_id=reg.user_id,  # i18n: data
                           actor_label=f'{reg.name}（申请人）', remark=remark))


def scope_resolver(reg: Registration):
    def resolve(lane: str, scope_key: str = '') -> runtime.Scope:
        if lane == 'hr':  # the 同级人社部门 the unit names, else the superior's (as a claim's hr step)
            return runtime.Scope(org_id=reg.hr_org_id or hr_lane_org_id(reg.parent_org_id, reg.parent_org.province.id))
        return runtime.Scope(org_id=reg.approver_org_id)
    return resolve


def pending_for(user_id: int) -> list[Registration]:
    return db.session.scalars(select(Registration).where(Registration.user_id == user_id,
                                                         Registration.outcome == catalog.PENDING)
                              .order_by(Registration.id)).all()


def _check_parent(inp: RegistrationInput) -> Organisation:
    field = {'supervisor': 'province_id', 'unit': 'parent_org_id', 'learner': 'unit_id'}[inp.kind]
    parent = db.session.get(Organisation, inp.parent_org_id) if inp.parent_org_id else None
    if parent is None or parent.kind not in PARENT_KINDS[inp.kind]:
        missing = {'supervisor': _l('请选择所属省份'), 'unit': _l('请选择上级单位（主管部门、上级单位或省级）'),
                   'learner': _l('请选择所在单位')}[inp.kind]
        raise RegistrationError(missing, field)
    return parent


def _check_hr(inp: RegistrationInput, parent: Organisation) -> int | None:
    """同级人社部门 (optional): a 人社部门 of the province the unit registers in."""
    if inp.hr_org_id is None:
        return None
    hr = db.session.get(Organisation, inp.hr_org_id) if inp.hr_org_id else None
    if hr is None or hr.kind != HR:
        raise RegistrationError(_l('所选同级人社部门不存在，请重新选择'), 'hr_org_id')
    if hr.province is None or hr.province.id != parent.province.id:
        raise RegistrationError(_l('同级人社部门须是“%(province)s”的人社部门，请重新选择',
                                   province=parent.province.name), 'hr_org_id')
    return hr.id


def _check_organisation(inp: RegistrationInput, parent: Organisation) -> dict:
    name = inp.org_name.strip()
    if not name:
        raise RegistrationError(_l('请填写单位名称'), 'org_name')
    taken = db.session.scalar(select(Organisation.id).where(Organisation.name == name))
    pending = db.session.scalar(select(Registration.id).where(Registration.org_name == name,
                                                              Registration.outcome == catalog.PENDING))
    if taken or pending:
        raise RegistrationError(_l('“%(name)s”已注册或正在注册审核中，请勿重复注册', name=name), 'org_name')
    code = None
    if not inp.no_credit_code:
        code = normalise_credit_code(inp.credit_code)
        taken = db.session.scalar(select(Organisation.id).where(Organisation.credit_code == code))
        pending = db.session.scalar(select(Registration.id).where(Registration.credit_code == code,
                                                                  Registration.outcome == catalog.PENDING))
        if taken or pending:
            raise RegistrationError(_l('该统一社会信用代码已注册或正在注册审核中'), 'credit_code')
    fields = dict(org_name=name, credit_code=code, locality=inp.locality.strip()[:100] or None,
                  org_phone=normalise_phone(inp.org_phone, 'org_phone'), address=inp.address.strip()[:200] or None)
    if inp.kind == 'unit':
        fields.update(nature=_choice(inp.nature, NATURES, _l('请选择单位性质'), 'nature'),
                      level=_choice(inp.level, LEVELS, _l('请选择单位级别'), 'level'),
                      industry=_choice(inp.industry, INDUSTRIES, _l('请选择所属行业'), 'industry'),
                      hr_org_id=_check_hr(inp, parent))
    if not inp.licence:
        raise RegistrationError(_l('请上传营业执照或统一社会信用代码证书扫描件'), 'licence')
    try:
        data, content_type = evidence.inspect_upload(inp.licence)
    except evidence.EvidenceRejected as exc:
        raise RegistrationError(str(exc), 'licence') from None
    fields.update(licence_sha256=evidence.store(data), licence_type=content_type)
    return fields


def _account(inp: RegistrationInput, id_number: str, email: str | None, phone: str) -> User:
    """The applicant's one account: the existing one (its password proves it is hers), or a new one."""
    user = db.session.scalar(select(User).where(User.id_number == id_number))
    if user is not None and pending_for(user.id):
        raise RegistrationError(_l('该身份证号已有注册申请正在审核中：请通过“注册审核进度查询”查看，或撤回后重新注册'),
                                'id_number')
    if user is not None and user.memberships:
        if not inp.existing:
            raise RegistrationError(_l('该身份证号已是本系统用户：请勾选“如果已是本系统用户”，并输入原密码'), 'existing')
        if not user.is_enabled or not user.check_password(inp.password):
            raise RegistrationError(_l('原密码错误'), 'password')
        role = ROLE_OF_KIND[inp.kind]
        if role == LEARNER and any(m.role == LEARNER for m in user.memberships):
            unit = next(m.org.name for m in user.memberships if m.role == LEARNER)
            raise RegistrationError(_l('您已注册为专业技术人员（%(unit)s），不能重复注册；更换单位请办理人员调动', unit=unit),
                                    'id_number')
        return user
    if inp.existing:
        raise RegistrationError(_l('未找到该身份证号的账号：如果是首次注册，请取消勾选“如果已是本系统用户”并设置密码'),
                                'existing')
    if problem := password_problem(inp.password or ''):
        raise RegistrationError(_l(problem), 'password')  # one of security's problems, listed for extraction
    if inp.password != inp.confirm:
        raise RegistrationError(_l('两次输入的密码不一致'), 'confirm')
    if user is None:  # a former applicant (rejected or withdrawn) keeps her account row and chooses a new password
        user = User(id_number=id_number)
        db.session.add(user)
    user.name, user.phone, user.email, user.is_enabled = inp.name.strip(), phone, email, True
    user.set_password(inp.password)
    user.must_change_password = False
    return user


def _contact_account(id_number: str, name: str, email: str | None, phone: str) -> User:
    """推荐单位注册: the contact's existing account (joined on approval, no password asked), or a new one with the
    initial password, as for admins a unit adds."""
    user = db.session.scalar(select(User).where(User.id_number == id_number))
    if user is not None and pending_for(user.id):
        raise RegistrationError(_l('单位联系人的身份证号已有注册申请正在审核中，请等待审核结束或由其撤回后再推荐'),
                                'id_number')
    if user is not None and user.memberships:
        if not user.is_enabled:  # she could never log in as the unit's admin
            raise RegistrationError(_l('单位联系人的账号已停用，请另选联系人'), 'id_number')
        return user
    if user is None:  # a former applicant without any role keeps her row and gets the initial password
        user = User(id_number=id_number)
        db.session.add(user)
    user.name, user.phone, user.email, user.is_enabled = name, phone, email, True
    user.set_password(default_password(id_number))
    user.must_change_password = True
    return user


def _check_proposer(proposer: Proposer) -> Proposer:
    name = (proposer.name or '').strip()
    if not name or len(name) > 50:
        raise RegistrationError(_l('请填写推荐人姓名（不超过 50 个字）'), 'proposer_name')
    try:
        id_number = normalise_id_number(proposer.id_number)
    except RegistrationError as exc:
        raise RegistrationError(_l('推荐人%(problem)s', problem=exc.message), 'proposer_id_number') from None
    return Proposer(name, id_number, normalise_phone(proposer.phone, 'proposer_phone'))


def register(inp: RegistrationInput, proposer: Proposer | None = None) -> Registration:
    """提交注册: the registration waits for the superior's admins (注册审核中). With a *proposer* (推荐单位注册, units
    only) the person of *inp* is the unit's contact, whose account needs no password."""
    if inp.kind not in ROLE_OF_KIND or (proposer is not None and inp.kind != 'unit'):
        raise RegistrationError(_l('注册类型无效'))
    if proposer is not None:
        proposer = _check_proposer(proposer)
    name = (inp.name or '').strip()
    if not name or len(name) > 50:
        raise RegistrationError(_l('请填写姓名（不超过 50 个字）'), 'name')
    id_number = normalise_id_number(inp.id_number)
    phone = normalise_phone(inp.phone)
    email = normalise_email(inp.email) if (inp.email or '').strip() else None
    parent = _check_parent(inp)
    org_fields = _check_organisation(inp, parent) if inp.kind != 'learner' else {}
    if proposer is None:
        user = _account(inp, id_number, email, phone)
    else:
        user = _contact_account(id_number, name, email, phone)
        # Shown once after submitting: with her ID number it lets the proposer follow the registration.
        org_fields.update(proposed_by_name=proposer.name, proposed_by_id_number=proposer.id_number,
                          proposed_by_phone=proposer.phone, proposal_code=secrets.token_hex(4).upper())
    db.session.flush()
    lane, approver = approver_for(inp.kind, parent)
    reg = Registration(kind=inp.kind, name=name, id_number=id_number, phone=phone, email=email,
                       parent_org_id=parent.id, approver_org_id=approver.id, approver_lane=lane, user_id=user.id,
                       status_label='', outcome=catalog.PENDING, **org_fields)
    db.session.add(reg)
    db.session.flush()
    instance, step = runtime.start(PROCESS, SUBJECT, reg.id, {'registration_id': reg.id, 'approver_lane': lane},
                                   scope_resolver(reg), parent.province.id)
    reg.instance_id = instance.id
    apply_step(reg, step)
    what = reg.org_name or name
    where = f'{reg.kind_label}“{what}”注册在“{parent.name}”下，由“{approver.name}”审核'  # i18n: data — flow log
    if proposer is None:
        _log_applicant(reg, '提交注册', where)  # i18n: data — flow log
    else:
        db.session.add(FlowLog(subject_type=SUBJECT, subject_id=reg.id, action='推荐单位注册', actor_id=None,  # i18n: data
                               actor_label=f'{proposer.name}（推荐人）',
                               remark=f'{proposer.name}推荐{where}；单位管理员：{name}'))
    return reg


# --- the applicant: progress and withdrawal --------------------------------------------------------------------

def applicant(login_name: str, password: str) -> User:
    """The account of a progress query (ID number or account name + the registration password)."""
    name = (login_name or '').strip()
    user = db.session.scalar(select(User).where(or_(User.id_number == name.upper(), User.account_name == name)))
    if user is None or not user.check_password(password or ''):
        raise RegistrationError(_l('身份证号/账号或密码错误'), 'password')
    return user


def proposals_of(id_number: str, code: str) -> list[Registration]:
    """推荐单位注册 followed by its proposer: her ID number and the proposal code shown after submitting."""
    code = (code or '').strip().upper()
    try:
        id_number = normalise_id_number(id_number)
    except RegistrationError:
        return []
    if not code:
        return []
    return db.session.scalars(select(Registration).where(Registration.proposed_by_id_number == id_number,
                                                         Registration.proposal_code == code)).all()


def registrations_of(user: User) -> list[Registration]:
    """Her own registrations and the units she proposed (推荐单位注册)."""
    return db.session.scalars(select(Registration).where(or_(Registration.user_id == user.id,
                                                             Registration.proposed_by_id_number == user.id_number))
                              .order_by(Registration.id.desc())).all()


def withdraw(login_name: str, password: str, registration_id: int) -> Registration:
    """撤回申请: only while pending, only with the registration password; the applicant may register again."""
    user = applicant(login_name, password)
    reg = db.session.get(Registration, registration_id)
    if reg is None or reg.user_id != user.id:
        raise RegistrationError(_l('没有找到该注册申请'))
    if reg.outcome != catalog.PENDING:
        raise RegistrationError(_l('该注册申请当前状态为“%(status)s”，不能撤回', status=reg.status_label))
    apply_step(reg, runtime.send_message(reg.instance_id, WITHDRAW_MESSAGE, scope_resolver(reg),
                                         refused=_l('该注册申请已审核完毕，不能撤回')))
    reg.decided_at = utcnow()
    _log_applicant(reg, '撤回申请', '申请人撤回，可重新注册')  # i18n: data — flow log
    return reg


# --- the superior's admins ----------------------------------------------------------------------------------

def can_see(m: Membership | None, reg: Registration) -> bool:
    """The admins who must approve (main admins of the approving organisation, not secondary admins)."""
    return (m is not None and m.role == reg.approver_lane and m.org_id == reg.approver_org_id
            and m.department_id is None)


def open_item(reg: Registration) -> WorkItem | None:
    return open_work_item(SUBJECT, reg.id)


def decidable(m: Membership | None, item: WorkItem | None) -> WorkItem | None:
    """The registration's open review task (*item*, from open_item) when *m* may decide it now; else None."""
    return item if item is not None and actionable_item(m, item.id) else None


def temporary_code() -> str:
    """平台临时代码 for a unit without a 统一社会信用代码: LS + year + a six-digit sequence."""
    prefix = f'LS{utcnow().year}'
    codes = db.session.scalars(select(Organisation.credit_code).where(Organisation.credit_code.like(prefix + '%')))
    last = max((int(c[len(prefix):]) for c in codes if c[len(prefix):].isdigit()), default=0)
    return f'{prefix}{last + 1:06d}'


def _activate(reg: Registration) -> Membership:
    """Approval: the organisation (for a department or unit) and the role membership come into being."""
    org = reg.parent_org
    if reg.kind != 'learner':
        org = Organisation(kind=SUPERVISOR if reg.kind == 'supervisor' else UNIT, name=reg.org_name,
                           credit_code=reg.credit_code or temporary_code(), locality=reg.locality,
                           parent_id=reg.parent_org_id, nature=reg.nature, level=reg.level, industry=reg.industry,
                           phone=reg.org_phone, address=reg.address, hr_org_id=reg.hr_org_id,
                           licence_sha256=reg.licence_sha256, licence_type=reg.licence_type)
        db.session.add(org)
        db.session.flush()
        reg.org_id = org.id
    role = ROLE_OF_KIND[reg.kind]
    membership = db.session.scalar(select(Membership).where(
        Membership.user_id == reg.user_id, Membership.role == role, Membership.org_id == org.id))
    if membership is None:
        # The one who registered a supervising department is its 超级管理员 (it has no other admin yet).
        membership = Membership(user=reg.user, role=role, org=org, principal=reg.kind == 'supervisor')
        db.session.add(membership)
    membership.login_allowed = True
    db.session.flush()
    reg.membership_id = membership.id
    return membership


def decide(m: Membership, work_item_id: int, decision: str, reason: str | None) -> Registration:
    """审核注册: 通过 (the account may log in in the new role) or 驳回 with a reason the applicant sees."""
    item = open_task(m, work_item_id, SUBJECT, RegistrationError)
    reg = db.session.get(Registration, item.subject_id)
    if not can_see(m, reg):
        raise RegistrationError(_l('无权处理该事项，或该事项不存在'))
    reason = (reason or '').strip()
    if decision not in ('approve', 'reject'):
        raise RegistrationError(_l('请选择审核结果'), 'decision')
    if decision == 'reject' and not reason:
        raise RegistrationError(_l('驳回注册时必须填写原因'), 'comment')
    apply_step(reg, runtime.complete(item.id, m.user_id, {'decision': decision, 'comment': reason},
                                     scope_resolver(reg)))
    remark = '通过'  # i18n: data — the audit remark
    if decision == 'approve':
        _activate(reg)
        if reg.org is not None:
            remark += f'，单位代码 {reg.org.credit_code}' + ('（平台临时代码）' if not reg.credit_code else '')  # i18n: data
    else:
        remark = f'驳回：{reason}'  # i18n: data — the audit remark
    reg.reason, reg.decided_at = reason or None, utcnow()
    audit.log(SUBJECT, reg.id, '注册审核', m, remark)
    if decision == 'approve':
        notices.notify([reg.user_id], '您的注册申请已审核通过，可以登录学时通了', subject='注册申请已通过')  # i18n: data
    else:
        notices.notify([reg.user_id], f'您的注册申请被驳回。原因：{reason}', subject='注册申请被驳回')  # i18n: data
    return reg


# The data this code gives the registration process: each published version is tried on it (trial.py).
trial.declare_process(PROCESS, lambda: {'registration_id': (1,), 'approver_lane': tuple(LANE_OF_ORG.values()),
                                        **trial.reviewed('approve', 'reject')})
