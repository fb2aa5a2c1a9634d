"""People, their single account, and their role memberships (one person, several roles)."""
from datetime import datetime
from typing import Optional

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, and_, bindparam, false, func
from sqlalchemy import null, true
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.functions import FunctionElement
from werkzeug.security import check_password_hash, generate_password_hash

from .base import db, utcnow
from .org import Department, Organisation

LEARNER, UNIT_ADMIN, SUPERVISOR_ADMIN, PROVINCE_ADMIN = 'learner', 'unit_admin', 'supervisor', 'province'
HR_ADMIN = 'hr'  # 人社部门's staff
ROLE_LABELS = {LEARNER: '专技人员', UNIT_ADMIN: '单位管理员', SUPERVISOR_ADMIN: '主管部门', PROVINCE_ADMIN: '省级/学时办',
               HR_ADMIN: '人社部门'}
# Every role but the learner's (a list of admins reads an organisation's few admin rows, not its staff's range).
ADMIN_ROLES = tuple(role for role in ROLE_LABELS if role != LEARNER)


class User(UserMixin, db.Model):
    __tablename__ = 'user_account'
    id: Mapped[int] = mapped_column(primary_key=True)
    id_number: Mapped[Optional[str]] = mapped_column(String(18), unique=True)
    account_name: Mapped[Optional[str]] = mapped_column(String(50), unique=True)
    name: Mapped[str] = mapped_column(String(50))
    phone: Mapped[Optional[str]] = mapped_column(String(20))
    email: Mapped[Optional[str]] = mapped_column(String(120))
    title: Mapped[Optional[str]] = mapped_column(String(20))  # 专业技术职称: changed only through unit approval
    password_hash: Mapped[str] = mapped_column(String(256))
    is_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # Set for an initial or reset password (the last six digits of the ID number): the next login must change it.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Counts the logouts and password changes: a session is valid only with the epoch it began in (see get_id).
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default='0')
    # 邮件通知: notifications also go to `email` (when there is one) unless the person turned them off.
    email_notifications: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    memberships: Mapped[list['Membership']] = relationship(back_populates='user', order_by='Membership.id')

    @property
    def active_memberships(self) -> list['Membership']:
        """The roles this person may log in as (a unit may switch off an admin's login, seed 001)."""
        return [m for m in self.memberships if m.login_allowed]

    def set_password(self, password: str) -> None:
        """A new password ends every session of the account (signed in elsewhere, or a copied cookie)."""
        from flask import current_app  # tests use a cheaper hash; outside tests it is always werkzeug's scrypt
        method = current_app.config.get('PASSWORD_HASH_METHOD', 'scrypt') if current_app.testing else 'scrypt'
        self.password_hash = generate_password_hash(password, method=method)
        self.end_sessions()

    def end_sessions(self) -> None:
        """Sessions carry the epoch they began in (get_id): a new one makes every earlier session invalid."""
        self.session_epoch = (self.session_epoch or 0) + 1

    def get_id(self) -> str:
        return f'{self.id}:{self.session_epoch or 0}'

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    def __repr__(self):
        return f'<User {self.id} {self.name}>'


# Name search on PostgreSQL looks names up by their characters (GIN over the array of a name's characters; the
# built-in string_to_array(name, NULL) splits a name into them and is cheap to evaluate again on a row). Trigram
# indexes cannot serve the two-character names that are so common (张伟).
Index('ix_user_account_name_chars', func.string_to_array(User.name, null()), postgresql_using='gin') \
    .ddl_if(dialect='postgresql')
# A unit's staff sorted by name: each person's name read from this index alone, not from the wide rows (PostgreSQL).
Index('ix_user_account_id_name', User.id, postgresql_include=['name'])


class _name_has_chars(FunctionElement):
    """True when the name (first clause) holds every character given (second): on PostgreSQL a lookup in
    ix_user_account_name_chars; elsewhere (SQLite: no such index) always true, and the LIKE beside it decides."""
    inherit_cache = True


@compiles(_name_has_chars)
def _name_has_chars_anywhere(element, compiler, **kw):
    return '1 = 1'


@compiles(_name_has_chars, 'postgresql')
def _name_has_chars_postgresql(element, compiler, **kw):
    name, chars = element.clauses
    return f'string_to_array({compiler.process(name, **kw)}, NULL) @> {compiler.process(chars, **kw)}'


def name_contains(q: str):
    """SQL condition: the person's name contains *q* (User.name LIKE '%q%', as the lists always searched), found on
    PostgreSQL through the index of the names' characters: a name containing *q* holds each of its characters, and
    the LIKE keeps only the names that hold them in that order. A q with LIKE's wildcards keeps them as they always
    worked, without the index."""
    like = User.name.contains(q)
    if not q or set(q) & set('%_\\'):
        return like
    return and_(_name_has_chars(User.name, bindparam('name_chars', sorted(set(q)), ARRAY(Text), unique=True)), like)


def mask_id_number(id_number: Optional[str]) -> str:
    """Lists show only the last four digits: *****3321 (seed 002)."""
    return '*****' + id_number[-4:] if id_number else ''


class Membership(db.Model):
    """One role of one person in one organisation; a unit admin with a department is a secondary admin."""
    __tablename__ = 'membership'
    # A unit's staff are a range of ix_membership_org_id_role_user_id (ids and departments: their counts and sums read
    # the index alone, in person order).
    __table_args__ = (UniqueConstraint('user_id', 'role', 'org_id', name='uq_membership_user_role_org'),
                      Index('ix_membership_org_id_role_user_id', 'org_id', 'role', 'user_id',
                            postgresql_include=['department_id']))
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey('user_account.id'), index=True)
    role: Mapped[str] = mapped_column(String(20), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey('organisation.id'))
    department_id: Mapped[Optional[int]] = mapped_column(ForeignKey('department.id'))
    login_allowed: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())  # 允许登录系统
    # 超级管理员 of a supervising department or the province: the one admin who manages its admins (a unit's
    # principal admins are those without a department).
    principal: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    # Every page shows and every log line names "role (organisation · department)": load them with the membership.
    user: Mapped[User] = relationship(back_populates='memberships')
    org: Mapped[Organisation] = relationship(lazy='joined')
    department: Mapped[Optional[Department]] = relationship(lazy='joined')

    @property
    def label(self) -> str:
        role = ROLE_LABELS[self.role]
        if self.role == UNIT_ADMIN and self.department_id:
            role = '二级管理员'
        where = self.org.name + (f' · {self.department.name}' if self.department else '')
        return f'{role}（{where}）'

    def __repr__(self):
        return f'<Membership {self.user_id} {self.role} {self.org_id}>'


class PasswordReset(db.Model):
    """找回密码: one request for a one-time code, by login name and e-mail address. A request that matched no
    account is kept too (without a user or code): requests count the same either way for the rate limit, and the
    answer never tells whether the account exists. The code is stored hashed; it is good for a short while, for a
    few tries, and once."""
    __tablename__ = 'password_reset'
    id: Mapped[int] = mapped_column(primary_key=True)
    login_name: Mapped[str] = mapped_column(String(50))
    ip: Mapped[str] = mapped_column(String(45))
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey('user_account.id'), index=True)
    code_hash: Mapped[Optional[str]] = mapped_column(String(256))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    tries: Mapped[int] = mapped_column(Integer, default=0)
    used_at: Mapped[Optional[datetime]] = mapped_column()

    __table_args__ = (Index('ix_password_reset_login_name_created_at', 'login_name', 'created_at'),
                      Index('ix_password_reset_ip_created_at', 'ip', 'created_at'))


class LoginAttempt(db.Model):
    """One login try (by account or ID number, and address): failed tries rate-limit further ones."""
    __tablename__ = 'login_attempt'
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50))
    ip: Mapped[str] = mapped_column(String(45))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    success: Mapped[bool] = mapped_column(Boolean)

    __table_args__ = (Index('ix_login_attempt_username_at', 'username', 'at'),
                      Index('ix_login_attempt_ip_at', 'ip', 'at'))


class UsedCaptcha(db.Model):
    """A captcha answered once (its nonce), kept until it would have expired anyway: a captcha is good for one try,
    whichever worker or host the replay reaches."""
    __tablename__ = 'used_captcha'
    nonce: Mapped[str] = mapped_column(String(32), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(index=True)
