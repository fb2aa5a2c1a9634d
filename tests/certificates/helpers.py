"""Approved hours for the certificate tests: professional claims through the real operations, public hours
(never self-claimed) as learning records pushed by a platform through the learning import the API uses."""
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from models import Claim, Enrolment, LearningPlatform, LearningRecord, db
from webapp.claims import operations as ops
from webapp.learning import operations as learning

from ..helpers import claim_input, year
from ..people import membership

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


def platform(name: str = '浙江省公需科目学习平台') -> LearningPlatform:
    """The province's learning platform (created on first use), as province staff would add it."""
    found = db.session.scalar(select(LearningPlatform).where(LearningPlatform.name == name))
    if found is None:
        found, _token = learning.create_platform(membership('shengji'), name)
    return found


def public_hours(learner_key: str, hours, y=None, category='general', course='一般公需科目在线学习',
                 platform_name: str = '浙江省公需科目学习平台') -> LearningRecord:
    """公需 hours as the real system gets them: a completed course pushed by a learning platform (seed 002)."""
    learner = membership(learner_key, 'learner')
    y = y or year()
    completed = min(date(y, 2, 1), ops.today())
    record_id = f'{learner.user_id}-{y}-{category}-{course}-{hours}'
    results = learning.import_records(platform(platform_name), [{
        'id_number': learner.user.id_number, 'course': course, 'category': category, 'hours': str(hours),
        'completed_on': completed.isoformat(), 'record_id': record_id}])
    assert results[0].status == learning.CREATED, results[0].message
    return db.session.scalar(select(LearningRecord).where(LearningRecord.record_id == record_id))


def meet_requirement(learner_key: str) -> list[Claim]:
    """36 training + 36 seminar = 72 professional, 18 public (a platform's record): 90 in total (the Zhejiang
    requirement). Returns the two claims (a certificate relies on these; learning records are not deletable)."""
    y = year()
    training = approved(learner_key, title='公路养护技术培训班', start_date=date(y, 3, 1), end_date=date(y, 3, 6),
                        applied_hours=Decimal(36))
    seminar = approved(learner_key, pathway='seminar', sub_type='高级研修班', level='provincial',
                       title='智慧交通高级研修班', applied_hours=Decimal(36))
    public_hours(learner_key, 18)
    return [training, seminar]


def enrolled(learner_key: str, y=None, **overrides) -> Enrolment:
    """The learner's 报名 of year *y* (this year by default), its data as the 学时记录表 prints it (stored as an
    enrolment decided some time ago; the enrolment flow itself has tests of its own)."""
    m = membership(learner_key, 'learner')
    values = dict(identity='国有企业', political_status='群众', education='大学本科', title='工程师',
                  title_date=date(2018, 6, 1), specialty='桥梁隧道工程')
    values.update(overrides)
    e = Enrolment(learner_id=m.user_id, year=y or year(), unit_id=m.org_id, department_id=m.department_id,
                  status_label='报名通过', outcome='approved', **values)
    db.session.add(e)
    db.session.flush()
    return e
