"""Course pages. Learners: 学习首页 (学习成绩 and my courses), 选择课程 (tree, search, sort, 加入 / 批量加入), a course's
lessons, the player (heartbeats as JSON), the quiz, the lesson file (HTTP ranges). Province staff: courses, lessons,
quiz questions, publishing."""
from flask import abort, current_app, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from models import Lesson, db
from models.learning import LEARNING_CATEGORIES
from models.people import LEARNER, PROVINCE_ADMIN

from ..evidence import file_path
from ..pagination import paginate
from ..permissions import current_membership, role_required
from ..refusals import Refused, refused
from . import bp, operations as ops, queries, study
from .forms import ActionForm, ChooseForm, CourseForm, HeartbeatForm, LessonForm, QuestionForm, quiz_form
from .panel import score_panel


def _enrolled_or_redirect(m):
    """The year she studies for, or a redirect to 学员报名 (enrol first)."""
    try:
        return ops.require_enrolled(m), None
    except ops.NotEnrolled as exc:
        flash(str(exc.message), 'warning')
        return None, redirect(url_for('enrolment.mine'))


def _labels():
    return {key: _(label) for key, label in LEARNING_CATEGORIES.items()}


@bp.route('/learning/study')
@login_required
@role_required(LEARNER)
def home():
    m = current_membership()
    year, away = _enrolled_or_redirect(m)
    if away:
        return away
    which = request.args.get('which', 'all')
    return render_template('courses/home.html', year=year, panel=score_panel(m, year), which=which,
                           courses=queries.my_courses(m.user_id, year, which if which in ('todo', 'done') else 'all'),
                           labels=_labels(), action_form=ActionForm())


@bp.route('/learning/courses')
@login_required
@role_required(LEARNER)
def choose():
    m = current_membership()
    year, away = _enrolled_or_redirect(m)
    if away:
        return away
    province_id = m.org.province.id
    tree = ops.areas(province_id)
    area_id = request.args.get('area', type=int)
    area = next((a for a in tree if a.id == area_id), None)
    q = (request.args.get('q') or '').strip()[:50]
    sort = request.args.get('sort', 'new')
    page = paginate(queries.catalogue(province_id, year, ops.subtree(tree, area.id) if area else None, q, sort))
    mine = {c.enrolment.course_id for c in queries.my_courses(m.user_id, year)}
    return render_template('courses/choose.html', tree=tree, area=area, q=q, sort=sort, page=page, mine=mine,
                           year=year, labels=_labels(), form=ChooseForm())


@bp.post('/learning/courses/add')
@login_required
@role_required(LEARNER)
def add():
    m = current_membership()
    form = ChooseForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            flash(str(errors[0]), 'danger')
        return redirect(request.referrer or url_for('courses.choose'))
    try:
        added = ops.add_courses(m, form.course_id.data)
    except ops.NotEnrolled as exc:
        refused(exc)
        return redirect(url_for('enrolment.mine'))
    except Refused as exc:
        refused(exc)
        return redirect(url_for('courses.choose'))
    flash(_('已加入 %(n)s 门课程', n=len(added)) if added else _('所选课程已在我的课程中'), 'success')
    return redirect(url_for('courses.home'))


def _my_enrolment(enrolment_id: int):
    e = ops.enrolment_of(current_membership(), enrolment_id)
    if e is None:
        abort(404)
    return e


@bp.post('/learning/study/<int:enrolment_id>/remove')
@login_required
@role_required(LEARNER)
def remove(enrolment_id: int):
    e = _my_enrolment(enrolment_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        ops.remove(current_membership(), e)
    except Refused as exc:
        refused(exc)
    else:
        flash(_('已删除课程'), 'success')
    return redirect(url_for('courses.home'))


@bp.route('/learning/study/<int:enrolment_id>')
@login_required
@role_required(LEARNER)
def course(enrolment_id: int):
    e = _my_enrolment(enrolment_id)
    progress = {p.lesson_id: p for p in queries.lesson_progress(e.id)}
    return render_template('courses/course.html', e=e, progress=progress, labels=_labels(),
                           lessons_done=ops.lessons_done(e))


@bp.route('/learning/study/<int:enrolment_id>/lessons/<int:lesson_id>')
@login_required
@role_required(LEARNER)
def player(enrolment_id: int, lesson_id: int):
    e = _my_enrolment(enrolment_id)
    lesson = db.session.get(Lesson, lesson_id)
    if lesson is None or lesson.course_id != e.course_id:
        abort(404)
    return render_template('courses/player.html', e=e, lesson=lesson, form=HeartbeatForm(),
                           heartbeat=study.heartbeat_seconds())


@bp.post('/learning/study/<int:enrolment_id>/lessons/<int:lesson_id>/start')
@login_required
@role_required(LEARNER)
def start(enrolment_id: int, lesson_id: int):
    e = _my_enrolment(enrolment_id)
    lesson = db.session.get(Lesson, lesson_id)
    if lesson is None or lesson.course_id != e.course_id or not ActionForm().validate_on_submit():
        abort(400)
    window, beat = study.start(e, lesson)
    return jsonify(window=window, **beat.as_dict())


@bp.post('/learning/study/beat')
@login_required
@role_required(LEARNER)
def beat():
    form = HeartbeatForm()
    if not form.validate_on_submit():
        return jsonify(state='invalid', message=_('请求无效')), 400
    result = study.beat(current_membership().user_id, form.window.data, float(form.position.data or 0))
    return jsonify(result.as_dict())


@bp.post('/learning/study/continue')
@login_required
@role_required(LEARNER)
def confirm():
    form = HeartbeatForm()
    if not form.validate_on_submit():
        return jsonify(state='invalid', message=_('请求无效')), 400
    return jsonify(study.confirm(current_membership().user_id, form.window.data).as_dict())


@bp.route('/learning/study/<int:enrolment_id>/quiz', methods=['GET', 'POST'])
@login_required
@role_required(LEARNER)
def quiz(enrolment_id: int):
    e = _my_enrolment(enrolment_id)
    if e.course.pass_mark is None:
        abort(404)
    form = quiz_form(e.course.questions)
    score = None
    if form.validate_on_submit():
        answers = {q.id: getattr(form, f'q{q.id}').data for q in e.course.questions}
        try:
            score = ops.take_quiz(current_membership(), e, answers)
        except Refused as exc:
            refused(exc)
        else:
            if score >= e.course.pass_mark:
                flash(_('测验得分 %(score)s 分，已合格，课程完成', score=score), 'success')
                return redirect(url_for('courses.home'))
            flash(_('测验得分 %(score)s 分，未达到合格分数 %(mark)s 分，请重新作答', score=score,
                    mark=e.course.pass_mark), 'warning')
    status = 422 if request.method == 'POST' and score is None else 200
    return render_template('courses/quiz.html', e=e, form=form, lessons_done=ops.lessons_done(e)), status


@bp.route('/learning/lessons/<int:lesson_id>/file')
@login_required
def lesson_file(lesson_id: int):
    """The lesson's video or document, with HTTP range requests (a player asks for the part it plays)."""
    lesson = db.session.get(Lesson, lesson_id)
    if lesson is None or not ops.may_see_lesson(current_membership(), lesson):
        abort(404)
    path = file_path(lesson.file_sha256)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=lesson.content_type, conditional=True, max_age=3600)
    response.headers['X-Frame-Options'] = 'SAMEORIGIN'  # a document lesson is shown in the study page's frame
    return response


# ---- province staff ---------------------------------------------------------------------------------------------

def _large_uploads():
    """A lesson's video may be larger than the app's request limit (MAX_CONTENT_LENGTH): its page, for a signed-in
    user, takes COURSE_MEDIA_MAX_BYTES. Runs before every other hook (the CSRF check reads the body first)."""
    if request.endpoint == 'courses.edit' and current_user.is_authenticated:
        request.max_content_length = current_app.config['COURSE_MEDIA_MAX_BYTES'] + 1024 * 1024


bp.record_once(lambda state: state.app.before_request_funcs.setdefault(None, []).insert(0, _large_uploads))


def _area_choices(province_id: int):
    return [(0, _('请选择'))] + [(a.id, ops.area_label(a)) for a in ops.areas(province_id)]


@bp.route('/province/courses', methods=['GET', 'POST'])
@login_required
@role_required(PROVINCE_ADMIN)
def manage():
    m = current_membership()
    form = CourseForm()
    form.area_id.choices = _area_choices(m.org_id)
    if form.validate_on_submit():
        try:
            created = ops.create_course(m, ops.CourseInput(form.title.data, form.area_id.data, form.hours.data,
                                                           form.first_year.data, form.last_year.data,
                                                           form.pass_mark.data))
        except Refused as exc:
            refused(exc, form)
        else:
            flash(_('已新增课程，请添加课件后发布'), 'success')
            return redirect(url_for('courses.edit', course_id=created.id))
    return render_template('courses/manage.html', form=form, page=paginate(queries.province_courses(m.org_id)),
                           labels=_labels()), 422 if request.method == 'POST' else 200


def _province_course(course_id: int):
    course = ops.course_of(current_membership().org_id, course_id)
    if course is None:
        abort(404)
    return course


@bp.route('/province/courses/<int:course_id>', methods=['GET', 'POST'])
@login_required
@role_required(PROVINCE_ADMIN)
def edit(course_id: int):
    m = current_membership()
    course = _province_course(course_id)
    lesson_form, question_form = LessonForm(prefix='lesson'), QuestionForm(prefix='question')
    failed = False
    if request.method == 'POST':
        what = request.form.get('what')
        if what == 'lesson' and lesson_form.validate_on_submit():
            failed = not _attempt(lambda: ops.add_lesson(m, course, lesson_form.title.data,
                                                         lesson_form.file.data.read(), lesson_form.seconds.data),
                                  lesson_form, _('已添加课件'))
        elif what == 'question' and question_form.validate_on_submit():
            failed = not _attempt(lambda: ops.add_question(m, course, question_form.text.data,
                                                           question_form.options.data.splitlines(),
                                                           question_form.answer.data),
                                  question_form, _('已添加测验题'))
        elif what == 'publish' and ActionForm().validate_on_submit():
            failed = not _attempt(lambda: ops.publish(m, course), None, _('课程已发布，学员可以选课学习'))
        else:
            failed = True
        if not failed:
            return redirect(url_for('courses.edit', course_id=course.id))
    return render_template('courses/edit.html', course=course, lesson_form=lesson_form, question_form=question_form,
                           action_form=ActionForm(), labels=_labels()), 422 if failed else 200


def _attempt(action, form, success: str) -> bool:
    try:
        action()
    except Refused as exc:
        refused(exc, form)
        return False
    flash(success, 'success')
    return True
