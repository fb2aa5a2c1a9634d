"""Online-course use cases: province staff build and publish courses (tree, lessons, quiz); learners add courses for
the year they enrolled (报名) for, take the quiz, and a completed course becomes a learning record of its category.
Flushes, never commits (the request boundary commits)."""
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal

from flask import current_app
from sqlalchemy import delete, func, select

from models import (Course, CourseArea, CourseEnrolment, LearningPlatform, LearningRecord, Lesson, LessonProgress,
                    Membership, Organisation, QuizQuestion, StudySession, db)
from models.courses import DOCUMENT, VIDEO
from models.learning import GENERAL, INDUSTRY, PROFESSIONAL
from models.people import LEARNER, PROVINCE_ADMIN

from ..i18n import _l
from ..refusals import Refused
from .. import audit, evidence
from ..dates import today
from ..enrolment import operations as enrolment_ops
from ..learning import operations as learning_ops

SUBJECT = 'course'
MAX_LESSON_SECONDS = 6 * 3600
MAX_OPTIONS = 8
# The default tree (seed 003 §3.2): 行业公需科目; 专业科目 › 交通运输 / 轨道交通 › their sub-areas.
DEFAULT_TREE = (  # i18n: data - the province's own names, editable data once created
    ('行业公需科目', INDUSTRY, ()), ('一般公需科目', GENERAL, ()),
    ('交通运输', PROFESSIONAL, ('规划与设计', '建设与监理', '运营与管理')),
    ('轨道交通', PROFESSIONAL, ('规划与设计', '建设与监理', '设施与运营')))


class CourseError(Refused):
    """Refused; nothing changed."""


class NotEnrolled(CourseError):
    """The learner has not enrolled (报名) for the year, or the unit has not approved it yet."""


@dataclass(frozen=True)
class CourseInput:
    title: str
    area_id: int
    hours: Decimal
    first_year: int
    last_year: int
    pass_mark: int | None


# ---- the tree ---------------------------------------------------------------------------------------------------

def areas(province_id: int) -> list[CourseArea]:
    """The province's course tree in display order (parents before their children); the default one on first use."""
    rows = list(db.session.scalars(select(CourseArea).where(CourseArea.province_id == province_id)
                                   .order_by(CourseArea.position, CourseArea.id)))
    if rows:
        return rows
    position = 0
    for name, category, children in DEFAULT_TREE:
        parent = CourseArea(province_id=province_id, name=name, category=category, position=position)
        db.session.add(parent)
        db.session.flush()
        position += 1
        for child in children:
            db.session.add(CourseArea(province_id=province_id, parent_id=parent.id, name=child, category=category,
                                      position=position))
            position += 1
    db.session.flush()
    return areas(province_id)


def subtree(all_areas: list[CourseArea], area_id: int) -> list[int]:
    """The area and everything under it."""
    found, frontier = {area_id}, {area_id}
    while frontier:
        frontier = {a.id for a in all_areas if a.parent_id in frontier} - found
        found |= frontier
    return sorted(found)


def area_label(area: CourseArea) -> str:
    return f'{area.parent.name} › {area.name}' if area.parent is not None else area.name


# ---- publishing (province staff) --------------------------------------------------------------------------------

def course_of(province_id: int, course_id: int) -> Course | None:
    return db.session.scalar(select(Course).where(Course.id == course_id, Course.province_id == province_id))


def _check(province_id: int, inp: CourseInput) -> CourseArea:
    if not inp.title.strip():
        raise CourseError(_l('课程名称不能为空'), 'title')
    area = db.session.get(CourseArea, inp.area_id) if inp.area_id else None
    if area is None or area.province_id != province_id:
        raise CourseError(_l('请选择课程分类'), 'area_id')
    if not (Decimal('0.5') <= inp.hours <= Decimal(36)):
        raise CourseError(_l('学时应在 0.5 至 36 之间'), 'hours')
    if inp.last_year < inp.first_year:
        raise CourseError(_l('适用年度的结束年度不能早于开始年度'), 'last_year')
    if inp.pass_mark is not None and not 1 <= inp.pass_mark <= 100:
        raise CourseError(_l('合格分数应在 1 至 100 之间'), 'pass_mark')
    return area


def create_course(m: Membership, inp: CourseInput, platform_id: int | None = None) -> Course:
    area = _check(m.org_id, inp)
    course = Course(province_id=m.org_id, area_id=area.id, title=inp.title.strip(), category=area.category,
                    hours=inp.hours, first_year=inp.first_year, last_year=inp.last_year, pass_mark=inp.pass_mark,
                    seconds=0, published=False, platform_id=platform_id,
                    created_by_id=m.user_id if m.user_id else None)
    db.session.add(course)
    db.session.flush()
    audit.log(SUBJECT, course.id, '新增课程', m, f'{course.title}，{course.hours} 学时')
    return course


def _unpublished(course: Course) -> None:
    if course.published:
        raise CourseError(_l('课程已发布，不能再修改课件或测验'))


def media_type(data: bytes) -> tuple[str, str]:
    """(lesson kind, content type) of an uploaded file, told by its content: an MP4 (ISO base media, 'ftyp' box
    first) or a PDF; anything else is refused."""
    if len(data) > current_app.config['COURSE_MEDIA_MAX_BYTES']:
        raise CourseError(_l('课件文件超过 %(mb)s MB 的大小限制',
                             mb=current_app.config['COURSE_MEDIA_MAX_BYTES'] // (1024 * 1024)), 'file')
    if len(data) >= 12 and data[4:8] == b'ftyp':
        return VIDEO, 'video/mp4'
    if data.startswith(b'%PDF-') and b'%%EOF' in data[-2048:]:
        return DOCUMENT, 'application/pdf'
    raise CourseError(_l('课件只能是 mp4 视频或 pdf 文档（按文件内容识别）'), 'file')


def add_lesson(m: Membership, course: Course, title: str, data: bytes, seconds: int) -> Lesson:
    _unpublished(course)
    if not (title or '').strip():
        raise CourseError(_l('课件名称不能为空'), 'title')
    if not 1 <= seconds <= MAX_LESSON_SECONDS:
        raise CourseError(_l('时长应在 1 秒至 6 小时之间'), 'seconds')
    kind, content_type = media_type(data)
    lesson = Lesson(course=course, position=len(course.lessons) + 1, title=title.strip(), kind=kind,
                    file_sha256=evidence.store(data), content_type=content_type, seconds=seconds)
    db.session.add(lesson)
    course.seconds = (course.seconds or 0) + seconds
    db.session.flush()
    audit.log(SUBJECT, course.id, '新增课件', m, f'{lesson.title}（{seconds} 秒）')
    return lesson


def add_question(m: Membership, course: Course, text: str, options: list[str], answer: int) -> QuizQuestion:
    _unpublished(course)
    options = [o.strip() for o in options if o.strip()]
    if not (text or '').strip():
        raise CourseError(_l('题目不能为空'), 'text')
    if not 2 <= len(options) <= MAX_OPTIONS:
        raise CourseError(_l('选项应有 2 至 8 个，每行一个'), 'options')
    if not 1 <= answer <= len(options):
        raise CourseError(_l('正确选项应是 1 至 %(n)s 之间的序号', n=len(options)), 'answer')
    question = QuizQuestion(position=len(course.questions) + 1, text=text.strip(), options='\n'.join(options),
                            answer=answer - 1)
    course.questions.append(question)
    db.session.flush()
    audit.log(SUBJECT, course.id, '新增测验题', m, question.text)
    return question


def publish(m: Membership, course: Course) -> None:
    _unpublished(course)
    if not course.lessons:
        raise CourseError(_l('课程至少需要一个课件才能发布'))
    if course.pass_mark is not None and not course.questions:
        raise CourseError(_l('课程设有测验合格分数，请先添加测验题'))
    course.published = True
    db.session.flush()
    audit.log(SUBJECT, course.id, '发布课程', m, course.title)


# ---- choosing (learners) ----------------------------------------------------------------------------------------

def study_year(m: Membership) -> int:
    """The year learners enrol and study for (the province's registration window year)."""
    return enrolment_ops.enrolment_year(m)


def require_enrolled(m: Membership) -> int:
    """The year she may study for: refused until her 报名 of that year passed (seed 003: enrol first)."""
    e = enrolment_ops.current(m)
    if e is None or not enrolment_ops.passed(e):
        raise NotEnrolled(_l('请先完成本年度报名（学员报名），单位审核通过后即可选课学习'))
    return e.year


def add_courses(m: Membership, course_ids: list[int]) -> list[CourseEnrolment]:
    """加入 / 批量加入: the published courses of her province that count for the year; ones she already has are
    skipped."""
    year = require_enrolled(m)
    ids = sorted(set(course_ids))
    if not ids:
        raise CourseError(_l('请选择要加入的课程'))
    courses = list(db.session.scalars(select(Course).where(
        Course.id.in_(ids), Course.province_id == m.org.province.id, Course.published.is_(True),
        Course.first_year <= year, Course.last_year >= year)))
    if len(courses) != len(ids):
        raise CourseError(_l('所选课程不存在、未发布或不适用于 %(year)s 年度', year=year))
    have = set(db.session.scalars(select(CourseEnrolment.course_id).where(
        CourseEnrolment.learner_id == m.user_id, CourseEnrolment.year == year, CourseEnrolment.course_id.in_(ids))))
    added = [CourseEnrolment(learner_id=m.user_id, course_id=c.id, year=year) for c in courses if c.id not in have]
    db.session.add_all(added)
    db.session.flush()
    if added:
        audit.log('profile', m.user_id, '加入课程', m, '、'.join(c.title for c in courses if c.id not in have))
    return added


def enrolment_of(m: Membership, enrolment_id: int) -> CourseEnrolment | None:
    e = db.session.get(CourseEnrolment, enrolment_id)
    return e if e is not None and e.learner_id == m.user_id else None


def remove(m: Membership, e: CourseEnrolment) -> None:
    """删除 a course from her list: refused once completed (its hours are counted)."""
    if e.completed_at is not None:
        raise CourseError(_l('已完成的课程不能删除'))
    db.session.execute(delete(StudySession).where(StudySession.enrolment_id == e.id))
    db.session.execute(delete(LessonProgress).where(LessonProgress.enrolment_id == e.id))
    db.session.delete(e)
    db.session.flush()
    audit.log('profile', m.user_id, '删除课程', m, e.course.title)


def may_see_lesson(m: Membership | None, lesson: Lesson) -> bool:
    """A learner who added its course, or province staff of its province."""
    if m is None:
        return False
    if m.role == PROVINCE_ADMIN:
        return lesson.course.province_id == m.org_id
    if m.role != LEARNER:
        return False
    return db.session.scalar(select(CourseEnrolment.id).where(CourseEnrolment.learner_id == m.user_id,
                                                              CourseEnrolment.course_id == lesson.course_id)
                             .limit(1)) is not None


# ---- quiz and completion ----------------------------------------------------------------------------------------

def lessons_done(e: CourseEnrolment) -> bool:
    done = db.session.scalar(select(func.count()).where(LessonProgress.enrolment_id == e.id,
                                                        LessonProgress.done.is_(True)))
    return done >= len(e.course.lessons)


def take_quiz(m: Membership, e: CourseEnrolment, answers: dict[int, int]) -> int:
    """Score the answers (question id -> 0-based option), keep the best score, complete the course when passed."""
    course = e.course
    if course.pass_mark is None:
        raise CourseError(_l('该课程没有测验'))
    if e.completed_at is not None:
        raise CourseError(_l('课程已完成'))
    if not lessons_done(e):
        raise CourseError(_l('请先学完全部课件再参加测验'))
    right = sum(answers.get(q.id) == q.answer for q in course.questions)
    score = round(100 * right / len(course.questions))
    e.quiz_score = max(e.quiz_score or 0, score)
    db.session.flush()
    audit.log('profile', m.user_id, '课程测验', m, f'{course.title}：{score} 分（合格 {course.pass_mark} 分）')
    if score >= course.pass_mark:
        complete(e)
    return score


def online_platform(province_id: int) -> LearningPlatform:
    """The platform the learning records of this system's own courses are written under (its token is never
    known: the hash of a random secret)."""
    name = f'{db.session.get(Organisation, province_id).name}·在线学习'  # i18n: data - a platform's name
    platform = db.session.scalar(select(LearningPlatform).where(LearningPlatform.name == name))
    if platform is None:
        platform = LearningPlatform(name=name, province_id=province_id, active=True,
                                    token_sha256=learning_ops.token_hash(secrets.token_urlsafe(48)))
        db.session.add(platform)
        db.session.flush()
    return platform


def complete(e: CourseEnrolment) -> LearningRecord | None:
    """Every lesson done and the quiz (if any) passed: the course's hours become a learning record of its category
    for the enrolment's year (counted by webapp/hours.py like the platforms' records). Idempotent."""
    course = e.course
    if e.completed_at is not None or not lessons_done(e):
        return None
    if course.pass_mark is not None and (e.quiz_score or 0) < course.pass_mark:
        return None
    record = LearningRecord(platform_id=online_platform(course.province_id).id, record_id=f'course-{e.id}',
                            learner_id=e.learner_id, course=course.title, category=course.category,
                            hours=course.hours, completed_on=today(), year=e.year)
    db.session.add(record)
    db.session.flush()
    e.completed_at, e.record_id = datetime.now(timezone.utc).replace(tzinfo=None), record.id
    db.session.flush()
    audit.log('profile', e.learner_id, '完成课程', None, f'{course.title}，{course.hours} 学时')
    return record
