"""Claim lists at scale: name search finds what LIKE '%q%' finds (through the name index on PostgreSQL), and the
pager says when it stopped counting."""
import pytest
from sqlalchemy import event, select

from models import User, db
from models.people import name_contains
from webapp import pagination
from webapp.claims import operations as ops

from ..helpers import claim_input
from ..people import LI_NA, ZHANG_WEI, login, membership

NAMES = ['张伟', '张伟明', '王张伟', '张小伟', '伟', '欧阳伟民', '李娜', 'Anna_Li', 'anna%x']


@pytest.fixture
def named_people(ctx):
    people = [User(name=name, id_number=f'3301011990010100{i:02d}', password_hash='x') for i, name in enumerate(NAMES)]
    db.session.add_all(people)
    db.session.flush()
    return people


@pytest.mark.parametrize('q', ['伟', '张', '张伟', '伟明', '小伟', '张伟明', '欧阳伟', '阳伟民', '欧阳伟民', '王张伟明',
                               '明', '娜', 'na_', '_', '%', 'a%x', 'Li', 'x'])
def test_name_search_matches_what_like_matches(named_people, q):
    """1-, 2-, 3- and 4-character words, and LIKE's wildcards as they always worked."""
    like = set(db.session.scalars(select(User.name).where(User.name.contains(q))))
    assert set(db.session.scalars(select(User.name).where(name_contains(q)))) == like


@pytest.fixture
def claims_of_two(ctx):
    zhang, li = membership(ZHANG_WEI, 'learner'), membership(LI_NA, 'learner')
    claims = [ops.create_claim(zhang, claim_input(title=f'张伟 培训 {i}')) for i in range(3)]
    claims.append(ops.create_claim(li, claim_input(title='李娜 培训')))
    for claim in claims:
        ops.submit_claim(zhang if claim.learner_id == zhang.user_id else li, claim, 'unit')
    db.session.commit()
    return claims


def test_review_results_search_by_one_two_and_three_characters(client, claims_of_two):
    login(client, 'jtjt_admin')
    for q, shown, hidden in (('伟', '张伟 培训 0', '李娜 培训'), ('张伟', '张伟 培训 2', '李娜 培训'),
                             ('张伟伟', None, '张伟 培训'), ('李娜', '李娜 培训', '张伟 培训'),
                             (ZHANG_WEI.lower(), '张伟 培训 1', '李娜 培训')):
        page = client.get('/claims/manage', query_string={'q': q}).get_data(as_text=True)
        assert (shown is None or shown in page) and hidden not in page, q


def test_pager_says_when_it_stopped_counting(client, claims_of_two, ctx, monkeypatch):
    ctx.config['PAGE_SIZE'] = 1
    login(client, 'jtjt_admin')
    page = client.get('/claims/manage').get_data(as_text=True)
    assert '1 / 4（共 4 条）' in page
    monkeypatch.setattr(pagination, 'COUNT_CAP', 2)
    page = client.get('/claims/manage').get_data(as_text=True)
    assert '第 1 页（超过 2 条，可用筛选缩小范围）' in page and '下一页' in page
    last = client.get('/claims/manage?page=4').get_data(as_text=True)
    assert '张伟 培训 0' in last and '下一页' not in last and '4 / 4（共 4 条）' in last  # paging went on past the count
    client.get('/lang/en')
    assert 'Page 1 (more than 2; the filters narrow the list)' in client.get('/claims/manage').get_data(as_text=True)


def test_a_page_that_shows_the_end_of_its_list_is_not_counted(ctx):
    """The page's rows, then the count only when the page does not show where the list ends."""
    statements = []

    def record(*args):
        if args[2].lstrip().upper().startswith('SELECT'):  # not the test's savepoints
            statements.append(args[2])
    event.listen(db.engine, 'before_cursor_execute', record)
    try:
        with ctx.test_request_context('/?page=1'):
            ending = pagination.paginate(select(User).where(User.name.in_(['张伟', '李娜'])).order_by(User.id), 20)
        ends_at = len(statements)
        with ctx.test_request_context('/?page=1'):
            going_on = pagination.paginate(select(User).order_by(User.id), 2)
    finally:
        event.remove(db.engine, 'before_cursor_execute', record)
    assert (ending.total, ending.pages, ending.has_next, [u.name for u in ending.items]) == (2, 1, False, ['张伟', '李娜'])
    assert ends_at == 1 and len(statements) == 3
    assert going_on.has_next and going_on.total == db.session.query(User).count() and not going_on.capped
