"""Online learning (seed 003 §3): province staff publish courses; a learner who enrolled (报名) adds courses and studies
them; the server credits study time at wall-clock pace only (a frozen, moved clock here), one window at a time, with
the 继续学习 prompt, resuming where she left off; a completed course counts as hours of its category."""
import io
from decimal import Decimal

import pytest
from sqlalchemy import event, func, select

from models import (Course, CourseEnrolment, Enrolment, LearnerHours, LearningRecord, LessonProgress, db)
from webapp import hours
from webapp.courses import demo_media, operations as ops, study
from webapp.learning import operations as learning_ops
from webapp.workflow import catalog

from ..helpers import year
from ..people import CHEN_JING, ZHANG_WEI, login, membership

LESSON_SECONDS = 60


class Clock:
    def __init__(self):
        self.t = 1_000_000.0

    def __call__(self):
        return self.t

    def tick(self, seconds):
        self.t += seconds


@pytest.fixture
def clock(app):
    frozen = Clock()
    app.config['STUDY_CLOCK'] = frozen
    return frozen


def enrolled(learner_key: str) -> None:
    m = membership(learner_key)
    db.session.add(Enrolment(learner_id=m.user_id, year=year(), unit_id=m.org_id, identity='国有企业',
                             political_status='群众', education='大学本科', title='工程师', specialty='公路工程',
                             status_label='已报名', outcome=catalog.APPROVED))
    db.session.flush()


def published(title='城市交通规划', area='规划与设计', lessons=(LESSON_SECONDS,), pass_mark=None, hours_=Decimal('1.5')):
    staff = membership('shengji')
    tree = ops.areas(staff.org_id)
    node = next(a for a in tree if a.name == area)
    course = ops.create_course(staff, ops.CourseInput(title, node.id, hours_, year(), year(), pass_mark))
    for number, seconds in enumerate(lessons, 1):
        ops.add_lesson(staff, course, f'第{number}讲', demo_media.mp4(2), seconds)
    if pass_mark:
        ops.add_question(staff, course, '一加一等于几？', ['一', '二'], 2)
    ops.publish(staff, course)
    return course


@pytest.fixture
def studying(ctx, clock):
    """张伟 enrolled, with one 60-second lesson course added: (membership, enrolment, lesson)."""
    enrolled(ZHANG_WEI)
    course = published()
    m = membership(ZHANG_WEI)
    [e] = ops.add_courses(m, [course.id])
    return m, e, course.lessons[0]


def credited(e, lesson) -> float:
    return db.session.scalar(select(LessonProgress.credited).where(LessonProgress.enrolment_id == e.id,
                                                                   LessonProgress.lesson_id == lesson.id))


def test_credit_follows_the_clock_and_a_skip_ahead_earns_nothing(studying, clock):
    m, e, lesson = studying
    window, first = study.start(e, lesson)
    assert (first.credited, first.position) == (0, 0)
    clock.tick(10)
    assert study.beat(m.user_id, window, 10).credited == 10
    clock.tick(2)
    skipped = study.beat(m.user_id, window, 45)  # jumped ahead 35 s in 2 s
    assert skipped.state == study.SEEK and skipped.credited == 10 and skipped.position == 10
    assert '不能快进' in skipped.message
    clock.tick(1)
    assert study.beat(m.user_id, window, 13).credited == 13
    assert credited(e, lesson) == 13


def test_faster_heartbeats_earn_only_the_time_that_passed(studying, clock):
    m, e, lesson = studying
    window, _ = study.start(e, lesson)
    position = 0.0
    for _ in range(20):  # a heartbeat every 0.1 s, each claiming 2 s more
        clock.tick(0.1)
        position += 2
        beat = study.beat(m.user_id, window, position)
        position = min(position, beat.position) if beat.state == study.SEEK else position
    assert credited(e, lesson) <= 2.0 + 1e-9


def test_time_away_is_not_banked(studying, clock):
    m, e, lesson = studying
    window, _ = study.start(e, lesson)
    clock.tick(600)  # ten minutes with the player paused (no heartbeat moved)
    beat = study.beat(m.user_id, window, 50)
    assert beat.state == study.SEEK and beat.credited == 0
    assert study.beat(m.user_id, window, 20).credited == 20  # at most STUDY_MAX_STEP_SECONDS for one beat


def test_one_course_at_a_time_a_second_window_takes_over(studying, clock):
    m, e, lesson = studying
    first, _ = study.start(e, lesson)
    clock.tick(5)
    study.beat(m.user_id, first, 5)
    other = published('地铁建设与综合开发', '建设与监理')
    [e2] = ops.add_courses(m, [other.id])
    second, _ = study.start(e2, other.lessons[0])
    clock.tick(5)
    told = study.beat(m.user_id, first, 10)
    assert told.state == study.REPLACED and '系统检测到您打开了新的学习窗口' in told.message
    assert credited(e, lesson) == 5
    assert study.beat(m.user_id, second, 5).credited == 5
    # 点击继续学习 in the first window takes it back; the second is told in turn
    again, _ = study.start(e, lesson)
    clock.tick(5)
    assert study.beat(m.user_id, second, 10).state == study.REPLACED
    assert study.beat(m.user_id, again, 10).credited == 10


@pytest.mark.app_config(STUDY_PROMPT_SECONDS=30.0)
def test_credit_pauses_until_the_learner_confirms_she_is_there(studying, clock):
    m, e, lesson = studying
    window, _ = study.start(e, lesson)
    for position in (10, 20, 30):
        clock.tick(10)
        study.beat(m.user_id, window, position)
    clock.tick(10)
    idle = study.beat(m.user_id, window, 40)
    assert idle.state == study.IDLE and '需要您点击下方按钮继续学习' in idle.message and idle.credited == 30
    clock.tick(300)  # the prompt stays up; none of it counts
    assert study.confirm(m.user_id, window).state == study.OK
    clock.tick(10)
    assert study.beat(m.user_id, window, 40).credited == 40


def test_studying_resumes_where_she_left_off(studying, clock):
    m, e, lesson = studying
    window, _ = study.start(e, lesson)
    clock.tick(10)
    study.beat(m.user_id, window, 10)
    clock.tick(3600)  # window closed for an hour
    _again, resumed = study.start(e, lesson)
    assert (resumed.credited, resumed.position) == (10, 10)
    clock.tick(10)
    # a window token is good only for its learner
    assert study.beat(membership(CHEN_JING).user_id, _again, 20).state == study.REPLACED
    assert study.beat(m.user_id, _again, 20).credited == 20


def test_a_paused_player_writes_nothing(studying, clock):
    m, e, lesson = studying
    window, _ = study.start(e, lesson)
    clock.tick(10)
    study.beat(m.user_id, window, 10)
    db.session.flush()
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    engine = db.session.get_bind()
    event.listen(engine, 'before_cursor_execute', listener)
    try:
        clock.tick(10)
        study.beat(m.user_id, window, 10)
        clock.tick(10)
        study.beat(m.user_id, window, 20)
    finally:
        event.remove(engine, 'before_cursor_execute', listener)
    writes = [s for s in statements if s.lstrip().upper().startswith(('UPDATE', 'INSERT', 'DELETE'))]
    assert len(writes) == 1 and 'lesson_progress' in writes[0]


def test_a_completed_course_counts_as_hours_of_its_category(studying, clock, client):
    m, e, lesson = studying
    window, _ = study.start(e, lesson)
    before = db.session.get(LearnerHours, (m.user_id, year()))
    before = Decimal(before.professional) if before else Decimal(0)
    for position in range(10, LESSON_SECONDS + 1, 10):
        clock.tick(10)
        beat = study.beat(m.user_id, window, position)
    assert beat.done and beat.course_done
    record = db.session.scalar(select(LearningRecord).where(LearningRecord.learner_id == m.user_id,
                                                            LearningRecord.record_id == f'course-{e.id}'))
    assert record.category == 'professional' and record.hours == Decimal('1.5') and record.year == year()
    db.session.expire_all()
    assert Decimal(db.session.get(LearnerHours, (m.user_id, year())).professional) == before + Decimal('1.5')
    assert hours.disagreements(db.session) == set()
    db.session.commit()
    login(client, ZHANG_WEI)
    home = client.get('/learning/study').get_data(as_text=True)
    assert '已完成' in home and '0:01:00' in home
    totals = client.get(f'/claims/totals?year={year()}').get_data(as_text=True)
    assert '城市交通规划' in totals and '专业科目' in totals


def test_quiz_must_be_passed_before_the_course_counts(ctx, clock, client):
    enrolled(ZHANG_WEI)
    course = published('带测验的课程', pass_mark=100, lessons=(20,))
    m = membership(ZHANG_WEI)
    [e] = ops.add_courses(m, [course.id])
    window, _ = study.start(e, course.lessons[0])
    clock.tick(20)
    assert study.beat(m.user_id, window, 20).done
    assert not study.beat(m.user_id, window, 20).course_done
    db.session.commit()
    login(client, ZHANG_WEI)
    question = course.questions[0]
    response = client.post(f'/learning/study/{e.id}/quiz', data={f'q{question.id}': '0'})
    assert '未达到合格分数' in response.get_data(as_text=True)
    assert db.session.get(CourseEnrolment, e.id).completed_at is None
    response = client.post(f'/learning/study/{e.id}/quiz', data={f'q{question.id}': '1'})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(CourseEnrolment, e.id).record_id is not None


def test_choosing_needs_the_years_enrolment_first(client, ctx):
    login(client, ZHANG_WEI)
    response = client.get('/learning/courses')
    assert response.status_code == 302 and '/enrolment' in response.headers['Location']
    assert '请先完成本年度报名' in client.get('/enrolment/').get_data(as_text=True)


def test_course_tree_search_sort_and_batch_add(client, ctx):
    enrolled(ZHANG_WEI)
    a = published('城市交通规划', lessons=(100,), hours_=Decimal('1.0'))
    b = published('绿色公路建设的理念与实践', lessons=(30,), hours_=Decimal('2.0'))
    c = published('推动实现“十四五”发展目标', area='行业公需科目')
    db.session.commit()
    login(client, ZHANG_WEI)
    tree = ops.areas(a.province_id)
    planning = next(x for x in tree if x.name == '规划与设计' and x.parent.name == '交通运输')
    page = client.get(f'/learning/courses?area={planning.id}&sort=seconds').get_data(as_text=True)
    assert page.index('绿色公路建设') < page.index('城市交通规划') and '十四五' not in page
    page = client.get('/learning/courses?q=绿色').get_data(as_text=True)
    assert '绿色公路建设' in page and '城市交通规划' not in page
    response = client.post('/learning/courses/add', data={'course_id': [a.id, c.id]})
    assert response.status_code == 302
    mine = client.get('/learning/study').get_data(as_text=True)
    assert '城市交通规划' in mine and '十四五' in mine and '绿色公路建设' not in mine
    assert '考核总学时' in mine and '学时登记' in mine and '总计获得' in mine and '截止时间' in mine
    # a course of another province, an unpublished one or nonsense: refused, nothing added
    client.post('/learning/courses/add', data={'course_id': ['999999']})
    client.post('/learning/courses/add', data={'course_id': ['x']})
    db.session.expire_all()
    assert db.session.scalar(select(func.count(CourseEnrolment.id)).where(
        CourseEnrolment.learner_id == membership(ZHANG_WEI).user_id)) == 2
    assert b.id not in {e.course_id for e in db.session.scalars(select(CourseEnrolment))}


def test_lesson_video_is_served_in_ranges_to_its_learners_only(client, ctx):
    enrolled(ZHANG_WEI)
    course = published()
    [e] = ops.add_courses(membership(ZHANG_WEI), [course.id])
    db.session.commit()
    lesson = course.lessons[0]
    login(client, ZHANG_WEI)
    response = client.get(f'/learning/lessons/{lesson.id}/file', headers={'Range': 'bytes=0-99'})
    assert response.status_code == 206 and len(response.data) == 100 and response.data[4:8] == b'ftyp'
    assert response.headers['Content-Type'] == 'video/mp4' and response.headers['Accept-Ranges'] == 'bytes'
    other = client.application.test_client()
    login(other, CHEN_JING)
    assert other.get(f'/learning/lessons/{lesson.id}/file').status_code == 404
    assert e.id


def test_province_staff_publish_a_course_through_the_forms(client, ctx):
    login(client, 'shengji')
    page = client.get('/province/courses').get_data(as_text=True)
    area = next(a for a in ops.areas(membership('shengji').org_id) if a.name == '行业公需科目')
    assert '新增课程' in page
    response = client.post('/province/courses', data={
        'title': '安全生产法规', 'area_id': area.id, 'hours': '2', 'first_year': year(), 'last_year': year()})
    assert response.status_code == 302
    course = db.session.scalar(select(Course).where(Course.title == '安全生产法规'))
    url = f'/province/courses/{course.id}'
    refused = client.post(url, data={'what': 'lesson', 'lesson-title': '第一讲', 'lesson-seconds': '30',
                                     'lesson-file': (io.BytesIO(b'not a video at all'), 'a.mp4')})
    assert refused.status_code == 422 and '课件只能是 mp4 视频或 pdf 文档' in refused.get_data(as_text=True)
    client.post(url, data={'what': 'publish'})
    assert not db.session.get(Course, course.id).published  # no lesson yet
    ok = client.post(url, data={'what': 'lesson', 'lesson-title': '第一讲', 'lesson-seconds': '30',
                                'lesson-file': (io.BytesIO(demo_media.mp4(1)), 'a.mp4')})
    assert ok.status_code == 302
    client.post(url, data={'what': 'publish'})
    db.session.expire_all()
    assert db.session.get(Course, course.id).published and db.session.get(Course, course.id).seconds == 30
    learner = client.application.test_client()
    login(learner, ZHANG_WEI)
    assert learner.get('/province/courses').status_code == 403


def test_platforms_may_report_professional_courses_too(ctx):
    platform, _token = learning_ops.create_platform(membership('shengji'), '专业课程平台')
    zhang = membership(ZHANG_WEI).user_id
    before = db.session.get(LearnerHours, (zhang, year()))
    professional, public = (Decimal(before.professional), Decimal(before.public)) if before else (0, 0)
    [result] = learning_ops.import_records(platform, [dict(
        id_number=ZHANG_WEI, course='桥梁养护新技术', category='专业科目', hours='4', completed_on=f'{year()}-01-05',
        record_id='P-1')])
    assert result.status == 'created'
    db.session.expire_all()
    counted = db.session.get(LearnerHours, (zhang, year()))
    assert (Decimal(counted.professional), Decimal(counted.public)) == (professional + 4, public)
    assert hours.disagreements(db.session) == set()
