"""What the course pages list: the catalogue of a tree node (search, sort, pages), a learner's courses with their
progress in one grouped query, and the 学习成绩 figures of a year."""
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import case, func, select

from models import Course, CourseEnrolment, LearningRecord, LessonProgress, db

SORTS = {'new': (Course.id.desc(),), 'seconds': (Course.seconds, Course.id), 'hours': (Course.hours.desc(), Course.id)}


def catalogue(province_id: int, year: int, area_ids: list[int] | None, q: str, sort: str):
    query = select(Course).where(Course.province_id == province_id, Course.published.is_(True),
                                 Course.first_year <= year, Course.last_year >= year)
    if area_ids:
        query = query.where(Course.area_id.in_(area_ids))
    if q:
        query = query.where(Course.title.contains(q, autoescape=True))
    return query.order_by(*SORTS.get(sort, SORTS['new']))


def province_courses(province_id: int):
    return select(Course).where(Course.province_id == province_id).order_by(Course.id.desc())


@dataclass(frozen=True)
class MyCourse:
    enrolment: CourseEnrolment
    studied: float      # seconds credited over its lessons
    lessons_done: int

    @property
    def percent(self) -> float:
        seconds = self.enrolment.course.seconds or 0
        return min(100.0, 100.0 * self.studied / seconds) if seconds else 0.0


def my_courses(learner_id: int, year: int, which: str = 'all') -> list[MyCourse]:
    sums = select(LessonProgress.enrolment_id, func.sum(LessonProgress.credited).label('studied'),
                  func.sum(case((LessonProgress.done.is_(True), 1), else_=0)).label('done')) \
        .group_by(LessonProgress.enrolment_id).subquery()
    query = select(CourseEnrolment, sums.c.studied, sums.c.done) \
        .outerjoin(sums, sums.c.enrolment_id == CourseEnrolment.id) \
        .where(CourseEnrolment.learner_id == learner_id, CourseEnrolment.year == year)
    if which == 'done':
        query = query.where(CourseEnrolment.completed_at.is_not(None))
    elif which == 'todo':
        query = query.where(CourseEnrolment.completed_at.is_(None))
    rows = db.session.execute(query.order_by(CourseEnrolment.id)).all()
    return [MyCourse(e, float(studied or 0), int(done or 0)) for e, studied, done in rows]


def study_seconds(learner_id: int, year: int) -> float:
    """学习时间: the seconds credited in the year's courses."""
    return float(db.session.scalar(
        select(func.coalesce(func.sum(LessonProgress.credited), 0))
        .join(CourseEnrolment, CourseEnrolment.id == LessonProgress.enrolment_id)
        .where(CourseEnrolment.learner_id == learner_id, CourseEnrolment.year == year)) or 0)


def online_hours(learner_id: int, year: int) -> dict[str, Decimal]:
    """在线学习 hours of the year per category (the learning records: this system's courses and the platforms')."""
    rows = db.session.execute(select(LearningRecord.category, func.sum(LearningRecord.hours))
                              .where(LearningRecord.learner_id == learner_id, LearningRecord.year == year)
                              .group_by(LearningRecord.category))
    return {category: Decimal(hours or 0) for category, hours in rows}


def lesson_progress(enrolment_id: int) -> list[LessonProgress]:
    return list(db.session.scalars(select(LessonProgress).where(LessonProgress.enrolment_id == enrolment_id)))
