"""Departments and admins of a unit (seed 001). Only the unit's principal admin (an admin without a department)
manages them; a secondary admin (二级管理员) works only with her department's staff. Flush, never commit."""
from flask_babel import LazyString, gettext as _
from sqlalchemy import func, select
from stdnum.cn import ric

from models import Department, Membership, User, db
from models.people import LEARNER, UNIT_ADMIN

from ..refusals import Refused
from .. import audit
from ..i18n import _l, N_
from ..registration.operations import INDUSTRIES, LEVELS, NATURES, normalise_phone
from ..security import default_password, reset_to_default
from ..workflow.catalog import PROCESS_NAMES


class UnitError(Refused):
    """Refused; nothing changed."""


def is_principal(m: Membership | None) -> bool:
    """The unit's principal admin: a unit admin without a department."""
    return m is not None and m.role == UNIT_ADMIN and m.department_id is None


def require_principal(m: Membership) -> None:
    if not is_principal(m):
        raise UnitError(_l('只有本单位的主管理员（未分配部门的管理员）可以管理部门和管理员'))


def department_of(m: Membership, department_id: int | None, required: bool = False) -> Department | None:
    """The unit's department, or None for "no department" (None, 0 or blank), unless *required*: renaming or
    deleting needs one."""
    if department_id in (None, 0, ''):
        if required:
            raise UnitError(_l('请选择部门'), 'department_id')
        return None
    department = db.session.get(Department, department_id)
    if department is None or department.unit_id != m.org_id:
        raise UnitError(_l('部门不存在'), 'department_id')
    return department


def _clean_name(name: str) -> str:
    name = (name or '').strip()
    if not name or len(name) > 100:
        raise UnitError(_l('部门名称为必填，且不超过 100 个字'), 'name')
    return name


def add_department(m: Membership, name: str) -> Department:
    require_principal(m)
    name = _clean_name(name)
    if db.session.scalar(select(Department.id).where(Department.unit_id == m.org_id, Department.name == name)):
        raise UnitError(_l('部门“%(name)s”已存在', name=name), 'name')
    department = Department(unit_id=m.org_id, name=name)
    db.session.add(department)
    db.session.flush()
    audit.log('department', department.id, '新增部门', m, name)
    return department


def rename_department(m: Membership, department_id: int, name: str) -> None:
    require_principal(m)
    department = department_of(m, department_id, required=True)
    old, department.name = department.name, _clean_name(name)
    audit.log('department', department.id, '修改部门', m, f'{old} → {department.name}')


# What a department's records are called on the page (the processes by their names, then the inbox rows they made);
# a table added later still counts, as 业务记录.
RECORD_LABELS = {**PROCESS_NAMES, 'work_item': N_('待办事项')}


def _records_of(department: Department) -> list[str]:
    """What still refers to the department (every foreign key to it, found from the schema, so none is missed):
    deleting it would break them, and the database would refuse."""
    used = []
    for table in db.metadata.sorted_tables:
        if table.name == Membership.__tablename__:
            continue  # counted above, with a message of its own
        for fk in table.foreign_keys:
            if fk.column.table.name != Department.__tablename__:
                continue
            if db.session.scalar(select(fk.parent).where(fk.parent == department.id).limit(1)) is not None:
                label = str(RECORD_LABELS.get(table.name, N_('业务记录')))
                if label not in used:
                    used.append(label)
    order = list(RECORD_LABELS.values())  # the user's records first, the inbox rows they made after
    return sorted(used, key=lambda label: order.index(label) if label in order else len(order))


def _listed(labels: list[str]) -> LazyString:
    """The records' names in the reader's language, as one enumeration (shown in a refusal)."""
    return LazyString(lambda: _('、').join(_(label) for label in labels))


def delete_department(m: Membership, department_id: int) -> None:
    require_principal(m)
    department = department_of(m, department_id, required=True)
    members = db.session.scalar(select(func.count(Membership.id)).where(Membership.department_id == department.id))
    if members:
        raise UnitError(_l('部门“%(name)s”还有 %(count)s 名人员或管理员，请先调整其部门', name=department.name,
                           count=members))
    if used := _records_of(department):
        raise UnitError(_l('部门“%(name)s”已有%(records)s等业务记录，不能删除；可修改部门名称', name=department.name,
                           records=_listed(used)))
    audit.log('department', department.id, '删除部门', m, department.name)
    db.session.delete(department)


def admins(m: Membership) -> list[Membership]:
    return db.session.scalars(select(Membership).where(Membership.role == UNIT_ADMIN, Membership.org_id == m.org_id)
                              .order_by(Membership.id)).all()


def _principals_left(m: Membership, excluding: Membership) -> int:
    return sum(1 for a in admins(m) if a.id != excluding.id and a.department_id is None and a.login_allowed)


def add_admin(m: Membership, name: str, id_number: str, department_id: int | None, login_allowed: bool) -> Membership:
    """添加管理员: an existing person (same ID number) gets the role; a new one an account whose initial password
    is the last six of the ID number, to be changed at first login."""
    require_principal(m)
    number = (id_number or '').strip().upper()
    if not ric.is_valid(number):
        raise UnitError(_l('身份证号无效（位数、出生日期或校验位不对）'), 'id_number')
    name = (name or '').strip()
    if not name or len(name) > 50:
        raise UnitError(_l('姓名为必填，且不超过 50 个字'), 'name')
    department = department_of(m, department_id)
    user = db.session.scalar(select(User).where(User.id_number == number))
    if user is None:
        user = User(name=name, id_number=number, must_change_password=True)
        user.set_password(default_password(number))
        db.session.add(user)
        db.session.flush()
    elif user.name != name:
        raise UnitError(_l('身份证号 %(number)s 已注册，姓名与填写的不符', number=number), 'name')
    if any(x.role == UNIT_ADMIN and x.org_id == m.org_id for x in user.memberships):
        raise UnitError(_l('%(name)s 已是本单位管理员', name=user.name), 'id_number')
    admin = Membership(user=user, role=UNIT_ADMIN, org_id=m.org_id, department=department,
                       login_allowed=login_allowed)
    db.session.add(admin)
    db.session.flush()
    audit.log('membership', admin.id, '添加管理员', m,
              f'{user.name}（{user.masked_id_number}）' + (f'，二级管理员：{department.name}' if department else '，主管理员')
              + ('' if login_allowed else '，不允许登录'))
    return admin


def _admin(m: Membership, membership_id: int) -> Membership:
    admin = db.session.get(Membership, membership_id)
    if admin is None or admin.role != UNIT_ADMIN or admin.org_id != m.org_id:
        raise UnitError(_l('管理员不存在'))
    return admin


def update_admin(m: Membership, membership_id: int, department_id: int | None, login_allowed: bool) -> None:
    """Assign a department (→ 二级管理员) or none (→ 主管理员), and switch login; at least one principal stays."""
    require_principal(m)
    admin = _admin(m, membership_id)
    department = department_of(m, department_id)
    if (department is not None or not login_allowed) and admin.department_id is None and admin.login_allowed \
            and _principals_left(m, admin) == 0:
        raise UnitError(_l('单位至少要保留一名可登录的主管理员'))
    admin.department, admin.login_allowed = department, login_allowed
    audit.log('membership', admin.id, '修改管理员', m,
              f'{admin.user.name}：{"二级管理员（" + department.name + "）" if department else "主管理员"}，'
              f'{"允许" if login_allowed else "不允许"}登录')


def remove_admin(m: Membership, membership_id: int) -> None:
    require_principal(m)
    admin = _admin(m, membership_id)
    if admin.department_id is None and admin.login_allowed and _principals_left(m, admin) == 0:
        raise UnitError(_l('单位至少要保留一名可登录的主管理员'))
    audit.log('membership', admin.id, '删除管理员', m, admin.user.name)
    db.session.delete(admin)


def assign_department(m: Membership, member_id: int, department_id: int | None) -> None:
    """The principal admin puts a member of staff in a department; a learner chooses her own (choose_department)."""
    require_principal(m)
    member = db.session.get(Membership, member_id)
    if member is None or member.role != LEARNER or member.org_id != m.org_id:
        raise UnitError(_l('人员不存在'))
    department = department_of(m, department_id)
    member.department = department
    audit.log('membership', member.id, '分配部门', m, f'{member.user.name} → {department.name if department else "无"}')


def reset_password(m: Membership, member: Membership) -> None:
    """重置密码 of a member of staff (one of staff_query's) to the initial password (last six of the ID number; the
    next login must change it)."""
    # The password is the whole account's: resetting it would let this admin log in as the person's other roles
    # too (another unit, or an admin role). Those are not hers to reset, switched-off roles included, since a
    # role's login can be switched back on later.
    if any(x.id != member.id for x in member.user.memberships):
        raise UnitError(_l('该账号还有其他单位或管理员角色，请联系省级学时办重置密码'))
    reset_to_default(member.user, m)


def choose_department(learner: Membership, department_id: int | None) -> None:
    if learner.role != LEARNER:
        raise UnitError(_l('只有专技人员可以选择本人部门'))
    department = department_of(learner, department_id)
    learner.department = department
    audit.log('membership', learner.id, '选择部门', learner, department.name if department else '无')


# 修改单位信息 (seed 004): the contact data changes at once; the name, the 统一社会信用代码 and the licence are not
# changed here (they need the superior's approval).
INFO_FIELDS = {'phone': N_('单位电话'), 'address': N_('单位地址'), 'locality': N_('注册所在地'), 'nature': N_('单位性质'),
               'level': N_('单位级别'), 'industry': N_('所属行业')}


def update_info(m: Membership, phone: str, address: str, locality: str, nature: str, level: str,
                industry: str) -> list[str]:
    """The unit's principal admin changes its contact data; returns the names of the fields changed (logged)."""
    require_principal(m)
    for value, allowed, field in ((nature, NATURES, 'nature'), (level, LEVELS, 'level'),
                                  (industry, INDUSTRIES, 'industry')):
        if value and value not in allowed:
            raise UnitError(_l('请从列表中选择'), field)
    new = {'phone': normalise_phone(phone, 'phone'), 'address': (address or '').strip()[:200] or None,
           'locality': (locality or '').strip()[:100] or None, 'nature': nature or None, 'level': level or None,
           'industry': industry or None}
    org = m.org
    changed = [field for field, value in new.items() if getattr(org, field) != value]
    if changed:
        audit.log('organisation', org.id, '修改单位信息', m, '；'.join(
            f'{INFO_FIELDS[field]}：{getattr(org, field) or ""} → {new[field] or ""}' for field in changed))
        for field in changed:
            setattr(org, field, new[field])
    return changed
