"""The fixtures themselves: what a test commits (through a request or itself) is gone for the next test, while inside
the test commits, rollbacks and savepoints behave as they do on a real database."""
import pytest
from sqlalchemy import func, select

from models import Department, db

from .people import login

NAMES = ('质检部', '安全部', '测试部')


def departments() -> list[str]:
    return sorted(db.session.scalars(select(Department.name).where(Department.name.in_(NAMES))))


def test_commits_inside_a_test_behave_as_on_the_database(ctx, client):
    login(client, 'jtjt_admin')
    assert client.post('/unit/departments', data={'action': 'add', 'name': '质检部'}).status_code == 302
    db.session.add(Department(unit_id=db.session.scalar(select(Department.unit_id).limit(1)), name='安全部'))
    db.session.commit()
    db.session.add(Department(unit_id=db.session.scalar(select(Department.unit_id).limit(1)), name='测试部'))
    db.session.rollback()  # back to the last commit only
    assert departments() == ['安全部', '质检部']
    with pytest.raises(ZeroDivisionError), db.session.begin_nested():
        db.session.add(Department(unit_id=db.session.scalar(select(Department.unit_id).limit(1)), name='测试部'))
        db.session.flush()
        1 / 0
    with ctx.app_context():  # another app context, as another request has: its own session, the same transaction
        assert departments() == ['安全部', '质检部']


def test_and_are_gone_for_the_next_test(ctx):
    assert departments() == []
    assert db.session.scalar(select(func.max(Department.id))) == 5  # the seeded ones (浙江 3, 广西 2): ids start afresh too
