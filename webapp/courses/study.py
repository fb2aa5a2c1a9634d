"""Studying a lesson honestly (seed 003 §3.3–3.4), all decided here from the server's clock; nothing the browser
claims is trusted beyond its reported play position.

- A window starts (`start`): it becomes the learner's one studying window (StudySession.window); a window started
  earlier is told at its next heartbeat (REPLACED: 系统检测到您打开了新的学习窗口) and earns nothing more.
- Each heartbeat (`beat`) reports the play position. Credit is the new ground covered past the furthest honest point
  (`credited`), never more than the clock time since the last credit (capped at STUDY_MAX_STEP_SECONDS, so time
  away is not banked): a position further ahead than that (skipping forward) earns nothing and the reply sends the
  player back (SEEK); faster heartbeats earn only the time that passed.
- After STUDY_PROMPT_SECONDS of credit without a confirmation the heartbeat answers IDLE (继续学习) and credits
  nothing until the learner confirms (`confirm`).
- The lesson is done when its credited seconds reach its length; the course completes (a learning record) when every
  lesson is done and the quiz, if any, passed.

A heartbeat reads one joined row and writes at most one small row (its lesson_progress), none when nothing moved
(a paused player); no workflow engine, no audit row. The clock is `now()`: the app's STUDY_CLOCK when set (tests
freeze and move it), else time.time.
"""
import math
import secrets
import time
from dataclasses import asdict, dataclass

from flask import current_app
from sqlalchemy import and_, func, select, text, update

from models import CourseEnrolment, Lesson, LessonProgress, StudySession, db

from ..i18n import _l
from . import operations as ops

OK, SEEK, IDLE, REPLACED, DONE = 'ok', 'seek', 'idle', 'replaced', 'done'
DONE_TOLERANCE = 1.0  # seconds short of the length that still finish a lesson (a video's last frame)
MESSAGES = {
    SEEK: _l('学习过程中课程不能快进，已回到您学到的位置'),
    REPLACED: _l('系统检测到您打开了新的学习窗口，当前窗口被停止计时，您可以点击下方按钮激活'),
}


@dataclass(frozen=True)
class Beat:
    state: str
    credited: float          # seconds of the lesson credited
    position: float          # where the player should be
    length: int
    done: bool
    course_done: bool = False
    message: str = ''

    def as_dict(self) -> dict:
        return asdict(self)


def heartbeat_seconds() -> int:
    return current_app.config['STUDY_HEARTBEAT_SECONDS']


def now() -> float:
    clock = current_app.config.get('STUDY_CLOCK')
    return clock() if clock is not None else time.time()


def _settings() -> tuple[float, float, float]:
    c = current_app.config
    return c['STUDY_MAX_STEP_SECONDS'], c['STUDY_SLACK_SECONDS'], c['STUDY_PROMPT_SECONDS']


def start(e: CourseEnrolment, lesson: Lesson) -> tuple[str, Beat]:
    """This window becomes the learner's studying window for *lesson* (a new window token; the previous window,
    if any, is replaced). Returns the token and where to resume."""
    if lesson.course_id != e.course_id:
        raise ops.CourseError(_l('课件不属于该课程'))
    t = now()
    window = secrets.token_hex(16)
    session = db.session.get(StudySession, e.learner_id)
    if session is None:
        db.session.add(StudySession(learner_id=e.learner_id, window=window, enrolment_id=e.id, lesson_id=lesson.id,
                                    started_at=t))
    else:
        session.window, session.enrolment_id, session.lesson_id, session.started_at = window, e.id, lesson.id, t
    progress = db.session.get(LessonProgress, (e.id, lesson.id))
    if progress is None:
        progress = LessonProgress(enrolment_id=e.id, lesson_id=lesson.id, credited=0, position=0, unconfirmed=0,
                                  done=False)
        db.session.add(progress)
    progress.last_beat = t  # the clock starts now: time before this window earns nothing
    db.session.flush()
    return window, Beat(OK, progress.credited, progress.position, lesson.seconds, progress.done)


def _postgresql() -> bool:
    return db.session.get_bind().dialect.name == 'postgresql'


def _current(learner_id: int):
    """The learner's window, lesson and progress in one row. On PostgreSQL the same statement lets this transaction
    commit without waiting for the WAL to reach the disk (10 ms of the 11 a heartbeat's write costs on an SSD): a
    crash loses at most the last fraction of a second of credit, all or nothing, never the consistency."""
    extra = (func.set_config('synchronous_commit', 'off', True),) if _postgresql() else ()
    return db.session.execute(
        select(StudySession.window, StudySession.enrolment_id, StudySession.lesson_id, LessonProgress.credited,
               LessonProgress.position, LessonProgress.last_beat, LessonProgress.unconfirmed, LessonProgress.done,
               Lesson.seconds, *extra)
        .join(LessonProgress, and_(LessonProgress.enrolment_id == StudySession.enrolment_id,
                                   LessonProgress.lesson_id == StudySession.lesson_id))
        .join(Lesson, Lesson.id == StudySession.lesson_id)
        .where(StudySession.learner_id == learner_id)).first()


def _write(row, **values) -> None:
    if values.get('done') and _postgresql():  # finishing a lesson (maybe the course) commits durably
        db.session.execute(text('SET LOCAL synchronous_commit = on'))
    db.session.execute(update(LessonProgress).where(LessonProgress.enrolment_id == row.enrolment_id,
                                                    LessonProgress.lesson_id == row.lesson_id).values(**values))


def beat(learner_id: int, window: str, position: float) -> Beat:
    """One heartbeat of *window* at play *position* (seconds)."""
    row = _current(learner_id)
    if row is None or row.window != window:
        credited = row.credited if row is not None else 0
        return Beat(REPLACED, credited, credited, row.seconds if row else 0, False, message=str(MESSAGES[REPLACED]))
    position = position if math.isfinite(position) else 0.0
    position = min(max(position, 0.0), float(row.seconds))
    if row.done:
        if abs(position - row.position) >= 1:
            _write(row, position=position)
        return Beat(DONE, row.credited, position, row.seconds, True)
    max_step, slack, prompt = _settings()
    if row.unconfirmed >= prompt:
        return Beat(IDLE, row.credited, row.position, row.seconds, False, message=str(
            _l('系统检测到您已学习了%(minutes)s分钟，需要您点击下方按钮继续学习', minutes=int(row.unconfirmed // 60))))
    t = now()
    step = min(max(t - (row.last_beat or t), 0.0), max_step)
    gain = position - row.credited
    if gain > step + slack:  # ahead of what the clock allows: skipped forward
        return Beat(SEEK, row.credited, row.position, row.seconds, False, message=str(MESSAGES[SEEK]))
    credit = max(0.0, min(gain, step))
    if credit == 0 and abs(position - row.position) < 1:
        return Beat(OK, row.credited, row.position, row.seconds, False)  # paused: nothing to write
    credited = row.credited + credit
    done = credited >= row.seconds - DONE_TOLERANCE
    if done:
        credited = float(row.seconds)
    values = dict(position=position, done=done)
    if credit > 0:
        values.update(credited=credited, last_beat=t, unconfirmed=row.unconfirmed + credit)
    _write(row, **values)
    course_done = False
    if done:
        e = db.session.get(CourseEnrolment, row.enrolment_id)
        course_done = ops.complete(e) is not None
    return Beat(DONE if done else OK, credited, position, row.seconds, done, course_done)


def confirm(learner_id: int, window: str) -> Beat:
    """继续学习: the learner is there. Credit resumes from now (the prompt's time earns nothing)."""
    row = _current(learner_id)
    if row is None or row.window != window:
        return Beat(REPLACED, 0, 0, 0, False, message=str(MESSAGES[REPLACED]))
    _write(row, unconfirmed=0, last_beat=now())
    return Beat(OK, row.credited, row.position, row.seconds, row.done)
