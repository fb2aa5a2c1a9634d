"""The hours counter (learner_hours, webapp/hours.py) holds what a full recount of the claims and learning records
gives, whichever way they were written: the operations, Core statements on the session, two approvals at once."""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import delete, insert, select, update

from models import Claim, LearnerHours, LearningRecord, db
from webapp import hours
from webapp.claims import operations as claims_ops
from webapp.workflow import catalog

from ..helpers import claim_input, first_one_holding_on, year
from ..people import ZHANG_WEI, membership
from .helpers import approved, public_hours


def learner():
    return membership(ZHANG_WEI, 'learner')


def counted(learner_id: int, y: int) -> tuple[Decimal, Decimal]:
    row = db.session.get(LearnerHours, (learner_id, y))
    return (Decimal(0), Decimal(0)) if row is None else (row.professional, row.public)


def test_approval_final_approval_and_deletion_move_the_count(ctx):
    me = learner()
    before = counted(me.user_id, year())
    claim = claims_ops.create_claim(me, claim_input(applied_hours=Decimal(18)))
    claims_ops.submit_claim(me, claim, 'unit')
    claims_ops.review(membership('jtjt_admin', 'unit_admin'), claims_ops.open_item(claim).id, 'approve', None, None)
    assert counted(me.user_id, year()) == before  # not approved yet
    claims_ops.review(membership('jiaotong'), claims_ops.open_item(claim).id, 'approve', Decimal(12), None)
    assert counted(me.user_id, year()) == (before[0] + 12, before[1])
    assert not hours.disagreements(db.session)
    claims_ops.delete_approved(membership('jtjt_admin', 'unit_admin'), claim, '重复登记')
    db.session.flush()
    assert counted(me.user_id, year()) == before
    assert not hours.disagreements(db.session)


def test_learning_records_count_as_public_hours(ctx):
    before = counted(learner().user_id, year())
    public_hours(ZHANG_WEI, 18)
    assert counted(learner().user_id, year()) == (before[0], before[1] + 18)
    assert not hours.disagreements(db.session)


def test_moving_a_claim_to_another_year_recounts_both_years(ctx):
    claim = approved(ZHANG_WEI, applied_hours=Decimal(8))
    db.session.commit()  # expired: the old year is not loaded when the new one is set
    learner_id, y = claim.learner_id, year()
    claim.year = y - 1
    db.session.flush()
    assert not hours.disagreements(db.session)
    assert counted(learner_id, y - 1)[0] >= 8


def test_core_writes_on_the_session_are_counted(ctx):
    me, y = learner(), year()
    before = counted(me.user_id, y)
    draft = claim_input()
    row = dict(learner_id=me.user_id, unit_id=me.org_id, province_id=me.org.province.id, category='professional',
               pathway=draft.pathway, sub_type=draft.sub_type, title='批量写入', start_date=date(y, 3, 1),
               end_date=date(y, 3, 2), applied_hours=Decimal(5), registered_hours=Decimal(5), year=y,
               status_label='通过认定', outcome=catalog.APPROVED, created_by_id=me.user_id)
    db.session.execute(insert(Claim), [row, {**row, 'title': '批量写入二'}])
    assert counted(me.user_id, y) == (before[0] + 10, before[1])
    db.session.execute(update(Claim).where(Claim.title == '批量写入').values(year=y - 1))
    assert counted(me.user_id, y) == (before[0] + 5, before[1])
    public_hours(ZHANG_WEI, 6)
    db.session.execute(delete(LearningRecord).where(LearningRecord.learner_id == me.user_id))
    assert not hours.disagreements(db.session)


def test_drafts_inserted_in_bulk_are_not_counted(ctx):
    me, y = learner(), year() + 1
    draft = claim_input()
    row = dict(learner_id=me.user_id, unit_id=me.org_id, province_id=me.org.province.id, category='professional',
               pathway=draft.pathway, sub_type=draft.sub_type, title='草稿', start_date=date(y, 3, 1),
               end_date=date(y, 3, 2), applied_hours=Decimal(5), year=y, status_label='待提交',
               outcome=catalog.DRAFT, created_by_id=me.user_id)
    db.session.execute(insert(Claim), [row, {**row, 'title': '草稿二'}])
    assert db.session.scalar(select(LearnerHours).where(LearnerHours.year == y)) is None
    assert not hours.disagreements(db.session)


@pytest.mark.committing  # two threads
def test_two_final_approvals_of_one_learners_claims_at_once_both_count(app):
    with app.app_context():
        items = []
        for hours_applied in (Decimal(18), Decimal(12)):
            me = learner()
            claim = claims_ops.create_claim(me, claim_input(applied_hours=hours_applied))
            claims_ops.submit_claim(me, claim, 'unit')
            claims_ops.review(membership('jtjt_admin', 'unit_admin'), claims_ops.open_item(claim).id, 'approve',
                              None, None)
            items.append(claims_ops.open_item(claim).id)
        learner_id = learner().user_id
        db.session.commit()
        before = counted(learner_id, year())
        db.session.remove()

    def final(item_id, granted):
        return lambda: claims_ops.review(membership('jiaotong'), item_id, 'approve', granted, None)

    # The second approval's recount waits for the first's lock on the counter row, then sees its claim.
    with first_one_holding_on(app, final(items[0], Decimal(10))), app.app_context():
        final(items[1], Decimal(7))()
        db.session.commit()
        db.session.remove()
    with app.app_context():
        assert counted(learner_id, year()) == (before[0] + 17, before[1])
        assert not hours.disagreements(db.session)


@pytest.mark.committing  # two threads
def test_two_approvals_written_at_once_without_any_other_lock_both_count(app):
    """The operations also lock the learner (guards); a write that does not still waits for the counter row."""
    with app.app_context():
        me = learner()
        ids = [claims_ops.create_claim(me, claim_input(title=title)).id for title in ('甲', '乙')]
        public_hours(ZHANG_WEI, 6)  # her counter row exists: each approval updates it
        learner_id = me.user_id
        db.session.commit()
        before = counted(learner_id, year())
        db.session.remove()

    def approve(claim_id, granted):
        def write():
            claim = db.session.get(Claim, claim_id)
            claim.outcome, claim.registered_hours = catalog.APPROVED, granted
            db.session.flush()
        return write

    with first_one_holding_on(app, approve(ids[0], Decimal(10))), app.app_context():
        approve(ids[1], Decimal(7))()
        db.session.commit()
        db.session.remove()
    with app.app_context():
        assert counted(learner_id, year()) == (before[0] + 17, before[1]) and before[1] >= 6
        assert not hours.disagreements(db.session)
