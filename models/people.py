"""People, their single account, and their role memberships (one person, several roles)."""
from datetime import datetime
from typing import Optional

from flask_login import UserMixin
from sqlalchemy import DDL, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, bindparam, event
from sqlalchemy import false, func, true
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.functions import FunctionElement
from werkzeug.security import check_password_hash, generate_password_hash

from .base import db, utcnow
from .org import Department, Organisation

LEARNER, UNIT_ADMIN, SUPERVISOR_ADMIN, PROVINCE_ADMIN = 'learner', 'unit_admin', 'supervisor', 'province'
ROLE_LABELS = {LEARNER: '专技人员', UNIT_ADMIN: '单位管理员', SUPERVISOR_ADMIN: '主管部门', PROVINCE_ADMIN: '省级/学时办'}


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


# The pieces of a name that name search looks up: every character and every pair of neighbouring characters.
# (Trigram indexes cannot serve the two-character names that are so common: 张伟.) IMMUTABLE, so it can be indexed.
NAME_GRAMS_FUNCTION = DDL("""
CREATE OR REPLACE FUNCTION name_grams(name text) RETURNS text[] LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT substr(name, i, n)), '{}') FROM generate_series(1, char_length(name)) i,
         (VALUES (1), (2)) AS g(n) WHERE i + n - 1 <= char_length(name) $$""")
event.listen(User.__table__, 'before_create', NAME_GRAMS_FUNCTION.execute_if(dialect='postgresql'))
Index('ix_user_account_name_grams', func.name_grams(User.name), postgresql_using='gin').ddl_if(dialect='postgresql')


class _name_found(FunctionElement):
    """The name (first clause) contains the word whose pieces (second) and LIKE (third) are given. On PostgreSQL a
    lookup of the pieces in ix_user_account_name_grams, with the LIKE beside it when the pieces alone do not decide
    (`recheck`); elsewhere (SQLite: no such index) the LIKE alone."""
    inherit_cache = True
    recheck = True


class _name_found_by_pieces(_name_found):
    inherit_cache = True
    recheck = False


@compiles(_name_found)
def _name_found_anywhere(element, compiler, **kw):
    return compiler.process(list(element.clauses)[2], **kw)


@compiles(_name_found, 'postgresql')
def _name_found_postgresql(element, compiler, **kw):
    name, pieces, like = element.clauses
    found = f'name_grams({compiler.process(name, **kw)}) @> {compiler.process(pieces, **kw)}'
    return f'({found} AND {compiler.process(like, **kw)})' if element.recheck else found


def name_contains(q: str):
    """SQL condition: the person's name contains *q* (User.name LIKE '%q%', as the lists always searched), found
    through the name's pieces where the index can serve it. A name contains a word of one or two characters exactly
    when its pieces hold that word; a longer word's pairs of neighbouring characters are all among the pieces of
    any name containing it, and the LIKE rechecks the few names found. A q with LIKE's wildcards keeps them as they
    always worked, without the index."""
    like = User.name.contains(q)
    if not q or set(q) & set('%_\\'):
        return like
    if len(q) <= 2:  # the pieces decide alone, and PostgreSQL estimates the rows from the index's statistics
        return _name_found_by_pieces(User.name, bindparam('name_grams', [q], ARRAY(Text), unique=True), like)
    pairs = sorted({q[i:i + 2] for i in range(len(q) - 1)})
    return _name_found(User.name, bindparam('name_grams', pairs, ARRAY(Text), unique=True), like)


def mask_id_number(id_number: Optional[str]) -> str:
    """Lists show only the last four digits: *****3321 (seed 002)."""
    return '*****' + id_number[-4:] if id_number else ''


class Membership(db.Model):
    """One role of one person in one organisation; a unit admin with a department is a secondary admin."""
    __tablename__ = 'membership'
    __table_args__ = (UniqueConstraint('user_id', 'role', 'org_id', name='uq_membership_user_role_org'),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey('user_account.id'), index=True)
    role: Mapped[str] = mapped_column(String(20), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey('organisation.id'), index=True)
    department_id: Mapped[Optional[int]] = mapped_column(ForeignKey('department.id'))
    login_allowed: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())  # 允许登录系统

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
