"""Approved hours for the certificate tests: professional claims through the real operations, public hours
(never self-claimed) as an approved row of category 'public'."""
from datetime import date
from decimal import Decimal

from models import Claim, db
from webapp.claims import operations as ops

from ..conftest import membership
from ..helpers import claim_input, year

REVIEWERS = {'浙江交通工程建设集团有限公司': ('jtjt_admin', 'jiaotong'),
             '杭州市城建设计研究院': ('hzcj_admin', 'zhujian')}


def approved(learner_key: str, hours=None, **overrides) -> Claim:
    learner = membership(learner_key, 'learner')
    claim = ops.create_claim(learner, claim_input(**overrides))
    ops.submit_claim(learner, claim, 'unit')
    unit_admin, supervisor = REVIEWERS[learner.org.name]
    ops.review(membership(unit_admin, 'unit_admin'), ops.open_item(claim).id, 'approve', None, None)
    ops.review(membership(supervisor), ops.open_item(claim).id, 'approve', hours, None)
    assert claim.outcome == 'approved'
    return claim


def public_hours(learner_key: str, hours, y=None) -> Claim:
    learner = membership(learner_key, 'learner')
    y = y or year()
    claim = Claim(learner_id=learner.user_id, unit_id=learner.org_id, province_id=learner.org.province.id,
                  department_id=learner.department_id, category='public', pathway='training', sub_type='公需科目',
                  title='一般公需科目在线学习', start_date=date(y, 2, 1), end_date=date(y, 2, 1),
                  applied_hours=Decimal(hours), registered_hours=Decimal(hours), year=y, status_label='通过认定',
                  outcome='approved', created_by_id=learner.user_id, pledged=True)
    db.session.add(claim)
    db.session.flush()
    return claim


def meet_requirement(learner_key: str) -> list[Claim]:
    """36 training + 36 seminar = 72 professional, 18 public: 90 in total (the Zhejiang requirement)."""
    y = year()
    training = approved(learner_key, title='公路养护技术培训班', start_date=date(y, 3, 1), end_date=date(y, 3, 6),
                        applied_hours=Decimal(36))
    seminar = approved(learner_key, pathway='seminar', sub_type='高级研修班', level='provincial',
                       title='智慧交通高级研修班', applied_hours=Decimal(36))
    public = public_hours(learner_key, 18)
    return [training, seminar, public]
