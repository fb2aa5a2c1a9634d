"""Admins of a supervising department or the province (seed 004 13、如何增加或更换单位管理员): its 超级管理员 (principal)
adds, switches off and resets its admins and hands the principal role over (the old principal's role is not kept);
the organisations above it may do the same for it (the province adds the first admin of a department). One principal
always stays. A unit's admins are managed on its own pages (webapp/unit). Flush, never commit."""
from sqlalchemy import select
from stdnum.cn import ric

from models import Membership, Organisation, User, db
from models.org import HR, PROVINCE, SUPERVISOR
from models.people import HR_ADMIN, PROVINCE_ADMIN, SUPERVISOR_ADMIN

from .. import audit
from ..i18n import _l
from ..permissions import below
from ..refusals import Refused
from ..security import default_password, reset_to_default

# The organisations whose admins these pages manage, and the role their admins have.
ADMIN_ROLES = {SUPERVISOR: SUPERVISOR_ADMIN, PROVINCE: PROVINCE_ADMIN, HR: HR_ADMIN}


class OrgAdminError(Refused):
    """Refused; nothing changed."""


def may_manage(m: Membership | None, org: Organisation) -> bool:
    """Whether *m* manages *org*'s admins: its principal, or a role above it."""
    if m is None or org.kind not in ADMIN_ROLES:
        return False
    if org.id == m.org_id:
        return m.role == ADMIN_ROLES[org.kind] and m.principal
    return m.role != HR_ADMIN and below(m, org.id)  # 人社 sees its province's organisations, manages none


def admins(org: Organisation) -> list[Membership]:
    """*org*'s admins, the principal first."""
    return list(db.session.scalars(select(Membership).where(
        Membership.role == ADMIN_ROLES[org.kind], Membership.org_id == org.id)
        .order_by(Membership.principal.desc(), Membership.id)))


def _require(m: Membership, org: Organisation) -> None:
    if not may_manage(m, org):
        raise OrgAdminError(_l('只有本机构的超级管理员或上级机构可以管理管理员'))


def _admin(org: Organisation, membership_id: int | None) -> Membership:
    admin = db.session.get(Membership, membership_id) if membership_id else None
    if admin is None or admin.org_id != org.id or admin.role != ADMIN_ROLES[org.kind]:
        raise OrgAdminError(_l('管理员不存在'))
    return admin


def _who(user: User) -> str:
    return ' '.join(filter(None, (user.name, user.masked_id_number or user.account_name)))


def add_admin(m: Membership, org: Organisation, name: str, id_number: str) -> Membership:
    """新增管理员: an existing person (same ID number and name) gets the role; a new one an account whose initial
    password is the last six of the ID number, changed at first login. An organisation without a principal gets the
    new admin as its principal."""
    _require(m, org)
    number = (id_number or '').strip().upper()
    if not ric.is_valid(number):
        raise OrgAdminError(_l('身份证号无效（位数、出生日期或校验位不对）'), 'id_number')
    name = (name or '').strip()
    if not name or len(name) > 50:
        raise OrgAdminError(_l('姓名为必填，且不超过 50 个字'), 'name')
    user = db.session.scalar(select(User).where(User.id_number == number))
    if user is None:
        user = User(name=name, id_number=number, must_change_password=True)
        user.set_password(default_password(number))
        db.session.add(user)
        db.session.flush()
    elif user.name != name:
        raise OrgAdminError(_l('身份证号 %(number)s 已注册，姓名与填写的不符', number=number), 'name')
    role = ADMIN_ROLES[org.kind]
    if db.session.scalar(select(Membership.id).where(Membership.user_id == user.id, Membership.role == role,
                                                     Membership.org_id == org.id)):
        raise OrgAdminError(_l('%(name)s 已是该机构的管理员', name=user.name), 'id_number')
    first = not any(a.principal for a in admins(org))
    admin = Membership(user=user, role=role, org_id=org.id, principal=first, login_allowed=True)
    db.session.add(admin)
    db.session.flush()
    audit.log('membership', admin.id, '新增管理员', m,
              f'{org.name}：{_who(user)}' + ('，超级管理员' if first else ''))
    return admin


def set_login(m: Membership, org: Organisation, membership_id: int, allowed: bool) -> Membership:
    """停用 / 启用 an admin's login; the principal stays able to log in (hand the role over first)."""
    _require(m, org)
    admin = _admin(org, membership_id)
    if admin.principal and not allowed:
        raise OrgAdminError(_l('超级管理员不能停用，请先将超级管理员移交给其他管理员'))
    admin.login_allowed = allowed
    audit.log('membership', admin.id, '启用管理员' if allowed else '停用管理员', m, f'{org.name}：{_who(admin.user)}')
    return admin


def _referenced(admin: Membership) -> bool:
    """Whether records name this role (every foreign key to membership, found from the schema): such a role is
    switched off rather than deleted."""
    for table in db.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name == Membership.__tablename__ and db.session.scalar(
                    select(fk.parent).where(fk.parent == admin.id).limit(1)) is not None:
                return True
    return False


def remove_admin(m: Membership, org: Organisation, membership_id: int) -> None:
    _require(m, org)
    admin = _admin(org, membership_id)
    if admin.principal:
        raise OrgAdminError(_l('超级管理员不能删除，请先将超级管理员移交给其他管理员'))
    if _referenced(admin):
        raise OrgAdminError(_l('%(name)s 已有业务记录，不能删除，可停用', name=admin.user.name))
    audit.log('membership', admin.id, '删除管理员', m, f'{org.name}：{_who(admin.user)}')
    db.session.delete(admin)


def reset_password(m: Membership, org: Organisation, membership_id: int) -> Membership:
    """重置密码 to the initial password (last six of the ID number; changed at the next login)."""
    _require(m, org)
    admin = _admin(org, membership_id)
    if admin.id == m.id:
        raise OrgAdminError(_l('不能重置自己的密码，请在个人信息中修改密码'))
    if not admin.user.id_number:
        raise OrgAdminError(_l('该账号没有登记身份证号，不能重置为初始密码，请联系省级学时办'))
    # The password is the whole account's: another role of the person is not this organisation's to reset.
    if any(x.id != admin.id for x in admin.user.memberships):
        raise OrgAdminError(_l('该账号还有其他单位或管理员角色，请联系省级学时办重置密码'))
    reset_to_default(admin.user, m)
    return admin


def hand_over(m: Membership, org: Organisation, membership_id: int) -> Membership:
    """设为超级管理员: another admin (able to log in) becomes the principal; the old principal's role is not kept
    (seed 004: 更换超管后不保留原超管账号), its account stays for any other role."""
    _require(m, org)
    admin = _admin(org, membership_id)
    if admin.principal:
        raise OrgAdminError(_l('%(name)s 已是超级管理员', name=admin.user.name))
    if not admin.login_allowed:
        raise OrgAdminError(_l('%(name)s 已停用，请先启用后再设为超级管理员', name=admin.user.name))
    for previous in [a for a in admins(org) if a.principal]:
        audit.log('membership', previous.id, '移交超级管理员', m,
                  f'{org.name}：{_who(previous.user)} → {_who(admin.user)}')
        if _referenced(previous):  # records name the role: it stays as their author, unable to log in
            previous.principal, previous.login_allowed = False, False
        else:
            db.session.delete(previous)
    db.session.flush()  # the old principal is gone before the new one is marked
    admin.principal = True
    audit.log('membership', admin.id, '设为超级管理员', m, f'{org.name}：{_who(admin.user)}')
    return admin
