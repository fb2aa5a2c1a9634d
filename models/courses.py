"""Online courses (在线学习, seed 003 §3): the course tree, courses with their lessons and quiz, the courses a learner
added for a year, and how far she got in each lesson.

Studying is credited by the server only (webapp/courses/study.py): `LessonProgress` holds the credited seconds and
the last heartbeat's time, and is the one row a heartbeat writes; `StudySession` names the one window of a learner
that may study (a second window takes over), and is written only when a window starts.
"""
from datetime import datetime
from decimal import Decimal
from typing import Optional

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import db, utcnow
from .learning import GENERAL, INDUSTRY, PROFESSIONAL
from .people import User

COURSE_CATEGORIES = (GENERAL, INDUSTRY, PROFESSIONAL)
VIDEO, DOCUMENT = 'video', 'document'


class CourseArea(db.Model):
    """A node of the course tree: 行业公需科目; 专业科目 › 交通运输 › 规划与设计 …"""
    __tablename__ = 'course_area'
    id: Mapped[int] = mapped_column(primary_key=True)
    province_id: Mapped[int] = mapped_column(ForeignKey('organisation.id'), index=True)
    parent_id: Mapped[Optional[int]] = mapped_column(ForeignKey('course_area.id'), index=True)
    name: Mapped[str] = mapped_column(String(50))
    category: Mapped[str] = mapped_column(String(20))  # the category of the courses under it
    position: Mapped[int] = mapped_column(Integer, default=0)

    parent: Mapped[Optional['CourseArea']] = relationship(remote_side=[id])

    def __repr__(self):
        return f'<CourseArea {self.id} {self.name}>'


class Course(db.Model):
    __tablename__ = 'course'
    __table_args__ = (Index('ix_course_area_published', 'area_id', 'published'),)
    id: Mapped[int] = mapped_column(primary_key=True)
    province_id: Mapped[int] = mapped_column(ForeignKey('organisation.id'), index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey('course_area.id'))
    title: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(20))           # general | industry | professional
    hours: Mapped[Decimal] = mapped_column(Numeric(4, 1))       # 学时 earned on completion
    first_year: Mapped[int] = mapped_column(Integer)            # the years it counts for
    last_year: Mapped[int] = mapped_column(Integer)
    pass_mark: Mapped[Optional[int]] = mapped_column(Integer)   # percent; None: no quiz
    seconds: Mapped[int] = mapped_column(Integer, default=0)    # 时长: the lessons' lengths summed
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    platform_id: Mapped[Optional[int]] = mapped_column(ForeignKey('learning_platform.id'))  # published through the API
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey('user_account.id'))

    area: Mapped[CourseArea] = relationship()
    lessons: Mapped[list['Lesson']] = relationship(order_by='Lesson.position', back_populates='course')
    questions: Mapped[list['QuizQuestion']] = relationship(order_by='QuizQuestion.position')

    def counts_for(self, year: int) -> bool:
        return self.first_year <= year <= self.last_year

    def __repr__(self):
        return f'<Course {self.id} {self.title}>'


class Lesson(db.Model):
    __tablename__ = 'course_lesson'
    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey('course.id'), index=True)
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10))               # video | document
    file_sha256: Mapped[str] = mapped_column(String(64))        # stored like evidence (webapp/evidence.py)
    content_type: Mapped[str] = mapped_column(String(50))
    seconds: Mapped[int] = mapped_column(Integer)               # what must be credited for the lesson to be done

    course: Mapped[Course] = relationship(back_populates='lessons')


class QuizQuestion(db.Model):
    __tablename__ = 'course_quiz_question'
    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey('course.id'), index=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(500))
    options: Mapped[str] = mapped_column(Text)                  # one option per line
    answer: Mapped[int] = mapped_column(Integer)                # 0-based index of the right option

    @property
    def option_list(self) -> list[str]:
        return self.options.split('\n')


class CourseEnrolment(db.Model):
    """A course the learner added (加入) for a year; completed once every lesson is done and the quiz passed, when
    its learning record is written."""
    __tablename__ = 'course_enrolment'
    __table_args__ = (UniqueConstraint('learner_id', 'year', 'course_id', name='uq_course_enrolment_learner_course'),)
    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey('user_account.id'))
    course_id: Mapped[int] = mapped_column(ForeignKey('course.id'), index=True)
    year: Mapped[int] = mapped_column(Integer)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    quiz_score: Mapped[Optional[int]] = mapped_column(Integer)  # best percent so far
    completed_at: Mapped[Optional[datetime]] = mapped_column()
    record_id: Mapped[Optional[int]] = mapped_column(ForeignKey('learning_record.id'))

    course: Mapped[Course] = relationship()
    learner: Mapped[User] = relationship()


class LessonProgress(db.Model):
    __tablename__ = 'lesson_progress'
    enrolment_id: Mapped[int] = mapped_column(ForeignKey('course_enrolment.id'), primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey('course_lesson.id'), primary_key=True)
    credited: Mapped[float] = mapped_column(Float, default=0)   # seconds credited (the furthest honest point)
    position: Mapped[float] = mapped_column(Float, default=0)   # where to resume
    last_beat: Mapped[Optional[float]] = mapped_column(Float)   # clock time (epoch seconds) of the last credit
    unconfirmed: Mapped[float] = mapped_column(Float, default=0)  # credited since the last 继续学习
    done: Mapped[bool] = mapped_column(Boolean, default=False)


class StudySession(db.Model):
    """The learner's one studying window: a second window's start replaces `window`, and the first is told."""
    __tablename__ = 'study_session'
    learner_id: Mapped[int] = mapped_column(ForeignKey('user_account.id'), primary_key=True)
    window: Mapped[str] = mapped_column(String(32))
    enrolment_id: Mapped[int] = mapped_column(ForeignKey('course_enrolment.id'))
    lesson_id: Mapped[int] = mapped_column(ForeignKey('course_lesson.id'))
    started_at: Mapped[float] = mapped_column(Float)
