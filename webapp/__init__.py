"""CreditFlow (学时通) Flask application factory."""
from flask import Flask, has_request_context, make_response, redirect, render_template, request, session, url_for
from flask.globals import request_ctx
from flask.signals import message_flashed
from flask_login import login_required

from .config import Config, load_secret_key, refuse_unsafe
from .extensions import babel, csrf, db, login_manager, migrate
from .faults import locked, transient
from .formatting import format_hours, format_local_time, format_outcome, format_process_name, format_version_status
from .i18n import _l, translated
from . import hours  # noqa: F401 - its session events keep the hours counter right
from .permissions import current_membership
from .vendor import bp as vendor_bp, content_security_policy
from .workflow import catalog


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(Config)
    if config:
        app.config.update(config)
    load_secret_key(app.config)
    refuse_unsafe(app.config)  # outside tests: no forgeable sessions
    configure_extensions(app)
    configure_blueprints(app)
    configure_request_boundary(app)
    configure_templates(app)
    from .cli import register_commands
    register_commands(app)
    return app


def configure_extensions(app: Flask) -> None:
    from pathlib import Path

    from sqlalchemy import event

    db.init_app(app)
    if app.config['SQLALCHEMY_DATABASE_URI'].startswith('sqlite'):
        with app.app_context():
            event.listen(db.engine, 'connect', _sqlite_pragmas)
            event.listen(db.engine, 'begin', _sqlite_begin_immediate)
    elif app.config['SQLALCHEMY_DATABASE_URI'].startswith('postgresql'):
        with app.app_context():
            event.listen(db.engine, 'connect', _postgresql_custom_plans)
    migrate.init_app(app, db, directory=str(Path(__file__).resolve().parents[1] / 'models' / 'migrations'),
                     render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    # Outside a request (`flask worker`, commands, tests in an app context) texts come out in the default language.
    babel.init_app(app, locale_selector=lambda: (session.get('lang') if has_request_context() else None)
                   or app.config['BABEL_DEFAULT_LOCALE'])


def _sqlite_pragmas(dbapi_connection, _record):
    """WAL lets readers and one writer work at once (several gunicorn workers on a laptop); wait for locks."""
    dbapi_connection.isolation_level = None  # transactions are begun by _sqlite_begin_immediate
    cursor = dbapi_connection.cursor()
    cursor.execute('PRAGMA journal_mode=WAL')
    cursor.execute('PRAGMA busy_timeout=5000')
    cursor.execute('PRAGMA foreign_keys=ON')
    cursor.close()


def _postgresql_custom_plans(dbapi_connection, _record):
    """Plan every statement for its own values. psycopg prepares a statement once it has run five times, and
    PostgreSQL may then keep one generic plan for every value: a list's best plan depends on how big the scope is and
    how common the searched name (on a million claims a department's page 50 went from 1 ms to 3 s on the generic
    plan; bench/claim_lists.py repeats each page to show it)."""
    autocommit = dbapi_connection.autocommit
    dbapi_connection.autocommit = True
    dbapi_connection.execute('SET plan_cache_mode = force_custom_plan')
    dbapi_connection.autocommit = autocommit


def _sqlite_begin_immediate(connection):
    """Writing transactions take SQLite's write lock when they begin: concurrent writers then wait their turn
    (busy_timeout) instead of failing with "database is locked" when both upgrade from reading to writing.
    Page views (GET) only read, and WAL lets them run beside a writer."""
    read_only = has_request_context() and request.method in ('GET', 'HEAD', 'OPTIONS')
    connection.exec_driver_sql('BEGIN' if read_only else 'BEGIN IMMEDIATE')


def configure_blueprints(app: Flask) -> None:
    from flask import Blueprint

    from .auth import bp as auth_bp
    from .certificates import bp as certificates_bp, verify_bp
    from .claims import bp as claims_bp
    from .courses import bp as courses_bp
    from .enrolment import bp as enrolment_bp
    from .imports import bp as imports_bp
    from .inbox import bp as inbox_bp
    from .learning import api as learning_api, bp as learning_bp
    from .notifications import bp as notifications_bp
    from .oversight import bp as oversight_bp
    from .profile import bp as profile_bp
    from .province import bp as province_bp
    from .registration import bp as registration_bp
    from .rollout import bp as rollout_bp
    from .supplements import bp as supplements_bp
    from .transfers import bp as transfers_bp
    from .unit import bp as unit_bp
    from .workbench import bp as workbench_bp

    main = Blueprint('main', __name__)

    @main.route('/')
    @login_required
    def home():
        m = current_membership()
        if m is None:
            return render_template('errors/no_role.html'), 403
        if m.role == 'learner':
            return redirect(url_for('claims.my_claims'))
        return redirect(url_for('inbox.todo'))

    for bp in (main, vendor_bp, auth_bp, claims_bp, imports_bp, inbox_bp, notifications_bp, province_bp, supplements_bp,
               unit_bp, learning_bp, learning_api, courses_bp, certificates_bp, verify_bp, enrolment_bp, profile_bp,
               registration_bp, transfers_bp, rollout_bp, workbench_bp, oversight_bp):
        app.register_blueprint(bp)


def configure_request_boundary(app: Flask) -> None:
    """One request = one transaction: commit when the request succeeded, roll back otherwise. A failed request shows
    none of the messages it queued (nothing was saved); a lost database shows the outage page, which needs none."""
    from flask_wtf.csrf import CSRFError
    from sqlalchemy.exc import DataError, IntegrityError, InterfaceError, OperationalError
    from sqlalchemy.orm.exc import StaleDataError

    message_flashed.connect(_remember_flash, app)

    def error_page(code: int, title):
        # Roll back first: after a database error (an aborted PostgreSQL transaction) the page itself still queries.
        db.session.rollback()
        _drop_queued_flashes()
        try:
            return render_template('errors/error.html', code=code, title=str(title)), code
        except Exception as error:  # the page reads who is signed in and the inbox counts: the database went away
            if not transient(error):
                raise
            return outage()

    def outage(error=None):
        """The database is restarting or out of reach: a page rendered without it (not base.html, whose navigation
        loads the signed-in user), in the reader's language, asking to retry."""
        db.session.rollback()
        _drop_queued_flashes()
        page = app.jinja_env.get_template('errors/unavailable.html').render(
            retry=request.full_path.rstrip('?') if request.method == 'GET' else None)
        response = make_response(page, 503)
        response.headers['Retry-After'] = str(RETRY_AFTER_SECONDS)
        return response

    def conflict(error=None):
        # A unique or foreign key the checks before it did not see (someone else's request committed in between).
        return error_page(409, _l('数据已被他人同时修改，请刷新后重试'))

    def not_storable(error=None):
        # The database refused a value when the request's work was written (a number or a text beyond its column):
        # nothing was saved, so no success message either (error_page takes back what the view queued).
        return error_page(422, _l('提交的内容超出了允许的范围（数值过大或文字过长），未保存任何内容，请检查后重试'))

    @app.after_request
    def commit(response):
        if response.status_code < 400:
            # Raised here, after the view, no error handler would see these: a bare 500 with the view's success flash.
            try:
                db.session.commit()
            except IntegrityError:
                response = make_response(conflict())
            except DataError:
                response = make_response(not_storable())
            except Exception as error:  # the connection was lost at COMMIT …: nothing was saved, say nothing was
                _drop_queued_flashes()
                if not transient(error):
                    raise  # the 500 page
                response = make_response(busy(error))
        else:
            db.session.rollback()
        response.headers.setdefault('X-Content-Type-Options', 'nosniff')  # uploaded files are served as typed
        response.headers.setdefault('X-Frame-Options', 'DENY')
        response.headers.setdefault('Referrer-Policy', 'same-origin')
        if response.mimetype == 'text/html':  # pages (not PDFs: Chrome's viewer is a plugin that object-src bars)
            response.headers.setdefault('Content-Security-Policy', content_security_policy())
        return response

    @app.before_request
    def refuse_nul_bytes():
        # PostgreSQL cannot store NUL in text; no honest form input contains one.
        values = [*request.args.values(), *(request.form.values() if request.method == 'POST' else ())]
        if any('\x00' in value for value in values):
            return error_page(400, _l('输入包含无效字符'))

    @app.teardown_request
    def rollback(exc):
        if exc is not None:
            db.session.rollback()

    for code, title in ((403, _l('没有权限')), (404, _l('页面不存在')), (405, _l('请求方式不允许')),
                        (413, _l('上传的文件太大')), (400, _l('请求无效')),
                        (415, _l('请求格式无效：请在页面上填写并提交表单'))):
        app.register_error_handler(code, lambda error, code=code, title=title: error_page(code, title))

    @app.errorhandler(500)
    def server_error(error):
        if transient(getattr(error, 'original_exception', None)):  # e.g. the connection lost in the middle
            return outage()
        return error_page(500, _l('系统错误'))

    # Someone else's save of the same workflow instance came first (version column).
    app.register_error_handler(StaleDataError, lambda error: error_page(409, _l('该事项已被他人处理，请刷新后查看最新状态')))
    app.register_error_handler(IntegrityError, conflict)
    app.register_error_handler(CSRFError, lambda error: error_page(400, _l('页面已过期，请刷新后重试')))

    @app.errorhandler(OverflowError)
    @app.errorhandler(DataError)
    def out_of_range(error):
        # e.g. an id beyond the database integer range typed into a URL or a hidden field
        return error_page(400, _l('请求参数无效'))

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def busy(error):
        # Whatever the view announced was not saved: error_page and outage take its messages back.
        # SQLite refuses a second writer past the busy timeout ("database is locked"): the other person's action won.
        if locked(error):
            return error_page(409, _l('该事项正被他人同时处理，请刷新后查看最新状态'))
        return outage(error)


RETRY_AFTER_SECONDS = 5  # PostgreSQL restarts in 0.3–4.4 s


def _remember_flash(app: Flask, message, category, **extra) -> None:
    """What this request queued (flask.flash), so that a failure can take it back."""
    request.environ.setdefault('creditflow.flashes', []).append((category, message))


def _drop_queued_flashes() -> None:
    """Nothing this request did was saved: take back the messages it queued (the success a view announced before
    the commit failed), whether still in the session or already taken by a page it rendered. Messages queued by
    earlier requests stay."""
    queued = request.environ.pop('creditflow.flashes', None)
    if not queued:
        return
    if '_flashes' in session:
        left = _without(session['_flashes'], queued)
        if left:
            session['_flashes'] = left
        else:
            session.pop('_flashes')
    if request_ctx.flashes:
        request_ctx.flashes = _without(request_ctx.flashes, queued)


def _without(messages: list, queued: list) -> list:
    left = list(messages)
    for message in reversed(queued):
        for i in range(len(left) - 1, -1, -1):
            if tuple(left[i]) == message:
                del left[i]
                break
    return left


def configure_templates(app: Flask) -> None:
    from models import imports, mask_id_number, workflow

    @app.context_processor
    def inject():
        m = current_membership()
        count = unread = 0
        if m is not None:
            from .inbox.views import todo_count
            from .notifications.reminders import unread_count
            count, unread = todo_count(m), unread_count(m.user_id)
        return {'membership': m, 'todo_count': count, 'unread_count': unread, 'request': request}

    app.jinja_env.filters['mask'] = mask_id_number
    app.jinja_env.filters['hours'] = format_hours
    app.jinja_env.filters['localtime'] = format_local_time
    app.jinja_env.filters['outcome'] = format_outcome
    app.jinja_env.filters['version_status'] = format_version_status
    app.jinja_env.filters['process_name'] = format_process_name
    app.jinja_env.filters['translated'] = translated
    app.jinja_env.filters['status_color'] = catalog.status_color  # a status badge's colour, by what it means
    app.jinja_env.globals['roles'] = catalog.ROLES  # role names in the reader's language (Membership.label: the log's)
    # Templates ask what a status means, never spell it: `{% if t is waiting %}`, `{% if c is editable_draft %}`.
    tests = app.jinja_env.tests
    tests['waiting'] = lambda subject: subject.outcome == catalog.PENDING
    tests['draft_status'] = lambda label: catalog.STATUSES.get(label) == catalog.DRAFT  # a label meaning a draft
    tests['editable_draft'] = lambda subject: subject.outcome in (catalog.DRAFT, catalog.RETURNED)  # owner may send it
    tests['draft_version'] = lambda version: version.status == workflow.DRAFT  # a process or credit-table version
    # A background job's status (imports, impact previews, migration batches): `{% if job.status is job_done %}`.
    tests['job_active'] = lambda status: status in (imports.PENDING, imports.RUNNING)
    tests['job_pending'] = lambda status: status == imports.PENDING
    tests['job_running'] = lambda status: status == imports.RUNNING
    tests['job_done'] = lambda status: status == imports.DONE
    tests['job_failed'] = lambda status: status == imports.FAILED
    app.jinja_env.add_extension('jinja2.ext.do')
