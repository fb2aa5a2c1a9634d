"""No N+1 on the list pages: a page's SQL statements do not grow with the rows it shows.

Each row of PAGES names a list page, who reads it, and what puts more rows on it. The test adds FEW of those rows,
counts the statements of one request for the page (SQLAlchemy's `before_cursor_execute` on the engine), adds MANY
more, counts again, and asserts that both counts are the same, and, for the pages that already meet the target of
issue 13, that the page takes at most CEILING statements. The rows are built with the operations the app itself
uses (claims through the engine), or inserted directly where the page only reads them (staff, departments, records).
"""
import re
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Callable

import pytest
from sqlalchemy import event, select

from models import (Claim, Department, LearningPlatform, LearningRecord, Membership, Organisation, ProcessFailure,
                    ProcessVersion, UnitInfoChange, User, WorkflowInstance, db, utcnow)
from models.org import UNIT
from models.people import LEARNER, UNIT_ADMIN
from models.workflow import BPMN, RETIRED
from webapp.claims import operations as ops
from webapp.oversight import stats
from webapp.transfers import operations as transfer_ops
from webapp.workflow import catalog

from ..helpers import claim_input, year
from ..people import ZHANG_WEI, login, membership

FEW, MANY = 2, 25
CEILING = 15  # statements per list page (issue 13's target)
UNIT_NAME = '浙江交通工程建设集团有限公司'


@contextmanager
def counted():
    """Counts the SQL statements sent while the block runs."""
    statements = []

    def count(_conn, _cursor, statement, *_args):
        if not statement.startswith(('SAVEPOINT', 'RELEASE SAVEPOINT', 'ROLLBACK TO SAVEPOINT')):  # the tests' own
            statements.append(statement)
    event.listen(db.engine, 'before_cursor_execute', count)
    try:
        yield statements
    finally:
        event.remove(db.engine, 'before_cursor_execute', count)


# ---- what puts rows on the pages ---------------------------------------------------------------------------------

def _unit():
    return db.session.scalar(select(Organisation).where(Organisation.name == UNIT_NAME))


def _department(name='工程部'):
    return db.session.scalar(select(Department).where(Department.unit_id == _unit().id, Department.name == name))


def new_staff(n: int, start: int, own_units: bool = False) -> list[Membership]:
    """*n* new learners of 交工集团 · 工程部 (*own_units*: each of a new unit of her own under 交通运输厅), each with
    a name, an ID number and a phone."""
    unit, department = _unit(), _department()
    members = []
    for i in range(start, start + n):
        user = User(name=f'员工{i:03d}', id_number=f'330100199001{i:05d}X'[:18], phone=f'1390000{i:04d}',
                    password_hash='x')
        if own_units:
            members.append(Membership(user=user, role=LEARNER, org=Organisation(
                kind=UNIT, name=f'测试单位{i:03d}', parent=unit.parent)))
        else:
            members.append(Membership(user=user, role=LEARNER, org=unit, department=department))
    db.session.add_all(members)
    db.session.flush()
    return members


def submitted_claims(n: int, start: int, steps=()) -> None:
    """*n* new learners, each with a claim submitted to the unit and taken through *steps* ('unit', 'final'); with
    'own_units', each learner of a unit of her own, submitting straight to 交通运输厅."""
    supervisor = _unit().parent
    for i, lm in enumerate(new_staff(n, start, 'own_units' in steps)):
        claim = ops.create_claim(lm, claim_input(title=f'培训班{start + i:03d}'))
        ops.submit_claim(lm, claim, 'supervisor' if 'own_units' in steps else 'unit', supervisor)
        if 'unit' in steps:
            ops.review(membership('jtjt_admin'), ops.open_item(claim).id, 'approve', None, None)
        if 'final' in steps:
            ops.review(membership('jiaotong'), ops.open_item(claim).id, 'approve', Decimal(18), None)
    db.session.commit()


def own_claims(n: int, start: int) -> None:
    """*n* approved claims of 张伟 and as many learning records (公需)."""
    zhang = membership(ZHANG_WEI, 'learner')
    for i in range(start, start + n):
        claim = ops.create_claim(zhang, claim_input(title=f'培训班{i:03d}'))
        ops.submit_claim(zhang, claim, 'unit')
        ops.review(membership('jtjt_admin'), ops.open_item(claim).id, 'approve', None, None)
        ops.review(membership('jiaotong'), ops.open_item(claim).id, 'approve', Decimal(1), None)
    platform = _platform()
    db.session.add_all(LearningRecord(platform=platform, record_id=f'R{i}', learner_id=zhang.user_id,
                                      course=f'课程{i}', category='general', hours=Decimal(1),
                                      completed_on=date(year(), 2, 1), year=year())
                       for i in range(start, start + n))
    db.session.commit()


def _platform(name='学习平台甲') -> LearningPlatform:
    platform = db.session.scalar(select(LearningPlatform).where(LearningPlatform.name == name))
    if platform is None:
        platform = LearningPlatform(name=name, province_id=_unit().parent.parent_id, token_sha256=name.encode().hex())
        db.session.add(platform)
    return platform


def platforms(n: int, start: int) -> None:
    for i in range(start, start + n):
        _platform(f'学习平台{i:03d}')
    db.session.commit()


def staff(n: int, start: int) -> None:
    new_staff(n, start)
    db.session.commit()


def departments(n: int, start: int) -> None:
    """*n* departments of 交工集团, each with a secondary admin."""
    unit = _unit()
    for i in range(start, start + n):
        department = Department(unit=unit, name=f'部门{i:03d}')
        user = User(name=f'管理员{i:03d}', account_name=f'admin{i:03d}', password_hash='x')
        db.session.add(Membership(user=user, role=UNIT_ADMIN, org=unit, department=department))
    db.session.commit()


def department_figures(n: int, start: int) -> None:
    """*n* departments of 交工集团, each with a learner whose claim the unit approved; the aggregates rebuilt."""
    unit = _unit()
    for i in range(start, start + n):
        user = User(name=f'员工{i:03d}', id_number=f'330100199002{i:05d}X'[:18], password_hash='x')
        lm = Membership(user=user, role=LEARNER, org=unit, department=Department(unit=unit, name=f'部门{i:03d}'))
        db.session.add(lm)
        db.session.flush()
        claim = ops.create_claim(lm, claim_input(title=f'培训班{i:03d}'))
        ops.submit_claim(lm, claim, 'unit')
        ops.review(membership('jtjt_admin'), ops.open_item(claim).id, 'approve', None, None)
    stats.rebuild()
    db.session.commit()


def unit_figures(n: int, start: int) -> None:
    """*n* units under 交通运输厅, each with a finally approved claim; the aggregates rebuilt."""
    submitted_claims(n, start, ('own_units', 'final'))
    stats.rebuild()
    db.session.commit()


def units(n: int, start: int) -> None:
    """*n* units named 杭州… under 交通运输厅 (found by the unit search)."""
    parent = _unit().parent
    db.session.add_all(Organisation(kind=UNIT, name=f'杭州测试单位{i:03d}', parent=parent) for i in range(start, start + n))
    db.session.commit()


def transfers(n: int, start: int) -> None:
    """*n* new learners, each asking to move to 杭州市城建设计研究院."""
    to_unit = db.session.scalar(select(Organisation.id).where(Organisation.name == '杭州市城建设计研究院'))
    for lm in new_staff(n, start):
        transfer_ops.request_transfer(lm, to_unit, '工作调动')
    db.session.commit()


def _claim_process() -> ProcessVersion:
    return db.session.scalar(select(ProcessVersion).where(ProcessVersion.kind == BPMN, ProcessVersion.key == 'claim')
                             .order_by(ProcessVersion.id))  # 浙江's (seeded first)


def failing_timers(n: int, start: int) -> None:
    """*n* claims whose instance's timer failed, and *n* run-time failures of published versions."""
    submitted_claims(n, start)
    claims = select(Claim.instance_id).where(Claim.title.like('培训班%'))
    for instance in db.session.scalars(select(WorkflowInstance).where(WorkflowInstance.id.in_(claims),
                                                                      WorkflowInstance.timer_failures == 0)):
        instance.timer_failures, instance.timer_error, instance.timer_retry_at = 1, '超时', utcnow()
    db.session.add_all(ProcessFailure(kind=BPMN, key='claim', version_id=_claim_process().id, element=f'任务{i}',
                                      error='表达式出错') for i in range(start, start + n))
    db.session.commit()


def versions(n: int, start: int) -> None:
    """*n* more (retired) versions of the claim process, each by another author."""
    first = _claim_process()
    for i in range(start, start + n):
        author = User(name=f'作者{i:03d}', account_name=f'author{i:03d}', password_hash='x')
        db.session.add(author)
        db.session.flush()
        db.session.add(ProcessVersion(province_id=first.province_id, kind=BPMN, key='claim', version=100 + i,
                                      content=first.content,
                                      sha256=first.sha256, status=RETIRED, created_by_id=author.id))
    db.session.commit()


def info_changes(n, start):
    """修改单位信息 requests of units under 交通厅 (the page only reads them)."""
    transport = _unit().parent
    requester = membership('jtjt_admin').user
    for seq in range(start, start + n):
        unit = Organisation(kind=UNIT, name=f'变更单位{seq:02d}', parent=transport)
        db.session.add(UnitInfoChange(unit=unit, superior=transport, requested_by=requester, old_name=unit.name,
                                      new_name=f'{unit.name}新', status_label='待上级审核', outcome=catalog.PENDING))
    db.session.commit()


@dataclass(frozen=True)
class Page:
    key: str  # the test's id (pytest -k)
    name: str
    who: str
    url: str | Callable[[], str]  # a function: the URL names a row of the demo data
    grow: Callable[[int, int], None]
    ceiling: bool = True  # whether the page already meets CEILING

    def __str__(self):
        return self.key


def unit_claims(n, start):
    submitted_claims(n, start)


def unit_done(n, start):
    submitted_claims(n, start, ('unit',))


def final_done(n, start):
    submitted_claims(n, start, ('unit', 'final'))


def at_supervisor(n, start):
    submitted_claims(n, start, ('own_units',))


def final_done_units(n, start):
    submitted_claims(n, start, ('own_units', 'final'))


PAGES = [
    Page('unit-todo', 'unit 待我处理', 'jtjt_admin', '/inbox/', unit_claims),
    Page('dept-todo', '二级 待我处理', 'jtjt_gcb', '/inbox/', unit_claims),
    Page('unit-done', 'unit 我已处理', 'jtjt_admin', '/inbox/done', unit_done),
    Page('supervisor-todo', 'supervisor 待我处理', 'jiaotong', '/inbox/', at_supervisor),
    Page('supervisor-todo-export', 'supervisor 待我处理 export', 'jiaotong', '/inbox/?export=xlsx', at_supervisor),
    Page('supervisor-done', 'supervisor 我已处理', 'jiaotong', '/inbox/done', final_done_units),
    Page('supervisor-done-export', 'supervisor 我已处理 export', 'jiaotong', '/inbox/done?export=xlsx', final_done_units),
    Page('unit-mine', 'unit 我发起的', 'jtjt_admin', '/inbox/mine', unit_claims),
    Page('learner-mine', 'learner 我发起的', ZHANG_WEI, '/inbox/mine', own_claims),
    Page('unit-results', 'unit 学时审核结果', 'jtjt_admin', '/claims/manage', final_done),
    Page('dept-results', '二级 学时审核结果', 'jtjt_gcb', '/claims/manage', final_done),
    Page('supervisor-results', 'supervisor 学时审核结果', 'jiaotong', '/claims/manage', final_done_units),
    Page('province-results', 'province 学时审核结果', 'shengji', '/claims/manage', final_done_units),
    Page('province-results-export', 'province 学时审核结果 export', 'shengji', '/claims/manage?export=xlsx',
         final_done_units),
    Page('unit-results-export', 'unit 学时审核结果 export', 'jtjt_admin', '/claims/manage?export=xlsx', final_done),
    Page('unit-todo-export', 'unit 待我处理 export', 'jtjt_admin', '/inbox/?export=xlsx', unit_claims),
    Page('learner-claims', 'learner 培训登记详情', ZHANG_WEI, '/claims/', own_claims),
    Page('learner-totals', 'learner 培训总体查询', ZHANG_WEI, '/claims/totals', own_claims),
    Page('learner-progress', 'learner 年度进度', ZHANG_WEI, '/certificates/progress', own_claims,
         ceiling=False),
    Page('learner-records', 'learner 学习记录', ZHANG_WEI, '/learning/mine', own_claims),
    Page('staff', '人员管理', 'jtjt_admin', '/unit/staff', staff),
    Page('staff-export', '人员管理 export', 'jtjt_admin', '/unit/staff?export=xlsx', staff),
    Page('completion', '学时达标情况', 'jtjt_admin', '/certificates/staff', final_done),
    Page('completion-export', '学时达标情况 export', 'jtjt_admin', '/certificates/staff?export=xlsx', final_done),
    Page('departments', '部门与管理员', 'jtjt_admin', '/unit/departments', departments),
    Page('platforms', '学习平台', 'shengji', '/province/platforms', platforms),
    Page('org-search', 'orgs/search', 'shengji', '/orgs/search?q=杭州', units),
    Page('unit-transfers-todo', 'unit 待我处理 · 单位调转', 'jtjt_admin', '/inbox/?kind=transfer', transfers),
    Page('unit-transfers-todo-export', 'unit 待我处理 · 单位调转 export', 'jtjt_admin',
         '/inbox/?kind=transfer&export=xlsx', transfers),
    Page('unit-transfers', '人员调转', 'jtjt_admin', '/transfers/unit', transfers),
    Page('timers', 'province 定时任务', 'shengji', '/province/timers', failing_timers),
    Page('workbench', '流程与规则', 'shengji', '/workbench/', unit_claims),
    Page('oversight-units', '下属机构管理', 'jiaotong', '/oversight/units', units),
    Page('oversight-units-export', '下属机构管理 export', 'jiaotong', '/oversight/units?export=xlsx', units),
    Page('oversight-search', '下属机构管理 search', 'shengji', '/oversight/units?q=杭州', units),
    Page('oversight-unit', '下属机构 · 单位', 'jiaotong', lambda: f'/oversight/units/{_unit().id}', final_done),
    Page('oversight-unit-export', '下属机构 · 单位 export', 'jiaotong',
         lambda: f'/oversight/units/{_unit().id}?export=xlsx', final_done),
    Page('oversight-dashboard', '统计看板', 'jiaotong', '/oversight/dashboard', final_done),
    Page('oversight-dashboard-units', '统计看板 · more units', 'jiaotong', '/oversight/dashboard', unit_figures),
    Page('oversight-dashboard-export', '统计看板 export', 'shengji', '/oversight/dashboard?export=registrations',
         unit_figures),
    Page('unit-dashboard', 'unit 统计看板', 'jtjt_admin', '/oversight/unit-dashboard', department_figures),
    Page('dept-dashboard', '二级 统计看板', 'jtjt_gcb', '/oversight/unit-dashboard', department_figures),
    Page('unit-dashboard-export', 'unit 统计看板 export', 'jtjt_admin', '/oversight/unit-dashboard?export=completion',
         department_figures),
    Page('oversight-admins', '管理员设置', 'shengji', lambda: f'/oversight/orgs/{_unit().parent_id}/admins', staff),
    Page('info-changes', '变更审核管理 · 修改单位信息', 'jiaotong', '/unit/info-changes/', info_changes),
    Page('workbench-history', '流程与规则 · 版本历史', 'shengji', '/workbench/bpmn/claim/', versions),
]


@pytest.mark.parametrize('page', PAGES, ids=str)
def test_statements_do_not_grow_with_rows(app, client, ctx, page):
    login(client, page.who)
    page.grow(FEW, 0)
    url = page.url() if callable(page.url) else page.url
    assert client.get(url).status_code == 200  # warm: caches of parsed specs, rules
    with counted() as few:
        assert client.get(url).status_code == 200
    page.grow(MANY - FEW, FEW)
    with counted() as many:
        response = client.get(url)
        assert response.status_code == 200
    print(f'{page.name}: {len(few)} -> {len(many)}')
    # The pager counts a list only once it is longer than its page (webapp/pagination.py): one count more is allowed.
    counts_more = _counts(many) - _counts(few)
    assert len(many) - min(counts_more, 1) == len(few), f'repeated per row: {_repeated(few, many)}'
    if page.ceiling:
        assert len(many) <= CEILING, '\n\n'.join(many)


def _counts(statements: list[str]) -> int:
    """The pager's counts among *statements* (a list over a recursive CTE counts after its WITH clause)."""
    return sum(bool(COUNT.match(statement)) for statement in statements)


COUNT = re.compile(r'\s*(WITH RECURSIVE .*?\)\s*)?SELECT COUNT\(', re.IGNORECASE | re.DOTALL)


def _repeated(few: list[str], many: list[str]) -> str:
    """The statements the page sent more often with more rows (where to look for the lazy load)."""
    extra = Counter(many)
    extra.subtract(Counter(few))
    return '\n\n'.join(f'{n} more times: {statement}' for statement, n in extra.items() if n > 0)
